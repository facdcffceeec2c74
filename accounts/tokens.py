"""JSON Web Tokens for signed-in users, built on django-graphql-jwt.

A token's claims are `id` (the user's public id), `email`, `iat`, `exp`,
`origIat`, the time of the sign-in that the token descends from, and `ver`,
the user's token version when the token was issued. Tokens expire
JWT_EXPIRATION_DELTA (24 hours) after they are issued, and the expiry is
verified on every request (`JWT_VERIFY_EXPIRATION`).

Every request also compares `ver` with the user's current `token_version`.
A password change or reset, revokeTokens and deactivation raise the version,
which ends every token issued before, at once and without a list of revoked
tokens to keep.
"""

import jwt
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


class RevokedToken(InvalidToken):
    default_message = (
        "The token was ended by a password change, a sign-out everywhere or a "
        "deactivation. Create a new one with createToken."
    )


def token_decode(token: str, context=None) -> dict:
    """Decode and verify a token, which must carry `exp` and `iat`.

    django-graphql-jwt's own decoder accepts a token without `exp` as one
    that never expires; Houston never issues such a token, so one that
    arrives is forged or foreign and is rejected.
    """
    return jwt.decode(
        token,
        jwt_settings.JWT_SECRET_KEY,
        algorithms=[jwt_settings.JWT_ALGORITHM],
        options={"require": ["exp", "iat"], "verify_exp": True},
        leeway=jwt_settings.JWT_LEEWAY,
    )


def token_payload(user: User, context=None, *, orig_iat: int | None = None) -> dict:
    """Build the claims of a new token for `user`.

    `orig_iat` is the sign-in time of the token being refreshed; a new
    sign-in leaves it out.
    """
    issued_at = int(timezone.now().timestamp())
    lifetime = int(jwt_settings.JWT_EXPIRATION_DELTA.total_seconds())
    return {
        "id": str(user.public_id),
        "email": user.email,
        "iat": issued_at,
        "exp": issued_at + lifetime,
        "origIat": issued_at if orig_iat is None else orig_iat,
        "ver": user.token_version,
    }


def token_issue(user: User, *, orig_iat: int | None = None) -> tuple[str, dict]:
    """Return a new signed token for `user` and its claims."""
    payload = token_payload(user, orig_iat=orig_iat)
    return jwt_encode(payload), payload


def token_claims(token: str) -> tuple[User, dict]:
    """Return the active user that a token was issued to, and its claims.

    Raises ExpiredToken when the token is past its `exp`, and InvalidToken
    when it is malformed, badly signed, or names no active user. Raises
    RevokedToken when the user's token version has changed since the token
    was issued.
    """
    if not isinstance(token, str) or len(token) > 4096:
        raise InvalidToken()
    try:
        payload = get_payload(token)
    except JSONWebTokenExpired:
        raise ExpiredToken() from None
    except JSONWebTokenError:
        raise InvalidToken() from None

    user_id = parse_uuid(payload.get("id"))
    version = payload.get("ver")
    if user_id is None or type(version) is not int:
        raise InvalidToken()
    try:
        user = User.objects.get(public_id=user_id, is_active=True)
    except User.DoesNotExist:
        raise InvalidToken() from None
    if version != user.token_version:
        raise RevokedToken()
    return user, payload


def token_user(token: str) -> User:
    """Return the active user that a token was issued to, or raise.

    See `token_claims` for the errors.
    """
    return token_claims(token)[0]


def token_refresh(token: str) -> tuple[str, dict]:
    """Return a new token with a full lifetime in place of a valid one.

    The new token keeps the `origIat` of the sign-in, and refreshing stops
    JWT_REFRESH_EXPIRATION_DELTA (7 days) after it, so a stolen token cannot
    be kept alive for ever. Raises like `token_claims`, and ExpiredToken
    past the refresh window.
    """
    user, payload = token_claims(token)
    orig_iat = payload.get("origIat")
    if type(orig_iat) is not int:
        raise InvalidToken()
    window = jwt_settings.JWT_REFRESH_EXPIRATION_DELTA.total_seconds()
    if timezone.now().timestamp() >= orig_iat + window:
        raise ExpiredToken(
            "The token can no longer be refreshed, because the sign-in it "
            "comes from is too old. Create a new one with createToken."
        )
    return token_issue(user, orig_iat=orig_iat)
