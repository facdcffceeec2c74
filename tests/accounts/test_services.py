from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import links, services
from accounts.models import User
from accounts.tokens import ExpiredToken, InvalidToken, token_issue, token_user
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def error_codes(error: ValidationError) -> dict[str, list[str]]:
    return {
        field: [item.code for item in items]
        for field, items in error.error_dict.items()
    }


def test_user_create_normalizes_email(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.user_create(
            email="  Grace.Hopper@Example.COM ",
            password=PASSWORD,
            first_name="Grace",
            last_name="Hopper",
            company="Navy",
        )

    assert user.email == "grace.hopper@example.com"
    assert user.email_confirmed is False
    assert user.check_password(PASSWORD)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["grace.hopper@example.com"]


def test_user_create_rejects_email_in_other_case():
    UserFactory(email="taken@example.com")

    with pytest.raises(ValidationError) as raised:
        services.user_create(email="TAKEN@example.com", password=PASSWORD)

    assert error_codes(raised.value) == {"email": ["unique"]}
    assert User.objects.count() == 1


def test_user_create_reports_each_password_rule():
    with pytest.raises(ValidationError) as raised:
        services.user_create(email="new@example.com", password="1234")

    codes = error_codes(raised.value)["password"]
    assert "password_too_short" in codes
    assert "password_too_common" in codes
    assert "password_entirely_numeric" in codes
    assert not User.objects.exists()


def test_user_create_reports_every_invalid_field():
    with pytest.raises(ValidationError) as raised:
        services.user_create(
            email="not-an-address",
            password=PASSWORD,
            first_name="x" * 10_000,
            company="Nul\x00Corp",
        )

    codes = error_codes(raised.value)
    assert codes["email"] == ["invalid"]
    assert codes["first_name"] == ["max_length"]
    assert codes["company"] == ["null_characters_not_allowed"]
    assert not User.objects.exists()


def test_email_unique_regardless_of_case_in_database():
    UserFactory(email="case@example.com")

    # The database enforces the constraint for writes that skip the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="CASE@example.com")


def test_concurrent_sign_ups_create_one_account(monkeypatch):
    """Two sign-ups that differ only in letter case can both pass validation
    before either row exists; the database constraint keeps one."""
    UserFactory(email="a@x.io")
    # The second sign-up validates as if the first row did not exist yet.
    monkeypatch.setattr(User, "validate_unique", lambda self, exclude=None: None)
    monkeypatch.setattr(User, "validate_constraints", lambda self, exclude=None: None)

    with pytest.raises(ValidationError) as raised:
        services.user_create(email="A@X.io", password=PASSWORD)

    assert error_codes(raised.value) == {"email": ["unique"]}
    assert User.objects.count() == 1


def test_email_confirm_confirms_once():
    user = UserFactory(email_confirmed=False)
    token = links.make_link_token(user, links.CONFIRM_EMAIL)

    confirmed = services.email_confirm(token=token)

    assert confirmed == user
    user.refresh_from_db()
    assert user.email_confirmed is True
    assert user.email_confirmed_at is not None
    with pytest.raises(links.InvalidLink):
        services.email_confirm(token=token)


def test_email_confirm_rejects_expired_link():
    user = UserFactory(email_confirmed=False)
    with time_machine.travel(timezone.now() - timedelta(days=4)):
        token = links.make_link_token(user, links.CONFIRM_EMAIL)

    with pytest.raises(links.ExpiredLink):
        services.email_confirm(token=token)

    user.refresh_from_db()
    assert user.email_confirmed is False


def test_email_confirm_rejects_tampered_link():
    user = UserFactory(email_confirmed=False)
    token = links.make_link_token(user, links.CONFIRM_EMAIL)

    with pytest.raises(links.InvalidLink):
        services.email_confirm(token=token[:-2] + "xx")

    user.refresh_from_db()
    assert user.email_confirmed is False


def test_token_create_accepts_any_letter_case():
    user = UserFactory(email="mixed@example.com")

    token, claims = services.token_create(email="MIXED@Example.com", password=PASSWORD)

    assert claims["id"] == str(user.public_id)
    assert token_user(token) == user
    user.refresh_from_db()
    assert user.last_login is not None


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("known@example.com", "wrong-password"),
        ("unknown@example.com", PASSWORD),
        ("known@example.com", "nul\x00byte"),
        ("known\x00@example.com", PASSWORD),
        ("known@example.com", "x" * 10_000),
    ],
)
def test_token_create_rejects_bad_credentials(email, password):
    UserFactory(email="known@example.com")

    with pytest.raises(services.InvalidCredentials):
        services.token_create(email=email, password=password)


def test_token_create_rejects_inactive_user():
    UserFactory(email="gone@example.com", is_active=False)

    with pytest.raises(services.InvalidCredentials):
        services.token_create(email="gone@example.com", password=PASSWORD)


def test_token_expires_after_24_hours():
    user = UserFactory()
    with time_machine.travel(timezone.now() - timedelta(hours=24, seconds=1)):
        token, claims = token_issue(user)

    assert claims["exp"] - claims["iat"] == 24 * 60 * 60
    with pytest.raises(ExpiredToken):
        token_user(token)


@pytest.mark.parametrize(
    "token",
    ["garbage", "", "a.b.c", "eyJhbGciOiJub25lIn0.eyJpZCI6IngifQ."],
)
def test_token_user_rejects_invalid_token(token):
    with pytest.raises(InvalidToken):
        token_user(token)


def test_token_user_rejects_deactivated_user():
    user = UserFactory()
    token, _ = token_issue(user)
    user.is_active = False
    user.save()

    with pytest.raises(InvalidToken):
        token_user(token)


def test_confirmation_resend_mails_unconfirmed_only(
    django_capture_on_commit_callbacks, mailoutbox
):
    UserFactory(email="waiting@example.com", email_confirmed=False)
    UserFactory(email="done@example.com", email_confirmed=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.email_confirmation_resend(email="WAITING@example.com")
        services.email_confirmation_resend(email="done@example.com")
        services.email_confirmation_resend(email="nobody@example.com")
        services.email_confirmation_resend(email="nul\x00@example.com")

    assert [message.to for message in mailoutbox] == [["waiting@example.com"]]


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (timedelta(days=3), "3 days"),
        (timedelta(days=1), "1 day"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(minutes=90), "90 minutes"),
        (timedelta(seconds=45), "45 seconds"),
    ],
)
def test_describe_duration(duration, text):
    assert services.describe_duration(duration) == text


@pytest.mark.parametrize("missing", ["exp", "iat"])
def test_token_without_required_claim_rejected(missing):
    from graphql_jwt.utils import jwt_encode

    from accounts.tokens import token_payload

    user = UserFactory()
    claims = token_payload(user)
    del claims[missing]

    with pytest.raises(InvalidToken):
        token_user(jwt_encode(claims))


def test_email_lookup_normalizes_unicode():
    user = UserFactory(email="user@caf\u00e9.example")

    assert User.objects.get_by_email("USER@cafe\u0301.example") == user
