import json
import re
import uuid

import pytest

from clickstream.catalog import catalog_id
from clickstream.models import Application, Connection, Integration
from organizations.models import Role
from tests.clickstream.conftest import state
from tests.conftest import error_codes
from tests.factories import (
    ApplicationFactory,
    ConnectionFactory,
    IntegrationFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db

CREATE_APPLICATION = """
mutation CreateApplication($name: String!, $platform: String!, $orgId: ID!) {
  createApplication(name: $name, platform: $platform, orgId: $orgId) {
    success message code id errors { field message code }
  }
}
"""

CREATE_CONNECTION = """
mutation CreateConnection(
  $integrationCode: String!, $details: JSONObject!, $name: String,
  $orgId: ID!, $connectionPrototypeId: ID
) {
  createConnection(
    integrationCode: $integrationCode, details: $details, name: $name,
    orgId: $orgId, connectionPrototypeId: $connectionPrototypeId
  ) { success message code id errors { field message code } }
}
"""

CREATE_INTEGRATION = """
mutation CreateIntegration(
  $appId: ID!, $integrationCode: String!, $configPayload: JSONObject!,
  $connectionId: ID!, $name: String
) {
  createIntegration(
    appId: $appId, integrationCode: $integrationCode,
    configPayload: $configPayload, connectionId: $connectionId, name: $name
  ) { success message code id errors { field message code } }
}
"""

# JSON arguments written inline as GraphQL object literals.
CREATE_CONNECTION_LITERAL = """
mutation CreateConnection($orgId: ID!) {
  createConnection(
    integrationCode: "acquisio", details: {apiKey: "123"},
    name: "Friendly Connection Name", orgId: $orgId
  ) { success code id }
}
"""

CREATE_INTEGRATION_LITERAL = """
mutation CreateIntegration($appId: ID!, $connectionId: ID!) {
  createIntegration(
    appId: $appId, integrationCode: "acquisio",
    configPayload: {events: ["Order Completed"]},
    connectionId: $connectionId, name: "Friendly Application Name"
  ) { success code id }
}
"""

# A string literal that contains JSON null, where an object is required.
CREATE_CONNECTION_NULL_TEXT = """
mutation CreateConnection($orgId: ID!) {
  createConnection(integrationCode: "acquisio", details: "null", orgId: $orgId) {
    success code errors { field code }
  }
}
"""

APPLICATIONS = """
query Applications($orgId: ID, $appId: ID) {
  applications(orgId: $orgId, appId: $appId) {
    id sourceId name platform enabled organization { id }
  }
}
"""

CONNECTIONS = """
query Connections($orgId: ID) {
  connections(orgId: $orgId) {
    id name integrationCode connectionPrototypeId
    details revealed: details(revealSecrets: true)
    integrations { id }
  }
}
"""

INTEGRATIONS = """
query Integrations($orgId: ID, $appId: ID) {
  integrations(orgId: $orgId, appId: $appId) {
    id name integrationCode configPayload enabled
    application { id } connection { id }
  }
}
"""

PROTOTYPES = """
query Prototypes($integrationCode: String) {
  clickstreamPrototypes(integrationCode: $integrationCode) {
    id integrationCode name category connectionPrototypeId
    connectionPrototype { propertyName label fieldType required default help }
    configPrototype {
      propertyName label fieldType required default options { value label }
      pattern maxLength minimum maximum integer maxItems
    }
  }
}
"""


def application_variables(organization, **overrides):
    return {
        "name": "Human-friendly Source Name",
        "platform": "analytics.js",
        "orgId": str(organization.public_id),
        **overrides,
    }


# createApplication


@pytest.mark.parametrize(
    "platform", ["analytics.js", "server", "analytics-android", "analytics-ios"]
)
def test_create_application_gives_source_id(member_api, organization, platform):
    payload = member_api.mutate(
        CREATE_APPLICATION, application_variables(organization, platform=platform)
    )

    assert payload["success"] is True
    assert payload["code"] == "OK"
    assert re.fullmatch(r"[A-Za-z0-9_-]{21}", payload["id"])
    application = Application.objects.get(source_id=payload["id"])
    assert application.organization == organization
    assert application.platform == platform


def test_source_ids_are_unique(owner_api, organization):
    ids = {
        owner_api.mutate(CREATE_APPLICATION, application_variables(organization))["id"]
        for _ in range(20)
    }

    assert len(ids) == 20


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"platform": "windows-phone"}, "platform", "INVALID_CHOICE"),
        ({"platform": ""}, "platform", "REQUIRED"),
        ({"platform": "x" * 10_000}, "platform", "MAX_LENGTH"),
        ({"platform": "windows" * 4}, "platform", "INVALID_CHOICE"),
        ({"name": ""}, "name", "REQUIRED"),
        ({"name": "x" * 10_000}, "name", "MAX_LENGTH"),
        ({"name": "a\x00b"}, "name", "NULL_CHARACTERS"),
    ],
)
def test_create_application_rejects_bad_input(
    owner_api, organization, overrides, field, code
):
    before = state()

    payload = owner_api.mutate(
        CREATE_APPLICATION, application_variables(organization, **overrides)
    )

    assert payload["code"] == "INVALID_INPUT"
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    assert state() == before


def test_create_application_error_does_not_echo_input(owner_api, organization):
    payload = owner_api.mutate(
        CREATE_APPLICATION,
        application_variables(organization, platform="<script>" * 3),
    )

    assert "<script>" not in payload["message"]
    assert "analytics.js" in payload["message"]


def test_create_application_requires_header(owner_api, organization):
    payload = owner_api.mutate(
        CREATE_APPLICATION, application_variables(organization), organization=None
    )

    assert payload["code"] == "ORGANIZATION_HEADER_REQUIRED"
    assert not Application.objects.exists()


def test_create_application_rejects_other_header(owner_api, owner, organization):
    other = MembershipFactory(user=owner, role=Role.OWNER).organization

    payload = owner_api.mutate(
        CREATE_APPLICATION,
        application_variables(organization),
        organization=other.public_id,
    )

    assert payload["code"] == "ORGANIZATION_MISMATCH"
    assert not Application.objects.exists()


def test_create_application_hidden_from_stranger(stranger_api, organization):
    payload = stranger_api.mutate(
        CREATE_APPLICATION, application_variables(organization)
    )

    assert payload["code"] == "NOT_FOUND"
    assert not Application.objects.exists()


def test_create_application_stranger_with_own_header(
    stranger_api, stranger, organization
):
    own = stranger.memberships.get().organization

    payload = stranger_api.mutate(
        CREATE_APPLICATION,
        application_variables(organization),
        organization=own.public_id,
    )

    assert payload["code"] == "NOT_FOUND"
    assert not Application.objects.exists()


def test_create_application_requires_sign_in(anonymous_api, organization):
    payload = anonymous_api.mutate(
        CREATE_APPLICATION,
        application_variables(organization),
        organization=organization.public_id,
    )

    assert payload["code"] == "NOT_AUTHENTICATED"
    assert not Application.objects.exists()


# clickstreamPrototypes


def test_prototypes_list_catalog(member_api, catalog):
    prototypes = member_api.query(PROTOTYPES)["clickstreamPrototypes"]

    codes = {prototype["integrationCode"] for prototype in prototypes}
    assert len(prototypes) >= 20
    assert {"acquisio", "webhook", "amazon-s3", "amazon-kinesis"} <= codes


def test_prototypes_filter_by_integration_code(member_api, catalog):
    (acquisio,) = member_api.query(PROTOTYPES, {"integrationCode": "acquisio"})[
        "clickstreamPrototypes"
    ]

    assert acquisio["id"] == str(catalog_id("destination", "acquisio"))
    assert acquisio["connectionPrototypeId"] == str(
        catalog_id("connection", "acquisio")
    )
    assert acquisio["connectionPrototype"][0]["propertyName"] == "apiKey"
    assert acquisio["connectionPrototype"][0]["fieldType"] == "password"
    assert acquisio["connectionPrototype"][0]["required"] is True
    assert acquisio["configPrototype"][0]["propertyName"] == "events"
    assert acquisio["configPrototype"][0]["fieldType"] == "array"


def test_prototypes_share_aws_connection(member_api, catalog):
    prototypes = member_api.query(PROTOTYPES)["clickstreamPrototypes"]

    aws = str(catalog_id("connection", "aws"))
    sharing = [p for p in prototypes if p["connectionPrototypeId"] == aws]
    assert len(sharing) >= 3
    assert all(p["integrationCode"].startswith("amazon-") for p in sharing)


@pytest.mark.parametrize("code", ["unknown", "", "UPPER", "x" * 64])
def test_prototypes_unknown_code_is_empty(member_api, catalog, code):
    listed = member_api.query(PROTOTYPES, {"integrationCode": code})

    assert listed["clickstreamPrototypes"] == []


@pytest.mark.parametrize(
    ("code", "message"),
    [("a\x00b", "NUL characters"), ("x" * 10_000, "at most 64 characters")],
)
def test_prototypes_reject_malformed_code(member_api, catalog, code, message):
    body = member_api.execute(PROTOTYPES, {"integrationCode": code})

    assert body["data"] is None
    assert error_codes(body) == ["INVALID_INPUT"]
    assert message in body["errors"][0]["message"]


def test_prototypes_require_sign_in(anonymous_api, catalog):
    body = anonymous_api.execute(PROTOTYPES)

    assert error_codes(body) == ["NOT_AUTHENTICATED"]


# createConnection


def connection_variables(organization, **overrides):
    return {
        "integrationCode": "acquisio",
        "details": {"apiKey": "123"},
        "name": "Friendly Connection Name",
        "orgId": str(organization.public_id),
        **overrides,
    }


def test_create_connection_from_variable(member_api, organization, catalog):
    payload = member_api.mutate(CREATE_CONNECTION, connection_variables(organization))

    assert payload["success"] is True
    connection = Connection.objects.get(public_id=payload["id"])
    assert connection.organization == organization
    assert connection.details == {"apiKey": "123"}
    assert connection.name == "Friendly Connection Name"
    assert connection.connection_prototype.code == "acquisio"


def test_create_connection_from_object_literal(owner_api, organization, catalog):
    payload = owner_api.mutate(
        CREATE_CONNECTION_LITERAL, {"orgId": str(organization.public_id)}
    )

    assert payload["success"] is True
    assert Connection.objects.get(public_id=payload["id"]).details == {"apiKey": "123"}


def test_create_connection_from_json_string(owner_api, organization, catalog):
    payload = owner_api.mutate(
        CREATE_CONNECTION,
        connection_variables(organization, details=json.dumps({"apiKey": "123"})),
    )

    assert payload["success"] is True
    assert Connection.objects.get(public_id=payload["id"]).details == {"apiKey": "123"}


def test_create_connection_accepts_matching_prototype_id(
    owner_api, organization, catalog
):
    payload = owner_api.mutate(
        CREATE_CONNECTION,
        connection_variables(
            organization,
            connectionPrototypeId=str(catalog_id("connection", "acquisio")),
        ),
    )

    assert payload["success"] is True


def test_create_connection_fills_defaults(owner_api, organization, catalog):
    payload = owner_api.mutate(
        CREATE_CONNECTION,
        connection_variables(
            organization,
            integrationCode="amazon-s3",
            details={
                "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
                "secretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "region": "eu-west-1",
            },
            name=None,
        ),
    )

    connection = Connection.objects.get(public_id=payload["id"])
    assert connection.name == "Amazon S3"
    assert connection.details["region"] == "eu-west-1"
    assert "roleArn" not in connection.details


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"details": {}}, [("details.apiKey", "REQUIRED")]),
        ({"details": {"apiKey": 123}}, [("details.apiKey", "INVALID_TYPE")]),
        ({"details": {"apiKey": "a\x00b"}}, [("details.apiKey", "NULL_CHARACTERS")]),
        ({"details": {"apiKey": "k" * 10_000}}, [("details.apiKey", "MAX_LENGTH")]),
        (
            {"details": {"apiKey": "123", "extra": 1}},
            [("details.extra", "UNKNOWN_FIELD")],
        ),
        ({"details": "not json"}, [("details", "INVALID_TYPE")]),
        ({"details": "[1, 2]"}, [("details", "INVALID_TYPE")]),
        ({"details": "null"}, [("details", "INVALID_TYPE")]),
        ({"name": "x" * 10_000}, [("name", "MAX_LENGTH")]),
        (
            {"connectionPrototypeId": str(uuid.uuid4())},
            [("connectionPrototypeId", "NOT_FOUND")],
        ),
        (
            {"connectionPrototypeId": "x"},
            [("connectionPrototypeId", "NOT_FOUND")],
        ),
        (
            {"connectionPrototypeId": str(catalog_id("connection", "aws"))},
            [("connectionPrototypeId", "INVALID")],
        ),
        ({"integrationCode": "nope"}, [("integrationCode", "NOT_FOUND")]),
        ({"integrationCode": "a\x00b"}, [("integrationCode", "NULL_CHARACTERS")]),
    ],
)
def test_create_connection_rejects_bad_input(
    owner_api, organization, catalog, overrides, errors
):
    payload = owner_api.mutate(
        CREATE_CONNECTION, connection_variables(organization, **overrides)
    )

    assert payload["success"] is False
    assert payload["code"] in {"INVALID_INPUT", "NOT_FOUND"}
    assert [(e["field"], e["code"]) for e in payload["errors"]] == errors
    assert not Connection.objects.exists()


def test_create_connection_rejects_null_text_literal(owner_api, organization, catalog):
    payload = owner_api.mutate(
        CREATE_CONNECTION_NULL_TEXT, {"orgId": str(organization.public_id)}
    )

    assert payload["code"] == "INVALID_INPUT"
    assert payload["errors"] == [{"field": "details", "code": "INVALID_TYPE"}]
    assert not Connection.objects.exists()


def test_create_connection_error_hides_secret(owner_api, organization, catalog):
    payload = owner_api.mutate(
        CREATE_CONNECTION,
        connection_variables(
            organization,
            integrationCode="mailchimp",
            details={"apiKey": "super-secret-value", "audienceId": "abc"},
        ),
    )

    assert payload["code"] == "INVALID_INPUT"
    assert "super-secret-value" not in json.dumps(payload)


def test_create_connection_hidden_from_stranger(stranger_api, organization, catalog):
    payload = stranger_api.mutate(CREATE_CONNECTION, connection_variables(organization))

    assert payload["code"] == "NOT_FOUND"
    assert not Connection.objects.exists()


def test_create_connection_requires_header(owner_api, organization, catalog):
    payload = owner_api.mutate(
        CREATE_CONNECTION, connection_variables(organization), organization=None
    )

    assert payload["code"] == "ORGANIZATION_HEADER_REQUIRED"
    assert not Connection.objects.exists()


# createIntegration


def integration_variables(application, connection, **overrides):
    return {
        "appId": application.source_id,
        "integrationCode": "acquisio",
        "configPayload": {"events": ["Order Completed"]},
        "connectionId": str(connection.public_id),
        "name": "Friendly Application Name",
        **overrides,
    }


def test_create_integration_routes_source(member_api, application, connection):
    payload = member_api.mutate(
        CREATE_INTEGRATION, integration_variables(application, connection)
    )

    assert payload["success"] is True
    integration = Integration.objects.get(public_id=payload["id"])
    assert integration.application == application
    assert integration.connection == connection
    assert integration.destination.integration_code == "acquisio"
    assert integration.config == {"events": ["Order Completed"]}


def test_create_integration_from_object_literal(owner_api, application, connection):
    payload = owner_api.mutate(
        CREATE_INTEGRATION_LITERAL,
        {"appId": application.source_id, "connectionId": str(connection.public_id)},
    )

    assert payload["success"] is True


def test_create_integration_fills_default_config(owner_api, application, connection):
    payload = owner_api.mutate(
        CREATE_INTEGRATION,
        integration_variables(application, connection, configPayload={}),
    )

    integration = Integration.objects.get(public_id=payload["id"])
    assert integration.config == {"events": []}


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {"configPayload": {"events": "Order Completed"}},
            [("configPayload.events", "INVALID_TYPE")],
        ),
        (
            {"configPayload": {"events": [1]}},
            [("configPayload.events", "INVALID_TYPE")],
        ),
        (
            {"configPayload": {"events": ["e"] * 101}},
            [("configPayload.events", "MAX_ITEMS")],
        ),
        (
            {"configPayload": {"other": True}},
            [("configPayload.other", "UNKNOWN_FIELD")],
        ),
        ({"configPayload": "{"}, [("configPayload", "INVALID_TYPE")]),
        ({"integrationCode": "webhook"}, [("connectionId", "INVALID")]),
        ({"integrationCode": "unknown"}, [("integrationCode", "NOT_FOUND")]),
        ({"connectionId": str(uuid.uuid4())}, [("connectionId", "NOT_FOUND")]),
        ({"connectionId": "garbage"}, [("connectionId", "NOT_FOUND")]),
        ({"name": "x" * 10_000}, [("name", "MAX_LENGTH")]),
    ],
)
def test_create_integration_rejects_bad_input(
    owner_api, application, connection, overrides, errors
):
    payload = owner_api.mutate(
        CREATE_INTEGRATION, integration_variables(application, connection, **overrides)
    )

    assert payload["success"] is False
    assert [(e["field"], e["code"]) for e in payload["errors"]] == errors
    assert not Integration.objects.exists()


def test_create_integration_rejects_other_organizations_connection(
    owner_api, owner, application, catalog
):
    foreign = ConnectionFactory(
        organization=MembershipFactory(user=owner, role=Role.OWNER).organization
    )

    payload = owner_api.mutate(
        CREATE_INTEGRATION, integration_variables(application, foreign)
    )

    assert payload["code"] == "NOT_FOUND"
    assert payload["errors"][0]["field"] == "connectionId"
    assert not Integration.objects.exists()


@pytest.mark.parametrize("app_id", ["unknown", "A" * 21, "a\x00b", "x" * 10_000])
def test_create_integration_unknown_app(owner_api, application, connection, app_id):
    payload = owner_api.mutate(
        CREATE_INTEGRATION, integration_variables(application, connection, appId=app_id)
    )

    assert payload["code"] == "NOT_FOUND"
    assert payload["errors"][0]["field"] == "appId"
    assert not Integration.objects.exists()


def test_create_integration_hidden_from_stranger(stranger_api, application, connection):
    payload = stranger_api.mutate(
        CREATE_INTEGRATION, integration_variables(application, connection)
    )

    assert payload["code"] == "NOT_FOUND"
    assert not Integration.objects.exists()


def test_create_integration_rejects_other_header(
    owner_api, owner, application, connection
):
    other = MembershipFactory(user=owner, role=Role.OWNER).organization

    payload = owner_api.mutate(
        CREATE_INTEGRATION,
        integration_variables(application, connection),
        organization=other.public_id,
    )

    assert payload["code"] == "ORGANIZATION_MISMATCH"
    assert not Integration.objects.exists()


# Reads


def test_applications_scoped_and_filtered(owner_api, organization, stranger):
    mine = ApplicationFactory(organization=organization)
    ApplicationFactory(organization=organization)
    ApplicationFactory(organization=stranger.memberships.get().organization)

    everything = owner_api.query(APPLICATIONS)["applications"]
    one = owner_api.query(APPLICATIONS, {"appId": mine.source_id})["applications"]

    assert len(everything) == 2
    assert one == [
        {
            "id": mine.source_id,
            "sourceId": mine.source_id,
            "name": mine.name,
            "platform": "analytics.js",
            "enabled": True,
            "organization": {"id": str(organization.public_id)},
        }
    ]


def test_applications_empty_for_stranger(stranger_api, organization):
    ApplicationFactory(organization=organization)

    listed = stranger_api.query(APPLICATIONS, {"orgId": str(organization.public_id)})

    assert listed["applications"] == []


def test_connection_details_masked_for_owner(owner_api, connection):
    (listed,) = owner_api.query(CONNECTIONS)["connections"]

    assert listed["details"] == {"apiKey": "********1234"}
    assert listed["revealed"] == {"apiKey": "acquisio-secret-key-1234"}
    assert listed["integrationCode"] == "acquisio"


def test_connection_details_hidden_from_user_role(member_api, connection):
    (listed,) = member_api.query(CONNECTIONS)["connections"]

    assert listed["details"] is None
    assert listed["revealed"] is None
    assert listed["name"] == "Acquisio"


def test_connections_empty_for_stranger(stranger_api, connection, organization):
    listed = stranger_api.query(CONNECTIONS, {"orgId": str(organization.public_id)})

    assert listed["connections"] == []


def test_integrations_scoped_and_filtered(owner_api, organization, catalog, stranger):
    integration = IntegrationFactory(application__organization=organization)
    IntegrationFactory(application__organization=organization)
    IntegrationFactory(
        application__organization=stranger.memberships.get().organization
    )

    everything = owner_api.query(INTEGRATIONS)["integrations"]
    one = owner_api.query(INTEGRATIONS, {"appId": integration.application.source_id})[
        "integrations"
    ]

    assert len(everything) == 2
    assert one == [
        {
            "id": str(integration.public_id),
            "name": "Acquisio",
            "integrationCode": "acquisio",
            "configPayload": {"events": ["Order Completed"]},
            "enabled": True,
            "application": {"id": integration.application.source_id},
            "connection": {"id": str(integration.connection.public_id)},
        }
    ]


def test_integrations_empty_for_stranger(stranger_api, organization, catalog):
    IntegrationFactory(application__organization=organization)

    listed = stranger_api.query(INTEGRATIONS, {"orgId": str(organization.public_id)})

    assert listed["integrations"] == []
