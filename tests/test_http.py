"""The /graphql endpoint at the HTTP level: media types, malformed and
hostile requests, error masking and request IDs."""

import json
import logging

import pytest

from houston.log_filters import RedactLinkTokens
from organizations import selectors
from organizations.models import Organization
from tests.conftest import api_for

pytestmark = pytest.mark.django_db

GRAPHQL_RESPONSE = "application/graphql-response+json"


def post(client, body, content_type="application/json", **headers):
    if not isinstance(body, (str, bytes)):
        body = json.dumps(body)
    return client.post(
        "/graphql", data=body, content_type=content_type, headers=headers
    )


def nested(depth: int) -> str:
    """Return a valid query whose selections are `depth` levels deep."""
    query = "id"
    for level in range(depth - 1, 1, -1):
        name = "applications" if level % 2 == 0 else "organization"
        query = f"{name} {{ {query} }}"
    return f"{{ organizations {{ {query} }} }}"


def only_error(response) -> dict:
    body = response.json()
    assert "data" not in body
    (error,) = body["errors"][:1]
    return error


def test_query_answers_json(client):
    response = post(client, {"query": "{ __typename }"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"data": {"__typename": "Query"}}


def test_graphql_response_media_type(client):
    response = post(client, {"query": "{ __typename }"}, Accept=GRAPHQL_RESPONSE)

    assert response.status_code == 200
    assert response["Content-Type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        (f"application/json, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE};q=0.5", "application/json"),
        ("text/plain", "application/json"),
    ],
)
def test_media_type_follows_accept(client, accept, expected):
    response = post(client, {"query": "{ __typename }"}, Accept=accept)

    assert response["Content-Type"].startswith(expected)


def test_query_over_get(client):
    response = client.get("/graphql", {"query": "{ __typename }"})

    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


def test_get_with_variables(client):
    response = client.get(
        "/graphql",
        {
            "query": "query Q($id: ID) { organizations(orgId: $id) { id } }",
            "variables": json.dumps({"id": "x"}),
        },
    )

    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_AUTHENTICATED"


def test_mutation_over_get_not_allowed(client):
    response = client.get(
        "/graphql", {"query": 'mutation { createOrganization(name: "x") { code } }'}
    )

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert only_error(response)["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    assert not Organization.objects.exists()


def test_put_not_allowed(client):
    response = client.put("/graphql", data="{}", content_type="application/json")

    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"


def test_browser_gets_graphiql(client, settings):
    settings.GRAPHIQL_ENABLED = True

    response = client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert b"graphiql" in response.content.lower()


def test_graphiql_off_answers_json(client, settings):
    settings.GRAPHIQL_ENABLED = False

    response = client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '{"query": "{ __typename }", "variables": {"d": '
            + "[" * 2000
            + "]" * 2000
            + "}}",
            "not valid JSON",
        ),
        ('{"query": 123}', "'query' parameter"),
        ('{"query": ["{ __typename }"]}', "'query' parameter"),
        ('{"query": ""}', "'query' parameter"),
        ('{"variables": {}}', "'query' parameter"),
        ('{"query": "{ __typename }", "variables": [1]}', "'variables' parameter"),
        ('{"query": "{ __typename }", "variables": "{}"}', "'variables' parameter"),
        ('{"query": "{ __typename }", "operationName": 5}', "'operationName'"),
        ('{"query": "{ __typename }", "extensions": 1}', "'extensions'"),
        ('[{"query": "{ __typename }"}]', "Batched requests"),
        ("null", "must be a JSON object"),
        ("not json", "not valid JSON"),
        ('{"query": "{ __typename }", "variables": {"x": "\\ud800"}}', "surrogate"),
        ('{"query": "{ __typename }", "variables": {"\\udfff": 1}}', "surrogate"),
        ('{"query": "{ __typename }", "extensions": {"x": ["a\\udc00"]}}', "surrogate"),
        ("{", "not valid JSON"),
        (b"\xff\xfe", "not valid UTF-8"),
    ],
)
def test_malformed_body_is_bad_request(client, body, message):
    response = post(client, body)

    error = only_error(response)
    assert response.status_code == 400
    assert message in error["message"]
    assert error["extensions"]["code"] == "BAD_REQUEST"


def test_surrogate_pair_escape_accepted(client):
    # Clients that escape every non-ASCII character send emoji as a pair.
    body = '{"query": "{ __typename }", "variables": {"x": "\\ud83d\\ude80"}}'

    response = post(client, body)

    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


def test_unpaired_surrogate_in_get_variables(client):
    response = client.get(
        "/graphql", {"query": "{ __typename }", "variables": '{"x": "\\ud800"}'}
    )

    assert response.status_code == 400
    assert "surrogate" in only_error(response)["message"]


def test_unpaired_surrogate_password_rejected(client, owner):
    # The password hasher encodes the password as UTF-8, which fails on an
    # unpaired surrogate.
    body = json.dumps(
        {
            "query": "mutation M($u: String!, $p: String!) "
            "{ createToken(username: $u, password: $p) { code } }",
            "variables": {"u": owner.email, "p": "secret\ud800"},
        }
    )

    response = post(client, body)

    assert response.status_code == 400
    assert only_error(response)["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data; boundary=x",
        "",
    ],
)
def test_non_json_post_is_unsupported(client, content_type):
    response = client.post(
        "/graphql", data="query=%7B__typename%7D", content_type=content_type
    )

    assert response.status_code == 415
    assert only_error(response)["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_oversized_body_rejected(client):
    body = json.dumps(
        {"query": "{ __typename }", "variables": {"x": "a" * (10 * 2**20)}}
    )

    response = post(client, body)

    assert response.status_code == 413
    assert only_error(response)["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


def test_body_limit_is_a_setting(client, settings):
    settings.GRAPHQL_MAX_BODY_SIZE = 50

    response = post(client, {"query": "{ __typename }", "variables": {"x": "a" * 60}})

    assert response.status_code == 413


@pytest.mark.parametrize(
    ("query", "code", "fragment"),
    [
        ("{ me { id }", "GRAPHQL_PARSE_FAILED", "Syntax Error"),
        ("{ nope }", "GRAPHQL_VALIDATION_FAILED", "Cannot query field"),
        (nested(11), "GRAPHQL_VALIDATION_FAILED", "11 levels deep"),
        (
            "{ " + " ".join(f"a{i}: __typename" for i in range(21)) + " }",
            "GRAPHQL_VALIDATION_FAILED",
            "aliases",
        ),
        (
            "{ " + " ".join(f"a{i}: __typename" for i in range(10_000)) + " }",
            "GRAPHQL_PARSE_FAILED",
            "tokens",
        ),
        ("{ ...Missing }", "GRAPHQL_VALIDATION_FAILED", "Unknown fragment"),
        (
            "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
            "GRAPHQL_VALIDATION_FAILED",
            "Cannot spread fragment",
        ),
        (
            'mutation { a: createToken(username: "a", password: "b") { code } '
            'b: createToken(username: "a", password: "c") { code } }',
            "GRAPHQL_VALIDATION_FAILED",
            "once per operation",
        ),
        (
            "query Q($ids: [ID!]) { __typename }",
            "GRAPHQL_VALIDATION_FAILED",
            "never used",
        ),
    ],
)
@pytest.mark.parametrize(
    ("accept", "status"), [("application/json", 200), (GRAPHQL_RESPONSE, 400)]
)
def test_document_errors(client, query, code, fragment, accept, status):
    response = post(client, {"query": query}, Accept=accept)

    error = only_error(response)
    assert response.status_code == status
    assert error["extensions"]["code"] == code
    assert fragment in error["message"]


def test_depth_at_limit_allowed(client):
    error = only_error_or_data(post(client, {"query": nested(10)}))

    assert error["extensions"]["code"] == "NOT_AUTHENTICATED"


def only_error_or_data(response) -> dict:
    return response.json()["errors"][0]


def test_depth_limit_counts_fragments(client, settings):
    settings.GRAPHQL_MAX_DEPTH = 3
    query = (
        "query { ...Orgs } "
        "fragment Orgs on Query { organizations { applications { ...App } } } "
        "fragment App on Application { organization { id } }"
    )

    error = only_error(post(client, {"query": query}))

    assert "4 levels deep" in error["message"]


def test_repeated_fragments_measured_quickly(client):
    fragments = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(40)
    )
    query = f"query {{ ...F0 }} {fragments} fragment F40 on Query {{ __typename }}"

    response = post(client, {"query": query})

    assert response.status_code == 200


def test_introspection_allowed_deep(client, settings):
    settings.GRAPHQL_INTROSPECTION = True
    query = "{ __schema { types { fields { type { name } } } } }"
    for _ in range(8):
        query = query.replace("{ name }", "{ ofType { name } }")

    response = post(client, {"query": query})

    assert "errors" not in response.json()


def test_introspection_off(client, settings):
    settings.GRAPHQL_INTROSPECTION = False

    error = only_error(post(client, {"query": "{ __schema { types { name } } }"}))

    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "introspection" in error["message"]


def test_list_literal_capped(client, owner):
    ids = ", ".join(f'"{i}"' for i in range(101))
    query = (
        'mutation { updateOrganization(orgId: "x", removeUsers: ['
        + ids
        + "]) { code } }"
    )

    error = only_error(api_for(client, owner).post(query))

    assert "more than 100 items" in error["message"]


def test_list_variable_capped(client, owner):
    query = """
    mutation M($ids: [ID!]) {
      updateOrganization(orgId: "x", removeUsers: $ids) { code }
    }
    """

    response = api_for(client, owner).post(query, {"ids": [str(i) for i in range(101)]})

    error = only_error(response)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "$ids" in error["message"]


@pytest.mark.parametrize(
    ("variables", "accept", "status"),
    [
        ({"name": 5}, "application/json", 200),
        ({"name": {"a": 1}}, GRAPHQL_RESPONSE, 400),
        ({}, "application/json", 200),
    ],
)
def test_variable_coercion_failure(client, owner, variables, accept, status):
    query = "mutation M($name: String!) { createOrganization(name: $name) { code } }"

    before = Organization.objects.count()

    response = api_for(client, owner).post(query, variables, headers={"Accept": accept})

    assert response.status_code == status
    assert only_error(response)["extensions"]["code"] == "BAD_USER_INPUT"
    assert Organization.objects.count() == before


def test_unexpected_error_is_masked(client, owner, monkeypatch, caplog):
    def fail(**kwargs):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(selectors, "organization_list", fail)

    with caplog.at_level(logging.ERROR):
        response = api_for(client, owner).post("{ organizations { id } }")

    body = response.json()
    (error,) = body["errors"]
    request_id = response.headers["X-Request-ID"]
    assert error["message"] == "Internal server error"
    assert error["extensions"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "requestId": request_id,
    }
    assert "hunter2" not in response.content.decode()
    assert request_id in caplog.text
    assert "hunter2" in caplog.text


def test_request_id_echoed_when_plain(client):
    response = post(
        client, {"query": "{ __typename }"}, **{"X-Request-ID": "trace-123"}
    )

    assert response.headers["X-Request-ID"] == "trace-123"


@pytest.mark.parametrize("sent", ["", "x" * 65, "bad id", "a\nb"])
def test_request_id_replaced_when_unsafe(client, sent):
    response = post(client, {"query": "{ __typename }"}, **{"X-Request-ID": sent})

    assert response.headers["X-Request-ID"] != sent
    assert len(response.headers["X-Request-ID"]) == 32


def test_request_id_on_errors(client):
    response = post(client, "not json")

    assert len(response.headers["X-Request-ID"]) == 32


@pytest.mark.parametrize(
    "path",
    [
        "accounts/confirm-email",
        "accounts/reset-password",
        "accounts/change-email",
        "organizations/invitations",
    ],
)
def test_link_tokens_redacted(path):
    record = logging.LogRecord(
        "django.security.csrf",
        logging.WARNING,
        __file__,
        1,
        "Forbidden (CSRF cookie not set.): %s",
        (f"/{path}/secret.token:value/",),
        None,
    )

    RedactLinkTokens().filter(record)

    assert record.getMessage() == f"Forbidden (CSRF cookie not set.): /{path}/<token>/"


def test_every_log_line_redacted():
    handlers = logging.getLogger("django").handlers + logging.getLogger().handlers
    console = [h for h in handlers if isinstance(h, logging.StreamHandler)]

    assert console
    assert all(
        any(isinstance(f, RedactLinkTokens) for f in handler.filters)
        for handler in console
        if not type(handler).__module__.startswith("_pytest")
    )


CREATE_ORGANIZATION = """
mutation M($name: String!) {
  createOrganization(name: $name) { success code errors { field code } }
}
"""

RENAME = """
mutation M($orgId: ID!) {
  updateOrganization(orgId: $orgId, name: "Renamed") { success code }
}
"""


@pytest.mark.parametrize(
    ("name", "code"),
    [("x" * 100_000, "MAX_LENGTH"), ("Nul\x00Corp", "NULL_CHARACTERS")],
)
def test_hostile_name_rejected(client, owner, name, code):
    before = Organization.objects.count()

    payload = api_for(client, owner).mutate(CREATE_ORGANIZATION, {"name": name})

    assert payload["code"] == "INVALID_INPUT"
    assert payload["errors"] == [{"field": "name", "code": code}]
    assert Organization.objects.count() == before


@pytest.mark.parametrize("org_id", [123, "garbage", "x" * 100_000, "a\x00b", ""])
def test_malformed_or_wrong_type_id_not_found(client, owner, organization, org_id):
    api = api_for(client, owner, organization=organization.public_id)

    payload = api.mutate(RENAME, {"orgId": org_id})

    assert payload["code"] == "NOT_FOUND"
    organization.refresh_from_db()
    assert organization.name == "Acme"


def test_introspection_type_with_variables(client, settings):
    settings.GRAPHQL_INTROSPECTION = True
    query = "query Type($name: String!) { __type(name: $name) { name } }"

    response = post(client, {"query": query, "variables": {"name": "Organization"}})

    assert response.status_code == 200
    assert response.json() == {"data": {"__type": {"name": "Organization"}}}


@pytest.mark.parametrize(
    "name",
    ["Acme\r\nBcc: attacker@example.com", "Acme\x1b[31m", "Acme\u202eemca", "A\tB"],
)
def test_control_characters_in_name_rejected(client, owner, name):
    before = Organization.objects.count()

    payload = api_for(client, owner).mutate(CREATE_ORGANIZATION, {"name": name})

    assert payload["code"] == "INVALID_INPUT"
    assert payload["errors"] == [{"field": "name", "code": "CONTROL_CHARACTERS"}]
    assert Organization.objects.count() == before


def test_too_many_fields_rejected_before_validation(client):
    query = "{ " + "me { id } " * 700 + "}"

    error = only_error(post(client, {"query": query}))

    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "1400 fields" in error["message"]
