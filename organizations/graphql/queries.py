import graphene

from houston.graphql.prefetch import prefetch_selected
from houston.permissions import login_required
from organizations import selectors
from organizations.graphql.types import ApiKeyType, InvitationType, OrganizationType


class OrganizationQueries(graphene.ObjectType):
    organizations = graphene.List(
        graphene.NonNull(OrganizationType),
        required=True,
        org_id=graphene.ID(description="Only this organization."),
        user_id=graphene.ID(
            description="Only the organizations of this user, who must be the "
            "caller; any other ID returns an empty list."
        ),
        description="The organizations the caller is a member of; for an API "
        "key, its own organization.",
    )
    invitations = graphene.List(
        graphene.NonNull(InvitationType),
        required=True,
        org_id=graphene.ID(description="Only this organization's invitations."),
        description="Open invitations of the organizations where the caller is "
        "an Owner.",
    )
    api_keys = graphene.List(
        graphene.NonNull(ApiKeyType),
        required=True,
        org_id=graphene.ID(description="Only this organization's keys."),
        description="Active API keys of the organizations where the caller is "
        "an Owner. API keys cannot list keys.",
    )

    @staticmethod
    @login_required(allow_api_key=True)
    def resolve_organizations(root, info, org_id=None, user_id=None):
        organizations = selectors.organization_list(
            user=info.context.user, org_id=org_id, user_id=user_id
        )
        return prefetch_selected(organizations, info)

    @staticmethod
    @login_required(allow_api_key=True)
    def resolve_invitations(root, info, org_id=None):
        return selectors.invitation_list(user=info.context.user, org_id=org_id)

    @staticmethod
    @login_required(allow_api_key=True)
    def resolve_api_keys(root, info, org_id=None):
        return selectors.api_key_list(user=info.context.user, org_id=org_id)
