"""JSON Web Tokens for signed-in users, built on django-graphql-jwt.

A token's claims are `id` (the user's public id), `email`, `iat`, `exp` and
`origIat`, the time of the sign-in that the token descends from. Tokens
expire JWT_EXPIRATION_DELTA (24 hours) after they are issued, and the expiry
is verified on every request (`JWT_VERIFY_EXPIRATION`).
"""

from django.utils import timezone
from graphql_jwt.exceptions import JSONWebTokenError, JSONWebTokenExpired
from graphql_jwt.settings import jwt_settings
from graphql_jwt.utils import get_payload, jwt_encode

from accounts.models import User
from houston.errors import HoustonError, StatusCode
from houston.ids import parse_uuid


class InvalidToken(HoustonError):
    code = StatusCode.INVALID_TOKEN
    default_message = "The token is invalid. Create a new one with createToken."


class ExpiredToken(HoustonError):
    code = StatusCode.TOKEN_EXPIRED
    default_message = "The token has expired. Create a new one with createToken."


def token_payload(user: User, context=None) -> dict:
    """Build the claims of a new token for `user`."""
    issued_at = int(timezone.now().timestamp())
    lifetime = int(jwt_settings.JWT_EXPIRATION_DELTA.total_seconds())
    return {
        "id": str(user.public_id),
        "email": user.email,
        "iat": issued_at,
        "exp": issued_at + lifetime,
        "origIat": issued_at,
    }


def token_issue(user: User) -> tuple[str, dict]:
    """Return a new signed token for `user` and its claims."""
    payload = token_payload(user)
    return jwt_encode(payload), payload


def token_user(token: str) -> User:
    """Return the active user that a token was issued to.

    Raises ExpiredToken when the token is past its `exp`, and InvalidToken
    when it is malformed, badly signed, or names no active user.
    """
    try:
        payload = get_payload(token)
    except JSONWebTokenExpired:
        raise ExpiredToken() from None
    except JSONWebTokenError:
        raise InvalidToken() from None

    user_id = parse_uuid(payload.get("id"))
    if user_id is None:
        raise InvalidToken()
    try:
        return User.objects.get(public_id=user_id, is_active=True)
    except User.DoesNotExist:
        raise InvalidToken() from None
