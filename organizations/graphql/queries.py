import graphene

from houston.graphql.prefetch import prefetch_selected
from houston.permissions import login_required
from organizations import selectors
from organizations.graphql.types import OrganizationType


class OrganizationQueries(graphene.ObjectType):
    organizations = graphene.List(
        graphene.NonNull(OrganizationType),
        required=True,
        org_id=graphene.ID(description="Only this organization."),
        user_id=graphene.ID(
            description="Only the organizations of this user, who must be the "
            "caller; any other ID returns an empty list."
        ),
        description="The organizations the caller is a member of.",
    )

    @staticmethod
    @login_required
    def resolve_organizations(root, info, org_id=None, user_id=None):
        organizations = selectors.organization_list(
            user=info.context.user, org_id=org_id, user_id=user_id
        )
        return prefetch_selected(organizations, info)
