"""Writes to clickstream sources, connections and integrations.

Every write checks that the objects it links are in one organization, and
that an integration's connection contains credentials of the kind its
destination uses. `details` and `configPayload` of an update are patches:
keys that are left out keep their stored values, keys set to null are
cleared, and the result is validated as a whole.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction

from clickstream import selectors
from clickstream.masking import mask_secret
from clickstream.models import (
    Application,
    ClickstreamPrototype,
    Connection,
    ConnectionPrototype,
    FieldType,
    Integration,
)
from clickstream.validation import clean_payload
from houston.errors import Conflict, FieldErrorCode, NotFound
from houston.ids import parse_uuid
from organizations.models import Organization
from organizations.permissions import Action, can

# At most this many integrations are named when a connection in use cannot
# be deleted.
INTEGRATIONS_NAMED = 10

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


def application_update(
    *,
    actor,
    application: Application,
    name: str | None = None,
    enabled: bool | None = None,
) -> Application:
    """Rename a source, or stop or resume routing its events."""
    if name is not None:
        application.name = name.strip()
    if enabled is not None:
        application.enabled = enabled
    application.full_clean(exclude=["source_id"])
    application.save(update_fields=["name", "enabled", "updated_at"])
    logger.info(
        "User %s updated application %s", actor.public_id, application.source_id
    )
    return application


def application_delete(*, actor, application: Application) -> None:
    """Delete a source and its integrations. Its connections stay, because
    other sources may use them."""
    source_id = application.source_id
    _, deleted = application.delete()
    logger.info(
        "User %s deleted application %s and %d integrations",
        actor.public_id,
        source_id,
        deleted.get(Integration._meta.label, 0),
    )


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
    _check_not_deprecated(destination)
    prototype = destination.connection_prototype
    requested = parse_uuid(connection_prototype_id)
    if connection_prototype_id is not None and (
        requested is None
        or not ConnectionPrototype.objects.filter(public_id=requested).exists()
    ):
        raise NotFound(
            "No connection prototype with this ID was found.",
            field="connectionPrototypeId",
        )
    if requested is not None and requested != prototype.public_id:
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
    # The log names the connection and never its details, which hold secrets.
    logger.info(
        "User %s created connection %s for %s in organization %s",
        actor.public_id,
        connection.public_id,
        destination.integration_code,
        organization.public_id,
    )
    return connection


def connection_update(
    *,
    actor,
    connection: Connection,
    name: str | None = None,
    details=None,
) -> Connection:
    """Rename a connection or change some of its details.

    `details` is a patch (see the module docstring). For a caller who may
    read the details, a secret that is left out, or sent back exactly as the
    API shows it masked, keeps its stored value, so a form can send what it
    displayed. A caller who may not read them must send every secret again:
    otherwise a User could point a connection at their own server and have
    its stored secret sent there.
    """
    if name is not None:
        connection.name = name.strip()
    if details is None:
        _clean_model(connection)
        connection.save(update_fields=["name", "updated_at"])
    else:
        fields = list(connection.connection_prototype.fields.all())
        keep_secrets = can(
            actor, connection.organization, Action.READ_CONNECTION_DETAILS
        )
        details = _patched(connection.details, details, fields, keep_secrets)
        connection.details = _clean(connection, details, fields, path="details")
        connection.save()
    logger.info("User %s updated connection %s", actor.public_id, connection.public_id)
    return connection


def connection_delete(*, actor, connection: Connection) -> None:
    """Delete a connection that no integration uses.

    Raises Conflict, naming the integrations, while any use it.
    """
    with transaction.atomic():
        # The lock makes integration writes that pick this connection wait,
        # so that none can start using it between the check and the delete.
        Connection.objects.select_for_update().filter(pk=connection.pk).first()
        users = list(
            connection.integrations.select_related("application").order_by(
                "created_at", "pk"
            )[: INTEGRATIONS_NAMED + 1]
        )
        if users:
            raise Conflict(_in_use_message(connection, users))
        connection.delete()
    logger.info("User %s deleted connection %s", actor.public_id, connection.public_id)


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
    _check_not_deprecated(destination)
    with transaction.atomic():
        connection = _usable_connection(
            application.organization, destination, connection_id
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


def integration_update(
    *,
    actor,
    integration: Integration,
    name: str | None = None,
    config_payload=None,
    connection_id=None,
    enabled: bool | None = None,
) -> Integration:
    """Change an integration's name, settings, connection or state.

    `config_payload` is a patch (see the module docstring). A new connection
    must be in the integration's organization and contain credentials of
    the kind its destination uses.
    """
    destination = integration.destination
    with transaction.atomic():
        if connection_id is not None:
            integration.connection = _usable_connection(
                integration.application.organization, destination, connection_id
            )
        if name is not None:
            integration.name = name.strip()
        if enabled is not None:
            integration.enabled = enabled
        if config_payload is None:
            _clean_model(integration)
        else:
            fields = list(destination.config_fields.all())
            config = _patched(integration.config, config_payload, fields)
            integration.config = _clean(
                integration, config, fields, path="config_payload"
            )
        integration.save()
    logger.info(
        "User %s updated integration %s", actor.public_id, integration.public_id
    )
    return integration


def integration_delete(*, actor, integration: Integration) -> None:
    public_id = integration.public_id
    integration.delete()
    logger.info("User %s deleted integration %s", actor.public_id, public_id)


def _usable_connection(
    organization: Organization, destination: ClickstreamPrototype, connection_id
) -> Connection:
    """Return the connection `connection_id` of `organization`, locked until
    the transaction ends, or raise unless `destination` can use it."""
    connection = selectors.connection_get(
        organization=organization, connection_id=connection_id, lock=True
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
    return connection


def _check_not_deprecated(destination: ClickstreamPrototype) -> None:
    if destination.deprecated:
        raise ValidationError(
            {
                "integration_code": ValidationError(
                    f"{destination.name} was removed from the catalog and takes "
                    "no new connections or integrations. Choose another "
                    "destination from the clickstreamPrototypes query.",
                    code=FieldErrorCode.DEPRECATED.value,
                )
            }
        )


def _in_use_message(connection: Connection, integrations: list[Integration]) -> str:
    named = ", ".join(
        f'"{integration.name}" ({integration.public_id}) of source '
        f"{integration.application.source_id}"
        for integration in integrations[:INTEGRATIONS_NAMED]
    )
    if len(integrations) > INTEGRATIONS_NAMED:
        named += ", and more"
    return (
        f"The connection is used by these integrations: {named}. Delete them, "
        "or move them to another connection with updateIntegration, first."
    )


def _patched(stored: dict, patch, fields, keep_secrets: bool = True) -> dict:
    """Return the payload that results from applying `patch` to `stored`.

    Stored keys that the prototype no longer defines are dropped. With
    `keep_secrets`, a password sent back exactly as masked keeps its stored
    value; without it, stored passwords are dropped, so the patch must carry
    them.
    """
    if not isinstance(patch, dict):
        # Left for clean_payload to reject with INVALID_TYPE.
        return patch
    known = {field.property_name for field in fields}
    secret = {
        field.property_name
        for field in fields
        if field.field_type == FieldType.PASSWORD
    }
    if not keep_secrets:
        known -= secret
    merged = {key: value for key, value in stored.items() if key in known}
    for key, value in patch.items():
        old = merged.get(key)
        if key in secret and isinstance(old, str) and value == mask_secret(old):
            continue
        merged[key] = value
    return merged


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
        _clean_model(instance)
    except ValidationError as error:
        errors.update(error.error_dict)
    try:
        cleaned = clean_payload(payload, fields, path=path)
    except ValidationError as error:
        errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_model(instance) -> None:
    """Validate a connection's or integration's own fields. Payloads are
    validated against their prototypes instead."""
    instance.full_clean(exclude=["plain_details", "secret_details", "config"])
