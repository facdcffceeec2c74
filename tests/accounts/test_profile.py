"""Profile updates, email address changes and account deletion."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts import links
from accounts.models import User
from clickstream.models import Application, Connection, Integration
from organizations.models import Membership, Organization, Role
from tests.conftest import api_for, bad_text_code, error_codes, mailed_token
from tests.factories import (
    PASSWORD,
    IntegrationFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

UPDATE_USER = """
mutation UpdateUser(
  $firstName: String, $lastName: String, $company: String, $email: String
) {
  updateUser(
    firstName: $firstName, lastName: $lastName, company: $company, email: $email
  ) {
    success message code id errors { field message code }
  }
}
"""

CONFIRM_EMAIL_CHANGE = """
mutation ConfirmEmailChange($token: String!) {
  confirmEmailChange(token: $token) {
    success message code id errors { field message code }
  }
}
"""

DELETE_ACCOUNT = """
mutation DeleteAccount($password: String!) {
  deleteAccount(password: $password) {
    success message code id errors { field message code }
  }
}
"""

ME = "query { me { id email firstName lastName company emailConfirmed pendingEmail } }"


def profile(user) -> tuple:
    user.refresh_from_db()
    return (
        user.email,
        user.pending_email,
        user.first_name,
        user.last_name,
        user.company,
    )


def test_update_user_changes_names(client):
    user = UserFactory(first_name="Ada", last_name="Lovelace", company="")
    api = api_for(client, user)

    payload = api.mutate(
        UPDATE_USER, {"firstName": " Grace ", "company": "Navy", "lastName": "Hopper"}
    )

    assert payload["success"] is True
    assert payload["code"] == "OK"
    assert payload["id"] == str(user.public_id)
    assert api.query(ME)["me"] == {
        "id": str(user.public_id),
        "email": user.email,
        "firstName": "Grace",
        "lastName": "Hopper",
        "company": "Navy",
        "emailConfirmed": True,
        "pendingEmail": None,
    }


def test_update_user_keeps_omitted_fields(client):
    user = UserFactory(first_name="Ada", last_name="Lovelace", company="Analytical")
    api = api_for(client, user)

    api.mutate(UPDATE_USER, {"company": "Engines"})

    assert profile(user) == (user.email, "", "Ada", "Lovelace", "Engines")


@pytest.mark.parametrize(
    ("variables", "field", "code"),
    [
        ({"firstName": "x" * 10_000}, "firstName", "MAX_LENGTH"),
        ({"lastName": "a\x00b"}, "lastName", "NULL_CHARACTERS"),
        ({"company": "x" * 201}, "company", "MAX_LENGTH"),
        ({"email": "not-an-address"}, "email", "INVALID"),
        ({"email": "x" * 10_000 + "@example.com"}, "email", "MAX_LENGTH"),
        ({"email": "nul\x00@example.com"}, "email", "NULL_CHARACTERS"),
        ({"email": " "}, "email", "REQUIRED"),
    ],
)
def test_update_user_rejects_bad_input(client, mailoutbox, variables, field, code):
    user = UserFactory(first_name="Ada", last_name="Lovelace", company="")
    before = profile(user)
    api = api_for(client, user)

    payload = api.mutate(UPDATE_USER, {"firstName": "Changed", **variables})

    assert payload["success"] is False
    assert payload["code"] == "INVALID_INPUT"
    assert {"field": field, "code": code} in [
        {"field": error["field"], "code": error["code"]} for error in payload["errors"]
    ]
    assert profile(user) == before
    assert mailoutbox == []


def test_update_user_rejects_taken_email(client, mailoutbox):
    UserFactory(email="taken@example.com")
    user = UserFactory()
    before = profile(user)

    payload = api_for(client, user).mutate(UPDATE_USER, {"email": "Taken@Example.com"})

    assert payload["code"] == "INVALID_INPUT"
    assert payload["errors"] == [
        {
            "field": "email",
            "message": "A user with this email already exists.",
            "code": "UNIQUE",
        }
    ]
    assert profile(user) == before
    assert mailoutbox == []


def test_update_user_needs_confirmed_sign_in(
    anonymous_api, unconfirmed_api, unconfirmed
):
    before = profile(unconfirmed)

    anonymous = anonymous_api.mutate(UPDATE_USER, {"firstName": "Eve"})
    not_confirmed = unconfirmed_api.mutate(UPDATE_USER, {"firstName": "Eve"})

    assert anonymous["code"] == "NOT_AUTHENTICATED"
    assert not_confirmed["code"] == "EMAIL_NOT_CONFIRMED"
    assert profile(unconfirmed) == before


def test_email_change_switches_after_confirmation(
    client, anonymous_api, django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory(email="old@example.com")
    api = api_for(client, user)

    with django_capture_on_commit_callbacks(execute=True):
        payload = api.mutate(UPDATE_USER, {"email": " New@Example.com "})

    assert payload["success"] is True
    assert "new address" in payload["message"]
    assert profile(user)[:2] == ("old@example.com", "new@example.com")
    assert api.query(ME)["me"]["pendingEmail"] == "new@example.com"
    confirm, notice = mailoutbox
    assert confirm.to == ["new@example.com"]
    assert confirm.subject == "Confirm your new email address for Houston"
    assert notice.to == ["old@example.com"]
    assert notice.subject == "Your Houston email address is about to change"
    assert "new@example.com" in notice.body
    token = mailed_token(confirm, "change-email")

    first = anonymous_api.mutate(CONFIRM_EMAIL_CHANGE, {"token": token})
    second = anonymous_api.mutate(CONFIRM_EMAIL_CHANGE, {"token": token})

    assert first["success"] is True
    assert first["id"] == str(user.public_id)
    assert second["code"] == "INVALID_TOKEN"
    assert profile(user)[:2] == ("new@example.com", "")
    assert user.email_confirmed is True
    assert api.query(ME)["me"]["email"] == "new@example.com"


def test_email_change_page_switches_once(client):
    user = UserFactory(email="old@example.com", pending_email="new@example.com")
    url = f"/accounts/change-email/{links.make_link_token(user, links.CHANGE_EMAIL)}/"

    first = client.get(url)
    second = client.get(url)

    assert first.status_code == 200
    assert b"Your email address is changed" in first.content
    assert second.status_code == 400
    assert b"This link did not work" in second.content
    assert profile(user)[:2] == ("new@example.com", "")


def test_email_change_link_expires(anonymous_api):
    user = UserFactory(email="old@example.com", pending_email="new@example.com")
    with time_machine.travel(timezone.now() - timedelta(days=3, minutes=1)):
        token = links.make_link_token(user, links.CHANGE_EMAIL)

    payload = anonymous_api.mutate(CONFIRM_EMAIL_CHANGE, {"token": token})

    assert payload["code"] == "TOKEN_EXPIRED"
    assert profile(user)[:2] == ("old@example.com", "new@example.com")


@pytest.mark.parametrize("token", ["garbage", "", "x" * 10_000, "a\x00b"])
def test_email_change_rejects_bad_token(anonymous_api, token):
    user = UserFactory(email="old@example.com", pending_email="new@example.com")

    payload = anonymous_api.mutate(CONFIRM_EMAIL_CHANGE, {"token": token})

    assert payload["code"] == bad_text_code(token)
    assert profile(user)[:2] == ("old@example.com", "new@example.com")


def test_newer_email_change_ends_older_link(client, anonymous_api):
    user = UserFactory(email="old@example.com")
    api = api_for(client, user)
    api.mutate(UPDATE_USER, {"email": "first@example.com"})
    user.refresh_from_db()
    first_link = links.make_link_token(user, links.CHANGE_EMAIL)

    api.mutate(UPDATE_USER, {"email": "second@example.com"})
    payload = anonymous_api.mutate(CONFIRM_EMAIL_CHANGE, {"token": first_link})

    assert payload["code"] == "INVALID_TOKEN"
    assert profile(user)[:2] == ("old@example.com", "second@example.com")


def test_current_email_cancels_change(client, anonymous_api):
    user = UserFactory(email="old@example.com", pending_email="new@example.com")
    link = links.make_link_token(user, links.CHANGE_EMAIL)

    api_for(client, user).mutate(UPDATE_USER, {"email": "OLD@example.com"})
    payload = anonymous_api.mutate(CONFIRM_EMAIL_CHANGE, {"token": link})

    assert payload["code"] == "INVALID_TOKEN"
    assert profile(user)[:2] == ("old@example.com", "")


def test_email_change_fails_when_address_taken_meanwhile(anonymous_api):
    user = UserFactory(email="old@example.com", pending_email="new@example.com")
    link = links.make_link_token(user, links.CHANGE_EMAIL)
    UserFactory(email="new@example.com")

    payload = anonymous_api.mutate(CONFIRM_EMAIL_CHANGE, {"token": link})

    assert payload["code"] == "INVALID_INPUT"
    assert payload["errors"][0]["field"] == "email"
    assert payload["errors"][0]["code"] == "UNIQUE"
    assert profile(user)[:2] == ("old@example.com", "new@example.com")


def test_delete_account_removes_user_and_lone_organizations(client):
    user = UserFactory()
    alone = MembershipFactory(user=user, role=Role.OWNER).organization
    shared = OrganizationFactory()
    MembershipFactory(organization=shared, user=user, role=Role.OWNER)
    other_owner = MembershipFactory(organization=shared, role=Role.OWNER).user
    member_of = OrganizationFactory()
    MembershipFactory(organization=member_of, user=user, role=Role.USER)
    MembershipFactory(organization=member_of, role=Role.OWNER)
    api = api_for(client, user)

    payload = api.mutate(DELETE_ACCOUNT, {"password": PASSWORD})

    assert payload["success"] is True
    assert payload["code"] == "OK"
    assert payload["id"] == str(user.public_id)
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Organization.objects.filter(pk=alone.pk).exists()
    assert set(Organization.objects.all()) == {shared, member_of}
    assert not Membership.objects.filter(user_id=user.pk).exists()
    assert Membership.objects.filter(organization=shared, user=other_owner).exists()
    assert error_codes(api.execute(ME)) == ["INVALID_TOKEN"]


def test_delete_account_removes_pipelines_of_lone_organization(client, catalog):
    user = UserFactory()
    organization = MembershipFactory(user=user, role=Role.OWNER).organization
    IntegrationFactory(
        application__organization=organization,
        connection__organization=organization,
    )

    payload = api_for(client, user).mutate(DELETE_ACCOUNT, {"password": PASSWORD})

    assert payload["success"] is True
    assert not Organization.objects.exists()
    assert not Application.objects.exists()
    assert not Connection.objects.exists()
    assert not Integration.objects.exists()


def test_delete_account_refused_for_last_owner(client):
    user = UserFactory()
    organization = OrganizationFactory(name="Acme")
    MembershipFactory(organization=organization, user=user, role=Role.OWNER)
    MembershipFactory(organization=organization, role=Role.USER)
    alone = MembershipFactory(user=user, role=Role.OWNER).organization
    api = api_for(client, user)

    payload = api.mutate(DELETE_ACCOUNT, {"password": PASSWORD})

    assert payload["success"] is False
    assert payload["code"] == "LAST_OWNER"
    assert "Acme" in payload["message"]
    assert User.objects.filter(pk=user.pk).exists()
    assert Organization.objects.filter(pk=alone.pk).exists()
    assert Membership.objects.filter(user=user).count() == 2
    assert api.query(ME)["me"]["id"] == str(user.public_id)


def test_delete_account_rejects_wrong_password(client):
    user = UserFactory()
    MembershipFactory(user=user, role=Role.OWNER)
    api = api_for(client, user)

    payload = api.mutate(DELETE_ACCOUNT, {"password": "not-the-password"})

    assert payload["code"] == "INVALID_CREDENTIALS"
    assert payload["errors"] == [
        {
            "field": "password",
            "message": "The password is incorrect.",
            "code": "INVALID",
        }
    ]
    assert User.objects.filter(pk=user.pk).exists()
    assert Organization.objects.count() == 1


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("x" * 10_000, "INVALID_INPUT"),
        ("a\x00b", "INVALID_INPUT"),
        ("", "INVALID_CREDENTIALS"),
    ],
)
def test_delete_account_rejects_bad_password(client, password, code):
    user = UserFactory()

    payload = api_for(client, user).mutate(DELETE_ACCOUNT, {"password": password})

    assert payload["code"] == code
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_account_guesses_are_throttled(client):
    user = UserFactory()
    api = api_for(client, user)

    codes = [
        api.mutate(DELETE_ACCOUNT, {"password": "wrong"})["code"] for _ in range(10)
    ]
    throttled = api.mutate(DELETE_ACCOUNT, {"password": PASSWORD})

    assert codes == ["INVALID_CREDENTIALS"] * 10
    assert throttled["code"] == "RATE_LIMITED"
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_account_needs_sign_in(anonymous_api):
    UserFactory()

    payload = anonymous_api.mutate(DELETE_ACCOUNT, {"password": PASSWORD})

    assert payload["code"] == "NOT_AUTHENTICATED"
    assert User.objects.count() == 1


def test_delete_account_works_unconfirmed(unconfirmed_api, unconfirmed):
    payload = unconfirmed_api.mutate(DELETE_ACCOUNT, {"password": PASSWORD})

    assert payload["success"] is True
    assert not User.objects.filter(pk=unconfirmed.pk).exists()
