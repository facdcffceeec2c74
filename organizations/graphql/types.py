import graphene
from graphene_django import DjangoObjectType

from organizations.models import Organization, Role
from organizations.permissions import request_role

RoleEnum = graphene.Enum.from_enum(Role, description="A member's role.")


class OrganizationType(DjangoObjectType):
    """A group of users that shares control of clickstream pipelines."""

    # See houston.graphql.prefetch.
    related_lookups = {"applications": ("applications",)}

    id = graphene.ID(required=True, description="The organization's public ID.")
    role = graphene.Field(RoleEnum, description="The caller's role here.")
    applications = graphene.List(
        graphene.NonNull("clickstream.graphql.types.ApplicationType"),
        required=True,
        description="The organization's clickstream sources.",
    )

    class Meta:
        model = Organization
        name = "Organization"
        fields = ("name", "created_at", "updated_at")

    @staticmethod
    def resolve_id(organization, info):
        return organization.public_id

    @staticmethod
    def resolve_role(organization, info):
        return request_role(info.context, organization)

    @staticmethod
    def resolve_applications(organization, info):
        return organization.applications.all()
