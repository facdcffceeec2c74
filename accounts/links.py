"""Signed links mailed to users, such as the email confirmation link.

A link token is signed with SECRET_KEY, expires after a set age, and carries
a fingerprint of the account state that the link may change. Using the link
changes that state, so the same link does not work twice.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing

from accounts.models import User
from houston.errors import HoustonError, StatusCode
from houston.ids import parse_uuid


class InvalidLink(HoustonError):
    code = StatusCode.INVALID_TOKEN
    default_message = "This link is invalid or has already been used."


class ExpiredLink(HoustonError):
    code = StatusCode.TOKEN_EXPIRED
    default_message = "This link has expired. Ask for a new one."


@dataclass(frozen=True)
class LinkPurpose:
    salt: str
    max_age_setting: str

    @property
    def max_age(self) -> timedelta:
        return getattr(settings, self.max_age_setting)


CONFIRM_EMAIL = LinkPurpose(
    salt="accounts.confirm-email", max_age_setting="EMAIL_CONFIRMATION_MAX_AGE"
)


def absolute_url(path: str) -> str:
    return settings.PUBLIC_URL + path


def _fingerprint(user: User, purpose: LinkPurpose) -> str:
    state = f"{purpose.salt}:{user.pk}:{user.email}:{user.email_confirmed}"
    return hashlib.sha256(state.encode()).hexdigest()[:20]


def make_link_token(user: User, purpose: LinkPurpose) -> str:
    return signing.dumps(
        {"user": str(user.public_id), "state": _fingerprint(user, purpose)},
        salt=purpose.salt,
    )


def read_link_token(token: str, purpose: LinkPurpose) -> User:
    """Return the user a link token was made for, or raise.

    Raises ExpiredLink when the token is older than the purpose allows, and
    InvalidLink when it is tampered with, names no active user, or was made
    before the account state changed, for example by an earlier use.
    """
    if not isinstance(token, str) or len(token) > 1024:
        raise InvalidLink()
    try:
        data = signing.loads(
            token, salt=purpose.salt, max_age=purpose.max_age.total_seconds()
        )
    except signing.SignatureExpired:
        raise ExpiredLink() from None
    except signing.BadSignature:
        raise InvalidLink() from None

    if not isinstance(data, dict):
        raise InvalidLink()
    user_id = parse_uuid(data.get("user"))
    state = data.get("state")
    if user_id is None or not isinstance(state, str):
        raise InvalidLink()

    user = User.objects.filter(public_id=user_id, is_active=True).first()
    if user is None or not hmac.compare_digest(state, _fingerprint(user, purpose)):
        raise InvalidLink()
    return user
