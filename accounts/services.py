"""Writes to user accounts: sign-up, email confirmation and sign-in."""

import logging

from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import links
from accounts.models import User, normalize_email
from accounts.signals import email_confirmed
from accounts.tokens import token_issue
from houston.errors import HoustonError, StatusCode
from houston.mail import send_templated_mail
from houston.validators import has_null_character

logger = logging.getLogger(__name__)

EMAIL_TAKEN = "A user with this email already exists."

# Hashing cost grows with length, so an unbounded password is a cheap way to
# load the server.
PASSWORD_MAX_LENGTH = 256


class InvalidCredentials(HoustonError):
    code = StatusCode.INVALID_CREDENTIALS
    default_message = "The email address or password is incorrect."


def user_create(
    *,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    company: str = "",
) -> User:
    """Sign up a new user and mail them a confirmation link.

    Raises ValidationError listing every invalid field, including each
    password rule that the password breaks.
    """
    user = User(
        email=normalize_email(email),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        company=company.strip(),
    )
    errors = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        errors.update(error.error_dict)
    password_errors = password_problems(password, user)
    if password_errors:
        errors["password"] = password_errors
    if errors:
        raise ValidationError(errors)

    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            email_confirmation_send(user=user)
    except IntegrityError:
        # A concurrent sign-up with the same address won the race.
        raise ValidationError(
            {"email": ValidationError(EMAIL_TAKEN, code="unique")}
        ) from None

    logger.info("User %s signed up", user.public_id)
    return user


def password_problems(password: str, user: User) -> list[ValidationError]:
    """Return every password rule that `password` breaks, one error each."""
    if len(password) > PASSWORD_MAX_LENGTH:
        return [
            ValidationError(
                f"The password must be at most {PASSWORD_MAX_LENGTH} characters.",
                code="max_length",
            )
        ]
    if has_null_character(password):
        return [
            ValidationError(
                "The password must not contain NUL characters.",
                code="null_characters_not_allowed",
            )
        ]
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        return error.error_list
    return []


def email_confirmation_send(*, user: User) -> None:
    """Mail `user` a link that confirms their address."""
    token = links.make_link_token(user, links.CONFIRM_EMAIL)
    send_templated_mail(
        template="confirm_email",
        to=user.email,
        context={
            "user": user,
            "link": links.absolute_url(reverse("confirm-email", args=[token])),
            "token": token,
            "max_age_days": links.CONFIRM_EMAIL.max_age.days,
        },
    )


def email_confirm(*, token: str) -> User:
    """Confirm the address that a confirmation link token was made for.

    Raises InvalidLink or ExpiredLink; a used link is invalid.
    """
    with transaction.atomic():
        user = links.read_link_token(token, links.CONFIRM_EMAIL)
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.email_confirmed:
            raise links.InvalidLink()
        user.email_confirmed = True
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed", "email_confirmed_at", "updated_at"])
        email_confirmed.send(sender=User, user=user)
    logger.info("User %s confirmed their email address", user.public_id)
    return user


def token_create(*, email: str, password: str) -> tuple[str, dict]:
    """Sign a user in and return a new token and its claims.

    A wrong password, an unknown address and a deactivated account all raise
    the same InvalidCredentials, so the answer does not reveal which
    addresses have accounts. Django's ModelBackend hashes the password for
    an unknown address too, which keeps the two cases equally slow.
    """
    if has_null_character(email) or has_null_character(password):
        raise InvalidCredentials()
    if len(password) > PASSWORD_MAX_LENGTH:
        raise InvalidCredentials()

    user = authenticate(username=email, password=password)
    if user is None:
        raise InvalidCredentials()

    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    logger.info("User %s signed in", user.public_id)
    return token_issue(user)


def email_confirmation_resend(*, email: str) -> None:
    """Mail a new confirmation link if `email` has an unconfirmed account.

    Does nothing otherwise, and returns nothing either way, so that callers
    cannot tell which addresses have accounts.
    """
    if has_null_character(email) or len(email) > 254:
        return
    try:
        user = User.objects.get_by_email(email)
    except User.DoesNotExist:
        return
    if user.is_active and not user.email_confirmed:
        email_confirmation_send(user=user)
