"""Password reset, password change and password hashing."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone

from accounts import links, services
from accounts.models import User
from accounts.tokens import token_issue
from houston import settings as project_settings
from tests.conftest import (
    GraphQLClient,
    api_for,
    bad_text_code,
    error_codes,
    mailed_token,
)
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Neptune-has-16-moons"

REQUEST_PASSWORD_RESET = """
mutation RequestPasswordReset($email: String!) {
  requestPasswordReset(email: $email) { success message code id errors { field } }
}
"""

RESET_PASSWORD = """
mutation ResetPassword($token: String!, $newPassword: String!) {
  resetPassword(token: $token, newPassword: $newPassword) {
    success message code id errors { field message code }
  }
}
"""

CHANGE_PASSWORD = """
mutation ChangePassword($oldPassword: String!, $newPassword: String!) {
  changePassword(oldPassword: $oldPassword, newPassword: $newPassword) {
    success message code id token retryAfter
    decoded { id email iat exp origIat }
    errors { field message code }
  }
}
"""

ME = "query { me { id } }"


def reset_token(user) -> str:
    return links.make_link_token(user, links.RESET_PASSWORD)


def test_request_password_reset_mails_link(
    anonymous_api, django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory(email="forgetful@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        payload = anonymous_api.mutate(
            REQUEST_PASSWORD_RESET, {"email": "Forgetful@Example.com"}
        )

    assert payload["success"] is True
    assert payload["code"] == "OK"
    (message,) = mailoutbox
    assert message.to == ["forgetful@example.com"]
    assert message.subject == "Reset your Houston password"
    assert "expires in 1 hour" in message.body
    token = mailed_token(message, "reset-password")
    assert links.read_link_token(token, links.RESET_PASSWORD) == user


def test_request_password_reset_same_body_for_any_address(
    anonymous_api, django_capture_on_commit_callbacks, mailoutbox
):
    UserFactory(email="known@example.com")
    UserFactory(email="gone@example.com", is_active=False)
    bodies = []

    with django_capture_on_commit_callbacks(execute=True):
        for email in [
            "known@example.com",
            "unknown@example.com",
            "gone@example.com",
            "not-an-address",
        ]:
            response = anonymous_api.post(REQUEST_PASSWORD_RESET, {"email": email})
            assert response.status_code == 200
            bodies.append(response.content)

    assert len(set(bodies)) == 1
    assert [message.to for message in mailoutbox] == [["known@example.com"]]


@pytest.mark.parametrize(
    ("email", "code"),
    [("nul\x00@example.com", "NULL_CHARACTERS"), ("x" * 10_000, "MAX_LENGTH")],
)
def test_request_password_reset_rejects_malformed_text(anonymous_api, email, code):
    payload = anonymous_api.mutate(REQUEST_PASSWORD_RESET, {"email": email})

    assert payload["code"] == "INVALID_INPUT"


def test_reset_password_sets_password_once(
    anonymous_api, django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory(email_confirmed=False, pending_email="next@example.com")
    old_token, _ = token_issue(user)
    token = reset_token(user)

    with django_capture_on_commit_callbacks(execute=True):
        first = anonymous_api.mutate(
            RESET_PASSWORD, {"token": token, "newPassword": NEW_PASSWORD}
        )
    second = anonymous_api.mutate(
        RESET_PASSWORD, {"token": token, "newPassword": "Uranus-has-28-moons"}
    )

    assert first["success"] is True
    assert first["code"] == "OK"
    assert first["id"] == str(user.public_id)
    assert second["success"] is False
    assert second["code"] == "INVALID_TOKEN"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.email_confirmed is True
    assert user.pending_email == ""
    body = GraphQLClient(anonymous_api.client, token=old_token).execute(ME)
    assert error_codes(body) == ["INVALID_TOKEN"]
    (notice,) = mailoutbox
    assert notice.subject == "Your Houston password was changed"
    assert notice.to == [user.email]
    assert "reset with a link" in notice.body


def test_reset_password_rejects_expired_link(anonymous_api):
    user = UserFactory()
    with time_machine.travel(timezone.now() - timedelta(hours=1, seconds=1)):
        token = reset_token(user)

    payload = anonymous_api.mutate(
        RESET_PASSWORD, {"token": token, "newPassword": NEW_PASSWORD}
    )

    assert payload["code"] == "TOKEN_EXPIRED"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_reset_link_lifetime_is_a_setting(anonymous_api, settings):
    settings.PASSWORD_RESET_MAX_AGE = timedelta(minutes=5)
    user = UserFactory()
    with time_machine.travel(timezone.now() - timedelta(minutes=6)):
        token = reset_token(user)

    payload = anonymous_api.mutate(
        RESET_PASSWORD, {"token": token, "newPassword": NEW_PASSWORD}
    )

    assert payload["code"] == "TOKEN_EXPIRED"


@pytest.mark.parametrize(
    "token",
    ["garbage", "", "x" * 10_000, "a\x00b"],
)
def test_reset_password_rejects_bad_token(anonymous_api, token):
    user = UserFactory()

    payload = anonymous_api.mutate(
        RESET_PASSWORD, {"token": token, "newPassword": NEW_PASSWORD}
    )

    assert payload["code"] == bad_text_code(token)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_reset_password_rejects_link_of_other_purpose(anonymous_api):
    user = UserFactory()
    token = links.make_link_token(user, links.CONFIRM_EMAIL)

    payload = anonymous_api.mutate(
        RESET_PASSWORD, {"token": token, "newPassword": NEW_PASSWORD}
    )

    assert payload["code"] == "INVALID_TOKEN"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_reset_password_reports_each_rule_and_keeps_link(anonymous_api):
    user = UserFactory()
    token = reset_token(user)

    weak = anonymous_api.mutate(
        RESET_PASSWORD, {"token": token, "newPassword": "12345678"}
    )
    strong = anonymous_api.mutate(
        RESET_PASSWORD, {"token": token, "newPassword": NEW_PASSWORD}
    )

    assert weak["code"] == "INVALID_INPUT"
    assert sorted((error["field"], error["code"]) for error in weak["errors"]) == [
        ("newPassword", "PASSWORD_ENTIRELY_NUMERIC"),
        ("newPassword", "PASSWORD_TOO_COMMON"),
    ]
    assert strong["success"] is True


@pytest.mark.parametrize(
    ("password", "code"),
    [("x" * 10_000, "MAX_LENGTH"), ("nul\x00Password-1234", "NULL_CHARACTERS")],
)
def test_reset_password_rejects_bad_password(anonymous_api, password, code):
    user = UserFactory()

    payload = anonymous_api.mutate(
        RESET_PASSWORD, {"token": reset_token(user), "newPassword": password}
    )

    assert payload["code"] == "INVALID_INPUT"
    assert [error["code"] for error in payload["errors"]] == [code]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_reset_password_similar_to_email_rejected(anonymous_api):
    user = UserFactory(email="margaret.hamilton@example.com")

    payload = anonymous_api.mutate(
        RESET_PASSWORD,
        {"token": reset_token(user), "newPassword": "margaret.hamilton"},
    )

    assert {"field": "newPassword", "code": "PASSWORD_TOO_SIMILAR"} in [
        {"field": error["field"], "code": error["code"]} for error in payload["errors"]
    ]


def test_reset_page_shows_form_and_sets_password(mailoutbox):
    user = UserFactory()
    browser = Client(enforce_csrf_checks=True)
    url = f"/accounts/reset-password/{reset_token(user)}/"

    form = browser.get(url)
    csrf = browser.cookies["csrftoken"].value
    done = browser.post(
        url,
        {
            "csrfmiddlewaretoken": csrf,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    again = browser.post(
        url,
        {
            "csrfmiddlewaretoken": csrf,
            "new_password": "Uranus-has-28-moons",
            "new_password_again": "Uranus-has-28-moons",
        },
    )

    assert form.status_code == 200
    assert b'name="new_password"' in form.content
    assert b"csrfmiddlewaretoken" in form.content
    assert "no-store" in form["Cache-Control"]
    assert done.status_code == 200
    assert b"Your password is changed" in done.content
    assert again.status_code == 400
    assert b"This link did not work" in again.content
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_reset_page_requires_csrf_token():
    user = UserFactory()
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(
        f"/accounts/reset-password/{reset_token(user)}/",
        {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )

    assert response.status_code == 403
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_reset_page_reports_problems(client):
    user = UserFactory()
    url = f"/accounts/reset-password/{reset_token(user)}/"

    differ = client.post(
        url, {"new_password": NEW_PASSWORD, "new_password_again": "other"}
    )
    weak = client.post(
        url, {"new_password": "12345678", "new_password_again": "12345678"}
    )

    assert differ.status_code == 400
    assert b"The two passwords differ." in differ.content
    assert weak.status_code == 400
    assert b"This password is too common." in weak.content
    assert b"This password is entirely numeric." in weak.content
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("method", ["get", "post"])
def test_reset_page_rejects_expired_or_bad_link(client, method):
    user = UserFactory()
    with time_machine.travel(timezone.now() - timedelta(hours=2)):
        expired = reset_token(user)
    data = {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}

    for token, text in [(expired, b"expired"), ("garbage", b"invalid")]:
        url = f"/accounts/reset-password/{token}/"
        response = getattr(client, method)(url, data if method == "post" else None)
        assert response.status_code == 400
        assert text in response.content

    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_change_password_returns_new_token(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory(pending_email="next@example.com")
    api = api_for(client, user)
    other_session = api_for(client, user)

    with django_capture_on_commit_callbacks(execute=True):
        payload = api.mutate(
            CHANGE_PASSWORD, {"oldPassword": PASSWORD, "newPassword": NEW_PASSWORD}
        )

    assert payload["success"] is True
    assert payload["code"] == "OK"
    assert payload["id"] == str(user.public_id)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.pending_email == ""
    for session in (api, other_session):
        assert error_codes(session.execute(ME)) == ["INVALID_TOKEN"]
    new_session = GraphQLClient(client, token=payload["token"])
    assert new_session.query(ME)["me"]["id"] == str(user.public_id)
    (notice,) = mailoutbox
    assert notice.subject == "Your Houston password was changed"
    assert "changed by a signed-in session" in notice.body


def test_change_password_rejects_wrong_old_password(client, mailoutbox):
    user = UserFactory()
    api = api_for(client, user)

    payload = api.mutate(
        CHANGE_PASSWORD,
        {"oldPassword": "not-the-password", "newPassword": NEW_PASSWORD},
    )

    assert payload["success"] is False
    assert payload["code"] == "INVALID_CREDENTIALS"
    assert payload["token"] is None
    assert payload["errors"] == [
        {
            "field": "oldPassword",
            "message": "The password is incorrect.",
            "code": "INVALID",
        }
    ]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert user.token_version == 0
    assert api.query(ME)["me"]["id"] == str(user.public_id)
    assert mailoutbox == []


def test_change_password_reports_each_rule(client):
    user = UserFactory(email="katherine.johnson@example.com")
    api = api_for(client, user)

    payload = api.mutate(
        CHANGE_PASSWORD, {"oldPassword": PASSWORD, "newPassword": "1234"}
    )

    assert payload["code"] == "INVALID_INPUT"
    assert sorted(error["code"] for error in payload["errors"]) == [
        "PASSWORD_ENTIRELY_NUMERIC",
        "PASSWORD_TOO_COMMON",
        "PASSWORD_TOO_SHORT",
    ]
    assert {error["field"] for error in payload["errors"]} == {"newPassword"}
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert user.token_version == 0


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"oldPassword": "x" * 10_000}, "INVALID_INPUT"),
        ({"oldPassword": "a\x00b"}, "INVALID_INPUT"),
        ({"newPassword": "x" * 10_000}, "INVALID_INPUT"),
        ({"newPassword": "nul\x00Password-1234"}, "INVALID_INPUT"),
    ],
)
def test_change_password_rejects_bad_input(client, variables, code):
    user = UserFactory()
    api = api_for(client, user)

    payload = api.mutate(
        CHANGE_PASSWORD,
        {"oldPassword": PASSWORD, "newPassword": NEW_PASSWORD, **variables},
    )

    assert payload["code"] == code
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_change_password_needs_confirmed_sign_in(
    anonymous_api, unconfirmed_api, unconfirmed
):
    variables = {"oldPassword": PASSWORD, "newPassword": NEW_PASSWORD}

    anonymous = anonymous_api.mutate(CHANGE_PASSWORD, variables)
    not_confirmed = unconfirmed_api.mutate(CHANGE_PASSWORD, variables)

    assert anonymous["code"] == "NOT_AUTHENTICATED"
    assert not_confirmed["code"] == "EMAIL_NOT_CONFIRMED"
    unconfirmed.refresh_from_db()
    assert unconfirmed.check_password(PASSWORD)
    assert unconfirmed.token_version == 0


def test_change_password_guesses_are_throttled(client):
    user = UserFactory()
    api = api_for(client, user)
    wrong = {"oldPassword": "not-the-password", "newPassword": NEW_PASSWORD}
    right = {"oldPassword": PASSWORD, "newPassword": NEW_PASSWORD}

    codes = [api.mutate(CHANGE_PASSWORD, wrong)["code"] for _ in range(10)]
    throttled = api.mutate(CHANGE_PASSWORD, right)

    assert codes == ["INVALID_CREDENTIALS"] * 10
    assert throttled["code"] == "RATE_LIMITED"
    assert 0 < throttled["retryAfter"] <= 15 * 60
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_new_passwords_hashed_with_argon2id(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS

    user = services.user_create(email="argon@example.com", password=PASSWORD)

    assert user.password.startswith("argon2$argon2id$")
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_pbkdf2_hash_upgraded_at_sign_in(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = UserFactory(email="old@example.com")
    User.objects.filter(pk=user.pk).update(
        password=make_password(PASSWORD, hasher="pbkdf2_sha256")
    )

    services.token_create(email="old@example.com", password=PASSWORD)

    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)


def test_pbkdf2_hash_kept_after_wrong_password(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = UserFactory(email="old@example.com")
    old_hash = make_password(PASSWORD, hasher="pbkdf2_sha256")
    User.objects.filter(pk=user.pk).update(password=old_hash)

    with pytest.raises(services.InvalidCredentials):
        services.token_create(email="old@example.com", password="wrong-password")

    user.refresh_from_db()
    assert user.password == old_hash


RESEND_CONFIRMATION = """
mutation ResendConfirmation($email: String!) {
  resendConfirmation(email: $email) { success message code id errors { field } }
}
"""


def test_resend_confirmation_same_body_for_any_address(anonymous_api, mailoutbox):
    UserFactory(email="waiting@example.com", email_confirmed=False)
    UserFactory(email="done@example.com", email_confirmed=True)

    bodies = {
        anonymous_api.post(RESEND_CONFIRMATION, {"email": email}).content
        for email in ["waiting@example.com", "done@example.com", "nobody@example.com"]
    }

    assert len(bodies) == 1
