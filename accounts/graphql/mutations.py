import graphene

from accounts import services
from accounts.graphql.types import ProfileInput, TokenClaims, TokenStatus
from accounts.tokens import token_issue
from houston.graphql.mutations import StatusMutation


def token_fields(token: str, claims: dict) -> dict:
    return {
        "token": token,
        "decoded": TokenClaims(
            id=claims["id"], email=claims["email"], iat=claims["iat"], exp=claims["exp"]
        ),
    }


class CreateNewUser(StatusMutation):
    """Sign up with an email address and a password.

    Mails a confirmation link and returns a token, so that the new user can
    sign in at once. Until the address is confirmed, the token can only
    read `me` and request a new link.
    """

    Output = TokenStatus

    class Arguments:
        email = graphene.String(
            required=True, description="The address to sign in with."
        )
        password = graphene.String(required=True, description="The new password.")
        profile = ProfileInput(description="Optional names and company.")

    @classmethod
    def perform(cls, root, info, email, password, profile=None):
        profile = profile or {}
        user = services.user_create(
            email=email,
            password=password,
            first_name=profile.get("first_name") or "",
            last_name=profile.get("last_name") or "",
            company=profile.get("company") or "",
        )
        token, claims = token_issue(user)
        return cls.succeed(
            "Account created. Check your mail for the confirmation link.",
            id=user.public_id,
            **token_fields(token, claims),
        )


class CreateToken(StatusMutation):
    """Sign in and get a JSON Web Token that is valid for 24 hours."""

    Output = TokenStatus

    class Arguments:
        username = graphene.String(required=True, description="The email address.")
        password = graphene.String(required=True, description="The password.")

    @classmethod
    def perform(cls, root, info, username, password):
        token, claims = services.token_create(email=username, password=password)
        return cls.succeed("Signed in.", id=claims["id"], **token_fields(token, claims))


class ConfirmEmail(StatusMutation):
    """Confirm an email address with the token from the confirmation link."""

    class Arguments:
        token = graphene.String(
            required=True, description="The token from the confirmation message."
        )

    @classmethod
    def perform(cls, root, info, token):
        user = services.email_confirm(token=token)
        return cls.succeed("Email address confirmed.", id=user.public_id)


class ResendConfirmation(StatusMutation):
    """Mail a new confirmation link.

    The response is the same whether or not the address has an unconfirmed
    account, so it cannot be used to find out who has signed up.
    """

    class Arguments:
        email = graphene.String(required=True, description="The address to confirm.")

    @classmethod
    def perform(cls, root, info, email):
        services.email_confirmation_resend(email=email)
        return cls.succeed(
            "If this address has an unconfirmed account, a new link is on its way."
        )


class AccountMutations(graphene.ObjectType):
    create_new_user = CreateNewUser.Field()
    create_token = CreateToken.Field()
    confirm_email = ConfirmEmail.Field()
    resend_confirmation = ResendConfirmation.Field()
