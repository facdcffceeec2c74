"""Reads of clickstream objects, scoped to what the caller may see."""

import re

from django.db.models import QuerySet

from clickstream.models import (
    SOURCE_ID_ALPHABET,
    SOURCE_ID_LENGTH,
    Application,
    ClickstreamPrototype,
    Connection,
    Integration,
)
from houston.ids import parse_uuid
from organizations.models import Organization
from organizations.permissions import visible_organizations

SOURCE_ID_PATTERN = re.compile(
    f"[{re.escape(SOURCE_ID_ALPHABET)}]{{{SOURCE_ID_LENGTH}}}"
)
INTEGRATION_CODE_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def is_source_id(value) -> bool:
    return isinstance(value, str) and SOURCE_ID_PATTERN.fullmatch(value) is not None


def is_integration_code(value) -> bool:
    return (
        isinstance(value, str) and INTEGRATION_CODE_PATTERN.fullmatch(value) is not None
    )


def _in_organization(queryset: QuerySet, organizations, org_id, path: str):
    """Narrow `queryset` to the given organizations, and to `org_id` if set."""
    queryset = queryset.filter(**{f"{path}__in": organizations})
    if org_id is not None:
        public_id = parse_uuid(org_id)
        if public_id is None:
            return queryset.none()
        queryset = queryset.filter(**{f"{path}__public_id": public_id})
    return queryset


def application_list(*, user, org_id=None, app_id=None) -> QuerySet[Application]:
    applications = _in_organization(
        Application.objects.all(), visible_organizations(user), org_id, "organization"
    )
    if app_id is not None:
        if not is_source_id(app_id):
            return applications.none()
        applications = applications.filter(source_id=app_id)
    return applications.order_by("created_at", "pk")


def connection_list(
    *, user, org_id=None, connection_id=None, integration_code=None
) -> QuerySet[Connection]:
    """Return the connections of the caller's organizations.

    `integration_code` keeps the connections that integrations of that
    destination can use: those of the destination's connection prototype,
    whichever destination they were created for.
    """
    connections = _in_organization(
        Connection.objects.all(), visible_organizations(user), org_id, "organization"
    )
    if connection_id is not None:
        public_id = parse_uuid(connection_id)
        if public_id is None:
            return connections.none()
        connections = connections.filter(public_id=public_id)
    if integration_code is not None:
        if not is_integration_code(integration_code):
            return connections.none()
        connections = connections.filter(
            connection_prototype__destinations__integration_code=integration_code
        )
    return connections.order_by("created_at", "pk")


def integration_list(*, user, org_id=None, app_id=None) -> QuerySet[Integration]:
    integrations = _in_organization(
        Integration.objects.all(),
        visible_organizations(user),
        org_id,
        "application__organization",
    )
    if app_id is not None:
        if not is_source_id(app_id):
            return integrations.none()
        integrations = integrations.filter(application__source_id=app_id)
    return integrations.order_by("created_at", "pk")


def prototype_list(
    *, integration_code=None, category=None, deprecated=None
) -> QuerySet[ClickstreamPrototype]:
    prototypes = ClickstreamPrototype.objects.all()
    if integration_code is not None:
        if not is_integration_code(integration_code):
            return prototypes.none()
        prototypes = prototypes.filter(integration_code=integration_code)
    if category is not None:
        # Categories have the same form as integration codes.
        if not is_integration_code(category):
            return prototypes.none()
        prototypes = prototypes.filter(category=category)
    if deprecated is not None:
        prototypes = prototypes.filter(deprecated=deprecated)
    return prototypes.order_by("name", "integration_code")


def prototype_get(integration_code) -> ClickstreamPrototype | None:
    if not is_integration_code(integration_code):
        return None
    return ClickstreamPrototype.objects.filter(
        integration_code=integration_code
    ).first()


def find_application(organizations: QuerySet[Organization], value):
    """Return the application with Source ID `value` in `organizations`."""
    if not is_source_id(value):
        return None
    return (
        Application.objects.select_related("organization")
        .filter(organization__in=organizations, source_id=value)
        .first()
    )


def find_connection(organizations: QuerySet[Organization], value):
    """Return the connection with public ID `value` in `organizations`."""
    public_id = parse_uuid(value)
    if public_id is None:
        return None
    return (
        Connection.objects.select_related("organization", "connection_prototype")
        .filter(organization__in=organizations, public_id=public_id)
        .first()
    )


def find_integration(organizations: QuerySet[Organization], value):
    """Return the integration with public ID `value` in `organizations`."""
    public_id = parse_uuid(value)
    if public_id is None:
        return None
    return (
        Integration.objects.select_related(
            "application__organization", "destination", "connection"
        )
        .filter(application__organization__in=organizations, public_id=public_id)
        .first()
    )


def connection_get(
    *, organization: Organization, connection_id, lock: bool = False
) -> Connection | None:
    """Return the connection `connection_id` of `organization`.

    With `lock`, the row stays locked until the transaction ends, so it
    cannot be deleted meanwhile.
    """
    public_id = parse_uuid(connection_id)
    if public_id is None:
        return None
    connections = Connection.objects.select_related("connection_prototype")
    if lock:
        connections = connections.select_for_update(of=("self",))
    return connections.filter(organization=organization, public_id=public_id).first()
