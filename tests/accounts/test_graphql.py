import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts import links
from accounts.models import User
from accounts.tokens import token_issue
from organizations.models import Organization
from tests.conftest import GraphQLClient, api_for, bad_text_code, error_codes
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CREATE_NEW_USER = """
mutation CreateNewUser($email: String!, $password: String!, $profile: ProfileInput) {
  createNewUser(email: $email, password: $password, profile: $profile) {
    success message code id token
    decoded { id email iat exp }
    errors { field message code }
  }
}
"""

CREATE_TOKEN = """
mutation CreateToken($username: String!, $password: String!) {
  createToken(username: $username, password: $password) {
    success message code id token
    decoded { id email iat exp }
    errors { field message code }
  }
}
"""

CONFIRM_EMAIL = """
mutation ConfirmEmail($token: String!) {
  confirmEmail(token: $token) { success message code id errors { field code } }
}
"""

RESEND_CONFIRMATION = """
mutation ResendConfirmation($email: String!) {
  resendConfirmation(email: $email) { success message code }
}
"""

ME = "query { me { id email firstName lastName company emailConfirmed } }"

CREATE_ORGANIZATION = """
mutation { createOrganization(name: "Acme") { success code } }
"""


def link_token(message) -> str:
    match = re.search(r"/accounts/confirm-email/([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(1)


def test_create_new_user_signs_up_and_mails_link(
    anonymous_api, django_capture_on_commit_callbacks, mailoutbox
):
    variables = {
        "email": "Someone.New@Somewhere.com",
        "password": "Pluto-is-a-planet-42",
        "profile": {"firstName": "Someone", "lastName": "New", "company": "My Co"},
    }

    with django_capture_on_commit_callbacks(execute=True):
        payload = anonymous_api.mutate(CREATE_NEW_USER, variables)

    user = User.objects.get()
    assert payload["success"] is True
    assert payload["code"] == "OK"
    assert payload["errors"] == []
    assert payload["id"] == str(user.public_id)
    assert payload["decoded"]["id"] == str(user.public_id)
    assert payload["decoded"]["email"] == "someone.new@somewhere.com"
    assert payload["decoded"]["exp"] - payload["decoded"]["iat"] == 86400
    assert (user.first_name, user.last_name, user.company) == (
        "Someone",
        "New",
        "My Co",
    )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Confirm your email address for Houston"
    assert link_token(mailoutbox[0])
    assert mailoutbox[0].alternatives[0][1] == "text/html"


def test_create_new_user_without_profile(anonymous_api):
    payload = anonymous_api.mutate(
        CREATE_NEW_USER, {"email": "plain@example.com", "password": PASSWORD}
    )

    assert payload["success"] is True
    assert payload["token"]


def test_create_new_user_rejects_taken_email(anonymous_api):
    UserFactory(email="taken@example.com")

    payload = anonymous_api.mutate(
        CREATE_NEW_USER, {"email": "Taken@Example.com", "password": PASSWORD}
    )

    assert payload["success"] is False
    assert payload["code"] == "INVALID_INPUT"
    assert payload["token"] is None
    assert payload["errors"] == [
        {
            "field": "email",
            "message": "A user with this email already exists.",
            "code": "UNIQUE",
        }
    ]
    assert User.objects.count() == 1


def test_create_new_user_reports_each_password_rule(anonymous_api, mailoutbox):
    payload = anonymous_api.mutate(
        CREATE_NEW_USER, {"email": "weak@example.com", "password": "12345678"}
    )

    codes = {error["code"] for error in payload["errors"]}
    assert payload["code"] == "INVALID_INPUT"
    assert {error["field"] for error in payload["errors"]} == {"password"}
    assert codes == {"PASSWORD_TOO_COMMON", "PASSWORD_ENTIRELY_NUMERIC"}
    assert not User.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("variables", "field", "code"),
    [
        ({"email": "x" * 10_000 + "@example.com"}, "email", "MAX_LENGTH"),
        ({"email": "nul\x00@example.com"}, "email", "NULL_CHARACTERS"),
        ({"profile": {"firstName": "x" * 10_000}}, "profile.firstName", "MAX_LENGTH"),
        ({"profile": {"company": "a\x00b"}}, "profile.company", "NULL_CHARACTERS"),
        ({"password": "x" * 10_000}, "password", "MAX_LENGTH"),
    ],
)
def test_create_new_user_rejects_bad_input(anonymous_api, variables, field, code):
    payload = anonymous_api.mutate(
        CREATE_NEW_USER,
        {"email": "fine@example.com", "password": PASSWORD, **variables},
    )

    assert payload["success"] is False
    assert payload["code"] == "INVALID_INPUT"
    assert {"field": field, "code": code} in [
        {"field": error["field"], "code": error["code"]} for error in payload["errors"]
    ]
    assert not User.objects.exists()


def test_create_new_user_missing_argument_is_request_error(anonymous_api):
    response = anonymous_api.post(
        'mutation { createNewUser(email: "a@example.com") { success } }'
    )

    assert response.status_code == 200
    assert "data" not in response.json()
    assert error_codes(response.json()) == ["GRAPHQL_VALIDATION_FAILED"]
    assert not User.objects.exists()


def test_create_new_user_wrong_type_is_request_error(anonymous_api):
    response = anonymous_api.post(
        CREATE_NEW_USER, {"email": 42, "password": ["not", "a", "string"]}
    )

    assert response.status_code == 200
    assert "data" not in response.json()
    assert set(error_codes(response.json())) == {"BAD_USER_INPUT"}
    assert not User.objects.exists()


def test_create_token_returns_token_and_claims(anonymous_api):
    user = UserFactory(email="someone@example.com")

    payload = anonymous_api.mutate(
        CREATE_TOKEN, {"username": "SOMEONE@example.com", "password": PASSWORD}
    )

    assert payload["success"] is True
    assert payload["code"] == "OK"
    assert payload["decoded"]["id"] == str(user.public_id)
    assert payload["decoded"]["email"] == "someone@example.com"
    me = GraphQLClient(anonymous_api.client, token=payload["token"]).query(ME)["me"]
    assert me["id"] == str(user.public_id)


def test_create_token_hides_unknown_email(
    anonymous_api,
):
    UserFactory(email="known@example.com")

    wrong_password = anonymous_api.mutate(
        CREATE_TOKEN, {"username": "known@example.com", "password": "wrong-one"}
    )
    unknown_email = anonymous_api.mutate(
        CREATE_TOKEN, {"username": "unknown@example.com", "password": "wrong-one"}
    )

    assert wrong_password["code"] == "INVALID_CREDENTIALS"
    assert wrong_password["success"] is False
    assert wrong_password["token"] is None
    assert wrong_password == unknown_email


def test_confirm_email_mutation_confirms_once(anonymous_api):
    user = UserFactory(email_confirmed=False)
    token = links.make_link_token(user, links.CONFIRM_EMAIL)

    first = anonymous_api.mutate(CONFIRM_EMAIL, {"token": token})
    second = anonymous_api.mutate(CONFIRM_EMAIL, {"token": token})

    assert first["success"] is True
    assert first["id"] == str(user.public_id)
    assert second["success"] is False
    assert second["code"] == "INVALID_TOKEN"
    user.refresh_from_db()
    assert user.email_confirmed is True


@pytest.mark.parametrize("token", ["garbage", "", "x" * 10_000, "a\x00b"])
def test_confirm_email_rejects_bad_token(anonymous_api, token):
    user = UserFactory(email_confirmed=False)

    payload = anonymous_api.mutate(CONFIRM_EMAIL, {"token": token})

    assert payload["code"] == bad_text_code(token)
    user.refresh_from_db()
    assert user.email_confirmed is False


def test_confirm_email_rejects_expired_token(anonymous_api):
    user = UserFactory(email_confirmed=False)
    with time_machine.travel(timezone.now() - timedelta(days=3, minutes=1)):
        token = links.make_link_token(user, links.CONFIRM_EMAIL)

    payload = anonymous_api.mutate(CONFIRM_EMAIL, {"token": token})

    assert payload["code"] == "TOKEN_EXPIRED"
    user.refresh_from_db()
    assert user.email_confirmed is False


def test_confirmation_page_confirms_then_refuses_reuse(client):
    user = UserFactory(email_confirmed=False)
    token = links.make_link_token(user, links.CONFIRM_EMAIL)

    first = client.get(f"/accounts/confirm-email/{token}/")
    second = client.get(f"/accounts/confirm-email/{token}/")

    assert first.status_code == 200
    assert b"Your email address is confirmed" in first.content
    assert second.status_code == 400
    assert b"This link did not work" in second.content
    user.refresh_from_db()
    assert user.email_confirmed is True


def test_resend_confirmation_same_answer_for_any_address(
    anonymous_api, django_capture_on_commit_callbacks, mailoutbox
):
    UserFactory(email="waiting@example.com", email_confirmed=False)

    with django_capture_on_commit_callbacks(execute=True):
        known = anonymous_api.mutate(
            RESEND_CONFIRMATION, {"email": "waiting@example.com"}
        )
        unknown = anonymous_api.mutate(
            RESEND_CONFIRMATION, {"email": "nobody@example.com"}
        )

    assert known == unknown
    assert known["success"] is True
    assert [message.to for message in mailoutbox] == [["waiting@example.com"]]


def test_me_returns_profile(client):
    user = UserFactory(first_name="Grace", last_name="Hopper", company="Navy")

    me = api_for(client, user).query(ME)["me"]

    assert me == {
        "id": str(user.public_id),
        "email": user.email,
        "firstName": "Grace",
        "lastName": "Hopper",
        "company": "Navy",
        "emailConfirmed": True,
    }


def test_me_requires_token(anonymous_api):
    body = anonymous_api.execute(ME)

    assert body["data"] is None
    assert error_codes(body) == ["NOT_AUTHENTICATED"]


@pytest.mark.parametrize(
    "header",
    [
        "JWT garbage",
        "Bearer not.a.token",
        "Basic dXNlcjpwYXNz",
        "JWT",
        "JWT " + "x" * 10_000,
    ],
)
def test_garbage_token_rejected(client, header):
    api = GraphQLClient(client, headers={"Authorization": header})

    body = api.execute(ME)

    assert body["data"] is None
    assert error_codes(body) == ["INVALID_TOKEN"]


def test_bearer_scheme_accepted(client):
    user = UserFactory()
    token, _ = token_issue(user)
    api = GraphQLClient(client, headers={"Authorization": f"Bearer {token}"})

    assert api.query(ME)["me"]["id"] == str(user.public_id)


def test_expired_token_rejected(client):
    user = UserFactory()
    with time_machine.travel(timezone.now() - timedelta(hours=25)):
        token, _ = token_issue(user)
    api = GraphQLClient(client, token=token)

    query_body = api.execute(ME)
    mutation_payload = api.mutate(CREATE_ORGANIZATION)

    assert error_codes(query_body) == ["TOKEN_EXPIRED"]
    assert mutation_payload == {"success": False, "code": "TOKEN_EXPIRED"}
    assert not Organization.objects.exists()


def test_token_from_other_secret_rejected(client, settings):
    user = UserFactory()
    settings.GRAPHQL_JWT = {
        **settings.GRAPHQL_JWT,
        "JWT_SECRET_KEY": "another-secret-" * 4,
    }
    token, _ = token_issue(user)
    settings.GRAPHQL_JWT = {
        **settings.GRAPHQL_JWT,
        "JWT_SECRET_KEY": "the-real-secret-" * 4,
    }

    body = GraphQLClient(client, token=token).execute(ME)

    assert error_codes(body) == ["INVALID_TOKEN"]


def test_unconfirmed_user_reads_me_only(unconfirmed_api, unconfirmed):
    me = unconfirmed_api.query(ME)["me"]
    payload = unconfirmed_api.mutate(CREATE_ORGANIZATION)
    body = unconfirmed_api.execute("query { organizations { id } }")

    assert me["emailConfirmed"] is False
    assert payload == {"success": False, "code": "EMAIL_NOT_CONFIRMED"}
    assert error_codes(body) == ["EMAIL_NOT_CONFIRMED"]
    assert not Organization.objects.exists()


def test_confirmation_not_required_when_disabled(unconfirmed_api, settings):
    settings.EMAIL_CONFIRMATION_REQUIRED = False

    payload = unconfirmed_api.mutate(CREATE_ORGANIZATION)

    assert payload == {"success": True, "code": "OK"}
