"""The migration that encrypts secrets stored before encryption existed."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import OrganizationFactory

BEFORE = [("clickstream", "0001_initial")]
AFTER = [("clickstream", "0002_encrypted_secrets_and_deprecation")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def restore_migrations(transactional_db):
    """Migrate back to the latest state however the test ends, for the
    tests that run after it."""
    yield
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


def test_migration_encrypts_stored_secrets(restore_migrations):
    apps = migrate(BEFORE)
    # The catalog that the suite loads would clash with the rows made here.
    apps.get_model("clickstream", "ClickstreamPrototype").objects.all().delete()
    apps.get_model("clickstream", "ConnectionPrototype").objects.all().delete()
    ConnectionPrototype = apps.get_model("clickstream", "ConnectionPrototype")
    ConnectionField = apps.get_model("clickstream", "ConnectionField")
    ClickstreamPrototype = apps.get_model("clickstream", "ClickstreamPrototype")
    Connection = apps.get_model("clickstream", "Connection")
    prototype = ConnectionPrototype.objects.create(
        public_id="5f0c1a52-7a59-4d8e-9a51-2b7c0e8f4d14", code="aws", name="AWS"
    )
    ConnectionField.objects.create(
        prototype=prototype, property_name="key", label="Key", field_type="input"
    )
    ConnectionField.objects.create(
        prototype=prototype,
        property_name="secret",
        label="Secret",
        field_type="password",
        position=1,
    )
    destination = ClickstreamPrototype.objects.create(
        public_id="5f0c1a52-7a59-4d8e-9a51-2b7c0e8f4d15",
        integration_code="amazon-s3",
        name="Amazon S3",
        category="storage",
        connection_prototype=prototype,
    )
    Connection.objects.create(
        # The organizations app stays migrated, so its current model applies.
        organization_id=OrganizationFactory(name="Acme").pk,
        name="AWS",
        destination=destination,
        connection_prototype=prototype,
        details={"key": "AKIA", "secret": "plain-secret-value"},
    )

    apps = migrate(AFTER)

    migrated = apps.get_model("clickstream", "Connection").objects.get()
    assert migrated.plain_details == {"key": "AKIA"}
    assert migrated.secret_details == {"secret": "plain-secret-value"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT plain_details, secret_details FROM clickstream_connection"
        )
        ((plain, secret),) = cursor.fetchall()
    assert "plain-secret-value" not in str(plain)
    assert "plain-secret-value" not in secret

    apps = migrate(BEFORE)

    reverted = apps.get_model("clickstream", "Connection").objects.get()
    assert reverted.details == {"key": "AKIA", "secret": "plain-secret-value"}
