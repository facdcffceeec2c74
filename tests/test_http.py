"""The /graphql endpoint at the HTTP level: malformed requests, error
masking and request IDs."""

import json
import logging

import pytest

from houston.log_filters import RedactLinkTokens
from organizations import selectors
from tests.conftest import api_for

pytestmark = pytest.mark.django_db

DEEP = "[" * 2000 + "]" * 2000


def post(client, body, content_type="application/json"):
    return client.post("/graphql", data=body, content_type=content_type)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"query": "{ __typename }", "variables": {"d": ' + DEEP + "}}", "nests"),
        ('{"query": 123}', "query must be a string"),
        ('{"query": ["{ __typename }"]}', "query must be a string"),
        ('{"query": "{ __typename }", "variables": [1]}', "variables must be"),
        ('{"query": "{ __typename }", "operationName": 5}', "operationName"),
        ("[1]", "not a valid JSON query"),
        ("null", "not a valid JSON query"),
        ("not json", "invalid JSON"),
        ("", "Must provide query string"),
        (b"\xff\xfe", "not valid UTF-8"),
    ],
)
def test_malformed_body_is_bad_request(client, body, message):
    response = post(client, body)

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert message in error["message"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "Traceback" not in response.content.decode()


def test_mutation_over_get_not_allowed(client):
    response = client.get(
        "/graphql", {"query": 'mutation { createOrganization(name: "x") { code } }'}
    )

    assert response.status_code == 405
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


def test_query_over_get(client):
    response = client.get("/graphql", {"query": "{ __typename }"})

    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


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
    response = client.post(
        "/graphql",
        data=json.dumps({"query": "{ __typename }"}),
        content_type="application/json",
        headers={"X-Request-ID": "trace-123"},
    )

    assert response.headers["X-Request-ID"] == "trace-123"


@pytest.mark.parametrize("sent", ["", "x" * 65, "bad id", "a\nb"])
def test_request_id_replaced_when_unsafe(client, sent):
    response = client.post(
        "/graphql",
        data=json.dumps({"query": "{ __typename }"}),
        content_type="application/json",
        headers={"X-Request-ID": sent},
    )

    assert response.headers["X-Request-ID"] != sent
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
