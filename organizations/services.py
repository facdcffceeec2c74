"""Writes to organizations and their memberships."""

import logging

from django.db import transaction

from houston.errors import PermissionDenied
from houston.ids import parse_uuid
from organizations.models import Membership, Organization, Role

logger = logging.getLogger(__name__)


def organization_create(*, actor, name: str, owner_id=None) -> Organization:
    """Create an organization whose first Owner is `actor`.

    `owner_id`, when given, must be the public ID of `actor`, because a user
    can only create an organization for themself.
    """
    if owner_id is not None and parse_uuid(owner_id) != actor.public_id:
        raise PermissionDenied("You can only create an organization for yourself.")

    organization = Organization(name=name.strip())
    organization.full_clean()
    with transaction.atomic():
        organization.save()
        Membership.objects.create(
            organization=organization, user=actor, role=Role.OWNER
        )
    logger.info(
        "User %s created organization %s", actor.public_id, organization.public_id
    )
    return organization


def organization_update(
    *, actor, organization: Organization, name: str
) -> Organization:
    """Rename an organization. Raises ValidationError for an invalid name."""
    organization.name = name.strip()
    organization.full_clean()
    organization.save(update_fields=["name", "updated_at"])
    logger.info(
        "User %s updated organization %s", actor.public_id, organization.public_id
    )
    return organization
