import pytest

from clickstream.models import Application, Connection, Integration
from tests.factories import ApplicationFactory, ConnectionFactory


def state() -> tuple:
    """A snapshot of every clickstream row, to prove a denied write changed
    nothing. Secrets are compared in their stored, encrypted form, and
    `updated_at` shows any save."""
    return (
        list(
            Application.objects.values_list(
                "source_id", "name", "platform", "enabled", "updated_at"
            )
        ),
        list(
            Connection.objects.values_list(
                "public_id", "name", "plain_details", "secret_details", "updated_at"
            )
        ),
        list(
            Integration.objects.values_list(
                "public_id",
                "name",
                "config",
                "enabled",
                "connection__public_id",
                "updated_at",
            )
        ),
    )


@pytest.fixture
def application(organization):
    return ApplicationFactory(organization=organization)


@pytest.fixture
def connection(organization, catalog):
    return ConnectionFactory(organization=organization)
