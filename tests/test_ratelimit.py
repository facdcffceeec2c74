import pytest

from accounts.models import User
from organizations.models import Invitation, Organization
from tests.conftest import GraphQLClient, api_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

CREATE_ORGANIZATION = """
mutation { createOrganization(name: "Acme") { success code message } }
"""

TWO_ORGANIZATIONS = """
mutation {
  a: createOrganization(name: "A") { code }
  b: createOrganization(name: "B") { code }
}
"""

SIGN_UP = """
mutation M($email: String!, $password: String!) {
  createNewUser(email: $email, password: $password) { success code }
}
"""


@pytest.fixture
def three_per_minute(settings):
    settings.GRAPHQL_MUTATION_RATE = "3/m"
    settings.GRAPHQL_MUTATION_RATES = {"createNewUser": "2/h"}


def test_mutation_limited_per_user(client, owner, member, three_per_minute):
    owner_api = api_for(client, owner)
    for _ in range(3):
        assert owner_api.mutate(CREATE_ORGANIZATION)["success"] is True
    before = Organization.objects.count()

    response = owner_api.post(CREATE_ORGANIZATION)
    other = api_for(client, member).mutate(CREATE_ORGANIZATION)

    payload = response.json()["data"]["createOrganization"]
    assert payload["code"] == "RATE_LIMITED"
    assert payload["success"] is False
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Try again in" in payload["message"]
    assert other["success"] is True
    assert Organization.objects.count() == before + 1


def test_aliases_count_separately(client, owner, three_per_minute):
    api = api_for(client, owner)
    api.mutate(CREATE_ORGANIZATION)
    api.mutate(CREATE_ORGANIZATION)

    data = api.query(TWO_ORGANIZATIONS)

    assert data["a"]["code"] == "OK"
    assert data["b"]["code"] == "RATE_LIMITED"


def test_anonymous_limited_per_address(client, three_per_minute):
    api = GraphQLClient(client)
    for number in range(2):
        api.mutate(SIGN_UP, {"email": f"a{number}@example.com", "password": PASSWORD})

    limited = api.mutate(SIGN_UP, {"email": "a2@example.com", "password": PASSWORD})
    elsewhere = GraphQLClient(client, headers={}).post(
        SIGN_UP, {"email": "a3@example.com", "password": PASSWORD}
    )

    assert limited["code"] == "RATE_LIMITED"
    assert not User.objects.filter(email="a2@example.com").exists()
    assert elsewhere.json()["data"]["createNewUser"]["code"] == "RATE_LIMITED"


def test_other_address_has_own_limit(client, three_per_minute):
    from django.test import Client

    api = GraphQLClient(client)
    for number in range(2):
        api.mutate(SIGN_UP, {"email": f"a{number}@example.com", "password": PASSWORD})

    other = GraphQLClient(Client(REMOTE_ADDR="192.0.2.7")).mutate(
        SIGN_UP, {"email": "b@example.com", "password": PASSWORD}
    )

    assert other["code"] == "OK"


def test_forwarded_address_needs_trusted_proxy(client, three_per_minute, settings):
    def sign_up(email, forwarded):
        return GraphQLClient(client, headers={"X-Forwarded-For": forwarded}).mutate(
            SIGN_UP, {"email": email, "password": PASSWORD}
        )

    sign_up("a@example.com", "198.51.100.1")
    sign_up("b@example.com", "198.51.100.2")
    spoofed = sign_up("c@example.com", "198.51.100.3")
    settings.TRUSTED_PROXY_COUNT = 1
    proxied = sign_up("d@example.com", "203.0.113.9, 198.51.100.4")

    assert spoofed["code"] == "RATE_LIMITED"
    assert proxied["code"] == "OK"


def test_api_key_has_own_limit(
    client, owner, owner_key_api, organization, three_per_minute
):
    query = """
    mutation M($orgId: ID!) {
      updateOrganization(orgId: $orgId, name: "Renamed") { code }
    }
    """
    variables = {"orgId": str(organization.public_id)}
    owner_api = api_for(client, owner, organization=organization.public_id)
    for _ in range(3):
        owner_api.mutate(query, variables)

    assert owner_api.mutate(query, variables)["code"] == "RATE_LIMITED"
    assert owner_key_api.mutate(query, variables)["code"] == "OK"


def test_added_users_count_as_add_calls(client, owner, organization, settings):
    settings.GRAPHQL_MUTATION_RATES = {"addOrganizationUser": "5/m"}
    query = """
    mutation M($orgId: ID!, $users: [AddUserInput!]) {
      updateOrganization(orgId: $orgId, addUsers: $users) { code }
    }
    """
    api = api_for(client, owner, organization=organization.public_id)
    users = [{"email": f"new{number}@example.com"} for number in range(6)]

    payload = api.mutate(query, {"orgId": str(organization.public_id), "users": users})

    assert payload["code"] == "RATE_LIMITED"
    assert not Invitation.objects.exists()
