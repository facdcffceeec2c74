import graphene
from graphene_django import DjangoObjectType

from houston.graphql.types import MutationStatus
from organizations.models import ApiKey, Invitation, Membership, Organization, Role
from organizations.permissions import request_role

RoleEnum = graphene.Enum.from_enum(Role, description="A member's role.")


class MemberType(graphene.ObjectType):
    """A user's membership of an organization."""

    class Meta:
        name = "Member"

    id = graphene.ID(required=True, description="The user's public ID.")
    email = graphene.String(required=True, description="The user's address.")
    first_name = graphene.String(required=True, description="Given name.")
    last_name = graphene.String(required=True, description="Family name.")
    role = graphene.Field(RoleEnum, required=True, description="The member's role.")
    joined_at = graphene.DateTime(
        required=True, description="When the user became a member."
    )

    @staticmethod
    def from_membership(membership: Membership) -> "MemberType":
        user = membership.user
        return MemberType(
            id=user.public_id,
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            role=membership.role,
            joined_at=membership.created_at,
        )


class UserSummary(graphene.ObjectType):
    """The public part of a user, as shown next to what they did."""

    id = graphene.ID(required=True, description="The user's public ID.")
    email = graphene.String(required=True, description="The user's address.")


def user_summary(user) -> UserSummary | None:
    if user is None:
        return None
    return UserSummary(id=user.public_id, email=user.email)


class OrganizationType(DjangoObjectType):
    """A group of users that shares control of clickstream pipelines."""

    # See houston.graphql.prefetch.
    related_lookups = {
        "members": ("memberships__user",),
        "applications": ("applications",),
        "connections": ("connections",),
        "integrations": ("applications__integrations",),
    }

    id = graphene.ID(required=True, description="The organization's public ID.")
    role = graphene.Field(
        RoleEnum, description="The caller's role here, or the API key's role."
    )
    members = graphene.List(
        graphene.NonNull(MemberType),
        required=True,
        description="The members and their roles.",
    )
    applications = graphene.List(
        graphene.NonNull("clickstream.graphql.types.ApplicationType"),
        required=True,
        description="The organization's clickstream sources.",
    )
    connections = graphene.List(
        graphene.NonNull("clickstream.graphql.types.ConnectionType"),
        required=True,
        description="The organization's connections.",
    )
    integrations = graphene.List(
        graphene.NonNull("clickstream.graphql.types.IntegrationType"),
        required=True,
        description="The integrations of all the organization's sources.",
    )

    class Meta:
        model = Organization
        name = "Organization"
        fields = ("name", "description", "website", "created_at", "updated_at")

    @staticmethod
    def resolve_id(organization, info):
        return organization.public_id

    @staticmethod
    def resolve_role(organization, info):
        return request_role(info.context, organization)

    @staticmethod
    def resolve_members(organization, info):
        memberships = organization.memberships.all()
        return [MemberType.from_membership(membership) for membership in memberships]

    @staticmethod
    def resolve_applications(organization, info):
        return organization.applications.all()

    @staticmethod
    def resolve_connections(organization, info):
        return organization.connections.all()

    @staticmethod
    def resolve_integrations(organization, info):
        integrations = [
            integration
            for application in organization.applications.all()
            for integration in application.integrations.all()
        ]
        return sorted(integrations, key=lambda item: (item.created_at, item.pk))


class InvitationType(DjangoObjectType):
    """An offer of membership mailed to an address without an account."""

    id = graphene.ID(required=True, description="The invitation's public ID.")
    role = graphene.Field(RoleEnum, required=True, description="The offered role.")
    status = graphene.String(
        required=True, description="One of pending, accepted, revoked and expired."
    )
    invited_by = graphene.Field(UserSummary, description="The Owner who invited.")
    expires_at = graphene.DateTime(
        required=True, description="When the newest link stops working."
    )
    organization = graphene.Field(
        graphene.NonNull(OrganizationType),
        description="The organization it belongs to.",
    )

    class Meta:
        model = Invitation
        name = "Invitation"
        fields = ("email", "sent_at", "created_at")

    @staticmethod
    def resolve_id(invitation, info):
        return invitation.public_id

    @staticmethod
    def resolve_status(invitation, info):
        return invitation.status.value

    @staticmethod
    def resolve_invited_by(invitation, info):
        return user_summary(invitation.invited_by)


class ApiKeyType(DjangoObjectType):
    """A credential for programs, acting in one organization with a role."""

    id = graphene.ID(required=True, description="The key's public ID.")
    prefix = graphene.String(
        required=True, description="The first characters of the key."
    )
    role = graphene.Field(RoleEnum, required=True, description="The key's role.")
    created_by = graphene.Field(UserSummary, description="The Owner who made it.")
    organization = graphene.Field(
        graphene.NonNull(OrganizationType),
        description="The organization it belongs to.",
    )

    class Meta:
        model = ApiKey
        name = "ApiKey"
        fields = ("name", "created_at", "last_used_at", "revoked_at")

    @staticmethod
    def resolve_id(api_key, info):
        return api_key.public_id

    @staticmethod
    def resolve_created_by(api_key, info):
        return user_summary(api_key.created_by)


class ApiKeyStatus(graphene.ObjectType):
    """The status of createApiKey, with the key itself."""

    class Meta:
        interfaces = (MutationStatus,)

    key = graphene.String(
        description="The API key, sent as `Authorization: Api-Key <key>`. It "
        "is shown only here, once: store it now."
    )
