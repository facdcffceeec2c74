"""Signed links mailed to users: email confirmation, password reset and
email change.

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
    """The action of a link: its salt, its lifetime and the user fields it
    changes.

    Using the link must change at least one of `state_fields`, which is what
    makes the link single use.
    """

    salt: str
    max_age_setting: str
    state_fields: tuple[str, ...]

    @property
    def max_age(self) -> timedelta:
        return getattr(settings, self.max_age_setting)


CONFIRM_EMAIL = LinkPurpose(
    salt="accounts.confirm-email",
    max_age_setting="EMAIL_CONFIRMATION_MAX_AGE",
    state_fields=("email", "email_confirmed"),
)

# The password hash changes when the link is used, and also when the user
# signs in with a password that Django rehashes, which ends the link early.
RESET_PASSWORD = LinkPurpose(
    salt="accounts.reset-password",
    max_age_setting="PASSWORD_RESET_MAX_AGE",
    state_fields=("email", "password"),
)

# A new request for another address, a cancellation and the switch itself
# all change `pending_email`.
CHANGE_EMAIL = LinkPurpose(
    salt="accounts.change-email",
    max_age_setting="EMAIL_CHANGE_MAX_AGE",
    state_fields=("email", "pending_email"),
)


def absolute_url(path: str) -> str:
    return settings.PUBLIC_URL + path


def _fingerprint(user: User, purpose: LinkPurpose) -> str:
    values = [str(getattr(user, name)) for name in purpose.state_fields]
    state = ":".join([purpose.salt, str(user.pk), *values])
    return hashlib.sha256(state.encode()).hexdigest()[:20]


def make_link_token(user: User, purpose: LinkPurpose) -> str:
    return signing.dumps(
        {"user": str(user.public_id), "state": _fingerprint(user, purpose)},
        salt=purpose.salt,
    )


def read_link_token(
    token: str, purpose: LinkPurpose, *, for_update: bool = False
) -> User:
    """Return the user a link token was made for, or raise.

    Raises ExpiredLink when the token is older than the purpose allows, and
    InvalidLink when it is tampered with, names no active user, or was made
    before the account state changed, for example by an earlier use.

    With `for_update`, the user's row stays locked until the transaction
    ends, so two concurrent uses of one link cannot both pass the check.
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

    users = User.objects.filter(public_id=user_id, is_active=True)
    if for_update:
        users = users.select_for_update()
    user = users.first()
    if user is None or not hmac.compare_digest(state, _fingerprint(user, purpose)):
        raise InvalidLink()
    return user
