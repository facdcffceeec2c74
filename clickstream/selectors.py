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


def connection_list(*, user, org_id=None) -> QuerySet[Connection]:
    connections = _in_organization(
        Connection.objects.all(), visible_organizations(user), org_id, "organization"
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


def prototype_list(*, integration_code=None) -> QuerySet[ClickstreamPrototype]:
    prototypes = ClickstreamPrototype.objects.all()
    if integration_code is not None:
        if not is_integration_code(integration_code):
            return prototypes.none()
        prototypes = prototypes.filter(integration_code=integration_code)
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


def connection_get(*, organization: Organization, connection_id) -> Connection | None:
    public_id = parse_uuid(connection_id)
    if public_id is None:
        return None
    return Connection.objects.filter(
        organization=organization, public_id=public_id
    ).first()
