"""Nested reads cost a number of SQL queries that does not grow with the
number of rows they return."""

import pytest
from django.db import connection as database
from django.test.utils import CaptureQueriesContext

from clickstream.models import (
    ClickstreamPrototype,
    ConfigField,
    ConnectionField,
    ConnectionPrototype,
)
from tests.factories import ApplicationFactory, ConnectionFactory, IntegrationFactory

pytestmark = pytest.mark.django_db

ORGANIZATIONS = """
query Pipeline {
  organizations {
    id name role
    applications {
      id name organization { id }
      integrations {
        id integrationCode configPayload application { id }
        connection {
          id name integrationCode connectionPrototypeId
          details revealed: details(revealSecrets: true)
          organization { id }
          integrations { id }
        }
      }
    }
  }
}
"""

CONNECTIONS = """
query Connections {
  connections {
    id integrationCode details
    integrations { id integrationCode application { id integrations { id } } }
  }
}
"""

APPLICATIONS = """
fragment Route on Integration { id connection { details integrationCode } }
query Applications {
  applications { id integrations { ...Route ... on Integration { name } } }
}
"""

INTEGRATIONS = """
query Integrations {
  integrations { id integrationCode application { name } connection { details } }
}
"""

CATALOG = """
query Catalog {
  clickstreamPrototypes {
    id connectionPrototypeId deprecated
    connectionPrototype { propertyName fieldType options { value label } }
    configPrototype { propertyName default }
  }
}
"""


def add_sources(organization, count: int) -> None:
    """Add `count` sources, each with an Acquisio integration on its own
    connection and a Kinesis integration on a shared AWS connection."""
    aws = ConnectionFactory(
        organization=organization,
        destination=ClickstreamPrototype.objects.get(integration_code="amazon-s3"),
        details={
            "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
            "secretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "region": "eu-west-1",
        },
    )
    kinesis = ClickstreamPrototype.objects.get(integration_code="amazon-kinesis")
    for _ in range(count):
        application = ApplicationFactory(organization=organization)
        IntegrationFactory(application=application)
        IntegrationFactory(
            application=application,
            connection=aws,
            destination=kinesis,
            config={"stream": "events"},
        )


def count_queries(api, query) -> tuple[int, dict]:
    with CaptureQueriesContext(database) as queries:
        data = api.query(query)
    return len(queries), data


@pytest.mark.parametrize(
    ("query", "rows"),
    [
        (ORGANIZATIONS, lambda data: len(data["organizations"][0]["applications"])),
        (CONNECTIONS, lambda data: len(data["connections"])),
        (APPLICATIONS, lambda data: len(data["applications"])),
        (INTEGRATIONS, lambda data: len(data["integrations"])),
    ],
)
def test_nested_read_queries_do_not_grow(owner_api, organization, catalog, query, rows):
    add_sources(organization, 2)
    small, small_data = count_queries(owner_api, query)

    add_sources(organization, 18)
    large, large_data = count_queries(owner_api, query)

    assert rows(large_data) > rows(small_data)
    assert large == small
    assert small <= 12


def test_nested_read_queries_for_user_role(member_api, organization, catalog):
    add_sources(organization, 2)
    small, _ = count_queries(member_api, ORGANIZATIONS)

    add_sources(organization, 18)
    large, data = count_queries(member_api, ORGANIZATIONS)

    applications = data["organizations"][0]["applications"]
    assert len(applications) == 20
    assert applications[0]["integrations"][0]["connection"]["details"] is None
    assert large == small


def add_destinations(count: int, start: int) -> None:
    for index in range(start, start + count):
        prototype = ConnectionPrototype.objects.create(
            code=f"platform-{index}", name=f"Platform {index}"
        )
        ConnectionField.objects.create(
            prototype=prototype,
            property_name="region",
            label="Region",
            field_type="select",
            options=[{"value": "us", "label": "US"}],
        )
        destination = ClickstreamPrototype.objects.create(
            integration_code=f"destination-{index}",
            name=f"Destination {index}",
            category="analytics",
            connection_prototype=prototype,
        )
        for position in range(3):
            ConfigField.objects.create(
                prototype=destination,
                property_name=f"setting{position}",
                label="Setting",
                field_type="boolean",
                default=False,
                position=position,
            )


def test_catalog_queries_do_not_grow(member_api, empty_catalog):
    add_destinations(2, start=0)
    small, small_data = count_queries(member_api, CATALOG)

    add_destinations(18, start=2)
    large, large_data = count_queries(member_api, CATALOG)

    assert len(small_data["clickstreamPrototypes"]) == 2
    assert len(large_data["clickstreamPrototypes"]) == 20
    assert large == small


def test_flat_read_prefetches_nothing(owner_api, organization, catalog):
    """A selection that reads no relation costs no prefetch query."""
    add_sources(organization, 3)

    with CaptureQueriesContext(database) as queries:
        owner_api.query("query { applications { id name } }")

    tables = " ".join(query["sql"] for query in queries)
    assert "clickstream_integration" not in tables
    assert "clickstream_connection" not in tables
