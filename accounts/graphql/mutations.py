import graphene

from accounts import services, tokens
from accounts.graphql.types import (
    PROFILE_ERROR_PATHS,
    ProfileInput,
    TokenClaims,
    TokenStatus,
    profile_arguments,
)
from houston.graphql.mutations import StatusMutation
from houston.http import client_address
from houston.permissions import login_required


def token_fields(token: str, claims: dict) -> dict:
    return {
        "token": token,
        "decoded": TokenClaims(
            id=claims["id"],
            email=claims["email"],
            iat=claims["iat"],
            exp=claims["exp"],
            orig_iat=claims["origIat"],
        ),
    }


class CreateNewUser(StatusMutation):
    """Sign up with an email address and a password.

    Mails a confirmation link and returns a token, so that the new user can
    sign in at once. Until the address is confirmed, the token can only
    read `me` and request a new link.
    """

    Output = TokenStatus
    error_paths = PROFILE_ERROR_PATHS

    class Arguments:
        email = graphene.String(
            required=True, description="The address to sign in with."
        )
        password = graphene.String(required=True, description="The new password.")
        profile = ProfileInput(description="Optional names and company.")

    @classmethod
    def perform(cls, root, info, email, password, profile=None):
        user = services.user_create(
            email=email, password=password, **profile_arguments(profile)
        )
        token, claims = tokens.token_issue(user)
        return cls.succeed(
            "Account created. Check your mail for the confirmation link.",
            id=user.public_id,
            **token_fields(token, claims),
        )


class CreateToken(StatusMutation):
    """Sign in and get a JSON Web Token that is valid for 24 hours.

    Failed attempts are limited per account and per client address. Past
    the limit the response is `RATE_LIMITED` with `retryAfter`.
    """

    Output = TokenStatus

    class Arguments:
        username = graphene.String(required=True, description="The email address.")
        password = graphene.String(required=True, description="The password.")

    @classmethod
    def perform(cls, root, info, username, password):
        token, claims = services.token_create(
            email=username,
            password=password,
            client_address=client_address(info.context),
        )
        return cls.succeed("Signed in.", id=claims["id"], **token_fields(token, claims))


class VerifyToken(StatusMutation):
    """Check that a token is valid now and read its claims."""

    Output = TokenStatus

    class Arguments:
        token = graphene.String(required=True, description="The token to check.")

    @classmethod
    def perform(cls, root, info, token):
        _, claims = tokens.token_claims(token)
        return cls.succeed(
            "The token is valid.", id=claims["id"], **token_fields(token, claims)
        )


class RefreshToken(StatusMutation):
    """Exchange a valid token for a new one that lasts 24 hours.

    Works until 7 days after the sign-in that the token descends from (its
    `origIat`); after that, sign in again with createToken.
    """

    Output = TokenStatus

    class Arguments:
        token = graphene.String(
            required=True, description="A token that has not expired yet."
        )

    @classmethod
    def perform(cls, root, info, token):
        new_token, claims = tokens.token_refresh(token)
        return cls.succeed(
            "Token refreshed.", id=claims["id"], **token_fields(new_token, claims)
        )


class RevokeTokens(StatusMutation):
    """Sign out everywhere: end every token of the signed-in user,
    including the one sent with this request."""

    @classmethod
    @login_required(allow_unconfirmed=True)
    def perform(cls, root, info):
        user = info.context.user
        services.tokens_revoke(user=user)
        return cls.succeed("Signed out everywhere.", id=user.public_id)


class RequestPasswordReset(StatusMutation):
    """Mail a link that sets a new password.

    The response is the same whether or not the address has an account, so
    it cannot be used to find out who has signed up.
    """

    class Arguments:
        email = graphene.String(required=True, description="The account's address.")

    @classmethod
    def perform(cls, root, info, email):
        services.password_reset_request(email=email)
        return cls.succeed(
            "If this address has an account, a password reset link is on its way."
        )


class ResetPassword(StatusMutation):
    """Set a new password with the token from a password reset link.

    The link works once and ends every token issued before.
    """

    class Arguments:
        token = graphene.String(
            required=True, description="The token from the reset message."
        )
        new_password = graphene.String(required=True, description="The new password.")

    @classmethod
    def perform(cls, root, info, token, new_password):
        user = services.password_reset(token=token, new_password=new_password)
        return cls.succeed(
            "Password changed. Sign in with the new password.", id=user.public_id
        )


class ChangePassword(StatusMutation):
    """Change the signed-in user's password.

    Ends every token issued before, including the one sent with this
    request, and returns a new token to continue with.
    """

    Output = TokenStatus

    class Arguments:
        old_password = graphene.String(
            required=True, description="The current password."
        )
        new_password = graphene.String(required=True, description="The new password.")

    @classmethod
    @login_required
    def perform(cls, root, info, old_password, new_password):
        token, claims = services.password_change(
            user=info.context.user,
            old_password=old_password,
            new_password=new_password,
        )
        return cls.succeed(
            "Password changed. Other sessions are signed out.",
            id=claims["id"],
            **token_fields(token, claims),
        )


class UpdateUser(StatusMutation):
    """Change the signed-in user's profile. Arguments left out keep their
    value.

    A new `email` takes effect only when the link mailed to it is opened.
    Until then it shows as `me.pendingEmail`, and the current address gets
    a notice.
    """

    class Arguments:
        first_name = graphene.String(description="Given name.")
        last_name = graphene.String(description="Family name.")
        company = graphene.String(description="Company or team.")
        email = graphene.String(
            description="A new address to sign in with. Sending the current "
            "address cancels a pending change."
        )

    @classmethod
    @login_required
    def perform(cls, root, info, **arguments):
        user = services.user_update(user=info.context.user, **arguments)
        message = "Profile updated."
        if user.pending_email:
            message += " Open the link sent to the new address to switch to it."
        return cls.succeed(message, id=user.public_id)


class ConfirmEmailChange(StatusMutation):
    """Switch to a new email address with the token from the link mailed to
    it."""

    class Arguments:
        token = graphene.String(
            required=True, description="The token from the email change message."
        )

    @classmethod
    def perform(cls, root, info, token):
        user = services.email_change_confirm(token=token)
        return cls.succeed("Email address changed.", id=user.public_id)


class DeleteAccount(StatusMutation):
    """Delete the signed-in user's account, and every organization that has
    no other member.

    Fails with `LAST_OWNER` while the user is the only Owner of an
    organization that has other members.
    """

    class Arguments:
        password = graphene.String(required=True, description="The current password.")

    @classmethod
    @login_required(allow_unconfirmed=True)
    def perform(cls, root, info, password):
        user = info.context.user
        public_id = user.public_id
        services.account_delete(user=user, password=password)
        return cls.succeed("Account deleted.", id=public_id)


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
    verify_token = VerifyToken.Field()
    refresh_token = RefreshToken.Field()
    revoke_tokens = RevokeTokens.Field()
    request_password_reset = RequestPasswordReset.Field()
    reset_password = ResetPassword.Field()
    change_password = ChangePassword.Field()
    update_user = UpdateUser.Field()
    confirm_email_change = ConfirmEmailChange.Field()
    delete_account = DeleteAccount.Field()
