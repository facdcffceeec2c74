import graphene

from houston.graphql.mutations import StatusMutation
from houston.permissions import current_user
from organizations import services
from organizations.permissions import Action, organization_permission_required


class CreateOrganization(StatusMutation):
    """Create an organization. The caller becomes its Owner."""

    class Arguments:
        name = graphene.String(required=True, description="A name for people to read.")
        user_id = graphene.ID(
            description="The future Owner. Optional, and when given it must be "
            "the caller's own ID."
        )

    @classmethod
    def perform(cls, root, info, name, user_id=None):
        organization = services.organization_create(
            actor=current_user(info), name=name, owner_id=user_id
        )
        return cls.succeed("Organization created.", id=organization.public_id)


class UpdateOrganization(StatusMutation):
    """Rename an organization. Owners only."""

    class Arguments:
        org_id = graphene.ID(required=True, description="The organization.")
        name = graphene.String(description="The new name.")

    @classmethod
    @organization_permission_required(Action.MANAGE)
    def perform(cls, root, info, organization, name=None):
        if name is not None:
            services.organization_update(
                actor=info.context.user, organization=organization, name=name
            )
        return cls.succeed("Organization updated.", id=organization.public_id)


class OrganizationMutations(graphene.ObjectType):
    create_organization = CreateOrganization.Field()
    update_organization = UpdateOrganization.Field()
