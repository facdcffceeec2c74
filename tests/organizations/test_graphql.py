import uuid

import pytest

from organizations.models import Membership, Organization, Role
from tests.conftest import api_for, error_codes
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

CREATE_ORGANIZATION = """
mutation CreateOrganization($name: String!, $userId: ID) {
  createOrganization(name: $name, userId: $userId) {
    success message code id errors { field message code }
  }
}
"""

UPDATE_ORGANIZATION = """
mutation UpdateOrganization($orgId: ID!, $name: String) {
  updateOrganization(orgId: $orgId, name: $name) {
    success message code id errors { field message code }
  }
}
"""

ORGANIZATIONS = """
query Organizations($orgId: ID, $userId: ID) {
  organizations(orgId: $orgId, userId: $userId) { id name role createdAt }
}
"""


def names() -> list[str]:
    return sorted(Organization.objects.values_list("name", flat=True))


def test_create_organization_makes_caller_owner(client, stranger):
    api = api_for(client, stranger)

    payload = api.mutate(CREATE_ORGANIZATION, {"name": "  Human-friendly Name "})

    organization = Organization.objects.get(public_id=payload["id"])
    assert payload["success"] is True
    assert payload["code"] == "OK"
    assert organization.name == "Human-friendly Name"
    membership = Membership.objects.get(organization=organization)
    assert membership.user == stranger
    assert membership.role == Role.OWNER


def test_create_organization_for_self_by_user_id(client, stranger):
    api = api_for(client, stranger)

    payload = api.mutate(
        CREATE_ORGANIZATION, {"name": "Mine", "userId": str(stranger.public_id)}
    )

    assert payload["success"] is True


@pytest.mark.parametrize("user_id", ["other", str(uuid.uuid4()), "owner"])
def test_create_organization_for_someone_else_denied(client, stranger, owner, user_id):
    if user_id == "owner":
        user_id = str(owner.public_id)
    before = names()

    payload = api_for(client, stranger).mutate(
        CREATE_ORGANIZATION, {"name": "Theirs", "userId": user_id}
    )

    assert payload["success"] is False
    assert payload["code"] == "PERMISSION_DENIED"
    assert payload["id"] is None
    assert names() == before


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("", "REQUIRED"),
        ("   ", "REQUIRED"),
        ("x" * 10_000, "MAX_LENGTH"),
        ("Nul\x00Corp", "NULL_CHARACTERS"),
    ],
)
def test_create_organization_rejects_bad_name(client, stranger, name, code):
    before = names()

    payload = api_for(client, stranger).mutate(CREATE_ORGANIZATION, {"name": name})

    assert payload["code"] == "INVALID_INPUT"
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("name", code)]
    assert names() == before


def test_create_organization_requires_sign_in(anonymous_api):
    payload = anonymous_api.mutate(CREATE_ORGANIZATION, {"name": "Acme"})

    assert payload["code"] == "NOT_AUTHENTICATED"
    assert not Organization.objects.exists()


def test_update_organization_renames(owner_api, organization):
    payload = owner_api.mutate(
        UPDATE_ORGANIZATION, {"orgId": str(organization.public_id), "name": "Renamed"}
    )

    assert payload["success"] is True
    assert payload["id"] == str(organization.public_id)
    organization.refresh_from_db()
    assert organization.name == "Renamed"


def test_update_organization_denied_to_user_role(member_api, organization):
    payload = member_api.mutate(
        UPDATE_ORGANIZATION, {"orgId": str(organization.public_id), "name": "Mine"}
    )

    assert payload["code"] == "PERMISSION_DENIED"
    organization.refresh_from_db()
    assert organization.name == "Acme"


def test_update_organization_hidden_from_stranger(stranger_api, organization):
    payload = stranger_api.mutate(
        UPDATE_ORGANIZATION, {"orgId": str(organization.public_id), "name": "Mine"}
    )

    assert payload["code"] == "NOT_FOUND"
    assert payload["errors"][0]["field"] == "orgId"
    organization.refresh_from_db()
    assert organization.name == "Acme"


def test_update_organization_requires_header(owner_api, organization):
    payload = owner_api.mutate(
        UPDATE_ORGANIZATION,
        {"orgId": str(organization.public_id), "name": "Renamed"},
        organization=None,
    )

    assert payload["code"] == "ORGANIZATION_HEADER_REQUIRED"
    organization.refresh_from_db()
    assert organization.name == "Acme"


def test_update_organization_rejects_other_header(owner_api, owner, organization):
    other = MembershipFactory(user=owner, role=Role.OWNER).organization

    payload = owner_api.mutate(
        UPDATE_ORGANIZATION,
        {"orgId": str(organization.public_id), "name": "Renamed"},
        organization=other.public_id,
    )

    assert payload["code"] == "ORGANIZATION_MISMATCH"
    organization.refresh_from_db()
    assert organization.name == "Acme"


@pytest.mark.parametrize(
    "org_id", ["garbage", str(uuid.uuid4()), "a\x00b", "x" * 10_000]
)
def test_update_organization_unknown_id(owner_api, organization, org_id):
    payload = owner_api.mutate(UPDATE_ORGANIZATION, {"orgId": org_id, "name": "New"})

    assert payload["code"] == "NOT_FOUND"
    organization.refresh_from_db()
    assert organization.name == "Acme"


def test_update_organization_rejects_bad_name(owner_api, organization):
    payload = owner_api.mutate(
        UPDATE_ORGANIZATION, {"orgId": str(organization.public_id), "name": "x" * 201}
    )

    assert payload["code"] == "INVALID_INPUT"
    assert payload["errors"][0]["code"] == "MAX_LENGTH"
    organization.refresh_from_db()
    assert organization.name == "Acme"


def test_organizations_lists_memberships_with_role(owner_api, owner, organization):
    second = MembershipFactory(user=owner, role=Role.USER).organization
    OrganizationFactory(name="Not mine")

    listed = owner_api.query(ORGANIZATIONS)["organizations"]

    assert [(o["id"], o["role"]) for o in listed] == [
        (str(organization.public_id), "OWNER"),
        (str(second.public_id), "USER"),
    ]


def test_organizations_filters_by_org_id(owner_api, owner, organization):
    MembershipFactory(user=owner)

    listed = owner_api.query(ORGANIZATIONS, {"orgId": str(organization.public_id)})

    assert [o["id"] for o in listed["organizations"]] == [str(organization.public_id)]


def test_organizations_user_id_must_be_caller(owner_api, owner, member):
    own = owner_api.query(ORGANIZATIONS, {"userId": str(owner.public_id)})
    other = owner_api.query(ORGANIZATIONS, {"userId": str(member.public_id)})

    assert len(own["organizations"]) == 1
    assert other["organizations"] == []


def test_organizations_empty_for_stranger(stranger_api, organization):
    listed = stranger_api.query(ORGANIZATIONS, {"orgId": str(organization.public_id)})

    assert listed["organizations"] == []


@pytest.mark.parametrize("org_id", ["garbage", "", "a\x00b", "x" * 10_000])
def test_organizations_malformed_id_is_empty(owner_api, org_id):
    listed = owner_api.query(ORGANIZATIONS, {"orgId": org_id})

    assert listed["organizations"] == []


def test_organizations_requires_sign_in(anonymous_api):
    body = anonymous_api.execute(ORGANIZATIONS)

    assert body["data"] is None
    assert error_codes(body) == ["NOT_AUTHENTICATED"]
