import hashlib
import uuid

import pytest

from clickstream.models import Application
from organizations.models import ApiKey, Role
from tests.conftest import GraphQLClient, error_codes
from tests.factories import ConnectionFactory, MembershipFactory, make_api_key

pytestmark = pytest.mark.django_db

CREATE_API_KEY = """
mutation CreateApiKey($orgId: ID!, $name: String!, $role: Role) {
  createApiKey(orgId: $orgId, name: $name, role: $role) {
    success message code id key errors { field message code }
  }
}
"""

API_KEYS = """
query ApiKeys($orgId: ID) {
  apiKeys(orgId: $orgId) {
    id name prefix role createdAt lastUsedAt revokedAt
    createdBy { id email }
    organization { id }
  }
}
"""

REVOKE_API_KEY = """
mutation RevokeApiKey($id: ID!) {
  revokeApiKey(id: $id) { success code id errors { field code } }
}
"""

CREATE_APPLICATION = """
mutation CreateApplication($orgId: ID!) {
  createApplication(name: "Server", platform: "server", orgId: $orgId) {
    success code id
  }
}
"""

ORGANIZATIONS = "query { organizations { id role } }"
CONNECTIONS = "query { connections { id details } }"
ME = "query { me { id } }"


def keys() -> list[tuple]:
    return sorted(ApiKey.objects.values_list("public_id", "prefix", "revoked_at"))


def test_create_api_key_returns_key_once(owner_api, owner, organization):
    payload = owner_api.mutate(
        CREATE_API_KEY,
        {"orgId": str(organization.public_id), "name": "Deploys", "role": "OWNER"},
    )

    api_key = ApiKey.objects.get()
    key = payload["key"]
    assert payload["success"] is True
    assert payload["id"] == str(api_key.public_id)
    assert key.startswith("hou_")
    assert api_key.prefix == key[:12]
    assert api_key.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiKey.objects.values().get())
    assert api_key.role == Role.OWNER
    assert api_key.created_by == owner


def test_api_keys_listed_without_secret(owner_api, owner, organization):
    created = owner_api.mutate(
        CREATE_API_KEY, {"orgId": str(organization.public_id), "name": "Deploys"}
    )

    (listed,) = owner_api.query(API_KEYS)["apiKeys"]

    assert listed["id"] == created["id"]
    assert listed["name"] == "Deploys"
    assert listed["role"] == "USER"
    assert listed["prefix"] == created["key"][:12]
    assert listed["createdBy"] == {"id": str(owner.public_id), "email": owner.email}
    assert listed["lastUsedAt"] is None
    assert created["key"] not in str(listed)


def test_api_keys_hidden_from_user_role_and_keys(
    member_api, owner_key_api, organization
):
    make_api_key(organization)

    assert member_api.query(API_KEYS)["apiKeys"] == []
    assert owner_key_api.query(API_KEYS)["apiKeys"] == []


@pytest.mark.parametrize(
    ("name", "code"),
    [("", "REQUIRED"), ("x" * 10_000, "MAX_LENGTH"), ("a\x00b", "NULL_CHARACTERS")],
)
def test_create_api_key_rejects_bad_name(owner_api, organization, name, code):
    payload = owner_api.mutate(
        CREATE_API_KEY, {"orgId": str(organization.public_id), "name": name}
    )

    assert payload["code"] == "INVALID_INPUT"
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("name", code)]
    assert payload["key"] is None
    assert not ApiKey.objects.exists()


def test_create_api_key_denied_to_user_role(member_api, organization):
    payload = member_api.mutate(
        CREATE_API_KEY, {"orgId": str(organization.public_id), "name": "Mine"}
    )

    assert payload["code"] == "PERMISSION_DENIED"
    assert payload["key"] is None
    assert not ApiKey.objects.exists()


def test_api_key_cannot_create_keys(owner_key_api, organization):
    before = keys()

    payload = owner_key_api.mutate(
        CREATE_API_KEY, {"orgId": str(organization.public_id), "name": "Another"}
    )

    assert payload["code"] == "PERMISSION_DENIED"
    assert keys() == before


def test_api_key_reads_its_organization_only(owner_key_api, organization):
    MembershipFactory()

    listed = owner_key_api.query(ORGANIZATIONS)["organizations"]

    assert listed == [{"id": str(organization.public_id), "role": "OWNER"}]


def test_api_key_writes_without_header(user_key_api, organization):
    payload = user_key_api.mutate(
        CREATE_APPLICATION, {"orgId": str(organization.public_id)}
    )

    assert payload["success"] is True
    assert Application.objects.get().organization == organization


def test_api_key_accepts_matching_header(user_key_api, organization):
    payload = user_key_api.mutate(
        CREATE_APPLICATION,
        {"orgId": str(organization.public_id)},
        organization=organization.public_id,
    )

    assert payload["success"] is True


def test_api_key_rejects_other_header(user_key_api, organization, stranger):
    other = stranger.memberships.get().organization

    payload = user_key_api.mutate(
        CREATE_APPLICATION,
        {"orgId": str(organization.public_id)},
        organization=other.public_id,
    )

    assert payload["code"] == "ORGANIZATION_MISMATCH"
    assert not Application.objects.exists()


def test_api_key_cannot_reach_other_organization(user_key_api, stranger):
    other = stranger.memberships.get().organization

    payload = user_key_api.mutate(CREATE_APPLICATION, {"orgId": str(other.public_id)})

    assert payload["code"] == "NOT_FOUND"
    assert not Application.objects.exists()


def test_connection_details_follow_key_role(
    owner_key_api, user_key_api, organization, catalog
):
    ConnectionFactory(organization=organization)

    (as_owner,) = owner_key_api.query(CONNECTIONS)["connections"]
    (as_user,) = user_key_api.query(CONNECTIONS)["connections"]

    assert as_owner["details"] == {"apiKey": "********1234"}
    assert as_user["details"] is None


@pytest.mark.parametrize(
    "query", [ME, 'mutation { createOrganization(name: "K") { code } }']
)
def test_api_key_cannot_act_as_person(owner_key_api, query):
    body = owner_key_api.execute(query)

    codes = error_codes(body) or [next(iter(body["data"].values()))["code"]]
    assert codes == ["PERMISSION_DENIED"]


def test_revoked_key_stops_at_once(client, owner_api, organization):
    api_key, key = make_api_key(organization)
    api = GraphQLClient(client, api_key=key)
    assert api.query(ORGANIZATIONS)["organizations"]

    payload = owner_api.mutate(REVOKE_API_KEY, {"id": str(api_key.public_id)})
    body = api.execute(ORGANIZATIONS)

    assert payload["success"] is True
    assert error_codes(body) == ["INVALID_TOKEN"]
    assert owner_api.query(API_KEYS)["apiKeys"] == []


def test_revoke_twice_conflicts(owner_api, organization):
    api_key, _ = make_api_key(organization)
    owner_api.mutate(REVOKE_API_KEY, {"id": str(api_key.public_id)})

    payload = owner_api.mutate(REVOKE_API_KEY, {"id": str(api_key.public_id)})

    assert payload["code"] == "CONFLICT"


def test_revoke_denied_to_user_role_and_keys(member_api, owner_key_api, organization):
    api_key, _ = make_api_key(organization)
    before = keys()

    by_member = member_api.mutate(REVOKE_API_KEY, {"id": str(api_key.public_id)})
    by_key = owner_key_api.mutate(REVOKE_API_KEY, {"id": str(api_key.public_id)})

    assert by_member["code"] == "PERMISSION_DENIED"
    assert by_key["code"] == "PERMISSION_DENIED"
    assert keys() == before


@pytest.mark.parametrize("key_id", ["garbage", str(uuid.uuid4()), "a\x00b"])
def test_revoke_unknown_key(owner_api, organization, key_id):
    make_api_key(organization)
    before = keys()

    payload = owner_api.mutate(REVOKE_API_KEY, {"id": key_id})

    assert payload["code"] == "NOT_FOUND"
    assert payload["errors"][0]["field"] == "id"
    assert keys() == before


def test_revoke_other_organizations_key(owner_api, stranger):
    api_key, _ = make_api_key(stranger.memberships.get().organization)

    payload = owner_api.mutate(REVOKE_API_KEY, {"id": str(api_key.public_id)})

    assert payload["code"] == "NOT_FOUND"
    assert ApiKey.objects.get().revoked_at is None


@pytest.mark.parametrize(
    "key",
    ["garbage", "hou_", "hou_" + "x" * 40, "hou_" + "x" * 10_000, "hou_a\x00b"],
)
def test_garbage_api_key_rejected(client, organization, key):
    make_api_key(organization)

    body = GraphQLClient(client, api_key=key).execute(ORGANIZATIONS)

    assert error_codes(body) == ["INVALID_TOKEN"]


def test_key_with_right_prefix_wrong_secret_rejected(client, organization):
    _, key = make_api_key(organization)
    forged = key[:12] + "A" * (len(key) - 12)

    body = GraphQLClient(client, api_key=forged).execute(ORGANIZATIONS)

    assert error_codes(body) == ["INVALID_TOKEN"]


def test_key_use_recorded(client, organization):
    api_key, key = make_api_key(organization)

    GraphQLClient(client, api_key=key).query(ORGANIZATIONS)

    api_key.refresh_from_db()
    assert api_key.last_used_at is not None
