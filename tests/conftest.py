import json
import os
import re
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings

from accounts.tokens import token_issue
from clickstream.catalog import load_catalog, sync_catalog
from clickstream.models import ClickstreamPrototype, ConnectionPrototype
from organizations.models import Role
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    make_api_key,
)

# Hypothesis profiles, chosen with the HYPOTHESIS_PROFILE environment
# variable. "ci", the default, draws the same examples on every run, seeded
# from the test function, so that a failure in CI comes from a change in the
# code and reproduces on any machine. The examples change with the test
# function, hypothesis or Python. Without an example database, no run
# replays the failures of earlier runs on the same machine. "thorough"
# draws 300 new examples per test on each run, to look for bugs, and prints
# a @reproduce_failure line for each failure.
hypothesis_settings.register_profile(
    "ci", max_examples=40, derandomize=True, database=None, deadline=None
)
hypothesis_settings.register_profile(
    "thorough", max_examples=300, database=None, deadline=None, print_blob=True
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash with MD5 in tests: the production hashers are slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the destination catalog once into the test database.

    Tests that run in a rolled-back transaction share it. Transactional
    tests empty the tables when they end, so `catalog` loads it again.
    """
    with django_db_blocker.unblock():
        sync_catalog(load_catalog())


@pytest.fixture(autouse=True)
def empty_cache():
    """Start and end each test with an empty cache, which contains the sign-in
    failure counters and the rate limits. With Redis this empties the whole
    database number that CACHE_URL names, so each test run needs its own."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def empty_catalog(db):
    """Start from an empty catalog. The test's transaction, or the
    `catalog` fixture of a later test, restores it."""
    ClickstreamPrototype.objects.all().delete()
    ConnectionPrototype.objects.all().delete()


@pytest.fixture
def catalog(db):
    """The destination catalog from the repository's data file."""
    if not ClickstreamPrototype.objects.exists():
        sync_catalog(load_catalog())


@dataclass
class GraphQLClient:
    """Posts GraphQL operations to /graphql as one caller.

    `token` is sent as `Authorization: JWT <token>` and `api_key` as
    `Authorization: Api-Key <key>`; `organization` as the `Organization`
    header of every request unless a call overrides it.
    """

    client: object
    token: str | None = None
    organization: str | None = None
    headers: dict = field(default_factory=dict)
    api_key: str | None = None

    def post(self, query, variables=None, *, organization=..., headers=None, **meta):
        """Post one operation; `meta` sets WSGI environ keys such as
        REMOTE_ADDR."""
        request_headers = dict(self.headers)
        if self.token:
            request_headers["Authorization"] = f"JWT {self.token}"
        if self.api_key:
            request_headers["Authorization"] = f"Api-Key {self.api_key}"
        organization = self.organization if organization is ... else organization
        if organization:
            request_headers["Organization"] = str(organization)
        request_headers.update(headers or {})
        return self.client.post(
            "/graphql",
            data=json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            headers=request_headers,
            **meta,
        )

    def execute(self, query, variables=None, **options) -> dict:
        """Return the JSON body of a request that must return status 200."""
        response = self.post(query, variables, **options)
        assert response.status_code == 200, response.content
        return response.json()

    def query(self, query, variables=None, **options) -> dict:
        """Return `data` of a query that must succeed without errors."""
        body = self.execute(query, variables, **options)
        assert "errors" not in body, body["errors"]
        return body["data"]

    def mutate(self, query, variables=None, **options) -> dict:
        """Return the payload of a single mutation, which must not raise."""
        data = self.query(query, variables, **options)
        (payload,) = data.values()
        return payload


def mailed_token(message, route: str) -> str:
    """Return the token of the `/accounts/<route>/<token>/` link in a mail."""
    match = re.search(rf"/accounts/{route}/([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(1)


def bad_text_code(text: str, limit: int = 2048) -> str:
    """Return the code a malformed token or password argument gets: text
    that breaks the argument limits is INVALID_INPUT before any check."""
    if "\x00" in text or len(text) > limit:
        return "INVALID_INPUT"
    return "INVALID_TOKEN"


def error_codes(body: dict) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def api_for(client, user=None, **options) -> GraphQLClient:
    token = token_issue(user)[0] if user is not None else None
    return GraphQLClient(client, token=token, **options)


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="Acme")


@pytest.fixture
def owner(organization):
    return MembershipFactory(organization=organization, role=Role.OWNER).user


@pytest.fixture
def member(organization):
    """A member with the User role."""
    return MembershipFactory(organization=organization, role=Role.USER).user


@pytest.fixture
def stranger(db):
    """A confirmed user who belongs to another organization only."""
    return MembershipFactory(role=Role.OWNER).user


@pytest.fixture
def unconfirmed(db):
    return UserFactory(email_confirmed=False)


@pytest.fixture
def anonymous_api(client):
    return GraphQLClient(client)


@pytest.fixture
def owner_api(client, owner, organization):
    return api_for(client, owner, organization=organization.public_id)


@pytest.fixture
def member_api(client, member, organization):
    return api_for(client, member, organization=organization.public_id)


@pytest.fixture
def stranger_api(client, stranger, organization):
    """A non-member who sends the target organization's header."""
    return api_for(client, stranger, organization=organization.public_id)


@pytest.fixture
def unconfirmed_api(client, unconfirmed):
    return api_for(client, unconfirmed)


@pytest.fixture
def owner_key_api(client, organization):
    """An Owner-role API key of the organization, sending no header."""
    return GraphQLClient(client, api_key=make_api_key(organization, Role.OWNER)[1])


@pytest.fixture
def user_key_api(client, organization):
    """A User-role API key of the organization, sending no header."""
    return GraphQLClient(client, api_key=make_api_key(organization, Role.USER)[1])
