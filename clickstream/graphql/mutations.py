import graphene

from clickstream import services
from clickstream.selectors import find_application
from houston.graphql.mutations import StatusMutation
from houston.graphql.scalars import JSONObject
from organizations.permissions import Action, organization_permission_required


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
    @organization_permission_required(
        Action.EDIT_PIPELINES,
        argument="app_id",
        lookup=find_application,
        keyword="application",
    )
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


class ClickstreamMutations(graphene.ObjectType):
    create_application = CreateApplication.Field()
    create_connection = CreateConnection.Field()
    create_integration = CreateIntegration.Field()
