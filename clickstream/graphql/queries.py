import graphene

from clickstream import selectors
from clickstream.graphql.types import (
    ApplicationType,
    ClickstreamPrototypeType,
    ConnectionType,
    IntegrationType,
)
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
        description="The destination catalog, with the fields of each form.",
    )
    connections = graphene.List(
        graphene.NonNull(ConnectionType),
        required=True,
        org_id=graphene.ID(description="Only the connections of this organization."),
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
        return selectors.application_list(
            user=info.context.user, org_id=org_id, app_id=app_id
        )

    @staticmethod
    @login_required(allow_api_key=True)
    def resolve_clickstream_prototypes(root, info, integration_code=None):
        return selectors.prototype_list(integration_code=integration_code)

    @staticmethod
    @login_required(allow_api_key=True)
    def resolve_connections(root, info, org_id=None):
        return selectors.connection_list(user=info.context.user, org_id=org_id)

    @staticmethod
    @login_required(allow_api_key=True)
    def resolve_integrations(root, info, org_id=None, app_id=None):
        return selectors.integration_list(
            user=info.context.user, org_id=org_id, app_id=app_id
        )
