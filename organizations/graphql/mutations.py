import graphene
from django.core.exceptions import ValidationError

from accounts.graphql.mutations import token_fields
from accounts.graphql.types import (
    PROFILE_ERROR_PATHS,
    ProfileInput,
    TokenStatus,
    profile_arguments,
)
from houston.graphql.mutations import StatusMutation
from houston.graphql.types import MutationStatus
from houston.permissions import current_user
from organizations import services
from organizations.graphql.types import ApiKeyStatus, RoleEnum
from organizations.models import Invitation
from organizations.permissions import Action, organization_permission_required
from organizations.selectors import find_api_key, find_invitation

# Passes the invitation named by `invitationId` to `perform`, after the
# checks of organization_permission_required.
manages_invitation = organization_permission_required(
    Action.MANAGE_MEMBERS,
    argument="invitation_id",
    lookup=find_invitation,
    keyword="invitation",
)


class AddUserInput(graphene.InputObjectType):
    """A user to add to an organization."""

    email = graphene.String(required=True, description="The user's address.")
    role = RoleEnum(default_value="user", description="The role; USER by default.")


class SetRoleInput(graphene.InputObjectType):
    """A new role for a member."""

    user_id = graphene.ID(required=True, description="The member's user ID.")
    role = RoleEnum(required=True, description="The new role.")


class AddUserStatus(graphene.ObjectType):
    """The status of adding a user: a member at once, or an invitation."""

    class Meta:
        interfaces = (MutationStatus,)

    invited = graphene.Boolean(
        description="True when the address had no confirmed account and an "
        "invitation was mailed; `id` is then the invitation's ID. False when "
        "the user became a member; `id` is then the user's ID."
    )


class CreateOrganization(StatusMutation):
    """Create an organization. The caller becomes its Owner."""

    class Arguments:
        name = graphene.String(required=True, description="A name for people to read.")
        user_id = graphene.ID(
            description="The future Owner. Optional, and when given it must be "
            "the caller's own ID."
        )
        description = graphene.String(description="What the organization is.")
        website = graphene.String(description="The organization's website.")

    @classmethod
    def perform(cls, root, info, name, user_id=None, description="", website=""):
        organization = services.organization_create(
            actor=current_user(info),
            name=name,
            owner_id=user_id,
            description=description or "",
            website=website or "",
        )
        return cls.succeed("Organization created.", id=organization.public_id)


def _update_actions(arguments: dict) -> list[Action]:
    """Return the actions that an updateOrganization call needs."""
    if arguments.get("delete"):
        return [Action.DELETE_ORGANIZATION]
    actions = [Action.MANAGE_ORGANIZATION]
    if any(arguments.get(key) for key in ("add_users", "remove_users", "set_roles")):
        actions.append(Action.MANAGE_MEMBERS)
    return actions


class UpdateOrganization(StatusMutation):
    """Change an organization as a whole, in one transaction: rename it, edit
    its details, add users by email, change roles, remove users, or delete
    it. Owners only. When any part fails, nothing changes."""

    class Arguments:
        org_id = graphene.ID(required=True, description="The organization.")
        name = graphene.String(description="The new name.")
        description = graphene.String(description="The new description.")
        website = graphene.String(description="The new website.")
        add_users = graphene.List(
            graphene.NonNull(AddUserInput),
            description="Users to add. An address without a confirmed account "
            "is invited by mail.",
        )
        set_roles = graphene.List(
            graphene.NonNull(SetRoleInput), description="Role changes."
        )
        remove_users = graphene.List(
            graphene.NonNull(graphene.ID), description="User IDs of members to remove."
        )
        delete = graphene.Boolean(
            description="Delete the organization with everything in it. Cannot "
            "be combined with other changes."
        )

    @classmethod
    def rate_limited_calls(cls, info, arguments) -> dict[str, int]:
        # Each added user mails a notice or an invitation, as
        # addOrganizationUser does, so each counts as one of its calls.
        calls = super().rate_limited_calls(info, arguments)
        added = len(arguments.get("add_users") or [])
        if added:
            calls["addOrganizationUser"] = added
        return calls

    @classmethod
    @organization_permission_required(_update_actions)
    def perform(cls, root, info, organization, delete=False, **arguments):
        actor = info.context.user
        if delete:
            if any(value is not None for value in arguments.values()):
                raise ValidationError(
                    {
                        "delete": "Deleting an organization cannot be combined "
                        "with other changes."
                    }
                )
            public_id = organization.public_id
            services.organization_delete(actor=actor, organization=organization)
            return cls.succeed("Organization deleted.", id=public_id)

        changes = services.OrganizationChanges(
            name=arguments.get("name"),
            description=arguments.get("description"),
            website=arguments.get("website"),
            add_users=arguments.get("add_users") or [],
            remove_user_ids=arguments.get("remove_users") or [],
            set_roles=arguments.get("set_roles") or [],
        )
        services.organization_update(
            actor=actor, organization=organization, changes=changes
        )
        return cls.succeed("Organization updated.", id=organization.public_id)


class DeleteOrganization(StatusMutation):
    """Delete an organization with its sources, connections, integrations,
    members, invitations and API keys. Owners only."""

    class Arguments:
        org_id = graphene.ID(required=True, description="The organization.")

    @classmethod
    @organization_permission_required(Action.DELETE_ORGANIZATION)
    def perform(cls, root, info, organization):
        public_id = organization.public_id
        services.organization_delete(actor=info.context.user, organization=organization)
        return cls.succeed("Organization deleted.", id=public_id)


class AddOrganizationUser(StatusMutation):
    """Add a user by email. A confirmed account becomes a member at once and
    gets a notice by mail. Any other address is invited with a link. Owners only."""

    Output = AddUserStatus

    class Arguments:
        org_id = graphene.ID(required=True, description="The organization.")
        email = graphene.String(required=True, description="The user's address.")
        role = RoleEnum(default_value="user", description="The role; USER by default.")

    @classmethod
    @organization_permission_required(Action.MANAGE_MEMBERS)
    def perform(cls, root, info, organization, email, role):
        result = services.member_add(
            actor=info.context.user, organization=organization, email=email, role=role
        )
        if isinstance(result, Invitation):
            return cls.succeed("Invitation sent.", id=result.public_id, invited=True)
        return cls.succeed("User added.", id=result.user.public_id, invited=False)


class RemoveOrganizationUser(StatusMutation):
    """Remove a member. Owners only; the last Owner cannot be removed."""

    class Arguments:
        org_id = graphene.ID(required=True, description="The organization.")
        user_id = graphene.ID(required=True, description="The member's user ID.")

    @classmethod
    @organization_permission_required(Action.MANAGE_MEMBERS)
    def perform(cls, root, info, organization, user_id):
        membership = services.member_remove(
            actor=info.context.user, organization=organization, user_id=user_id
        )
        return cls.succeed("User removed.", id=membership.user.public_id)


class SetOrganizationUserRole(StatusMutation):
    """Change a member's role. Owners only; the last Owner cannot be
    demoted."""

    class Arguments:
        org_id = graphene.ID(required=True, description="The organization.")
        user_id = graphene.ID(required=True, description="The member's user ID.")
        role = RoleEnum(required=True, description="The new role.")

    @classmethod
    @organization_permission_required(Action.MANAGE_MEMBERS)
    def perform(cls, root, info, organization, user_id, role):
        membership = services.member_set_role(
            actor=info.context.user,
            organization=organization,
            user_id=user_id,
            role=role,
        )
        return cls.succeed("Role changed.", id=membership.user.public_id)


class LeaveOrganization(StatusMutation):
    """Leave an organization. The last Owner cannot leave: make another
    member an Owner first, or delete the organization."""

    class Arguments:
        org_id = graphene.ID(required=True, description="The organization.")

    @classmethod
    @organization_permission_required(Action.READ, allow_api_key=False)
    def perform(cls, root, info, organization):
        services.member_leave(actor=info.context.user, organization=organization)
        return cls.succeed("You left the organization.", id=organization.public_id)


class AcceptInvitation(StatusMutation):
    """Accept an invitation with the token from its link.

    Creates the account with a confirmed address and the membership, and
    returns a token. When the address already has a confirmed account, the
    membership is added to it and no token is returned: sign in as usual.
    """

    Output = TokenStatus
    error_paths = PROFILE_ERROR_PATHS

    class Arguments:
        token = graphene.String(
            required=True, description="The token from the invitation message."
        )
        password = graphene.String(
            required=True, description="The password of the new account."
        )
        profile = ProfileInput(description="Optional names and company.")

    @classmethod
    def perform(cls, root, info, token, password, profile=None):
        acceptance = services.invitation_accept(
            token=token, password=password, **profile_arguments(profile)
        )
        if acceptance.token is None:
            return cls.succeed(
                "You joined the organization. Sign in with your existing password.",
                id=acceptance.organization.public_id,
            )
        return cls.succeed(
            "Welcome. You joined the organization.",
            id=acceptance.organization.public_id,
            **token_fields(acceptance.token, acceptance.claims),
        )


class ResendInvitation(StatusMutation):
    """Mail a new invitation link, ending the older ones. Owners only."""

    class Arguments:
        invitation_id = graphene.ID(required=True, description="The invitation.")

    @classmethod
    @manages_invitation
    def perform(cls, root, info, invitation):
        services.invitation_resend(actor=info.context.user, invitation=invitation)
        return cls.succeed("Invitation sent again.", id=invitation.public_id)


class RevokeInvitation(StatusMutation):
    """Revoke an invitation; its links stop working at once. Owners only."""

    class Arguments:
        invitation_id = graphene.ID(required=True, description="The invitation.")

    @classmethod
    @manages_invitation
    def perform(cls, root, info, invitation):
        services.invitation_revoke(actor=info.context.user, invitation=invitation)
        return cls.succeed("Invitation revoked.", id=invitation.public_id)


class CreateApiKey(StatusMutation):
    """Create an API key for programs. The key is in the response only once.
    Owners only, and not with an API key."""

    Output = ApiKeyStatus

    class Arguments:
        org_id = graphene.ID(required=True, description="The organization.")
        name = graphene.String(required=True, description="What the key is for.")
        role = RoleEnum(default_value="user", description="The key's role.")

    @classmethod
    @organization_permission_required(Action.MANAGE_API_KEYS)
    def perform(cls, root, info, organization, name, role):
        api_key, key = services.api_key_create(
            actor=info.context.user, organization=organization, name=name, role=role
        )
        return cls.succeed(
            "API key created. Store it now: it will not be shown again.",
            id=api_key.public_id,
            key=key,
        )


class RevokeApiKey(StatusMutation):
    """Revoke an API key; requests with it fail from now on. Owners only."""

    class Arguments:
        id = graphene.ID(required=True, description="The API key's ID.")

    @classmethod
    @organization_permission_required(
        Action.MANAGE_API_KEYS, argument="id", lookup=find_api_key, keyword="api_key"
    )
    def perform(cls, root, info, api_key):
        services.api_key_revoke(actor=info.context.user, api_key=api_key)
        return cls.succeed("API key revoked.", id=api_key.public_id)


class OrganizationMutations(graphene.ObjectType):
    create_organization = CreateOrganization.Field()
    update_organization = UpdateOrganization.Field()
    delete_organization = DeleteOrganization.Field()
    add_organization_user = AddOrganizationUser.Field()
    remove_organization_user = RemoveOrganizationUser.Field()
    set_organization_user_role = SetOrganizationUserRole.Field()
    leave_organization = LeaveOrganization.Field()
    accept_invitation = AcceptInvitation.Field()
    resend_invitation = ResendInvitation.Field()
    revoke_invitation = RevokeInvitation.Field()
    create_api_key = CreateApiKey.Field()
    revoke_api_key = RevokeApiKey.Field()
