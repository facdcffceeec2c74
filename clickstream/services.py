"""Writes to clickstream sources, connections and integrations."""

import logging

from django.core.exceptions import ValidationError

from clickstream import selectors
from clickstream.models import (
    Application,
    ClickstreamPrototype,
    Connection,
    Integration,
)
from clickstream.validation import clean_payload
from houston.errors import FieldErrorCode, NotFound
from houston.ids import parse_uuid
from organizations.models import Organization

logger = logging.getLogger(__name__)


def application_create(
    *, actor, organization: Organization, name: str, platform: str
) -> Application:
    """Register a clickstream source and give it a new Source ID."""
    application = Application(
        organization=organization, name=name.strip(), platform=platform
    )
    application.full_clean(exclude=["source_id"])
    application.save()
    logger.info(
        "User %s created application %s in organization %s",
        actor.public_id,
        application.source_id,
        organization.public_id,
    )
    return application


def connection_create(
    *,
    actor,
    organization: Organization,
    integration_code: str,
    details,
    name: str | None = None,
    connection_prototype_id=None,
) -> Connection:
    """Store the credentials for a destination in an organization.

    `details` is checked against the destination's connection prototype.
    `connection_prototype_id`, when given, must be that prototype's ID.
    """
    destination = _destination(integration_code)
    prototype = destination.connection_prototype
    if (
        connection_prototype_id is not None
        and parse_uuid(connection_prototype_id) != prototype.public_id
    ):
        raise ValidationError(
            {
                "connection_prototype_id": ValidationError(
                    f"The {destination.name} destination uses the connection "
                    f"prototype {prototype.public_id} ({prototype.name}).",
                    code=FieldErrorCode.INVALID.value,
                )
            }
        )

    connection = Connection(
        organization=organization,
        destination=destination,
        connection_prototype=prototype,
        name=_name_or_default(name, destination),
    )
    connection.details = _clean(
        connection, details, prototype.fields.all(), path="details"
    )
    connection.save()
    logger.info(
        "User %s created connection %s for %s in organization %s",
        actor.public_id,
        connection.public_id,
        destination.integration_code,
        organization.public_id,
    )
    return connection


def integration_create(
    *,
    actor,
    application: Application,
    integration_code: str,
    config_payload,
    connection_id,
    name: str | None = None,
) -> Integration:
    """Route a source's events to a destination through a connection.

    The connection must belong to the source's organization and hold
    credentials of the kind the destination uses.
    """
    destination = _destination(integration_code)
    connection = selectors.connection_get(
        organization=application.organization, connection_id=connection_id
    )
    if connection is None:
        raise NotFound(
            "No connection with this ID was found in the source's organization.",
            field="connectionId",
        )
    if connection.connection_prototype_id != destination.connection_prototype_id:
        raise ValidationError(
            {
                "connection_id": ValidationError(
                    f"This connection holds credentials for "
                    f"{connection.connection_prototype.name}, but {destination.name} "
                    f"needs {destination.connection_prototype.name}.",
                    code=FieldErrorCode.INVALID.value,
                )
            }
        )

    integration = Integration(
        application=application,
        destination=destination,
        connection=connection,
        name=_name_or_default(name, destination),
    )
    integration.config = _clean(
        integration,
        config_payload,
        destination.config_fields.all(),
        path="config_payload",
    )
    integration.save()
    logger.info(
        "User %s created integration %s from application %s to %s",
        actor.public_id,
        integration.public_id,
        application.source_id,
        destination.integration_code,
    )
    return integration


def _destination(integration_code: str) -> ClickstreamPrototype:
    destination = selectors.prototype_get(integration_code)
    if destination is None:
        raise NotFound(
            "No destination with this integration code is in the catalog. "
            "List them with the clickstreamPrototypes query.",
            field="integrationCode",
        )
    return destination


def _name_or_default(name: str | None, destination: ClickstreamPrototype) -> str:
    if name is None or not name.strip():
        return destination.name
    return name.strip()


def _clean(instance, payload, fields, *, path: str) -> dict:
    """Validate the model's own fields and the payload together, so that the
    caller sees every problem at once."""
    errors = {}
    try:
        instance.full_clean(exclude=["details", "config"])
    except ValidationError as error:
        errors.update(error.error_dict)
    try:
        cleaned = clean_payload(payload, fields, path=path)
    except ValidationError as error:
        errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned
