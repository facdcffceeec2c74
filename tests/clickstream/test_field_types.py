"""Each field type of the catalog, validated through the GraphQL API.

The `every-type` destination has one required connection field of each
type, and config fields of each type that are optional, with defaults.
"""

import json
import math

import pytest

from clickstream.models import (
    ClickstreamPrototype,
    ConfigField,
    Connection,
    ConnectionField,
    ConnectionPrototype,
    FieldType,
    Integration,
)
from tests.clickstream.conftest import state
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

CREATE_CONNECTION = """
mutation CreateConnection($details: JSONObject!, $orgId: ID!) {
  createConnection(integrationCode: "every-type", details: $details, orgId: $orgId) {
    success message code id errors { field message code }
  }
}
"""

CREATE_INTEGRATION = """
mutation CreateIntegration($appId: ID!, $connectionId: ID!, $config: JSONObject!) {
  createIntegration(
    appId: $appId, integrationCode: "every-type", configPayload: $config,
    connectionId: $connectionId
  ) { success message code id errors { field message code } }
}
"""

REGIONS = [{"value": "us", "label": "US"}, {"value": "eu", "label": "EU"}]

# Required connection fields, one of each type, with a valid value each.
VALID_DETAILS = {
    "token": "abc-1",
    "secret": "s3cret value",
    "flag": False,
    "count": 3,
    "ratio": 0.25,
    "region": "eu",
    "tags": ["a"],
    "headers": {"X-Key": "v"},
}


@pytest.fixture
def every_type(db):
    connection_prototype = ConnectionPrototype.objects.create(
        code="every-type", name="Every type"
    )
    fields = [
        ConnectionField(
            property_name="token",
            label="Token",
            field_type=FieldType.INPUT,
            pattern=r"[a-z]{3}-\d+",
            max_length=12,
        ),
        ConnectionField(
            property_name="secret",
            label="Secret",
            field_type=FieldType.PASSWORD,
            max_length=40,
        ),
        ConnectionField(property_name="flag", label="Flag", field_type="boolean"),
        ConnectionField(
            property_name="count",
            label="Count",
            field_type=FieldType.NUMBER,
            minimum=1,
            maximum=10,
            integer=True,
        ),
        ConnectionField(property_name="ratio", label="Ratio", field_type="number"),
        ConnectionField(
            property_name="region",
            label="Region",
            field_type=FieldType.SELECT,
            options=REGIONS,
        ),
        ConnectionField(
            property_name="tags",
            label="Tags",
            field_type=FieldType.ARRAY,
            max_items=3,
        ),
        ConnectionField(
            property_name="headers",
            label="Headers",
            field_type=FieldType.MAP,
            max_items=2,
        ),
    ]
    for position, field in enumerate(fields):
        field.prototype = connection_prototype
        field.required = True
        field.position = position
    ConnectionField.objects.bulk_create(fields)

    destination = ClickstreamPrototype.objects.create(
        integration_code="every-type",
        name="Every type",
        category="webhook",
        connection_prototype=connection_prototype,
    )
    ConfigField.objects.bulk_create(
        [
            ConfigField(
                prototype=destination,
                property_name="label",
                label="Label",
                field_type=FieldType.INPUT,
                default="events",
                max_length=10,
                position=0,
            ),
            ConfigField(
                prototype=destination,
                property_name="send",
                label="Send",
                field_type=FieldType.BOOLEAN,
                default=True,
                position=1,
            ),
            ConfigField(
                prototype=destination,
                property_name="batch",
                label="Batch",
                field_type=FieldType.NUMBER,
                default=50,
                minimum=1,
                maximum=500,
                integer=True,
                position=2,
            ),
            ConfigField(
                prototype=destination,
                property_name="region",
                label="Region",
                field_type=FieldType.SELECT,
                options=REGIONS,
                default="us",
                position=3,
            ),
            ConfigField(
                prototype=destination,
                property_name="events",
                label="Events",
                field_type=FieldType.ARRAY,
                default=[],
                max_items=2,
                position=4,
            ),
            ConfigField(
                prototype=destination,
                property_name="rename",
                label="Rename",
                field_type=FieldType.MAP,
                position=5,
            ),
        ]
    )
    return destination


def create_connection(api, organization, details) -> dict:
    return api.mutate(
        CREATE_CONNECTION,
        {"details": details, "orgId": str(organization.public_id)},
    )


def problems(payload) -> list[tuple[str, str]]:
    return [(error["field"], error["code"]) for error in payload["errors"]]


# Valid values


@pytest.mark.parametrize(
    ("key", "value", "stored"),
    [
        ("token", "abc-1", "abc-1"),
        ("token", "xyz-12345678", "xyz-12345678"),
        ("secret", "s3cret value", "s3cret value"),
        ("secret", "x" * 40, "x" * 40),
        ("flag", True, True),
        ("flag", False, False),
        ("count", 1, 1),
        ("count", 10, 10),
        ("count", 5.0, 5),
        ("ratio", -3, -3),
        ("ratio", 0.25, 0.25),
        ("ratio", 2**53 - 1, 2**53 - 1),
        ("region", "us", "us"),
        ("tags", [], []),
        ("tags", ["a", "b", "c"], ["a", "b", "c"]),
        ("headers", {}, {}),
        ("headers", {"X-Key": "v", "": ""}, {"X-Key": "v", "": ""}),
    ],
)
def test_valid_value_is_stored(owner_api, organization, every_type, key, value, stored):
    payload = create_connection(owner_api, organization, {**VALID_DETAILS, key: value})

    assert payload["code"] == "OK", payload
    connection = Connection.objects.get(public_id=payload["id"])
    assert connection.details[key] == stored
    assert type(connection.details[key]) is type(stored)


# Invalid values


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [
        ("token", 5, "INVALID_TYPE"),
        ("token", True, "INVALID_TYPE"),
        ("token", ["abc-1"], "INVALID_TYPE"),
        ("token", "ABC-1", "PATTERN_MISMATCH"),
        ("token", "abc-1 ", "PATTERN_MISMATCH"),
        ("token", "abc-123456789", "MAX_LENGTH"),
        ("token", "abc-\x001", "NULL_CHARACTERS"),
        ("secret", 123, "INVALID_TYPE"),
        ("secret", {"value": "x"}, "INVALID_TYPE"),
        ("secret", "x" * 41, "MAX_LENGTH"),
        ("secret", "x" * 10_000, "MAX_LENGTH"),
        ("secret", "a\x00b", "NULL_CHARACTERS"),
        ("flag", "true", "INVALID_TYPE"),
        ("flag", 1, "INVALID_TYPE"),
        ("flag", [], "INVALID_TYPE"),
        ("count", "5", "INVALID_TYPE"),
        ("count", True, "INVALID_TYPE"),
        ("count", 2.5, "INVALID_TYPE"),
        ("count", 0, "MIN_VALUE"),
        ("count", 11, "MAX_VALUE"),
        ("ratio", math.inf, "INVALID_TYPE"),
        ("ratio", math.nan, "INVALID_TYPE"),
        ("ratio", 2**53, "MAX_VALUE"),
        ("ratio", -(2**53), "MIN_VALUE"),
        ("ratio", {}, "INVALID_TYPE"),
        ("region", "asia", "INVALID_CHOICE"),
        ("region", "EU", "INVALID_CHOICE"),
        ("region", 1, "INVALID_CHOICE"),
        ("region", ["eu"], "INVALID_CHOICE"),
        ("tags", "a", "INVALID_TYPE"),
        ("tags", ["a", 1], "INVALID_TYPE"),
        ("tags", [["a"]], "INVALID_TYPE"),
        ("tags", {"a": "b"}, "INVALID_TYPE"),
        ("tags", ["a", "b", "c", "d"], "MAX_ITEMS"),
        ("tags", ["a\x00"], "NULL_CHARACTERS"),
        ("tags", ["x" * 5000], "MAX_LENGTH"),
        ("headers", ["a"], "INVALID_TYPE"),
        ("headers", "a=b", "INVALID_TYPE"),
        ("headers", {"a": 1}, "INVALID_TYPE"),
        ("headers", {"a": None}, "INVALID_TYPE"),
        ("headers", {"a": "1", "b": "2", "c": "3"}, "MAX_ITEMS"),
        ("headers", {"a": "x\x00"}, "NULL_CHARACTERS"),
        ("headers", {"a\x00": "x"}, "NULL_CHARACTERS"),
    ],
)
def test_invalid_value_is_rejected(
    owner_api, organization, every_type, key, value, code
):
    payload = create_connection(owner_api, organization, {**VALID_DETAILS, key: value})

    assert payload["success"] is False
    assert payload["code"] == "INVALID_INPUT"
    assert problems(payload) == [(f"details.{key}", code)]
    assert not Connection.objects.exists()


@pytest.mark.parametrize("key", list(VALID_DETAILS))
@pytest.mark.parametrize("missing", ["absent", None, ""])
def test_missing_required_field(owner_api, organization, every_type, key, missing):
    details = dict(VALID_DETAILS)
    if missing == "absent":
        del details[key]
    else:
        details[key] = missing

    payload = create_connection(owner_api, organization, details)

    assert payload["code"] == "INVALID_INPUT"
    assert problems(payload) == [(f"details.{key}", "REQUIRED")]
    assert not Connection.objects.exists()


def test_every_problem_has_its_own_entry(owner_api, organization, every_type):
    details = {
        **VALID_DETAILS,
        "count": 0,
        "region": "asia",
        "extra": 1,
        "line\nbreak": 2,
    }
    del details["secret"]

    payload = create_connection(owner_api, organization, details)

    assert sorted(problems(payload)) == [
        ("details.count", "MIN_VALUE"),
        ("details.extra", "UNKNOWN_FIELD"),
        ("details.line\\nbreak", "UNKNOWN_FIELD"),
        ("details.region", "INVALID_CHOICE"),
        ("details.secret", "REQUIRED"),
    ]
    assert payload["message"] == "The input has 5 problems. See errors for each one."


def test_rejected_secret_is_not_echoed(owner_api, organization, every_type):
    secret = "do-not-echo-" + "s" * 40

    payload = create_connection(
        owner_api, organization, {**VALID_DETAILS, "secret": secret, "count": 0}
    )

    assert payload["code"] == "INVALID_INPUT"
    assert "do-not-echo" not in json.dumps(payload)


def test_details_must_be_an_object(owner_api, organization, every_type):
    for details in (["a"], "text", 5):
        payload = create_connection(owner_api, organization, details)

        assert problems(payload) == [("details", "INVALID_TYPE")]
    assert not Connection.objects.exists()


# Config payloads


@pytest.fixture
def every_type_connection(owner_api, organization, every_type):
    payload = create_connection(owner_api, organization, VALID_DETAILS)
    return Connection.objects.get(public_id=payload["id"])


def create_integration(api, application, connection, config) -> dict:
    return api.mutate(
        CREATE_INTEGRATION,
        {
            "appId": application.source_id,
            "connectionId": str(connection.public_id),
            "config": config,
        },
    )


def test_config_defaults_fill_missing_fields(
    owner_api, organization, every_type_connection
):
    application = ApplicationFactory(organization=organization)

    payload = create_integration(owner_api, application, every_type_connection, {})

    assert payload["code"] == "OK"
    assert Integration.objects.get(public_id=payload["id"]).config == {
        "label": "events",
        "send": True,
        "batch": 50,
        "region": "us",
        "events": [],
    }


def test_config_values_replace_defaults(owner_api, organization, every_type_connection):
    application = ApplicationFactory(organization=organization)
    config = {
        "label": "orders",
        "send": False,
        "batch": 500,
        "region": "eu",
        "events": ["a", "b"],
        "rename": {"a": "b"},
    }

    payload = create_integration(owner_api, application, every_type_connection, config)

    assert Integration.objects.get(public_id=payload["id"]).config == config


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [
        ("label", 1, "INVALID_TYPE"),
        ("label", "x" * 11, "MAX_LENGTH"),
        ("send", "yes", "INVALID_TYPE"),
        ("batch", 0, "MIN_VALUE"),
        ("batch", 501, "MAX_VALUE"),
        ("batch", 1.5, "INVALID_TYPE"),
        ("region", "asia", "INVALID_CHOICE"),
        ("events", ["a", "b", "c"], "MAX_ITEMS"),
        ("events", [1], "INVALID_TYPE"),
        ("rename", {"a": 1}, "INVALID_TYPE"),
        ("unknown", "x", "UNKNOWN_FIELD"),
    ],
)
def test_invalid_config_is_rejected(
    owner_api, organization, every_type_connection, key, value, code
):
    application = ApplicationFactory(organization=organization)
    before = state()

    payload = create_integration(
        owner_api, application, every_type_connection, {key: value}
    )

    assert payload["code"] == "INVALID_INPUT"
    assert problems(payload) == [(f"configPayload.{key}", code)]
    assert state() == before
