import graphene

from clickstream import selectors
from clickstream.graphql.types import (
    ApplicationType,
    ClickstreamPrototypeType,
    ConnectionType,
    IntegrationType,
)
from houston.graphql.prefetch import prefetch_selected
from houston.permissions import login_required


class ClickstreamQueries(graphene.ObjectType):
    applications = graphene.List(
        graphene.NonNull(ApplicationType),
        required=True,
        org_id=graphene.ID(description="Only the sources of this organization."),
        app_id=graphene.ID(description="Only the source with this Source ID."),
        description="The clickstream sources of the caller's organizations.",
    )
    clickstream_prototypes = graphene.List(
        graphene.NonNull(ClickstreamPrototypeType),
        required=True,
        integration_code=graphene.String(description="Only this destination."),
        category=graphene.String(
            description="Only the destinations of this category, such as "
            "`analytics` or `warehouse`."
        ),
        deprecated=graphene.Boolean(
            description="Only deprecated destinations when true, only current "
            "ones when false. Forms for new connections should ask for false."
        ),
        description="The destination catalog, with the fields of each form.",
    )
    connections = graphene.List(
        graphene.NonNull(ConnectionType),
        required=True,
        org_id=graphene.ID(description="Only the connections of this organization."),
        connection_id=graphene.ID(description="Only the connection with this ID."),
        integration_code=graphene.String(
            description="Only the connections that integrations of this "
            "destination can use: those with its connection prototype, "
            "whichever destination they were created for."
        ),
        description="The connections of the caller's organizations.",
    )
    integrations = graphene.List(
        graphene.NonNull(IntegrationType),
        required=True,
        org_id=graphene.ID(description="Only the integrations of this organization."),
        app_id=graphene.ID(description="Only the integrations of this source."),
        description="The integrations of the caller's organizations.",
    )

    @staticmethod
    @login_required(allow_api_key=True)
    def resolve_applications(root, info, org_id=None, app_id=None):
        applications = selectors.application_list(
            user=info.context.user, org_id=org_id, app_id=app_id
        )
        return prefetch_selected(applications, info)

    @staticmethod
    @login_required(allow_api_key=True)
    def resolve_clickstream_prototypes(
        root, info, integration_code=None, category=None, deprecated=None
    ):
        prototypes = selectors.prototype_list(
            integration_code=integration_code,
            category=category,
            deprecated=deprecated,
        )
        return prefetch_selected(prototypes, info)

    @staticmethod
    @login_required(allow_api_key=True)
    def resolve_connections(
        root, info, org_id=None, connection_id=None, integration_code=None
    ):
        connections = selectors.connection_list(
            user=info.context.user,
            org_id=org_id,
            connection_id=connection_id,
            integration_code=integration_code,
        )
        return prefetch_selected(connections, info)

    @staticmethod
    @login_required(allow_api_key=True)
    def resolve_integrations(root, info, org_id=None, app_id=None):
        integrations = selectors.integration_list(
            user=info.context.user, org_id=org_id, app_id=app_id
        )
        return prefetch_selected(integrations, info)
