"""Account mail: templates, sign-in notices and a failing mail server."""

import logging
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import SignInAddress
from tests.conftest import api_for
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "email"

CREATE_TOKEN = """
mutation CreateToken($username: String!, $password: String!) {
  createToken(username: $username, password: $password) { success code }
}
"""

CHANGE_PASSWORD = """
mutation ChangePassword($oldPassword: String!, $newPassword: String!) {
  changePassword(oldPassword: $oldPassword, newPassword: $newPassword) {
    success code token
  }
}
"""


@pytest.mark.parametrize(
    "template",
    [
        "confirm_email",
        "reset_password",
        "password_changed",
        "change_email_confirm",
        "change_email_notice",
        "sign_in_notice",
    ],
)
def test_mail_template_has_every_part(template):
    folder = TEMPLATES / template

    assert sorted(path.name for path in folder.iterdir()) == [
        "body.html",
        "body.txt",
        "subject.txt",
    ]


def test_sign_in_notice_for_new_address_only(
    anonymous_api, django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory(email="someone@example.com")
    variables = {"username": "someone@example.com", "password": PASSWORD}

    with django_capture_on_commit_callbacks(execute=True):
        first = anonymous_api.mutate(CREATE_TOKEN, variables, REMOTE_ADDR="192.0.2.1")
        again = anonymous_api.mutate(CREATE_TOKEN, variables, REMOTE_ADDR="192.0.2.1")
        assert mailoutbox == []
        new = anonymous_api.mutate(CREATE_TOKEN, variables, REMOTE_ADDR="192.0.2.2")

    assert [first["code"], again["code"], new["code"]] == ["OK"] * 3
    (notice,) = mailoutbox
    assert notice.to == ["someone@example.com"]
    assert notice.subject == "New sign-in to your Houston account"
    assert "192.0.2.2" in notice.body
    assert "192.0.2.2" in notice.alternatives[0][0]
    assert sorted(
        SignInAddress.objects.filter(user=user).values_list("address", flat=True)
    ) == ["192.0.2.1", "192.0.2.2"]


def test_failed_sign_in_records_no_address(anonymous_api, mailoutbox):
    UserFactory(email="someone@example.com")

    anonymous_api.mutate(
        CREATE_TOKEN, {"username": "someone@example.com", "password": "wrong"}
    )

    assert not SignInAddress.objects.exists()


def test_failing_mail_server_keeps_change(
    client, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.accounts.mail_backends.FailingEmailBackend"
    user = UserFactory()
    api = api_for(client, user)

    with caplog.at_level(logging.ERROR, logger="houston.mail"):
        with django_capture_on_commit_callbacks(execute=True):
            payload = api.mutate(
                CHANGE_PASSWORD,
                {"oldPassword": PASSWORD, "newPassword": "Neptune-has-16-moons"},
            )

    assert payload["success"] is True
    assert payload["token"]
    user.refresh_from_db()
    assert user.check_password("Neptune-has-16-moons")
    (record,) = caplog.records
    assert record.getMessage() == "Failed to send the password_changed message"
    assert record.exc_info is not None
    assert user.email not in caplog.text


def test_invalid_update_mails_nothing(django_capture_on_commit_callbacks, mailoutbox):
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ValidationError):
            services.user_update(
                user=user, email="new@example.com", first_name="x" * 999
            )

    assert callbacks == []
    assert mailoutbox == []
