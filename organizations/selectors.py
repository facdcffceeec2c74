"""Reads of organizations, scoped to what the caller may see."""

from django.db.models import QuerySet

from houston.ids import parse_uuid
from organizations.models import ApiKey, Invitation, Organization
from organizations.permissions import (
    Action,
    organizations_where,
    visible_organizations,
)


def organization_list(*, user, org_id=None, user_id=None) -> QuerySet[Organization]:
    """Return the caller's organizations, narrowed by the optional filters.

    `user_id` may only name the caller: the organizations of another user
    are not the caller's to list, so that filter returns nothing.
    """
    organizations = visible_organizations(user)
    if org_id is not None:
        organizations = _with_public_id(organizations, org_id)
    if user_id is not None and parse_uuid(user_id) != user.public_id:
        return organizations.none()
    return organizations.order_by("created_at", "pk")


def invitation_list(*, user, org_id=None) -> QuerySet[Invitation]:
    """Return the open invitations of organizations the caller manages."""
    organizations = organizations_where(user, Action.MANAGE_MEMBERS)
    if org_id is not None:
        organizations = _with_public_id(organizations, org_id)
    return (
        Invitation.objects.pending()
        .filter(organization__in=organizations)
        .select_related("organization", "invited_by")
        .order_by("created_at", "pk")
    )


def api_key_list(*, user, org_id=None) -> QuerySet[ApiKey]:
    """Return the active API keys of organizations where the caller may
    manage them."""
    organizations = organizations_where(user, Action.MANAGE_API_KEYS)
    if org_id is not None:
        organizations = _with_public_id(organizations, org_id)
    return (
        ApiKey.objects.filter(organization__in=organizations, revoked_at__isnull=True)
        .select_related("organization", "created_by")
        .order_by("created_at", "pk")
    )


def _with_public_id(organizations: QuerySet[Organization], org_id):
    public_id = parse_uuid(org_id)
    if public_id is None:
        return organizations.none()
    return organizations.filter(public_id=public_id)


def find_invitation(organizations: QuerySet[Organization], value) -> Invitation | None:
    public_id = parse_uuid(value)
    if public_id is None:
        return None
    return (
        Invitation.objects.select_related("organization")
        .filter(organization__in=organizations, public_id=public_id)
        .first()
    )


def find_api_key(organizations: QuerySet[Organization], value) -> ApiKey | None:
    public_id = parse_uuid(value)
    if public_id is None:
        return None
    return (
        ApiKey.objects.select_related("organization")
        .filter(organization__in=organizations, public_id=public_id)
        .first()
    )
