import graphene
from graphene_django import DjangoObjectType

from clickstream.masking import mask_details
from clickstream.models import (
    Application,
    ClickstreamPrototype,
    Connection,
    Integration,
)
from houston.graphql.scalars import JSONObject, JSONValue
from organizations.permissions import Action, request_can


class FieldOption(graphene.ObjectType):
    """One choice of a select field."""

    value = graphene.String(required=True, description="The stored value.")
    label = graphene.String(required=True, description="The text to show.")


class PrototypeFieldType(graphene.ObjectType):
    """A form field of a destination's connection or config prototype."""

    class Meta:
        name = "PrototypeField"

    property_name = graphene.String(
        required=True, description="The key of this value in the JSON payload."
    )
    label = graphene.String(required=True, description="The name to show.")
    field_type = graphene.String(
        required=True,
        description="One of input, password, boolean, number, select, array "
        "(of strings) and map (of strings to strings).",
    )
    required = graphene.Boolean(
        required=True, description="Whether a value is required."
    )
    default = JSONValue(description="The value used when none is given.")
    options = graphene.List(
        graphene.NonNull(FieldOption),
        required=True,
        description="The choices of a select field.",
    )
    help = graphene.String(required=True, description="Guidance for people.")
    pattern = graphene.String(
        description="A regular expression that an input must match in full."
    )
    max_length = graphene.Int(description="The maximum length of a text value.")
    minimum = graphene.Float(description="The smallest allowed number.")
    maximum = graphene.Float(description="The largest allowed number.")
    integer = graphene.Boolean(
        required=True, description="Whether a number must be a whole number."
    )
    max_items = graphene.Int(description="The maximum number of list items.")

    @staticmethod
    def resolve_pattern(field, info):
        return field.pattern or None


class ClickstreamPrototypeType(DjangoObjectType):
    """A destination in the catalog and the form to configure it."""

    # See houston.graphql.prefetch.
    related_lookups = {
        "connectionPrototypeId": ("connection_prototype",),
        "connectionPrototype": ("connection_prototype__fields",),
        "configPrototype": ("config_fields",),
    }

    id = graphene.ID(required=True, description="The prototype's public ID.")
    connection_prototype_id = graphene.ID(
        required=True,
        description="The connection prototype. Destinations with the same one "
        "can share connections.",
    )
    connection_prototype = graphene.List(
        graphene.NonNull(PrototypeFieldType),
        required=True,
        description="The fields of a connection: credentials and account settings.",
    )
    config_prototype = graphene.List(
        graphene.NonNull(PrototypeFieldType),
        required=True,
        description="The fields of an integration's config payload.",
    )

    class Meta:
        model = ClickstreamPrototype
        name = "ClickstreamPrototype"
        fields = ("integration_code", "name", "category", "deprecated")

    @staticmethod
    def resolve_id(prototype, info):
        return prototype.public_id

    @staticmethod
    def resolve_connection_prototype_id(prototype, info):
        return prototype.connection_prototype.public_id

    @staticmethod
    def resolve_connection_prototype(prototype, info):
        return prototype.connection_prototype.fields.all()

    @staticmethod
    def resolve_config_prototype(prototype, info):
        return prototype.config_fields.all()


class ApplicationType(DjangoObjectType):
    """A clickstream source: a website, server or app that sends events."""

    # See houston.graphql.prefetch.
    related_lookups = {
        "organization": ("organization",),
        "integrations": ("integrations",),
    }

    id = graphene.ID(required=True, description="The 21-character Source ID.")
    source_id = graphene.String(
        required=True, description="The 21-character Source ID, as the SDKs take it."
    )
    platform = graphene.String(
        required=True,
        description="One of analytics.js, server, analytics-android and analytics-ios.",
    )
    organization = graphene.Field(
        graphene.NonNull("organizations.graphql.types.OrganizationType"),
        description="The organization it belongs to.",
    )
    integrations = graphene.List(
        graphene.NonNull(lambda: IntegrationType),
        required=True,
        description="The routes from this source to destinations.",
    )

    class Meta:
        model = Application
        name = "Application"
        fields = ("name", "enabled", "created_at", "updated_at")

    @staticmethod
    def resolve_id(application, info):
        return application.source_id

    @staticmethod
    def resolve_integrations(application, info):
        return application.integrations.all()


class ConnectionType(DjangoObjectType):
    """Credentials for one destination platform in an organization."""

    # See houston.graphql.prefetch.
    related_lookups = {
        "integrationCode": ("destination",),
        "connectionPrototypeId": ("connection_prototype",),
        "details": ("organization", "connection_prototype__fields"),
        "organization": ("organization",),
        "integrations": ("integrations",),
    }

    id = graphene.ID(required=True, description="The connection's public ID.")
    integration_code = graphene.String(
        required=True,
        description="The destination the connection was created for. "
        "Integrations of every destination with the same connection "
        "prototype can use it.",
    )
    connection_prototype_id = graphene.ID(
        required=True,
        description="The connection prototype: the kind of credentials it contains.",
    )
    details = graphene.Field(
        JSONObject,
        reveal_secrets=graphene.Boolean(
            default_value=False,
            description="Show secret fields whole instead of masked.",
        ),
        description="The credentials, for Owners only: null for other roles. "
        "Secret fields show at most their last four characters unless "
        "`revealSecrets` is true.",
    )
    organization = graphene.Field(
        graphene.NonNull("organizations.graphql.types.OrganizationType"),
        description="The organization it belongs to.",
    )
    integrations = graphene.List(
        graphene.NonNull(lambda: IntegrationType),
        required=True,
        description="The integrations that use this connection.",
    )

    class Meta:
        model = Connection
        name = "Connection"
        fields = ("name", "created_at", "updated_at")

    @staticmethod
    def resolve_id(connection, info):
        return connection.public_id

    @staticmethod
    def resolve_integration_code(connection, info):
        return connection.destination.integration_code

    @staticmethod
    def resolve_connection_prototype_id(connection, info):
        return connection.connection_prototype.public_id

    @staticmethod
    def resolve_details(connection, info, reveal_secrets=False):
        if not request_can(
            info.context, connection.organization, Action.READ_CONNECTION_DETAILS
        ):
            return None
        fields = connection.connection_prototype.fields.all()
        if reveal_secrets:
            return connection.details
        return mask_details(connection.details, fields)

    @staticmethod
    def resolve_integrations(connection, info):
        return connection.integrations.all()


class IntegrationType(DjangoObjectType):
    """A route from one source to one destination."""

    # See houston.graphql.prefetch.
    related_lookups = {
        "integrationCode": ("destination",),
        "application": ("application",),
        "connection": ("connection",),
    }

    id = graphene.ID(required=True, description="The integration's public ID.")
    integration_code = graphene.String(required=True, description="The destination.")
    config_payload = graphene.Field(
        JSONObject, required=True, description="The destination's settings."
    )
    application = graphene.Field(
        graphene.NonNull(ApplicationType), description="The source of the events."
    )
    connection = graphene.Field(
        graphene.NonNull(ConnectionType),
        description="The credentials the events are sent with.",
    )

    class Meta:
        model = Integration
        name = "Integration"
        fields = ("name", "enabled", "created_at", "updated_at")

    @staticmethod
    def resolve_id(integration, info):
        return integration.public_id

    @staticmethod
    def resolve_integration_code(integration, info):
        return integration.destination.integration_code

    @staticmethod
    def resolve_config_payload(integration, info):
        return integration.config
