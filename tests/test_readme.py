"""The README's walk-through runs as written."""

import re
from pathlib import Path

import pytest

from tests.conftest import GraphQLClient

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_operations() -> list[str]:
    text = README.read_text(encoding="utf-8")
    return [
        re.sub(r"^ {3}", "", block, flags=re.MULTILINE)
        for block in re.findall(r"```graphql\n(.*?)```", text, flags=re.DOTALL)
    ]


@pytest.mark.django_db
def test_readme_walk_through(
    client, catalog, mailoutbox, django_capture_on_commit_callbacks
):
    (
        sign_up,
        create_token,
        create_organization,
        create_application,
        read_catalog,
        create_connection,
        create_integration,
        read_pipeline,
    ) = readme_operations()
    api = GraphQLClient(client)

    with django_capture_on_commit_callbacks(execute=True):
        assert api.mutate(sign_up)["success"] is True
    link = re.search(r"/accounts/confirm-email/\S+/", mailoutbox[0].body).group(0)
    assert client.get(link).status_code == 200

    api.token = api.mutate(create_token)["token"]
    org_id = api.mutate(create_organization)["id"]
    api.organization = org_id

    app_id = api.mutate(create_application.replace("ORG_ID", org_id))["id"]
    assert api.query(read_catalog)["clickstreamPrototypes"][0]["name"] == "Acquisio"
    connection = api.mutate(create_connection.replace("ORG_ID", org_id))
    integration = api.mutate(
        create_integration.replace("APP_ID", app_id).replace(
            "CONNECTION_ID", connection["id"]
        )
    )
    assert integration["success"] is True

    (organization,) = api.query(read_pipeline)["organizations"]
    (application,) = organization["applications"]
    (route,) = application["integrations"]
    assert application["id"] == app_id
    assert route["id"] == integration["id"]
    assert route["connection"]["details"] == {"apiKey": "********"}
