"""Updating and deleting sources, connections and integrations."""

import json
import uuid

import pytest

from clickstream.masking import mask_secret
from clickstream.models import (
    Application,
    ClickstreamPrototype,
    Connection,
    Integration,
)
from organizations.models import Role
from tests.clickstream.conftest import state
from tests.conftest import api_for
from tests.factories import (
    ConnectionFactory,
    IntegrationFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db

STATUS = "success message code id errors { field message code }"

UPDATE_APPLICATION = f"""
mutation UpdateApplication($appId: ID!, $name: String, $enabled: Boolean) {{
  updateApplication(appId: $appId, name: $name, enabled: $enabled) {{ {STATUS} }}
}}
"""

DELETE_APPLICATION = f"""
mutation DeleteApplication($appId: ID!) {{
  deleteApplication(appId: $appId) {{ {STATUS} }}
}}
"""

UPDATE_CONNECTION = f"""
mutation UpdateConnection($connectionId: ID!, $name: String, $details: JSONObject) {{
  updateConnection(connectionId: $connectionId, name: $name, details: $details) {{
    {STATUS}
  }}
}}
"""

DELETE_CONNECTION = f"""
mutation DeleteConnection($connectionId: ID!) {{
  deleteConnection(connectionId: $connectionId) {{ {STATUS} }}
}}
"""

UPDATE_INTEGRATION = f"""
mutation UpdateIntegration(
  $integrationId: ID!, $name: String, $configPayload: JSONObject,
  $connectionId: ID, $enabled: Boolean
) {{
  updateIntegration(
    integrationId: $integrationId, name: $name, configPayload: $configPayload,
    connectionId: $connectionId, enabled: $enabled
  ) {{ {STATUS} }}
}}
"""

DELETE_INTEGRATION = f"""
mutation DeleteIntegration($integrationId: ID!) {{
  deleteIntegration(integrationId: $integrationId) {{ {STATUS} }}
}}
"""

AWS_DETAILS = {
    "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
    "secretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "region": "eu-west-1",
    "roleArn": "arn:aws:iam::123456789012:role/houston",
}


@pytest.fixture
def integration(application, connection):
    return IntegrationFactory(application=application, connection=connection)


@pytest.fixture
def aws_connection(organization, catalog):
    return ConnectionFactory(
        organization=organization,
        name="AWS",
        destination=ClickstreamPrototype.objects.get(integration_code="amazon-s3"),
        details=AWS_DETAILS,
    )


@pytest.fixture
def other_organization(owner):
    """A second organization of the Owner, for cross-organization writes."""
    return MembershipFactory(user=owner, role=Role.OWNER).organization


def problems(payload) -> list[tuple[str, str]]:
    return [(error["field"], error["code"]) for error in payload["errors"]]


# updateApplication


def test_update_application_renames(member_api, application):
    payload = member_api.mutate(
        UPDATE_APPLICATION, {"appId": application.source_id, "name": "  Shop  "}
    )

    application.refresh_from_db()
    assert payload["code"] == "OK"
    assert payload["id"] == application.source_id
    assert application.name == "Shop"
    assert application.enabled is True


def test_update_application_disables_and_enables(owner_api, application):
    variables = {"appId": application.source_id, "enabled": False}

    disabled = owner_api.mutate(UPDATE_APPLICATION, variables)
    application.refresh_from_db()
    assert disabled["code"] == "OK"
    assert application.enabled is False

    owner_api.mutate(UPDATE_APPLICATION, {**variables, "enabled": True})
    application.refresh_from_db()
    assert application.enabled is True


@pytest.mark.parametrize(
    ("name", "code"),
    [("", "REQUIRED"), ("   ", "REQUIRED"), ("x" * 10_000, "MAX_LENGTH")],
)
def test_update_application_rejects_bad_name(owner_api, application, name, code):
    before = state()

    payload = owner_api.mutate(
        UPDATE_APPLICATION, {"appId": application.source_id, "name": name}
    )

    assert payload["code"] == "INVALID_INPUT"
    assert problems(payload) == [("name", code)]
    assert state() == before


def test_update_application_name_rejects_null_character(owner_api, application):
    before = state()

    payload = owner_api.mutate(
        UPDATE_APPLICATION, {"appId": application.source_id, "name": "a\x00b"}
    )

    assert problems(payload) == [("name", "NULL_CHARACTERS")]
    assert state() == before


# deleteApplication


def test_delete_application_removes_integrations(member_api, integration):
    application = integration.application
    kept = IntegrationFactory(
        application__organization=application.organization,
        connection=integration.connection,
    )

    payload = member_api.mutate(DELETE_APPLICATION, {"appId": application.source_id})

    assert payload["code"] == "OK"
    assert payload["id"] == application.source_id
    assert not Application.objects.filter(pk=application.pk).exists()
    assert list(Integration.objects.all()) == [kept]
    assert Connection.objects.filter(pk=integration.connection.pk).exists()


# updateConnection


def test_update_connection_renames_and_keeps_details(member_api, aws_connection):
    stored = Connection.objects.values_list("secret_details", flat=True).get()

    payload = member_api.mutate(
        UPDATE_CONNECTION,
        {"connectionId": str(aws_connection.public_id), "name": "Production AWS"},
    )

    aws_connection.refresh_from_db()
    assert payload["code"] == "OK"
    assert payload["id"] == str(aws_connection.public_id)
    assert aws_connection.name == "Production AWS"
    assert aws_connection.details == AWS_DETAILS
    assert Connection.objects.values_list("secret_details", flat=True).get() == stored


def test_update_connection_patch_keeps_left_out_secret(owner_api, aws_connection):
    payload = owner_api.mutate(
        UPDATE_CONNECTION,
        {
            "connectionId": str(aws_connection.public_id),
            "details": {"region": "us-east-1"},
        },
    )

    aws_connection.refresh_from_db()
    assert payload["code"] == "OK"
    assert aws_connection.details == {**AWS_DETAILS, "region": "us-east-1"}


def test_update_connection_user_must_resend_secret(member_api, aws_connection):
    """A User cannot read the secret, so they cannot keep it while pointing
    the connection elsewhere."""
    stored = Connection.objects.values_list("secret_details", flat=True).get()

    payload = member_api.mutate(
        UPDATE_CONNECTION,
        {
            "connectionId": str(aws_connection.public_id),
            "details": {"roleArn": "arn:aws:iam::999999999999:role/elsewhere"},
        },
    )

    aws_connection.refresh_from_db()
    assert payload["code"] == "INVALID_INPUT"
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("details.secretAccessKey", "REQUIRED")
    ]
    assert aws_connection.details == AWS_DETAILS
    assert Connection.objects.values_list("secret_details", flat=True).get() == stored


def test_user_masked_value_replaces_secret(member_api, organization, catalog):
    connection = ConnectionFactory(organization=organization)
    masked = mask_secret(connection.details["apiKey"])

    member_api.mutate(
        UPDATE_CONNECTION,
        {"connectionId": str(connection.public_id), "details": {"apiKey": masked}},
    )

    connection.refresh_from_db()
    assert connection.details["apiKey"] == masked


def test_update_connection_user_sends_every_secret(member_api, aws_connection):
    payload = member_api.mutate(
        UPDATE_CONNECTION,
        {
            "connectionId": str(aws_connection.public_id),
            "details": {"region": "us-east-1", "secretAccessKey": "u" * 40},
        },
    )

    aws_connection.refresh_from_db()
    assert payload["code"] == "OK"
    assert aws_connection.details["secretAccessKey"] == "u" * 40
    assert aws_connection.details["region"] == "us-east-1"


def test_update_connection_masked_secret_keeps_value(owner_api, aws_connection):
    masked = mask_secret(AWS_DETAILS["secretAccessKey"])

    payload = owner_api.mutate(
        UPDATE_CONNECTION,
        {
            "connectionId": str(aws_connection.public_id),
            "details": {**AWS_DETAILS, "secretAccessKey": masked},
        },
    )

    aws_connection.refresh_from_db()
    assert payload["code"] == "OK"
    assert aws_connection.details == AWS_DETAILS


def test_update_connection_replaces_secret(owner_api, aws_connection):
    new_secret = "n" * 40

    owner_api.mutate(
        UPDATE_CONNECTION,
        {
            "connectionId": str(aws_connection.public_id),
            "details": {"secretAccessKey": new_secret},
        },
    )

    aws_connection.refresh_from_db()
    assert aws_connection.details["secretAccessKey"] == new_secret
    assert aws_connection.secret_details == {"secretAccessKey": new_secret}
    assert "secretAccessKey" not in aws_connection.plain_details


def test_update_connection_null_clears_optional_field(owner_api, aws_connection):
    payload = owner_api.mutate(
        UPDATE_CONNECTION,
        {"connectionId": str(aws_connection.public_id), "details": {"roleArn": None}},
    )

    aws_connection.refresh_from_db()
    assert payload["code"] == "OK"
    assert "roleArn" not in aws_connection.details


def test_update_connection_drops_keys_no_longer_defined(owner_api, aws_connection):
    Connection.objects.filter(pk=aws_connection.pk).update(
        plain_details={**aws_connection.plain_details, "retired": "x"}
    )

    payload = owner_api.mutate(
        UPDATE_CONNECTION,
        {"connectionId": str(aws_connection.public_id), "details": {}},
    )

    aws_connection.refresh_from_db()
    assert payload["code"] == "OK"
    assert aws_connection.details == AWS_DETAILS


@pytest.mark.parametrize(
    ("variables", "errors"),
    [
        (
            {"details": {"secretAccessKey": None}},
            [("details.secretAccessKey", "REQUIRED")],
        ),
        ({"details": {"region": "mars-1"}}, [("details.region", "INVALID_CHOICE")]),
        ({"details": {"region": 1}}, [("details.region", "INVALID_CHOICE")]),
        ({"details": {"accessKeyId": 5}}, [("details.accessKeyId", "INVALID_TYPE")]),
        ({"details": {"extra": "x"}}, [("details.extra", "UNKNOWN_FIELD")]),
        ({"details": {"extra": None}}, [("details.extra", "UNKNOWN_FIELD")]),
        ({"details": "[1]"}, [("details", "INVALID_TYPE")]),
        ({"details": "null"}, [("details", "INVALID_TYPE")]),
        ({"name": ""}, [("name", "REQUIRED")]),
        ({"name": "x" * 10_000}, [("name", "MAX_LENGTH")]),
        (
            {"name": "", "details": {"region": "mars-1"}},
            [("name", "REQUIRED"), ("details.region", "INVALID_CHOICE")],
        ),
    ],
)
def test_update_connection_rejects_bad_input(
    owner_api, aws_connection, variables, errors
):
    before = state()

    payload = owner_api.mutate(
        UPDATE_CONNECTION, {"connectionId": str(aws_connection.public_id), **variables}
    )

    assert payload["code"] == "INVALID_INPUT"
    assert problems(payload) == errors
    assert state() == before


def test_update_connection_error_hides_secret(owner_api, aws_connection):
    payload = owner_api.mutate(
        UPDATE_CONNECTION,
        {
            "connectionId": str(aws_connection.public_id),
            "details": {"secretAccessKey": "leak-me-" + "x" * 10_000},
        },
    )

    assert problems(payload) == [("details.secretAccessKey", "MAX_LENGTH")]
    assert "leak-me" not in json.dumps(payload)
    assert AWS_DETAILS["secretAccessKey"] not in json.dumps(payload)


# deleteConnection


def test_delete_unused_connection(member_api, connection):
    payload = member_api.mutate(
        DELETE_CONNECTION, {"connectionId": str(connection.public_id)}
    )

    assert payload["code"] == "OK"
    assert payload["id"] == str(connection.public_id)
    assert not Connection.objects.exists()


def test_delete_connection_in_use_conflicts(owner_api, integration):
    second = IntegrationFactory(
        application=integration.application,
        connection=integration.connection,
        name="Second route",
    )
    before = state()

    payload = owner_api.mutate(
        DELETE_CONNECTION, {"connectionId": str(integration.connection.public_id)}
    )

    assert payload["success"] is False
    assert payload["code"] == "CONFLICT"
    assert str(integration.public_id) in payload["message"]
    assert str(second.public_id) in payload["message"]
    assert '"Second route"' in payload["message"]
    assert state() == before


def test_delete_connection_after_its_integrations(owner_api, integration):
    owner_api.mutate(DELETE_INTEGRATION, {"integrationId": str(integration.public_id)})

    payload = owner_api.mutate(
        DELETE_CONNECTION, {"connectionId": str(integration.connection.public_id)}
    )

    assert payload["code"] == "OK"
    assert not Connection.objects.exists()


# updateIntegration


def test_update_integration_changes_every_argument(owner_api, integration):
    other = ConnectionFactory(organization=integration.application.organization)

    payload = owner_api.mutate(
        UPDATE_INTEGRATION,
        {
            "integrationId": str(integration.public_id),
            "name": " Renamed ",
            "configPayload": {"events": ["Signed Up"]},
            "connectionId": str(other.public_id),
            "enabled": False,
        },
    )

    integration.refresh_from_db()
    assert payload["code"] == "OK"
    assert payload["id"] == str(integration.public_id)
    assert integration.name == "Renamed"
    assert integration.config == {"events": ["Signed Up"]}
    assert integration.connection == other
    assert integration.enabled is False


def test_update_integration_without_arguments_changes_nothing(owner_api, integration):
    payload = owner_api.mutate(
        UPDATE_INTEGRATION, {"integrationId": str(integration.public_id)}
    )

    integration.refresh_from_db()
    assert payload["code"] == "OK"
    assert integration.config == {"events": ["Order Completed"]}
    assert integration.enabled is True


def test_update_integration_config_is_a_patch(owner_api, organization, catalog):
    connection = ConnectionFactory(
        organization=organization,
        destination=ClickstreamPrototype.objects.get(integration_code="amazon-s3"),
        details=AWS_DETAILS,
    )
    integration = IntegrationFactory(
        application__organization=organization,
        connection=connection,
        config={
            "bucket": "events",
            "prefix": "raw/",
            "fileFormat": "json",
            "compression": "gzip",
            "batchIntervalSeconds": 300,
        },
    )

    payload = owner_api.mutate(
        UPDATE_INTEGRATION,
        {
            "integrationId": str(integration.public_id),
            "configPayload": {"prefix": None, "batchIntervalSeconds": 60},
        },
    )

    integration.refresh_from_db()
    assert payload["code"] == "OK"
    assert integration.config == {
        "bucket": "events",
        "fileFormat": "json",
        "compression": "gzip",
        "batchIntervalSeconds": 60,
    }


@pytest.mark.parametrize(
    ("variables", "errors"),
    [
        (
            {"configPayload": {"events": "x"}},
            [("configPayload.events", "INVALID_TYPE")],
        ),
        ({"configPayload": {"other": 1}}, [("configPayload.other", "UNKNOWN_FIELD")]),
        ({"configPayload": "{"}, [("configPayload", "INVALID_TYPE")]),
        ({"name": ""}, [("name", "REQUIRED")]),
        ({"name": "a\x00b"}, [("name", "NULL_CHARACTERS")]),
        ({"connectionId": "garbage"}, [("connectionId", "NOT_FOUND")]),
        ({"connectionId": str(uuid.uuid4())}, [("connectionId", "NOT_FOUND")]),
    ],
)
def test_update_integration_rejects_bad_input(
    owner_api, integration, variables, errors
):
    before = state()

    payload = owner_api.mutate(
        UPDATE_INTEGRATION, {"integrationId": str(integration.public_id), **variables}
    )

    assert payload["success"] is False
    assert problems(payload) == errors
    assert state() == before


def test_update_integration_rejects_other_organizations_connection(
    owner_api, integration, other_organization
):
    foreign = ConnectionFactory(organization=other_organization)
    before = state()

    payload = owner_api.mutate(
        UPDATE_INTEGRATION,
        {
            "integrationId": str(integration.public_id),
            "connectionId": str(foreign.public_id),
        },
    )

    assert payload["code"] == "NOT_FOUND"
    assert problems(payload) == [("connectionId", "NOT_FOUND")]
    assert state() == before


def test_update_integration_rejects_other_prototype(
    owner_api, integration, aws_connection
):
    before = state()

    payload = owner_api.mutate(
        UPDATE_INTEGRATION,
        {
            "integrationId": str(integration.public_id),
            "connectionId": str(aws_connection.public_id),
        },
    )

    assert payload["code"] == "INVALID_INPUT"
    assert problems(payload) == [("connectionId", "INVALID")]
    assert "AWS credentials" in payload["message"]
    assert state() == before


# deleteIntegration


def test_delete_integration_keeps_source_and_connection(member_api, integration):
    payload = member_api.mutate(
        DELETE_INTEGRATION, {"integrationId": str(integration.public_id)}
    )

    assert payload["code"] == "OK"
    assert payload["id"] == str(integration.public_id)
    assert not Integration.objects.exists()
    assert Application.objects.filter(pk=integration.application.pk).exists()
    assert Connection.objects.filter(pk=integration.connection.pk).exists()


# Who may write


def update_application(integration):
    return UPDATE_APPLICATION, {
        "appId": integration.application.source_id,
        "name": "Renamed",
    }


def delete_application(integration):
    return DELETE_APPLICATION, {"appId": integration.application.source_id}


def update_connection(integration):
    return UPDATE_CONNECTION, {
        "connectionId": str(integration.connection.public_id),
        "name": "Renamed",
        "details": {"apiKey": "replaced-key"},
    }


def delete_connection(integration):
    # An unused connection, so that only the permission checks can fail.
    connection = ConnectionFactory(organization=integration.application.organization)
    return DELETE_CONNECTION, {"connectionId": str(connection.public_id)}


def update_integration(integration):
    return UPDATE_INTEGRATION, {
        "integrationId": str(integration.public_id),
        "name": "Renamed",
        "enabled": False,
    }


def delete_integration(integration):
    return DELETE_INTEGRATION, {"integrationId": str(integration.public_id)}


WRITES = [
    update_application,
    delete_application,
    update_connection,
    delete_connection,
    update_integration,
    delete_integration,
]


@pytest.mark.parametrize("write", WRITES)
def test_write_requires_header(owner_api, integration, write):
    mutation, variables = write(integration)
    before = state()

    payload = owner_api.mutate(mutation, variables, organization=None)

    assert payload["code"] == "ORGANIZATION_HEADER_REQUIRED"
    assert state() == before


@pytest.mark.parametrize("write", WRITES)
def test_write_rejects_other_header(owner_api, integration, other_organization, write):
    mutation, variables = write(integration)
    before = state()

    payload = owner_api.mutate(
        mutation, variables, organization=other_organization.public_id
    )

    assert payload["code"] == "ORGANIZATION_MISMATCH"
    assert state() == before


@pytest.mark.parametrize("write", WRITES)
def test_write_hidden_from_stranger(stranger_api, integration, write):
    mutation, variables = write(integration)
    before = state()

    payload = stranger_api.mutate(mutation, variables)

    assert payload["code"] == "NOT_FOUND"
    assert state() == before


@pytest.mark.parametrize("write", WRITES)
def test_write_stranger_with_own_header(client, stranger, integration, write):
    own = stranger.memberships.get().organization
    api = api_for(client, stranger, organization=own.public_id)
    mutation, variables = write(integration)
    before = state()

    payload = api.mutate(mutation, variables)

    assert payload["code"] == "NOT_FOUND"
    assert state() == before


@pytest.mark.parametrize("write", WRITES)
def test_write_requires_sign_in(anonymous_api, organization, integration, write):
    mutation, variables = write(integration)
    before = state()

    payload = anonymous_api.mutate(
        mutation, variables, organization=organization.public_id
    )

    assert payload["code"] == "NOT_AUTHENTICATED"
    assert state() == before


@pytest.mark.parametrize("write", WRITES)
def test_write_requires_confirmed_email(
    client, organization, unconfirmed, integration, write
):
    MembershipFactory(organization=organization, user=unconfirmed, role=Role.OWNER)
    api = api_for(client, unconfirmed, organization=organization.public_id)
    mutation, variables = write(integration)
    before = state()

    payload = api.mutate(mutation, variables)

    assert payload["code"] == "EMAIL_NOT_CONFIRMED"
    assert state() == before


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize(
    "target",
    ["unknown", str(uuid.uuid4()), "A" * 21, "a\x00b", "x" * 10_000, ""],
)
def test_write_unknown_target(owner_api, integration, write, target):
    mutation, variables = write(integration)
    (argument,) = [key for key in variables if key.endswith("Id")]
    before = state()

    payload = owner_api.mutate(mutation, {**variables, argument: target})

    assert payload["code"] == "NOT_FOUND"
    assert problems(payload) == [(argument, "NOT_FOUND")]
    assert state() == before


@pytest.mark.parametrize("write", WRITES)
def test_write_allowed_for_user_role(member_api, integration, write):
    mutation, variables = write(integration)

    payload = member_api.mutate(mutation, variables)

    assert payload["code"] == "OK", payload
