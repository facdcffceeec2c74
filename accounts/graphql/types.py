import graphene
from graphene_django import DjangoObjectType

from accounts.models import User
from houston.graphql.types import MutationStatus


class UserType(DjangoObjectType):
    """A person with a Houston account."""

    id = graphene.ID(required=True, description="The user's public ID.")
    email_confirmed = graphene.Boolean(
        required=True, description="Whether the address has been confirmed."
    )
    pending_email = graphene.String(
        description="A new address that waits for confirmation through the "
        "link mailed to it; null when no change is pending."
    )

    class Meta:
        model = User
        name = "User"
        fields = (
            "email",
            "first_name",
            "last_name",
            "company",
            "email_confirmed",
            "pending_email",
            "created_at",
        )

    @staticmethod
    def resolve_id(user, info):
        return user.public_id

    @staticmethod
    def resolve_pending_email(user, info):
        return user.pending_email or None


# Error paths of the profile fields, which arrive nested in `profile`.
PROFILE_ERROR_PATHS = {
    "first_name": "profile.firstName",
    "last_name": "profile.lastName",
    "company": "profile.company",
}


def profile_arguments(profile) -> dict:
    """Return a ProfileInput's values as service keyword arguments, with
    empty strings for the names left out."""
    profile = profile or {}
    return {
        name: profile.get(name) or "" for name in ("first_name", "last_name", "company")
    }


class ProfileInput(graphene.InputObjectType):
    """A user's profile."""

    first_name = graphene.String(description="Given name.")
    last_name = graphene.String(description="Family name.")
    company = graphene.String(description="Company or team.")


class TokenClaims(graphene.ObjectType):
    """The claims of a JSON Web Token."""

    id = graphene.ID(required=True, description="The user's public ID.")
    email = graphene.String(required=True, description="The user's address.")
    iat = graphene.Int(
        required=True, description="Issue time, in seconds since the Unix epoch."
    )
    exp = graphene.Int(
        required=True,
        description="Expiry time, in seconds since the Unix epoch.",
    )
    orig_iat = graphene.Int(
        required=True,
        description="Time of the sign-in that the token descends from, in "
        "seconds since the Unix epoch. refreshToken works until "
        "JWT_REFRESH_EXPIRATION_DELTA (7 days by default) after it.",
    )


class TokenStatus(graphene.ObjectType):
    """The status of a mutation that signs a user in."""

    class Meta:
        interfaces = (MutationStatus,)

    token = graphene.String(
        description="A JSON Web Token, sent as `Authorization: JWT <token>`."
    )
    decoded = graphene.Field(TokenClaims, description="The token's claims.")
