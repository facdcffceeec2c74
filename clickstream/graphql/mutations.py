import graphene

from clickstream import services
from clickstream.selectors import find_application, find_connection, find_integration
from houston.graphql.mutations import StatusMutation
from houston.graphql.scalars import JSONObject
from organizations.permissions import Action, organization_permission_required

# Each passes the object named by the ID argument to `perform` under the
# object's name, after the checks of organization_permission_required.
edits_application = organization_permission_required(
    Action.EDIT_PIPELINES,
    argument="app_id",
    lookup=find_application,
    keyword="application",
)
edits_connection = organization_permission_required(
    Action.EDIT_PIPELINES,
    argument="connection_id",
    lookup=find_connection,
    keyword="connection",
)
edits_integration = organization_permission_required(
    Action.EDIT_PIPELINES,
    argument="integration_id",
    lookup=find_integration,
    keyword="integration",
)


class CreateApplication(StatusMutation):
    """Register a clickstream source. Its `id` is the new 21-character
    Source ID."""

    class Arguments:
        name = graphene.String(required=True, description="A name for people to read.")
        platform = graphene.String(
            required=True,
            description="One of analytics.js, server, analytics-android and "
            "analytics-ios.",
        )
        org_id = graphene.ID(required=True, description="The organization.")

    @classmethod
    @organization_permission_required(Action.EDIT_PIPELINES)
    def perform(cls, root, info, organization, name, platform):
        application = services.application_create(
            actor=info.context.user,
            organization=organization,
            name=name,
            platform=platform,
        )
        return cls.succeed("Application created.", id=application.source_id)


class UpdateApplication(StatusMutation):
    """Rename a source, or stop (`enabled: false`) or resume routing its
    events. Arguments left out keep their values."""

    class Arguments:
        app_id = graphene.ID(required=True, description="The source's Source ID.")
        name = graphene.String(description="The new name.")
        enabled = graphene.Boolean(description="Whether its events are routed.")

    @classmethod
    @edits_application
    def perform(cls, root, info, application, name=None, enabled=None):
        services.application_update(
            actor=info.context.user,
            application=application,
            name=name,
            enabled=enabled,
        )
        return cls.succeed("Application updated.", id=application.source_id)


class DeleteApplication(StatusMutation):
    """Delete a source and its integrations. Connections stay."""

    class Arguments:
        app_id = graphene.ID(required=True, description="The source's Source ID.")

    @classmethod
    @edits_application
    def perform(cls, root, info, application):
        source_id = application.source_id
        services.application_delete(actor=info.context.user, application=application)
        return cls.succeed("Application deleted.", id=source_id)


class CreateConnection(StatusMutation):
    """Store the credentials for a destination, for integrations to reuse."""

    class Arguments:
        integration_code = graphene.String(
            required=True, description="The destination, from clickstreamPrototypes."
        )
        details = JSONObject(
            required=True,
            description="Values for the fields of the destination's connection "
            "prototype.",
        )
        name = graphene.String(
            description="A name for people to read; defaults to the destination's."
        )
        org_id = graphene.ID(required=True, description="The organization.")
        connection_prototype_id = graphene.ID(
            description="Optional. When given, it must be the destination's "
            "connection prototype."
        )

    @classmethod
    @organization_permission_required(Action.EDIT_PIPELINES)
    def perform(
        cls,
        root,
        info,
        organization,
        integration_code,
        details,
        name=None,
        connection_prototype_id=None,
    ):
        connection = services.connection_create(
            actor=info.context.user,
            organization=organization,
            integration_code=integration_code,
            details=details,
            name=name,
            connection_prototype_id=connection_prototype_id,
        )
        return cls.succeed("Connection created.", id=connection.public_id)


class UpdateConnection(StatusMutation):
    """Rename a connection or change its details."""

    class Arguments:
        connection_id = graphene.ID(required=True, description="The connection.")
        name = graphene.String(description="The new name.")
        details = JSONObject(
            description="The fields to change. Fields left out keep their values, "
            "fields set to null are cleared, and the result is validated as a "
            "whole. A secret sent back exactly as it was shown masked keeps "
            "its value."
        )

    @classmethod
    @edits_connection
    def perform(cls, root, info, connection, name=None, details=None):
        services.connection_update(
            actor=info.context.user, connection=connection, name=name, details=details
        )
        return cls.succeed("Connection updated.", id=connection.public_id)


class DeleteConnection(StatusMutation):
    """Delete a connection. Fails with CONFLICT, naming the integrations
    that use it, until they are deleted or moved to another connection."""

    class Arguments:
        connection_id = graphene.ID(required=True, description="The connection.")

    @classmethod
    @edits_connection
    def perform(cls, root, info, connection):
        public_id = connection.public_id
        services.connection_delete(actor=info.context.user, connection=connection)
        return cls.succeed("Connection deleted.", id=public_id)


class CreateIntegration(StatusMutation):
    """Route a source's events to a destination through a connection."""

    class Arguments:
        app_id = graphene.ID(required=True, description="The source's Source ID.")
        integration_code = graphene.String(
            required=True, description="The destination, from clickstreamPrototypes."
        )
        config_payload = JSONObject(
            required=True,
            description="Values for the fields of the destination's config prototype.",
        )
        connection_id = graphene.ID(
            required=True, description="A connection in the source's organization."
        )
        name = graphene.String(
            description="A name for people to read; defaults to the destination's."
        )

    @classmethod
    @edits_application
    def perform(
        cls,
        root,
        info,
        application,
        integration_code,
        config_payload,
        connection_id,
        name=None,
    ):
        integration = services.integration_create(
            actor=info.context.user,
            application=application,
            integration_code=integration_code,
            config_payload=config_payload,
            connection_id=connection_id,
            name=name,
        )
        return cls.succeed("Integration created.", id=integration.public_id)


class UpdateIntegration(StatusMutation):
    """Change an integration's name, settings, connection or state.
    Arguments left out keep their values."""

    class Arguments:
        integration_id = graphene.ID(required=True, description="The integration.")
        name = graphene.String(description="The new name.")
        config_payload = JSONObject(
            description="The settings to change. Fields left out keep their "
            "values, fields set to null are cleared, and the result is "
            "validated as a whole."
        )
        connection_id = graphene.ID(
            description="Another connection in the same organization, with the "
            "connection prototype of the integration's destination."
        )
        enabled = graphene.Boolean(description="Whether events are routed.")

    @classmethod
    @edits_integration
    def perform(
        cls,
        root,
        info,
        integration,
        name=None,
        config_payload=None,
        connection_id=None,
        enabled=None,
    ):
        services.integration_update(
            actor=info.context.user,
            integration=integration,
            name=name,
            config_payload=config_payload,
            connection_id=connection_id,
            enabled=enabled,
        )
        return cls.succeed("Integration updated.", id=integration.public_id)


class DeleteIntegration(StatusMutation):
    """Delete an integration. Its source and connection stay."""

    class Arguments:
        integration_id = graphene.ID(required=True, description="The integration.")

    @classmethod
    @edits_integration
    def perform(cls, root, info, integration):
        public_id = integration.public_id
        services.integration_delete(actor=info.context.user, integration=integration)
        return cls.succeed("Integration deleted.", id=public_id)


class ClickstreamMutations(graphene.ObjectType):
    create_application = CreateApplication.Field()
    update_application = UpdateApplication.Field()
    delete_application = DeleteApplication.Field()
    create_connection = CreateConnection.Field()
    update_connection = UpdateConnection.Field()
    delete_connection = DeleteConnection.Field()
    create_integration = CreateIntegration.Field()
    update_integration = UpdateIntegration.Field()
    delete_integration = DeleteIntegration.Field()
