"""The documented flow, from sign-up to a first integration, over real HTTP
against a live server."""

import json
import re
import urllib.parse
import urllib.request

import pytest

from tests.factories import UserFactory

SIGN_UP = """
mutation {
  createNewUser(
    email: "someone.new@somewhere.com"
    password: "Saturn-has-146-moons"
    profile: {firstName: "Someone", lastName: "New", company: "My Company"}
  ) { success message code id token decoded { id email iat exp } }
}
"""

CREATE_TOKEN = """
mutation {
  createToken(username: "someone.new@somewhere.com", password: "Saturn-has-146-moons") {
    success message code id token decoded { id email iat exp }
  }
}
"""

CREATE_ORGANIZATION = """
mutation {
  createOrganization(name: "Human-friendly Organization Name") {
    success message code id
  }
}
"""

CREATE_APPLICATION = """
mutation CreateApplication($orgId: ID!) {
  createApplication(
    name: "Human-friendly Source Name", platform: "analytics.js", orgId: $orgId
  ) {
    success message code id
  }
}
"""

PROTOTYPES = """
{ clickstreamPrototypes(integrationCode: "acquisio") {
    id integrationCode connectionPrototypeId
    connectionPrototype { propertyName fieldType required }
    configPrototype { propertyName fieldType }
} }
"""

CREATE_CONNECTION = """
mutation CreateConnection($orgId: ID!, $connectionPrototypeId: ID) {
  createConnection(
    integrationCode: "acquisio"
    details: {apiKey: "123"}
    name: "Friendly Connection Name"
    orgId: $orgId
    connectionPrototypeId: $connectionPrototypeId
  ) { success message code id }
}
"""

CREATE_INTEGRATION = """
mutation CreateIntegration($appId: ID!, $connectionId: ID!) {
  createIntegration(
    appId: $appId
    integrationCode: "acquisio"
    configPayload: {events: ["Order Completed"]}
    connectionId: $connectionId
    name: "Friendly Integration Name"
  ) { success message code id }
}
"""

PIPELINE = """
{
  organizations {
    id
    applications { id integrations { id integrationCode configPayload } }
  }
}
"""


CONNECTIONS = """
query Connections($connectionId: ID) {
  connections(connectionId: $connectionId) {
    id details revealed: details(revealSecrets: true)
  }
}
"""

RENAME_SOURCE = """
mutation RenameSource($appId: ID!) {
  updateApplication(appId: $appId, name: "Renamed Source") {
    success message code id
  }
}
"""

DELETE_CONNECTION = """
mutation DeleteConnection($connectionId: ID!) {
  deleteConnection(connectionId: $connectionId) { success message code id }
}
"""

REQUEST_PASSWORD_RESET = """
mutation RequestPasswordReset($email: String!) {
  requestPasswordReset(email: $email) { success message code }
}
"""

SIGN_IN = """
mutation SignIn($username: String!, $password: String!) {
  createToken(username: $username, password: $password) { success code token }
}
"""


class Session:
    def __init__(self, base_url):
        self.base_url = base_url
        self.headers = {}

    def graphql(self, query, variables=None) -> dict:
        request = urllib.request.Request(
            self.base_url + "/graphql",
            data=json.dumps({"query": query, "variables": variables or {}}).encode(),
            headers={"Content-Type": "application/json", **self.headers},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            body = json.load(response)
        assert "errors" not in body, body
        return body["data"]

    def mutate(self, query, variables=None) -> dict:
        (payload,) = self.graphql(query, variables).values()
        assert payload["success"] is True, payload
        assert payload["code"] == "OK"
        assert payload["id"]
        return payload


@pytest.mark.django_db(transaction=True)
def test_sign_up_to_first_integration(live_server, mailoutbox, settings, catalog):
    settings.PUBLIC_URL = live_server.url
    session = Session(live_server.url)

    signed_up = session.mutate(SIGN_UP)
    assert signed_up["decoded"]["email"] == "someone.new@somewhere.com"

    (message,) = mailoutbox
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    with urllib.request.urlopen(link, timeout=10) as page:
        assert page.status == 200
        assert "confirmed" in page.read().decode()

    token = session.mutate(CREATE_TOKEN)["token"]
    session.headers["Authorization"] = f"JWT {token}"

    org_id = session.mutate(CREATE_ORGANIZATION)["id"]
    session.headers["Organization"] = org_id

    app_id = session.mutate(CREATE_APPLICATION, {"orgId": org_id})["id"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{21}", app_id)

    (acquisio,) = session.graphql(PROTOTYPES)["clickstreamPrototypes"]
    assert acquisio["connectionPrototype"][0]["propertyName"] == "apiKey"

    connection_id = session.mutate(
        CREATE_CONNECTION,
        {"orgId": org_id, "connectionPrototypeId": acquisio["connectionPrototypeId"]},
    )["id"]

    integration_id = session.mutate(
        CREATE_INTEGRATION, {"appId": app_id, "connectionId": connection_id}
    )["id"]

    (organization,) = session.graphql(PIPELINE)["organizations"]
    assert organization["id"] == org_id
    assert organization["applications"] == [
        {
            "id": app_id,
            "integrations": [
                {
                    "id": integration_id,
                    "integrationCode": "acquisio",
                    "configPayload": {"events": ["Order Completed"]},
                }
            ],
        }
    ]

    (connection,) = session.graphql(CONNECTIONS, {"connectionId": connection_id})[
        "connections"
    ]
    assert connection["details"] == {"apiKey": "********"}
    assert connection["revealed"] == {"apiKey": "123"}

    session.mutate(RENAME_SOURCE, {"appId": app_id})
    (refused,) = session.graphql(
        DELETE_CONNECTION, {"connectionId": connection_id}
    ).values()
    assert refused["code"] == "CONFLICT"
    assert integration_id in refused["message"]


@pytest.mark.django_db(transaction=True)
def test_password_reset_page_over_http(live_server, mailoutbox, settings):
    settings.PUBLIC_URL = live_server.url
    UserFactory(email="someone@example.com")
    session = Session(live_server.url)
    new_password = "Neptune-has-16-moons"

    (requested,) = session.graphql(
        REQUEST_PASSWORD_RESET, {"email": "someone@example.com"}
    ).values()
    assert requested["success"] is True
    (message,) = mailoutbox
    link = re.search(r"http://\S+/accounts/reset-password/\S+/", message.body)[0]

    # A browser: it keeps the CSRF cookie that the form page sets.
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    with browser.open(link, timeout=10) as page:
        form = page.read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    data = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": csrf,
            "new_password": new_password,
            "new_password_again": new_password,
        }
    ).encode()
    with browser.open(link, data=data, timeout=10) as done:
        assert "Your password is changed" in done.read().decode()

    (signed_in,) = session.graphql(
        SIGN_IN, {"username": "someone@example.com", "password": new_password}
    ).values()
    assert signed_in["code"] == "OK"
    assert signed_in["token"]
