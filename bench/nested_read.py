"""Time the nested read of organizations, sources, integrations and connections.

The script creates a throwaway test database: `test_<name>` for the
PostgreSQL database of DATABASE_URL, or an in-memory SQLite database. It
fills the database and sends the read below as an Owner through Django's
test client, for each size. Then it prints the SQL query count and the
response times, and drops the database. Run it from the project root:

    DEBUG=true .venv/bin/python bench/nested_read.py --sizes 2,20,100

See docs/benchmarks.md for recorded figures.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "houston.settings")

import django  # noqa: E402

django.setup()

from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
)

NESTED_READ = """
query Pipeline {
  organizations {
    id name role
    applications {
      id name platform enabled
      integrations {
        id name integrationCode configPayload enabled
        connection { id name integrationCode details }
      }
    }
  }
}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--organizations", type=int, default=3, help="organizations (default 3)"
    )
    parser.add_argument(
        "--sizes",
        default="2,20,100",
        help="sources per organization to measure, comma-separated (default 2,20,100)",
    )
    parser.add_argument(
        "--integrations",
        type=int,
        default=2,
        help="integrations per source (default 2)",
    )
    parser.add_argument(
        "--repeat", type=int, default=20, help="timed requests per size (default 20)"
    )
    arguments = parser.parse_args()
    sizes = sorted(int(size) for size in arguments.sizes.split(","))

    setup_test_environment()
    # Keep one database connection across requests, as a server with
    # persistent connections does, and as the query count needs.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(arguments, sizes)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(arguments, sizes: list[int]) -> None:
    # Imported after the test database exists, to be sure nothing touches
    # the configured one.
    from accounts.tokens import token_issue
    from clickstream.catalog import load_catalog, sync_catalog

    sync_catalog(load_catalog())
    owner, organizations = seed_owner(arguments.organizations)
    client = Client(headers={"Authorization": f"JWT {token_issue(owner)[0]}"})

    print(
        f"{arguments.organizations} organizations, {arguments.integrations} "
        f"integrations per source, {arguments.repeat} timed requests per size, "
        f"database {connection.vendor}"
    )
    print("sources/org  integrations  SQL queries  median ms  min ms  max ms")
    for size in sizes:
        for organization in organizations:
            top_up(organization, size, arguments.integrations)
        queries, timings = measure(client, arguments.repeat)
        total = arguments.organizations * size * arguments.integrations
        print(
            f"{size:>11}  {total:>12}  {queries:>11}  "
            f"{statistics.median(timings):>9.1f}  {min(timings):>6.1f}  "
            f"{max(timings):>6.1f}"
        )


def seed_owner(count: int):
    from accounts.models import User
    from organizations.models import Membership, Organization, Role

    owner = User.objects.create_user(
        "bench@example.com", "bench-password-1234", email_confirmed=True
    )
    organizations = []
    for index in range(count):
        organization = Organization.objects.create(name=f"Organization {index}")
        Membership.objects.create(
            organization=organization, user=owner, role=Role.OWNER
        )
        organizations.append(organization)
    return owner, organizations


def top_up(organization, size: int, integrations_per_source: int) -> None:
    """Add sources to `organization` until it has `size`, each with its
    integrations, alternating Acquisio and Amazon Kinesis routes."""
    from clickstream.models import (
        Application,
        ClickstreamPrototype,
        Connection,
        Integration,
    )

    acquisio = ClickstreamPrototype.objects.get(integration_code="acquisio")
    s3 = ClickstreamPrototype.objects.get(integration_code="amazon-s3")
    kinesis = ClickstreamPrototype.objects.get(integration_code="amazon-kinesis")
    aws = Connection.objects.filter(organization=organization, destination=s3).first()
    if aws is None:
        aws = Connection(
            organization=organization,
            name="AWS",
            destination=s3,
            connection_prototype=s3.connection_prototype,
        )
        aws.details = {
            "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
            "secretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "region": "eu-west-1",
        }
        aws.save()

    existing = Application.objects.filter(organization=organization).count()
    for index in range(existing, size):
        application = Application.objects.create(
            organization=organization, name=f"Source {index}", platform="server"
        )
        for route in range(integrations_per_source):
            if route % 2:
                destination, connection_for_route = kinesis, aws
                config = {"stream": "events", "partitionKey": "userId"}
            else:
                destination = acquisio
                connection_for_route = Connection(
                    organization=organization,
                    name=f"Acquisio {index}",
                    destination=acquisio,
                    connection_prototype=acquisio.connection_prototype,
                )
                connection_for_route.details = {"apiKey": f"acquisio-key-{index}"}
                connection_for_route.save()
                config = {"events": ["Order Completed"]}
            Integration.objects.create(
                application=application,
                destination=destination,
                connection=connection_for_route,
                name=destination.name,
                config=config,
            )


def measure(client, repeat: int) -> tuple[int, list[float]]:
    """Return the SQL query count of one request and the times of `repeat`
    requests, in milliseconds, after one untimed warm-up request."""
    body = json.dumps({"query": NESTED_READ})

    def send():
        response = client.post("/graphql", body, content_type="application/json")
        data = response.json()
        if response.status_code != 200 or "errors" in data:
            raise SystemExit(f"The query failed: {response.content[:500]!r}")

    # The query log keeps at most 9,000 entries, and seeding fills it, which
    # would hide the new ones from the count.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        send()
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        send()
        timings.append((time.perf_counter() - start) * 1000)
    return len(queries), timings


if __name__ == "__main__":
    main()
