"""Reads of organizations, scoped to what the caller may see."""

from django.db.models import QuerySet

from houston.ids import parse_uuid
from organizations.models import Organization
from organizations.permissions import visible_organizations


def organization_list(*, user, org_id=None, user_id=None) -> QuerySet[Organization]:
    """Return the caller's organizations, narrowed by the optional filters.

    `user_id` may only name the caller: the organizations of another user
    are not the caller's to list, so that filter returns nothing.
    """
    organizations = visible_organizations(user)
    if org_id is not None:
        public_id = parse_uuid(org_id)
        if public_id is None:
            return organizations.none()
        organizations = organizations.filter(public_id=public_id)
    if user_id is not None and parse_uuid(user_id) != user.public_id:
        return organizations.none()
    return organizations.order_by("created_at", "pk")
