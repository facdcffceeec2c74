"""Invitation links: signed, expiring, and valid only while the invitation
is pending and the link is the newest one sent."""

import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from accounts.links import ExpiredLink, InvalidLink, absolute_url
from houston.ids import parse_uuid
from houston.mail import send_templated_mail
from organizations.models import Invitation, Role

SALT = "organizations.invitation"


def _fingerprint(invitation: Invitation) -> str:
    # sent_at changes with each new link, and accepting or revoking changes
    # the other two, so any of them ends the older links.
    state = (
        f"{invitation.pk}:{invitation.email}:{invitation.sent_at.isoformat()}:"
        f"{invitation.accepted_at}:{invitation.revoked_at}"
    )
    return hashlib.sha256(state.encode()).hexdigest()[:20]


def make_token(invitation: Invitation) -> str:
    return signing.dumps(
        {"invitation": str(invitation.public_id), "state": _fingerprint(invitation)},
        salt=SALT,
    )


def read_token(token: str) -> Invitation:
    """Return the pending invitation that a link token was made for.

    Raises ExpiredLink after INVITATION_MAX_AGE, and InvalidLink for a
    tampered, superseded, accepted or revoked invitation's token.
    """
    if not isinstance(token, str) or len(token) > 1024:
        raise InvalidLink()
    try:
        data = signing.loads(
            token, salt=SALT, max_age=settings.INVITATION_MAX_AGE.total_seconds()
        )
    except signing.SignatureExpired:
        raise ExpiredLink() from None
    except signing.BadSignature:
        raise InvalidLink() from None

    if not isinstance(data, dict) or not isinstance(data.get("state"), str):
        raise InvalidLink()
    public_id = parse_uuid(data.get("invitation"))
    if public_id is None:
        raise InvalidLink()
    invitation = (
        Invitation.objects.select_related("organization")
        .filter(public_id=public_id)
        .first()
    )
    if invitation is None or not hmac.compare_digest(
        data["state"], _fingerprint(invitation)
    ):
        raise InvalidLink()
    return invitation


def send(invitation: Invitation) -> None:
    """Mail a new link for `invitation`, ending the links sent before."""
    invitation.sent_at = timezone.now()
    invitation.save()
    token = make_token(invitation)
    send_templated_mail(
        template="invitation",
        to=invitation.email,
        context={
            "invitation": invitation,
            "organization": invitation.organization,
            "inviter": invitation.invited_by,
            "role": Role(invitation.role).label,
            "link": absolute_url(reverse("accept-invitation", args=[token])),
            "token": token,
            "max_age_days": settings.INVITATION_MAX_AGE.days,
        },
    )
