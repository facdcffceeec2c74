import re
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts import links
from accounts.models import User
from organizations.models import Invitation, Membership, Role
from tests.conftest import GraphQLClient, api_for, bad_text_code
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ADD_USER = """
mutation AddUser($orgId: ID!, $email: String!, $role: Role) {
  addOrganizationUser(orgId: $orgId, email: $email, role: $role) {
    success code id invited
  }
}
"""

ACCEPT = """
mutation Accept($token: String!, $password: String!, $profile: ProfileInput) {
  acceptInvitation(token: $token, password: $password, profile: $profile) {
    success message code id token decoded { id email }
    errors { field message code }
  }
}
"""

INVITATIONS = """
query Invitations($orgId: ID) {
  invitations(orgId: $orgId) {
    id email role status sentAt expiresAt invitedBy { id email }
    organization { id }
  }
}
"""

RESEND = """
mutation Resend($invitationId: ID!) {
  resendInvitation(invitationId: $invitationId) { success code id }
}
"""

REVOKE = """
mutation Revoke($invitationId: ID!) {
  revokeInvitation(invitationId: $invitationId) {
    success code id errors { field code }
  }
}
"""

ORGANIZATIONS = "query { organizations { id role } }"


@pytest.fixture
def invite(owner_api, organization, django_capture_on_commit_callbacks, mailoutbox):
    """Invite an address and return the token from the newest mailed link."""

    def invite(email="invitee@example.com", role="USER"):
        with django_capture_on_commit_callbacks(execute=True):
            payload = owner_api.mutate(
                ADD_USER,
                {"orgId": str(organization.public_id), "email": email, "role": role},
            )
        assert payload["invited"] is True
        return link_token(mailoutbox[-1])

    return invite


def link_token(message) -> str:
    match = re.search(r"/organizations/invitations/([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(1)


def accept_variables(token, **overrides):
    return {
        "token": token,
        "password": "Jupiter-has-95-moons",
        "profile": {"firstName": "Ivy", "lastName": "Invitee"},
        **overrides,
    }


def state() -> tuple:
    return (
        sorted(User.objects.values_list("email", "email_confirmed", "password")),
        sorted(Membership.objects.values_list("user__email", "role")),
        sorted(Invitation.objects.values_list("email", "accepted_at", "revoked_at")),
    )


def test_accept_creates_confirmed_account(anonymous_api, invite, organization):
    token = invite(role="OWNER")

    payload = anonymous_api.mutate(ACCEPT, accept_variables(token))

    user = User.objects.get(email="invitee@example.com")
    assert payload["success"] is True
    assert payload["id"] == str(organization.public_id)
    assert payload["decoded"]["id"] == str(user.public_id)
    assert user.email_confirmed is True
    assert user.check_password("Jupiter-has-95-moons")
    assert (user.first_name, user.last_name) == ("Ivy", "Invitee")
    assert Membership.objects.get(user=user).role == Role.OWNER
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == user
    signed_in = GraphQLClient(anonymous_api.client, token=payload["token"])
    assert signed_in.query(ORGANIZATIONS)["organizations"] == [
        {"id": str(organization.public_id), "role": "OWNER"}
    ]


def test_accept_link_works_once(anonymous_api, invite):
    token = invite()
    anonymous_api.mutate(ACCEPT, accept_variables(token))
    before = state()

    payload = anonymous_api.mutate(
        ACCEPT, accept_variables(token, password="Other-pass-123")
    )

    assert payload["code"] == "INVALID_TOKEN"
    assert state() == before


def test_accept_expired_link(anonymous_api, invite):
    token = invite()
    before = state()

    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        payload = anonymous_api.mutate(ACCEPT, accept_variables(token))

    assert payload["code"] == "TOKEN_EXPIRED"
    assert state() == before


@pytest.mark.parametrize("token", ["garbage", "", "x" * 10_000, "a\x00b"])
def test_accept_bad_token(anonymous_api, invite, token):
    invite()
    before = state()

    payload = anonymous_api.mutate(ACCEPT, accept_variables(token))

    assert payload["code"] == bad_text_code(token)
    assert state() == before


def test_accept_checks_password_rules(anonymous_api, invite):
    token = invite()
    before = state()

    payload = anonymous_api.mutate(ACCEPT, accept_variables(token, password="123"))

    assert payload["code"] == "INVALID_INPUT"
    assert {e["field"] for e in payload["errors"]} == {"password"}
    assert {"PASSWORD_TOO_SHORT", "PASSWORD_ENTIRELY_NUMERIC"} <= {
        e["code"] for e in payload["errors"]
    }
    assert state() == before


def test_accept_rejects_bad_profile(anonymous_api, invite):
    token = invite()
    before = state()

    payload = anonymous_api.mutate(
        ACCEPT, accept_variables(token, profile={"firstName": "x" * 10_000})
    )

    assert payload["code"] == "INVALID_INPUT"
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("profile.firstName", "MAX_LENGTH")
    ]
    assert state() == before


def test_accept_takes_over_unconfirmed_account(anonymous_api, invite):
    squatter = UserFactory(email="invitee@example.com", email_confirmed=False)
    token = invite()

    payload = anonymous_api.mutate(ACCEPT, accept_variables(token))

    squatter.refresh_from_db()
    assert payload["success"] is True
    assert squatter.email_confirmed is True
    assert squatter.check_password("Jupiter-has-95-moons")
    assert not squatter.check_password(PASSWORD)
    assert User.objects.filter(email="invitee@example.com").count() == 1


def test_accept_for_confirmed_account_adds_membership(anonymous_api, invite):
    token = invite()
    user = UserFactory(email="invitee@example.com")

    payload = anonymous_api.mutate(ACCEPT, accept_variables(token))

    user.refresh_from_db()
    assert payload["success"] is True
    assert payload["token"] is None
    assert user.check_password(PASSWORD)
    assert Membership.objects.filter(user=user).exists()


def test_revoked_invitation_link_fails(owner_api, anonymous_api, invite):
    token = invite()
    invitation = Invitation.objects.get()

    revoked = owner_api.mutate(REVOKE, {"invitationId": str(invitation.public_id)})
    before = state()
    payload = anonymous_api.mutate(ACCEPT, accept_variables(token))

    assert revoked["success"] is True
    assert payload["code"] == "INVALID_TOKEN"
    assert state() == before


def test_resend_ends_older_links(
    owner_api, anonymous_api, invite, mailoutbox, django_capture_on_commit_callbacks
):
    old_token = invite()
    invitation = Invitation.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        resent = owner_api.mutate(RESEND, {"invitationId": str(invitation.public_id)})
    new_token = link_token(mailoutbox[-1])
    old = anonymous_api.mutate(ACCEPT, accept_variables(old_token))
    new = anonymous_api.mutate(ACCEPT, accept_variables(new_token))

    assert resent["success"] is True
    assert old["code"] == "INVALID_TOKEN"
    assert new["success"] is True


def test_resend_accepted_invitation_conflicts(owner_api, anonymous_api, invite):
    anonymous_api.mutate(ACCEPT, accept_variables(invite()))
    invitation = Invitation.objects.get()

    payload = owner_api.mutate(RESEND, {"invitationId": str(invitation.public_id)})

    assert payload["code"] == "CONFLICT"


@pytest.mark.parametrize("mutation", [RESEND, REVOKE])
def test_invitation_changes_denied_to_user_role(member_api, invite, mutation):
    invite()
    before = state()

    payload = member_api.mutate(
        mutation, {"invitationId": str(Invitation.objects.get().public_id)}
    )

    assert payload["code"] == "PERMISSION_DENIED"
    assert state() == before


@pytest.mark.parametrize("mutation", [RESEND, REVOKE])
def test_invitation_changes_hidden_from_stranger(stranger_api, invite, mutation):
    invite()
    before = state()

    payload = stranger_api.mutate(
        mutation, {"invitationId": str(Invitation.objects.get().public_id)}
    )

    assert payload["code"] == "NOT_FOUND"
    assert state() == before


@pytest.mark.parametrize("invitation_id", ["garbage", str(uuid.uuid4())])
def test_revoke_unknown_invitation(owner_api, invitation_id):
    payload = owner_api.mutate(REVOKE, {"invitationId": invitation_id})

    assert payload["code"] == "NOT_FOUND"
    assert payload["errors"][0]["field"] == "invitationId"


def test_invitations_listed_to_owners_only(
    owner_api, member_api, owner, invite, organization
):
    invite(email="first@example.com")
    invite(email="second@example.com")

    listed = owner_api.query(INVITATIONS)["invitations"]
    hidden = member_api.query(INVITATIONS, {"orgId": str(organization.public_id)})[
        "invitations"
    ]

    assert [i["email"] for i in listed] == ["first@example.com", "second@example.com"]
    assert listed[0]["status"] == "pending"
    assert listed[0]["role"] == "USER"
    assert listed[0]["invitedBy"] == {"id": str(owner.public_id), "email": owner.email}
    assert hidden == []


def test_invitations_hidden_from_api_keys(owner_key_api, invite):
    invite()

    assert owner_key_api.query(INVITATIONS)["invitations"] == []


def test_self_sign_up_attaches_invitation(anonymous_api, invite, organization):
    invite(email="later@example.com", role="OWNER")
    user = UserFactory(email="later@example.com", email_confirmed=False)
    token = links.make_link_token(user, links.CONFIRM_EMAIL)

    confirmed = anonymous_api.mutate(
        "mutation C($token: String!) { confirmEmail(token: $token) { success } }",
        {"token": token},
    )

    assert confirmed["success"] is True
    assert Membership.objects.get(user=user).role == Role.OWNER
    assert Invitation.objects.get().accepted_by == user


def test_confirmation_skips_expired_invitation(anonymous_api, invite):
    invite(email="late@example.com")
    user = UserFactory(email="late@example.com", email_confirmed=False)

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        anonymous_api.mutate(
            "mutation C($token: String!) { confirmEmail(token: $token) { success } }",
            {"token": links.make_link_token(user, links.CONFIRM_EMAIL)},
        )

    assert not Membership.objects.filter(user=user).exists()
    assert Invitation.objects.get().accepted_at is None


def test_invitation_page_accepts(client, invite, organization):
    token = invite()

    page = client.get(f"/organizations/invitations/{token}/")
    accepted = client.post(
        f"/organizations/invitations/{token}/",
        {"password": "Jupiter-has-95-moons", "first_name": "Ivy"},
    )
    again = client.get(f"/organizations/invitations/{token}/")

    assert page.status_code == 200
    assert b"Join Acme" in page.content
    assert accepted.status_code == 200
    assert b"Welcome to Acme" in accepted.content
    assert User.objects.get(email="invitee@example.com").email_confirmed is True
    assert again.status_code == 400


def test_invitation_page_shows_password_errors(client, invite):
    token = invite()
    before = state()

    response = client.post(f"/organizations/invitations/{token}/", {"password": "1"})

    assert response.status_code == 400
    assert b"too short" in response.content
    assert state() == before


def test_invitation_page_requires_csrf_token(invite):
    from django.test import Client

    token = invite()
    before = state()

    response = Client(enforce_csrf_checks=True).post(
        f"/organizations/invitations/{token}/", {"password": "Jupiter-has-95-moons"}
    )

    assert response.status_code == 403
    assert state() == before


def test_accept_signed_in_user_unaffected(client, invite, stranger):
    token = invite()
    api = api_for(client, stranger)

    payload = api.mutate(ACCEPT, accept_variables(token))

    assert payload["success"] is True
    assert not Membership.objects.filter(
        user=stranger, organization__name="Acme"
    ).exists()


def test_takeover_ends_squatters_tokens(client, anonymous_api, invite):
    squatter = UserFactory(email="invitee@example.com", email_confirmed=False)
    squatter_api = api_for(client, squatter)
    token = invite()

    anonymous_api.mutate(ACCEPT, accept_variables(token))
    body = squatter_api.execute("query { me { id } }")

    assert body["errors"][0]["extensions"]["code"] == "INVALID_TOKEN"


def test_accept_for_deactivated_account_refused(anonymous_api, invite):
    user = UserFactory(email="invitee@example.com", is_active=False)
    token = invite()
    before = state()

    payload = anonymous_api.mutate(ACCEPT, accept_variables(token))

    assert payload["code"] == "CONFLICT"
    assert payload["token"] is None
    assert state() == before
    assert not Membership.objects.filter(user=user).exists()


def test_invitation_page_for_existing_account_asks_no_password(client, invite):
    token = invite()
    user = UserFactory(email="invitee@example.com")

    page = client.get(f"/organizations/invitations/{token}/")
    joined = client.post(f"/organizations/invitations/{token}/", {})

    assert b"already has a Houston account" in page.content
    assert b'type="password"' not in page.content
    assert joined.status_code == 200
    assert Membership.objects.filter(user=user).exists()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
