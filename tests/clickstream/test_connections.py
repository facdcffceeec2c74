"""Reading connections: filters, and which roles can read their details."""

import uuid

import pytest

from clickstream.models import ClickstreamPrototype
from organizations.models import Role
from tests.conftest import api_for
from tests.factories import ConnectionFactory, IntegrationFactory, MembershipFactory

pytestmark = pytest.mark.django_db

CONNECTIONS = """
query Connections($orgId: ID, $connectionId: ID, $integrationCode: String) {
  connections(
    orgId: $orgId, connectionId: $connectionId, integrationCode: $integrationCode
  ) {
    id name integrationCode
    details
    revealed: details(revealSecrets: true)
    integrations { id name }
  }
}
"""

PIPELINE = """
query Pipeline {
  organizations {
    applications {
      integrations {
        connection { id name details revealed: details(revealSecrets: true) }
      }
    }
  }
  integrations { connection { details(revealSecrets: true) } }
}
"""

AWS_DETAILS = {
    "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
    "secretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "region": "eu-west-1",
}


def destination(code: str) -> ClickstreamPrototype:
    return ClickstreamPrototype.objects.get(integration_code=code)


@pytest.fixture
def aws_connection(organization, catalog):
    return ConnectionFactory(
        organization=organization,
        name="AWS",
        destination=destination("amazon-s3"),
        details=AWS_DETAILS,
    )


def test_owner_sees_masked_secrets(owner_api, aws_connection):
    (listed,) = owner_api.query(CONNECTIONS)["connections"]

    assert listed["details"] == {
        "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
        "secretAccessKey": "********EKEY",
        "region": "eu-west-1",
    }


def test_owner_reveals_secrets(owner_api, aws_connection):
    (listed,) = owner_api.query(CONNECTIONS)["connections"]

    assert listed["revealed"] == AWS_DETAILS


def test_short_secret_is_masked_whole(owner_api, organization, catalog):
    ConnectionFactory(organization=organization, details={"apiKey": "abc"})

    (listed,) = owner_api.query(CONNECTIONS)["connections"]

    assert listed["details"] == {"apiKey": "********"}


def test_user_role_sees_no_details(member_api, aws_connection):
    IntegrationFactory(
        application__organization=aws_connection.organization,
        connection=aws_connection,
        destination=destination("amazon-kinesis"),
        name="Stream",
        config={"stream": "events"},
    )

    (listed,) = member_api.query(CONNECTIONS)["connections"]

    assert listed["details"] is None
    assert listed["revealed"] is None
    assert listed["name"] == "AWS"
    assert listed["integrationCode"] == "amazon-s3"
    assert [route["name"] for route in listed["integrations"]] == ["Stream"]


def test_nested_connection_details_follow_role(
    owner_api, member_api, organization, catalog
):
    integration = IntegrationFactory(application__organization=organization)

    as_owner = owner_api.query(PIPELINE)
    as_member = member_api.query(PIPELINE)

    (owner_org,) = as_owner["organizations"]
    (nested,) = owner_org["applications"][0]["integrations"]
    assert nested["connection"]["details"] == {"apiKey": "********1234"}
    assert nested["connection"]["revealed"] == integration.connection.details
    assert as_owner["integrations"][0]["connection"]["details"] == (
        integration.connection.details
    )

    (member_org,) = as_member["organizations"]
    (nested,) = member_org["applications"][0]["integrations"]
    assert nested["connection"]["details"] is None
    assert nested["connection"]["revealed"] is None
    assert nested["connection"]["name"] == integration.connection.name
    assert as_member["integrations"][0]["connection"]["details"] is None


def test_role_is_judged_per_organization(client, member, organization, catalog):
    """A User here who owns another organization reads details only there."""
    own = MembershipFactory(user=member, role=Role.OWNER).organization
    ConnectionFactory(organization=organization, name="Theirs")
    ConnectionFactory(organization=own, name="Mine")

    listed = api_for(client, member).query(CONNECTIONS)["connections"]

    details = {connection["name"]: connection["details"] for connection in listed}
    assert details == {"Theirs": None, "Mine": {"apiKey": "********1234"}}


def test_filter_by_connection_id(owner_api, organization, aws_connection):
    other = ConnectionFactory(organization=organization)

    listed = owner_api.query(CONNECTIONS, {"connectionId": str(other.public_id)})

    assert [c["id"] for c in listed["connections"]] == [str(other.public_id)]


@pytest.mark.parametrize(
    "connection_id", [str(uuid.uuid4()), "garbage", "", "a\x00b", "x" * 10_000]
)
def test_filter_by_unknown_connection_id(owner_api, aws_connection, connection_id):
    listed = owner_api.query(CONNECTIONS, {"connectionId": connection_id})

    assert listed["connections"] == []


def test_other_organizations_connection_is_absent(
    owner_api, stranger, catalog, aws_connection
):
    foreign = ConnectionFactory(organization=stranger.memberships.get().organization)

    listed = owner_api.query(CONNECTIONS, {"connectionId": str(foreign.public_id)})

    assert listed["connections"] == []


def test_filter_by_integration_code_means_usable(
    owner_api, organization, aws_connection
):
    """A connection created for S3 contains AWS credentials, which Kinesis
    integrations can use as well."""
    acquisio = ConnectionFactory(organization=organization)

    def listed(code):
        connections = owner_api.query(CONNECTIONS, {"integrationCode": code})
        return [c["id"] for c in connections["connections"]]

    assert listed("amazon-s3") == [str(aws_connection.public_id)]
    assert listed("amazon-kinesis") == [str(aws_connection.public_id)]
    assert listed("acquisio") == [str(acquisio.public_id)]
    assert listed("webhook") == []
    assert listed("unknown") == []


def test_stranger_sees_no_connections(stranger_api, organization, aws_connection):
    listed = stranger_api.query(CONNECTIONS, {"orgId": str(organization.public_id)})

    assert listed["connections"] == []


def test_webhook_authorization_masked(owner_api, member_api, organization, catalog):
    ConnectionFactory(
        organization=organization,
        name="Hook",
        destination=destination("webhook"),
        details={
            "url": "https://hooks.example.com/events",
            "authorization": "Bearer webhook-token-abcdef-9999",
        },
    )

    (as_owner,) = owner_api.query(CONNECTIONS)["connections"]
    (as_member,) = member_api.query(CONNECTIONS)["connections"]

    assert as_owner["details"]["authorization"] == "********9999"
    assert as_owner["revealed"]["authorization"] == "Bearer webhook-token-abcdef-9999"
    assert as_member["details"] is None
