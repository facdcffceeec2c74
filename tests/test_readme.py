"""The README's examples run as written."""

import re
from pathlib import Path

import pytest

from organizations.models import Role
from tests.conftest import GraphQLClient, api_for, mailed_token
from tests.factories import MembershipFactory

README = Path(__file__).resolve().parent.parent / "README.md"

pytestmark = pytest.mark.django_db


def readme_operations(heading: str) -> list[str]:
    """Return the ```graphql blocks of one `## heading` section, in order."""
    text = README.read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.MULTILINE)
    (section,) = [part for part in sections if part.startswith(heading + "\n")]
    return [
        re.sub(r"^ {3}", "", block, flags=re.MULTILINE)
        for block in re.findall(r"```graphql\n(.*?)```", section, flags=re.DOTALL)
    ]


def last_mailed_token(mailoutbox, route: str) -> str:
    return mailed_token(mailoutbox[-1], route)


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
    ) = readme_operations("From sign-up to a first integration")
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


def test_readme_members_and_api_keys(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    add_user, accept_invitation, read_organizations, create_api_key = readme_operations(
        "Members, invitations and API keys"
    )
    organization = MembershipFactory(role=Role.OWNER).organization
    owner = organization.memberships.get().user
    org_id = str(organization.public_id)
    owner_api = api_for(client, owner, organization=org_id)

    with django_capture_on_commit_callbacks(execute=True):
        added = owner_api.mutate(add_user.replace("ORG_ID", org_id))
    assert added["invited"] is True
    token = re.search(r"/organizations/invitations/([^/\s]+)/", mailoutbox[0].body)

    accepted = GraphQLClient(client).mutate(
        accept_invitation.replace("INVITATION_TOKEN", token.group(1))
    )
    assert accepted["success"] is True
    invitee_api = GraphQLClient(client, token=accepted["token"])
    (seen,) = invitee_api.query(read_organizations)["organizations"]
    assert seen["id"] == org_id
    assert seen["role"] == "USER"

    created = owner_api.mutate(create_api_key.replace("ORG_ID", org_id))
    key_api = GraphQLClient(client, api_key=created["key"])
    assert key_api.query("{ applications { id name platform } }") == {
        "applications": []
    }


def test_readme_account_lifecycle(
    client, catalog, mailoutbox, django_capture_on_commit_callbacks
):
    sign_up, create_token, create_organization, *_ = readme_operations(
        "From sign-up to a first integration"
    )
    (
        verify_token,
        refresh_token,
        update_user,
        confirm_email_change,
        change_password,
        request_password_reset,
        reset_password,
        sign_in_again,
        revoke_tokens,
        delete_account,
    ) = readme_operations("Managing your account")
    api = GraphQLClient(client)
    with django_capture_on_commit_callbacks(execute=True):
        api.mutate(sign_up)
    client.get(re.search(r"/accounts/confirm-email/\S+/", mailoutbox[0].body)[0])
    api.token = api.mutate(create_token)["token"]
    assert api.mutate(create_organization)["success"] is True

    verified = api.mutate(verify_token.replace("YOUR_TOKEN", api.token))
    assert verified["decoded"]["email"] == "someone.new@somewhere.com"
    refreshed = api.mutate(refresh_token.replace("YOUR_TOKEN", api.token))
    assert refreshed["decoded"]["origIat"] == verified["decoded"]["origIat"]
    api.token = refreshed["token"]

    with django_capture_on_commit_callbacks(execute=True):
        assert api.mutate(update_user)["success"] is True
    assert mailoutbox[-2].to == ["someone.else@somewhere.com"]
    assert mailoutbox[-1].to == ["someone.new@somewhere.com"]
    token = mailed_token(mailoutbox[-2], "change-email")
    changed = api.mutate(confirm_email_change.replace("TOKEN_FROM_MAIL", token))
    assert changed["success"] is True

    with django_capture_on_commit_callbacks(execute=True):
        changed = api.mutate(change_password)
    assert changed["success"] is True
    api.token = changed["token"]

    with django_capture_on_commit_callbacks(execute=True):
        assert api.mutate(request_password_reset)["success"] is True
    token = last_mailed_token(mailoutbox, "reset-password")
    with django_capture_on_commit_callbacks(execute=True):
        reset = api.mutate(reset_password.replace("TOKEN_FROM_MAIL", token))
    assert reset["success"] is True, reset

    api.token = api.mutate(sign_in_again)["token"]
    assert api.mutate(revoke_tokens)["success"] is True
    assert api.mutate(revoke_tokens)["code"] == "INVALID_TOKEN"

    api.token = api.mutate(sign_in_again)["token"]
    deleted = api.mutate(delete_account)
    assert deleted["success"] is True
    assert api.mutate(sign_in_again)["code"] == "INVALID_CREDENTIALS"
