"""Connection secrets are encrypted at rest, and keys can be rotated."""

import io
import json
import logging

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError, call_command
from django.db import connection as database

from clickstream.models import (
    ClickstreamPrototype,
    Connection,
    ConnectionField,
    FieldType,
)
from houston.encryption import DecryptionError
from tests.clickstream.conftest import state
from tests.factories import ConnectionFactory

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
AWS_DETAILS = {
    "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
    "secretAccessKey": SECRET,
    "region": "eu-west-1",
}

CREATE_CONNECTION = """
mutation CreateConnection($details: JSONObject!, $orgId: ID!) {
  createConnection(integrationCode: "amazon-s3", details: $details, orgId: $orgId) {
    success code id errors { field message code }
  }
}
"""

UPDATE_CONNECTION = """
mutation UpdateConnection($connectionId: ID!, $details: JSONObject) {
  updateConnection(connectionId: $connectionId, details: $details) {
    success code message errors { field message code }
  }
}
"""

CONNECTIONS = """
query { connections { name details(revealSecrets: true) } }
"""


def stored_rows() -> list[tuple[str, str]]:
    """Return each connection's columns as the database stores them."""
    with database.cursor() as cursor:
        cursor.execute(
            "SELECT plain_details, secret_details FROM clickstream_connection "
            "ORDER BY id"
        )
        return [(str(plain), secret) for plain, secret in cursor.fetchall()]


def aws_connection(organization, index: int = 0) -> Connection:
    return ConnectionFactory(
        organization=organization,
        destination=ClickstreamPrototype.objects.get(integration_code="amazon-s3"),
        details={**AWS_DETAILS, "secretAccessKey": f"{SECRET}-{index}"},
    )


def test_stored_secret_is_not_plain_text(owner_api, organization, catalog):
    payload = owner_api.mutate(
        CREATE_CONNECTION,
        {"details": AWS_DETAILS, "orgId": str(organization.public_id)},
    )

    assert payload["code"] == "OK"
    ((plain, secret),) = stored_rows()
    assert SECRET not in plain
    assert SECRET not in secret
    assert "AKIAIOSFODNN7EXAMPLE" in plain
    assert secret.startswith("gAAAAA")
    assert Connection.objects.get().details == AWS_DETAILS


def test_stored_secret_opens_with_configured_key(settings, organization, catalog):
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    aws_connection(organization)

    ((_, token),) = stored_rows()

    assert json.loads(Fernet(NEW_KEY).decrypt(token.encode())) == {
        "secretAccessKey": f"{SECRET}-0"
    }
    with pytest.raises(InvalidToken):
        Fernet(OLD_KEY).decrypt(token.encode())


def test_rotation_leaves_secrets_readable_under_new_key(
    settings, organization, catalog
):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    for index in range(3):
        aws_connection(organization, index)
    ConnectionFactory(organization=organization, details={"apiKey": "acquisio-key"})
    expected = {c.public_id: c.details for c in Connection.objects.all()}
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    output = io.StringIO()

    call_command("rotate_secrets", stdout=output)

    assert "Re-encrypted the secrets of 4 connections." in output.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    assert {c.public_id: c.details for c in Connection.objects.all()} == expected
    for _, token in stored_rows():
        Fernet(NEW_KEY).decrypt(token.encode())
        with pytest.raises(InvalidToken):
            Fernet(OLD_KEY).decrypt(token.encode())
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    with pytest.raises(DecryptionError):
        Connection.objects.first().details  # noqa: B018


def test_rotation_reports_unreadable_secrets(settings, organization, catalog):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    unreadable = aws_connection(organization)
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    readable = aws_connection(organization, 1)
    before = stored_rows()

    with pytest.raises(CommandError) as raised:
        call_command("rotate_secrets", stdout=io.StringIO())

    assert str(unreadable.public_id) in str(raised.value)
    assert str(readable.public_id) not in str(raised.value)
    assert SECRET not in str(raised.value)
    assert stored_rows()[0] == before[0]


def test_rotation_encrypts_fields_that_became_secret(organization, catalog):
    connection = aws_connection(organization)
    ConnectionField.objects.filter(
        prototype__code="aws", property_name="accessKeyId"
    ).update(field_type=FieldType.PASSWORD)

    call_command("rotate_secrets", stdout=io.StringIO())

    connection = Connection.objects.get(pk=connection.pk)
    assert "accessKeyId" not in connection.plain_details
    assert connection.secret_details["accessKeyId"] == "AKIAIOSFODNN7EXAMPLE"
    ((plain, _),) = stored_rows()
    assert "AKIAIOSFODNN7EXAMPLE" not in plain


def test_listing_without_the_key_fails_only_for_details(
    owner_api, settings, organization, catalog
):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    aws_connection(organization)
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]

    names = owner_api.query("query { connections { name } }")
    body = owner_api.execute(CONNECTIONS)

    assert names["connections"] == [{"name": "Acquisio"}]
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert SECRET not in json.dumps(body)


def test_dumpdata_writes_ciphertext(organization, catalog):
    aws_connection(organization)
    output = io.StringIO()

    call_command("dumpdata", "clickstream.connection", stdout=output)

    (record,) = json.loads(output.getvalue())
    assert SECRET not in output.getvalue()
    assert record["fields"]["secret_details"].startswith("gAAAAA")


def test_loaddata_reads_ciphertext(tmp_path, organization, catalog):
    connection = aws_connection(organization)
    fixture = tmp_path / "connections.json"
    with fixture.open("w") as file:
        call_command("dumpdata", "clickstream.connection", stdout=file)
    Connection.objects.all().delete()

    call_command("loaddata", str(fixture), verbosity=0)

    assert Connection.objects.get().details == connection.details


def test_logs_never_contain_secrets(owner_api, organization, catalog, caplog):
    caplog.set_level(logging.DEBUG)

    created = owner_api.mutate(
        CREATE_CONNECTION,
        {"details": AWS_DETAILS, "orgId": str(organization.public_id)},
    )
    owner_api.mutate(
        UPDATE_CONNECTION,
        {"connectionId": created["id"], "details": {"secretAccessKey": "n" * 41}},
    )
    rejected = owner_api.mutate(
        UPDATE_CONNECTION,
        {
            "connectionId": created["id"],
            "details": {"secretAccessKey": "rejected-secret", "region": "mars"},
        },
    )

    assert rejected["code"] == "INVALID_INPUT"
    assert caplog.records
    assert SECRET not in caplog.text
    assert "n" * 41 not in caplog.text
    assert "rejected-secret" not in caplog.text


def test_failed_write_keeps_ciphertext(owner_api, organization, catalog):
    connection = aws_connection(organization)
    before = state()

    payload = owner_api.mutate(
        UPDATE_CONNECTION,
        {"connectionId": str(connection.public_id), "details": {"region": "mars"}},
    )

    assert payload["code"] == "INVALID_INPUT"
    assert state() == before
