import uuid

import pytest

from clickstream.models import Application, Connection, Integration
from organizations.models import ApiKey, Invitation, Membership, Organization, Role
from tests.factories import (
    ApplicationFactory,
    IntegrationFactory,
    MembershipFactory,
    UserFactory,
    make_api_key,
)

pytestmark = pytest.mark.django_db

ADD_USER = """
mutation AddUser($orgId: ID!, $email: String!, $role: Role) {
  addOrganizationUser(orgId: $orgId, email: $email, role: $role) {
    success message code id invited errors { field message code }
  }
}
"""

REMOVE_USER = """
mutation RemoveUser($orgId: ID!, $userId: ID!) {
  removeOrganizationUser(orgId: $orgId, userId: $userId) {
    success message code id errors { field code }
  }
}
"""

SET_ROLE = """
mutation SetRole($orgId: ID!, $userId: ID!, $role: Role!) {
  setOrganizationUserRole(orgId: $orgId, userId: $userId, role: $role) {
    success message code id errors { field code }
  }
}
"""

LEAVE = """
mutation Leave($orgId: ID!) {
  leaveOrganization(orgId: $orgId) { success message code id }
}
"""

DELETE = """
mutation Delete($orgId: ID!) {
  deleteOrganization(orgId: $orgId) { success message code id }
}
"""

UPDATE = """
mutation Update(
  $orgId: ID!, $name: String, $description: String, $website: String,
  $addUsers: [AddUserInput!], $setRoles: [SetRoleInput!], $removeUsers: [ID!],
  $delete: Boolean
) {
  updateOrganization(
    orgId: $orgId, name: $name, description: $description, website: $website,
    addUsers: $addUsers, setRoles: $setRoles, removeUsers: $removeUsers,
    delete: $delete
  ) { success message code id errors { field message code } }
}
"""

ORGANIZATION = """
query Organization($orgId: ID!) {
  organizations(orgId: $orgId) {
    id name description website role
    members { id email firstName lastName role joinedAt }
    applications { id }
    connections { id }
    integrations { id }
  }
}
"""


def memberships() -> list[tuple]:
    return sorted(
        Membership.objects.values_list(
            "organization__public_id", "user__public_id", "role"
        )
    )


def snapshot() -> tuple:
    return (
        memberships(),
        sorted(Invitation.objects.values_list("email", "role", "sent_at")),
        list(Organization.objects.values_list("public_id", "name", "description")),
    )


@pytest.fixture
def org_id(organization):
    return str(organization.public_id)


# addOrganizationUser


def test_add_confirmed_user_joins_at_once(
    owner_api, org_id, organization, django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory(email="colleague@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        payload = owner_api.mutate(
            ADD_USER, {"orgId": org_id, "email": "Colleague@Example.com"}
        )

    assert payload["success"] is True
    assert payload["invited"] is False
    assert payload["id"] == str(user.public_id)
    membership = Membership.objects.get(organization=organization, user=user)
    assert membership.role == Role.USER
    assert [message.to for message in mailoutbox] == [["colleague@example.com"]]
    assert "Acme" in mailoutbox[0].subject


def test_add_user_as_owner(owner_api, org_id, organization):
    user = UserFactory()

    owner_api.mutate(ADD_USER, {"orgId": org_id, "email": user.email, "role": "OWNER"})

    assert Membership.objects.get(user=user).role == Role.OWNER


def test_add_unknown_email_invites(
    owner_api, org_id, organization, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        payload = owner_api.mutate(
            ADD_USER, {"orgId": org_id, "email": "new.person@example.com"}
        )

    invitation = Invitation.objects.get()
    assert payload["success"] is True
    assert payload["invited"] is True
    assert payload["id"] == str(invitation.public_id)
    assert invitation.email == "new.person@example.com"
    assert invitation.organization == organization
    assert mailoutbox[0].to == ["new.person@example.com"]
    assert "/organizations/invitations/" in mailoutbox[0].body


def test_add_unconfirmed_account_invites(owner_api, org_id, unconfirmed):
    payload = owner_api.mutate(ADD_USER, {"orgId": org_id, "email": unconfirmed.email})

    assert payload["invited"] is True
    assert not Membership.objects.filter(user=unconfirmed).exists()


def test_add_same_address_twice_keeps_one_invitation(owner_api, org_id):
    owner_api.mutate(ADD_USER, {"orgId": org_id, "email": "twice@example.com"})
    owner_api.mutate(
        ADD_USER, {"orgId": org_id, "email": "TWICE@example.com", "role": "OWNER"}
    )

    invitation = Invitation.objects.get()
    assert invitation.role == Role.OWNER


def test_add_existing_member_rejected(owner_api, org_id, member):
    before = snapshot()

    payload = owner_api.mutate(ADD_USER, {"orgId": org_id, "email": member.email})

    assert payload["code"] == "INVALID_INPUT"
    assert payload["errors"][0]["field"] == "email"
    assert payload["errors"][0]["code"] == "UNIQUE"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("email", "code"),
    [
        ("not-an-address", "INVALID"),
        ("", "INVALID"),
        ("a\x00b@example.com", "NULL_CHARACTERS"),
        ("x" * 10_000 + "@example.com", "MAX_LENGTH"),
    ],
)
def test_add_user_rejects_bad_email(owner_api, org_id, email, code):
    before = snapshot()

    payload = owner_api.mutate(ADD_USER, {"orgId": org_id, "email": email})

    assert payload["code"] == "INVALID_INPUT"
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("email", code)]
    assert snapshot() == before


@pytest.mark.parametrize("has_account", [True, False])
def test_add_user_rejects_null_role(owner_api, org_id, has_account):
    # GraphQL lets a client send null for an argument that has a default.
    email = UserFactory().email if has_account else "new.person@example.com"
    before = snapshot()

    payload = owner_api.mutate(
        ADD_USER, {"orgId": org_id, "email": email, "role": None}
    )

    assert payload["code"] == "INVALID_INPUT"
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("role", "REQUIRED")
    ]
    assert snapshot() == before


def test_add_user_denied_to_user_role(member_api, org_id):
    before = snapshot()

    payload = member_api.mutate(ADD_USER, {"orgId": org_id, "email": "x@example.com"})

    assert payload["code"] == "PERMISSION_DENIED"
    assert snapshot() == before


def test_add_user_denied_to_owner_api_key(owner_key_api, org_id):
    before = snapshot()

    payload = owner_key_api.mutate(
        ADD_USER, {"orgId": org_id, "email": "x@example.com"}
    )

    assert payload["code"] == "PERMISSION_DENIED"
    assert snapshot() == before


def test_add_user_hidden_from_stranger(stranger_api, org_id):
    before = snapshot()

    payload = stranger_api.mutate(ADD_USER, {"orgId": org_id, "email": "x@example.com"})

    assert payload["code"] == "NOT_FOUND"
    assert snapshot() == before


# removeOrganizationUser and setOrganizationUserRole


def test_remove_member(owner_api, org_id, member, organization):
    payload = owner_api.mutate(
        REMOVE_USER, {"orgId": org_id, "userId": str(member.public_id)}
    )

    assert payload["success"] is True
    assert payload["id"] == str(member.public_id)
    assert not Membership.objects.filter(user=member).exists()


def test_remove_last_owner_rejected(owner_api, org_id, owner, member):
    before = snapshot()

    payload = owner_api.mutate(
        REMOVE_USER, {"orgId": org_id, "userId": str(owner.public_id)}
    )

    assert payload["code"] == "LAST_OWNER"
    assert snapshot() == before


def test_remove_owner_when_another_remains(owner_api, org_id, owner, organization):
    MembershipFactory(organization=organization, role=Role.OWNER)

    payload = owner_api.mutate(
        REMOVE_USER, {"orgId": org_id, "userId": str(owner.public_id)}
    )

    assert payload["success"] is True
    assert not Membership.objects.filter(user=owner).exists()


@pytest.mark.parametrize("user_id", ["garbage", str(uuid.uuid4()), "a\x00b"])
def test_remove_unknown_member(owner_api, org_id, user_id):
    before = snapshot()

    payload = owner_api.mutate(REMOVE_USER, {"orgId": org_id, "userId": user_id})

    assert payload["code"] == "NOT_FOUND"
    assert payload["errors"][0]["field"] == "userId"
    assert snapshot() == before


def test_remove_member_of_other_organization(owner_api, org_id, stranger):
    before = snapshot()

    payload = owner_api.mutate(
        REMOVE_USER, {"orgId": org_id, "userId": str(stranger.public_id)}
    )

    assert payload["code"] == "NOT_FOUND"
    assert snapshot() == before


def test_set_role_promotes(owner_api, org_id, member):
    payload = owner_api.mutate(
        SET_ROLE, {"orgId": org_id, "userId": str(member.public_id), "role": "OWNER"}
    )

    assert payload["success"] is True
    assert Membership.objects.get(user=member).role == Role.OWNER


def test_set_role_demoting_last_owner_rejected(owner_api, org_id, owner):
    before = snapshot()

    payload = owner_api.mutate(
        SET_ROLE, {"orgId": org_id, "userId": str(owner.public_id), "role": "USER"}
    )

    assert payload["code"] == "LAST_OWNER"
    assert snapshot() == before


def test_set_role_rejects_unknown_role(owner_api, org_id, member):
    response = owner_api.post(
        SET_ROLE, {"orgId": org_id, "userId": str(member.public_id), "role": "ADMIN"}
    )

    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert Membership.objects.get(user=member).role == Role.USER


# leaveOrganization and deleteOrganization


def test_member_leaves(member_api, org_id, member):
    payload = member_api.mutate(LEAVE, {"orgId": org_id})

    assert payload["success"] is True
    assert not Membership.objects.filter(user=member).exists()


def test_last_owner_cannot_leave(owner_api, org_id):
    before = snapshot()

    payload = owner_api.mutate(LEAVE, {"orgId": org_id})

    assert payload["code"] == "LAST_OWNER"
    assert snapshot() == before


def test_api_key_cannot_leave(owner_key_api, org_id):
    before = snapshot()

    payload = owner_key_api.mutate(LEAVE, {"orgId": org_id})

    assert payload["code"] == "PERMISSION_DENIED"
    assert snapshot() == before


def test_delete_removes_everything(owner_api, org_id, organization, catalog, member):
    IntegrationFactory(application__organization=organization)
    make_api_key(organization)
    owner_api.mutate(ADD_USER, {"orgId": org_id, "email": "invitee@example.com"})
    other = IntegrationFactory()

    payload = owner_api.mutate(DELETE, {"orgId": org_id})

    assert payload["success"] is True
    assert payload["id"] == org_id
    assert not Organization.objects.filter(pk=organization.pk).exists()
    assert list(Application.objects.all()) == [other.application]
    assert list(Connection.objects.all()) == [other.connection]
    assert list(Integration.objects.all()) == [other]
    assert not Membership.objects.filter(organization_id=organization.pk).exists()
    assert not Invitation.objects.exists()
    assert not ApiKey.objects.exists()


def test_delete_denied_to_user_role(member_api, org_id, organization):
    payload = member_api.mutate(DELETE, {"orgId": org_id})

    assert payload["code"] == "PERMISSION_DENIED"
    assert Organization.objects.filter(pk=organization.pk).exists()


def test_delete_denied_to_api_key(owner_key_api, org_id, organization):
    payload = owner_key_api.mutate(DELETE, {"orgId": org_id})

    assert payload["code"] == "PERMISSION_DENIED"
    assert Organization.objects.filter(pk=organization.pk).exists()


# updateOrganization


def test_update_edits_details(owner_api, org_id, organization):
    payload = owner_api.mutate(
        UPDATE,
        {
            "orgId": org_id,
            "description": " Events for the shop ",
            "website": "https://shop.example.com",
        },
    )

    assert payload["success"] is True
    organization.refresh_from_db()
    assert organization.name == "Acme"
    assert organization.description == "Events for the shop"
    assert organization.website == "https://shop.example.com"


@pytest.mark.parametrize(
    ("variables", "field", "code"),
    [
        ({"website": "not a url"}, "website", "INVALID"),
        ({"description": "x" * 2001}, "description", "MAX_LENGTH"),
        ({"name": ""}, "name", "REQUIRED"),
        ({"description": "a\x00b"}, "description", "NULL_CHARACTERS"),
    ],
)
def test_update_rejects_bad_details(owner_api, org_id, variables, field, code):
    before = snapshot()

    payload = owner_api.mutate(UPDATE, {"orgId": org_id, **variables})

    assert payload["code"] == "INVALID_INPUT"
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    assert snapshot() == before


def test_update_hands_over_ownership(owner_api, org_id, owner, member):
    newcomer = UserFactory()

    payload = owner_api.mutate(
        UPDATE,
        {
            "orgId": org_id,
            "name": "Acme Corp",
            "addUsers": [{"email": newcomer.email}],
            "setRoles": [{"userId": str(member.public_id), "role": "OWNER"}],
            "removeUsers": [str(owner.public_id)],
        },
    )

    assert payload["success"] is True
    assert memberships() == sorted(
        [
            (uuid.UUID(org_id), member.public_id, "owner"),
            (uuid.UUID(org_id), newcomer.public_id, "user"),
        ]
    )


def test_update_is_all_or_nothing(owner_api, org_id, member):
    newcomer = UserFactory()
    before = snapshot()

    payload = owner_api.mutate(
        UPDATE,
        {
            "orgId": org_id,
            "name": "Renamed",
            "addUsers": [{"email": newcomer.email}],
            "removeUsers": [str(uuid.uuid4())],
        },
    )

    assert payload["code"] == "NOT_FOUND"
    assert payload["errors"][0]["field"] == "removeUsers.0"
    assert snapshot() == before


def test_update_reports_bad_added_email(owner_api, org_id):
    before = snapshot()

    payload = owner_api.mutate(
        UPDATE,
        {"orgId": org_id, "addUsers": [{"email": "ok@example.com"}, {"email": "bad"}]},
    )

    assert payload["code"] == "INVALID_INPUT"
    assert [e["field"] for e in payload["errors"]] == ["addUsers.1.email"]
    assert snapshot() == before


def test_update_reports_null_added_role(owner_api, org_id):
    before = snapshot()

    payload = owner_api.mutate(
        UPDATE,
        {
            "orgId": org_id,
            "addUsers": [
                {"email": "ok@example.com"},
                {"email": UserFactory().email, "role": None},
            ],
        },
    )

    assert payload["code"] == "INVALID_INPUT"
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("addUsers.1.role", "REQUIRED")
    ]
    assert snapshot() == before


def test_update_cannot_remove_every_owner(owner_api, org_id, owner):
    before = snapshot()

    payload = owner_api.mutate(
        UPDATE, {"orgId": org_id, "removeUsers": [str(owner.public_id)]}
    )

    assert payload["code"] == "LAST_OWNER"
    assert snapshot() == before


def test_update_members_denied_to_api_key(owner_key_api, org_id, member):
    before = snapshot()

    payload = owner_key_api.mutate(
        UPDATE, {"orgId": org_id, "removeUsers": [str(member.public_id)]}
    )

    assert payload["code"] == "PERMISSION_DENIED"
    assert snapshot() == before


def test_update_renames_with_owner_api_key(owner_key_api, org_id, organization):
    payload = owner_key_api.mutate(UPDATE, {"orgId": org_id, "name": "By key"})

    assert payload["success"] is True
    organization.refresh_from_db()
    assert organization.name == "By key"


def test_update_deletes(owner_api, org_id, organization):
    payload = owner_api.mutate(UPDATE, {"orgId": org_id, "delete": True})

    assert payload["success"] is True
    assert not Organization.objects.filter(pk=organization.pk).exists()


def test_update_delete_with_changes_rejected(owner_api, org_id, organization):
    payload = owner_api.mutate(UPDATE, {"orgId": org_id, "delete": True, "name": "X"})

    assert payload["code"] == "INVALID_INPUT"
    assert payload["errors"][0]["field"] == "delete"
    organization.refresh_from_db()
    assert organization.name == "Acme"


# The organization type


def test_organization_shows_members_and_pipelines(
    member_api, org_id, owner, member, organization, catalog
):
    integration = IntegrationFactory(application__organization=organization)
    ApplicationFactory()

    (listed,) = member_api.query(ORGANIZATION, {"orgId": org_id})["organizations"]

    assert listed["role"] == "USER"
    members = {m["id"]: m for m in listed["members"]}
    assert members.keys() == {str(owner.public_id), str(member.public_id)}
    assert members[str(owner.public_id)]["role"] == "OWNER"
    assert members[str(owner.public_id)]["email"] == owner.email
    assert members[str(owner.public_id)]["joinedAt"]
    assert members[str(member.public_id)]["role"] == "USER"
    assert listed["applications"] == [{"id": integration.application.source_id}]
    assert listed["connections"] == [{"id": str(integration.connection.public_id)}]
    assert listed["integrations"] == [{"id": str(integration.public_id)}]
