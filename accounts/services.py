"""Writes to user accounts: sign-up, confirmation, sign-in, passwords,
profile changes, deactivation and deletion."""

import logging
from datetime import timedelta

from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from accounts import links, throttling
from accounts.models import SignInAddress, User, normalize_email
from accounts.signals import email_confirmed
from accounts.tokens import token_issue
from houston.errors import HoustonError, LastOwner, StatusCode
from houston.mail import send_templated_mail
from houston.validators import has_null_character
from organizations.models import Membership, Organization, Role

logger = logging.getLogger(__name__)

EMAIL_TAKEN = "A user with this email already exists."

# Hashing cost grows with length, so an unbounded password is a cheap way to
# load the server.
PASSWORD_MAX_LENGTH = 256


# The maximum length of an address in Django's EmailField.
EMAIL_MAX_LENGTH = 254


class InvalidCredentials(HoustonError):
    code = StatusCode.INVALID_CREDENTIALS
    default_message = "The email address or password is incorrect."


class WrongPassword(HoustonError):
    code = StatusCode.INVALID_CREDENTIALS
    default_message = "The password is incorrect."


def account_validate(user: User, password: str, *, exclude=()) -> None:
    """Check a new account's fields and password together.

    Raises one ValidationError listing every invalid field, including each
    password rule that the password breaks, so the caller sees every
    problem at once.
    """
    errors = {}
    try:
        user.full_clean(exclude=["password", *exclude])
    except ValidationError as error:
        errors.update(error.error_dict)
    problems = password_problems(password, user)
    if problems:
        errors["password"] = problems
    if errors:
        raise ValidationError(errors)


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
    account_validate(user, password)
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
    _send_link_mail(
        user=user,
        purpose=links.CONFIRM_EMAIL,
        template="confirm_email",
        route="confirm-email",
        to=user.email,
    )


def _send_link_mail(
    *, user: User, purpose: links.LinkPurpose, template: str, route: str, to: str
) -> None:
    """Mail a link made for `purpose` that opens the page named `route`."""
    token = links.make_link_token(user, purpose)
    send_templated_mail(
        template=template,
        to=to,
        context={
            "user": user,
            "link": links.absolute_url(reverse(route, args=[token])),
            "token": token,
            "max_age": describe_duration(purpose.max_age),
        },
    )


def describe_duration(duration: timedelta) -> str:
    """Return a duration in the largest whole unit, such as "3 days"."""
    seconds = int(duration.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}" if count == 1 else f"{count} {unit}s"
    return f"{seconds} seconds"


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


def token_create(
    *, email: str, password: str, client_address: str | None = None
) -> tuple[str, dict]:
    """Sign a user in and return a new token and its claims.

    A wrong password, an unknown address and a deactivated account all raise
    the same InvalidCredentials, so the response does not reveal which
    addresses have accounts. Django's ModelBackend hashes the password for
    an unknown address too, with the same default hasher, which keeps the
    two cases equally slow. Failures count against the address typed and
    against `client_address` (see `accounts.throttling`); past either limit
    this raises RateLimited before checking the password.
    """
    counters = throttling.sign_in_counters(email=email, address=client_address)
    throttling.check(counters)

    user = None
    if (
        not has_null_character(email)
        and not has_null_character(password)
        and len(password) <= PASSWORD_MAX_LENGTH
    ):
        user = authenticate(username=email, password=password)
    if user is None:
        throttling.record_failure(counters)
        raise InvalidCredentials()

    throttling.reset(counters[0])
    with transaction.atomic():
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])
        sign_in_address_record(user=user, address=client_address)
    logger.info("User %s signed in", user.public_id)
    return token_issue(user)


def sign_in_address_record(*, user: User, address: str | None) -> None:
    """Remember a sign-in from `address`, and mail a notice if it is new.

    The first address an account signs in from is remembered silently,
    because a notice right after sign-up would tell the user nothing. Every
    later address not seen before gets a notice, so that the owner notices
    a sign-in by someone else.
    """
    if address is None:
        return
    known = SignInAddress.objects.filter(user=user)
    if known.filter(address=address).update(updated_at=timezone.now()):
        return
    first = not known.exists()
    try:
        with transaction.atomic():
            SignInAddress.objects.create(user=user, address=address)
    except IntegrityError:
        # A concurrent sign-in from the same address recorded it.
        return
    if not first:
        send_templated_mail(
            template="sign_in_notice",
            to=user.email,
            context={"user": user, "address": address, "time": timezone.now()},
        )
        logger.info("User %s signed in from a new address", user.public_id)


def email_confirmation_resend(*, email: str) -> None:
    """Mail a new confirmation link if `email` has an unconfirmed account.

    Does nothing otherwise, and returns nothing either way, so that callers
    cannot tell which addresses have accounts.
    """
    user = _find_active_user(email)
    if user is not None and not user.email_confirmed:
        email_confirmation_send(user=user)


def _find_active_user(email: str) -> User | None:
    if has_null_character(email) or len(email) > EMAIL_MAX_LENGTH:
        return None
    try:
        user = User.objects.get_by_email(email)
    except User.DoesNotExist:
        return None
    return user if user.is_active else None


def password_reset_request(*, email: str) -> None:
    """Mail a password reset link if `email` has an active account.

    Does nothing otherwise, and returns nothing either way, so that callers
    cannot tell which addresses have accounts.
    """
    user = _find_active_user(email)
    if user is None:
        return
    _send_link_mail(
        user=user,
        purpose=links.RESET_PASSWORD,
        template="reset_password",
        route="reset-password",
        to=user.email,
    )
    logger.info("User %s asked for a password reset link", user.public_id)


def password_reset(*, token: str, new_password: str) -> User:
    """Set a new password with the token of a reset link.

    The link works once, because the new password hash changes the link's
    state. The link proves that the user reads mail at the address, so an
    unconfirmed address becomes confirmed. Raises InvalidLink, ExpiredLink,
    or ValidationError on `new_password` listing each rule it breaks.
    """
    with transaction.atomic():
        user = links.read_link_token(token, links.RESET_PASSWORD, for_update=True)
        _check_new_password(new_password, user)
        newly_confirmed = not user.email_confirmed
        if newly_confirmed:
            user.email_confirmed = True
            user.email_confirmed_at = timezone.now()
        _password_set(user, new_password, reason="reset")
        if newly_confirmed:
            email_confirmed.send(sender=User, user=user)
    logger.info("User %s reset their password", user.public_id)
    return user


def password_change(
    *, user: User, old_password: str, new_password: str
) -> tuple[str, dict]:
    """Replace the password of a signed-in user; return a new token.

    Every token issued before, including the one that made this request,
    stops working, so the caller continues with the returned token. A wrong
    `old_password` counts as a failed sign-in for the account.
    """
    password_verify(user=user, password=old_password, field="oldPassword")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _check_new_password(new_password, user)
        _password_set(user, new_password, reason="change")
    logger.info("User %s changed their password", user.public_id)
    return token_issue(user)


def password_verify(*, user: User, password: str, field: str) -> None:
    """Check the password of a signed-in user before a sensitive change.

    Raises WrongPassword on the input `field`, or RateLimited, sharing the
    account's sign-in failure counter so that a stolen token cannot be used
    to guess the password faster than createToken allows.
    """
    counters = [throttling.account_counter(user.email)]
    throttling.check(counters)
    if (
        isinstance(password, str)
        and len(password) <= PASSWORD_MAX_LENGTH
        and not has_null_character(password)
        and user.check_password(password)
    ):
        return
    throttling.record_failure(counters)
    raise WrongPassword(field=field)


def _check_new_password(password: str, user: User) -> None:
    problems = password_problems(password, user)
    if problems:
        raise ValidationError({"new_password": problems})


def _password_set(user: User, password: str, *, reason: str) -> None:
    """Store a new password, end every token and cancel an email change.

    A pending email change is cancelled because it may have been requested
    by someone who had the old password.
    """
    user.set_password(password)
    user.end_tokens()
    user.pending_email = ""
    user.save()
    throttling.reset(throttling.account_counter(user.email))
    send_templated_mail(
        template="password_changed",
        to=user.email,
        context={"user": user, "reason": reason, "time": timezone.now()},
    )


def tokens_revoke(*, user: User) -> None:
    """End every token of `user`, signing them out everywhere."""
    User.objects.filter(pk=user.pk).update(
        token_version=F("token_version") + 1, updated_at=timezone.now()
    )
    logger.info("User %s ended all their tokens", user.public_id)


def user_deactivate(*, user: User) -> None:
    """Deactivate an account: it can no longer sign in, and its tokens end.

    The token version rises too, so that tokens issued before do not work
    again if staff reactivate the account.
    """
    User.objects.filter(pk=user.pk).update(
        is_active=False,
        token_version=F("token_version") + 1,
        updated_at=timezone.now(),
    )
    logger.info("User %s was deactivated", user.public_id)


def user_update(
    *,
    user: User,
    first_name: str | None = None,
    last_name: str | None = None,
    company: str | None = None,
    email: str | None = None,
) -> User:
    """Change a user's profile; arguments left as None keep their value.

    A new `email` is not used at once: it waits in `pending_email`, a link
    goes to the new address and a notice to the current one, and the
    address switches when the link is opened (`email_change_confirm`).
    Sending the current address cancels a pending change. Raises
    ValidationError listing every invalid field.
    """
    user = User.objects.get(pk=user.pk)
    for name, value in (
        ("first_name", first_name),
        ("last_name", last_name),
        ("company", company),
    ):
        if value is not None:
            setattr(user, name, value.strip())

    requested_email = None
    if email is not None:
        normalized = normalize_email(email)
        if not normalized:
            raise ValidationError(
                {"email": ValidationError("Enter an email address.", code="required")}
            )
        if normalized == user.email:
            user.pending_email = ""
        else:
            requested_email = normalized
            user.pending_email = normalized

    _validate_profile(user, requested_email)
    with transaction.atomic():
        user.save()
        if requested_email is not None:
            _email_change_send(user)
    logger.info("User %s updated their profile", user.public_id)
    return user


def _validate_profile(user: User, requested_email: str | None) -> None:
    errors = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        errors.update(error.error_dict)
    # The new address is reported under the argument that carried it.
    if "pending_email" in errors:
        errors["email"] = errors.pop("pending_email")
    elif requested_email is not None and _email_taken(requested_email, user):
        errors["email"] = [ValidationError(EMAIL_TAKEN, code="unique")]
    if errors:
        raise ValidationError(errors)


def _email_taken(email: str, user: User) -> bool:
    return (
        User.objects.alias(email_lower=Lower("email"))
        .filter(email_lower=email)
        .exclude(pk=user.pk)
        .exists()
    )


def _email_change_send(user: User) -> None:
    _send_link_mail(
        user=user,
        purpose=links.CHANGE_EMAIL,
        template="change_email_confirm",
        route="change-email",
        to=user.pending_email,
    )
    send_templated_mail(
        template="change_email_notice",
        to=user.email,
        context={"user": user, "new_email": user.pending_email},
    )


def email_change_confirm(*, token: str) -> User:
    """Switch to the pending address that an email change link was made for.

    Raises InvalidLink or ExpiredLink, InvalidLink for a used or cancelled
    link, and ValidationError when another account took the address in the
    meantime.
    """
    with transaction.atomic():
        user = links.read_link_token(token, links.CHANGE_EMAIL, for_update=True)
        if not user.pending_email:
            raise links.InvalidLink()
        user.email = user.pending_email
        user.pending_email = ""
        user.email_confirmed = True
        user.email_confirmed_at = timezone.now()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            raise ValidationError(
                {"email": ValidationError(EMAIL_TAKEN, code="unique")}
            ) from None
        email_confirmed.send(sender=User, user=user)
    logger.info("User %s changed their email address", user.public_id)
    return user


def account_delete(*, user: User, password: str) -> None:
    """Delete an account after checking its password.

    Organizations that the user alone belongs to are deleted with it, with
    everything in them. Raises LastOwner, and changes nothing, while the user
    is the only Owner of an organization that has other members, because an
    organization must keep an Owner. Also raises like `password_verify`.
    """
    password_verify(user=user, password=password, field="password")
    with transaction.atomic():
        # Locking the organizations makes concurrent deletions by two Owners
        # of one organization take turns, so they cannot both see the other
        # as the remaining Owner.
        organizations = list(
            Organization.objects.filter(memberships__user=user)
            .order_by("pk")
            .select_for_update()
        )
        sole_member = []
        last_owner = []
        for organization in organizations:
            others = Membership.objects.filter(organization=organization).exclude(
                user=user
            )
            if not others.exists():
                sole_member.append(organization.pk)
                continue
            role = Membership.objects.get(organization=organization, user=user).role
            if role == Role.OWNER and not others.filter(role=Role.OWNER).exists():
                last_owner.append(organization.name)
        if last_owner:
            raise LastOwner(
                "You are the only Owner of "
                + ", ".join(sorted(last_owner))
                + ", which has other members. Make another member an Owner, or "
                "remove the other members, before you delete your account."
            )
        Organization.objects.filter(pk__in=sole_member).delete()
        user.delete()
    logger.info(
        "User %s deleted their account and %d organizations",
        user.public_id,
        len(sole_member),
    )
