"""Every query and mutation of the API, run by every kind of caller.

OPERATIONS is the one table of expected outcomes. A root field of the schema
without a row fails `test_every_operation_has_a_row`, so a new operation
cannot ship without its permission rules being stated here.

The callers act on the organization "Acme". Users send its ID in the
`Organization` header; API keys send no header. Outcomes:

- a mutation's payload `code`;
- for queries, the top-level error's `extensions.code`, or DATA when the
  result is not empty, EMPTY when it is, and SECRETS when connection details
  are visible.

For every outcome other than OK, DATA and SECRETS, the test also checks that
the database did not change.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from graphene.utils.str_converters import to_camel_case

from accounts import links
from accounts.models import User
from accounts.tokens import token_issue
from clickstream.models import Application, Connection, Integration
from houston.schema import schema
from organizations import services as organization_services
from organizations.invitations import make_token
from organizations.models import ApiKey, Invitation, Membership, Organization, Role
from tests.conftest import GraphQLClient, api_for
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    ConnectionFactory,
    IntegrationFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    make_api_key,
)

CALLERS = [
    "owner",
    "user",
    "other_member",
    "non_member",
    "unconfirmed",
    "anonymous",
    "owner_key",
    "user_key",
    "foreign_key",
]

# Outcomes that leave the database as it was.
CHANGES = {"OK", "DATA", "EMPTY", "SECRETS"}


def outcomes(default: str, **by_caller: str) -> dict[str, str]:
    return {caller: by_caller.get(caller, default) for caller in CALLERS}


SIGNED_OUT = {"unconfirmed": "EMAIL_NOT_CONFIRMED", "anonymous": "NOT_AUTHENTICATED"}

# A write in Acme that Users may make.
PIPELINE_WRITE = outcomes(
    "NOT_FOUND", owner="OK", user="OK", owner_key="OK", user_key="OK", **SIGNED_OUT
)
# A write in Acme that only Owners and Owner-role keys may make.
OWNER_WRITE = outcomes(
    "NOT_FOUND",
    owner="OK",
    user="PERMISSION_DENIED",
    owner_key="OK",
    user_key="PERMISSION_DENIED",
    **SIGNED_OUT,
)
# A write in Acme that only Owners may make: never an API key.
OWNER_ONLY = outcomes(
    "NOT_FOUND",
    owner="OK",
    user="PERMISSION_DENIED",
    owner_key="PERMISSION_DENIED",
    user_key="PERMISSION_DENIED",
    **SIGNED_OUT,
)
# An operation on the caller's own account, for people only.
ACCOUNT = outcomes(
    "OK",
    owner_key="PERMISSION_DENIED",
    user_key="PERMISSION_DENIED",
    foreign_key="PERMISSION_DENIED",
    **SIGNED_OUT,
)
# An operation on the caller's own account that an unconfirmed user may do.
OWN_ACCOUNT = {**ACCOUNT, "unconfirmed": "OK"}
# An operation open to anyone.
PUBLIC = outcomes("OK")
# A read of Acme's contents.
ACME_READ = outcomes(
    "EMPTY", owner="DATA", user="DATA", owner_key="DATA", user_key="DATA", **SIGNED_OUT
)
# A read of what only Owners may list.
OWNER_READ = outcomes("EMPTY", owner="DATA", **SIGNED_OUT)


@dataclass
class World:
    organization: Organization
    other: Organization
    users: dict[str, User]
    keys: dict[str, str]
    application: Application
    connection: Connection
    integration: Integration
    invitation: Invitation
    api_key: ApiKey

    @property
    def org_id(self) -> str:
        return str(self.organization.public_id)


@dataclass
class Operation:
    document: str
    variables: Callable[[World], dict]
    expected: dict[str, str]
    outcome: Callable[[dict], str] | None = None


def no_variables(world: World) -> dict:
    return {}


def with_org(world: World) -> dict:
    return {"orgId": world.org_id}


def extra_member(world: World) -> dict:
    user = MembershipFactory(organization=world.organization, role=Role.USER).user
    return {"orgId": world.org_id, "userId": str(user.public_id)}


def fresh_confirmation(world: World) -> dict:
    user = UserFactory(email_confirmed=False)
    return {"token": links.make_link_token(user, links.CONFIRM_EMAIL)}


def fresh_password_reset(world: World) -> dict:
    user = UserFactory()
    return {
        "token": links.make_link_token(user, links.RESET_PASSWORD),
        "password": "Uranus-has-28-moons",
    }


def fresh_email_change(world: World) -> dict:
    user = UserFactory(pending_email=f"{uuid.uuid4().hex}@example.com")
    return {"token": links.make_link_token(user, links.CHANGE_EMAIL)}


def users_token(world: World) -> dict:
    return {"token": token_issue(world.users["user"])[0]}


def fresh_invitation(world: World) -> dict:
    invitation = organization_services.member_add(
        actor=world.users["owner"],
        organization=world.organization,
        email=f"{uuid.uuid4().hex}@example.com",
        role=Role.USER,
    )
    return {"token": make_token(invitation), "password": "Neptune-has-16-moons"}


def unused_connection(world: World) -> dict:
    connection = ConnectionFactory(organization=world.organization)
    return {"id": str(connection.public_id)}


def connection_outcome(body: dict) -> str:
    if body.get("errors"):
        return body["errors"][0]["extensions"]["code"]
    connections = body["data"]["connections"]
    if not connections:
        return "EMPTY"
    return "SECRETS" if connections[0]["details"] is not None else "DATA"


OPERATIONS: dict[str, Operation] = {
    # Accounts
    "me": Operation(
        "query { me { id } }",
        no_variables,
        outcomes(
            "DATA",
            anonymous="NOT_AUTHENTICATED",
            owner_key="PERMISSION_DENIED",
            user_key="PERMISSION_DENIED",
            foreign_key="PERMISSION_DENIED",
        ),
    ),
    "createNewUser": Operation(
        """mutation M($email: String!) {
          createNewUser(email: $email, password: "Mars-has-2-moons") { code }
        }""",
        lambda world: {"email": f"{uuid.uuid4().hex}@example.com"},
        PUBLIC,
    ),
    "createToken": Operation(
        """mutation M($username: String!, $password: String!) {
          createToken(username: $username, password: $password) { code }
        }""",
        lambda world: {"username": world.users["user"].email, "password": PASSWORD},
        PUBLIC,
    ),
    "confirmEmail": Operation(
        "mutation M($token: String!) { confirmEmail(token: $token) { code } }",
        fresh_confirmation,
        PUBLIC,
    ),
    "resendConfirmation": Operation(
        """mutation M($email: String!) {
          resendConfirmation(email: $email) { code }
        }""",
        lambda world: {"email": world.users["unconfirmed"].email},
        PUBLIC,
    ),
    "verifyToken": Operation(
        "mutation M($token: String!) { verifyToken(token: $token) { code } }",
        users_token,
        PUBLIC,
    ),
    "refreshToken": Operation(
        "mutation M($token: String!) { refreshToken(token: $token) { code } }",
        users_token,
        PUBLIC,
    ),
    "revokeTokens": Operation(
        "mutation { revokeTokens { code } }",
        no_variables,
        OWN_ACCOUNT,
    ),
    "requestPasswordReset": Operation(
        """mutation M($email: String!) {
          requestPasswordReset(email: $email) { code }
        }""",
        lambda world: {"email": world.users["user"].email},
        PUBLIC,
    ),
    "resetPassword": Operation(
        """mutation M($token: String!, $password: String!) {
          resetPassword(token: $token, newPassword: $password) { code }
        }""",
        fresh_password_reset,
        PUBLIC,
    ),
    "changePassword": Operation(
        """mutation M($old: String!) {
          changePassword(oldPassword: $old, newPassword: "Pluto-has-5-moons") {
            code
          }
        }""",
        lambda world: {"old": PASSWORD},
        ACCOUNT,
    ),
    "updateUser": Operation(
        'mutation { updateUser(firstName: "Grace") { code } }',
        no_variables,
        ACCOUNT,
    ),
    "confirmEmailChange": Operation(
        """mutation M($token: String!) {
          confirmEmailChange(token: $token) { code }
        }""",
        fresh_email_change,
        PUBLIC,
    ),
    "deleteAccount": Operation(
        """mutation M($password: String!) {
          deleteAccount(password: $password) { code }
        }""",
        lambda world: {"password": PASSWORD},
        {**OWN_ACCOUNT, "owner": "LAST_OWNER"},
    ),
    # Organizations
    "organizations": Operation(
        "query Q($orgId: ID) { organizations(orgId: $orgId) { id } }",
        with_org,
        ACME_READ,
    ),
    "createOrganization": Operation(
        'mutation { createOrganization(name: "New") { code } }',
        no_variables,
        ACCOUNT,
    ),
    "updateOrganization": Operation(
        """mutation M($orgId: ID!) {
          updateOrganization(orgId: $orgId, name: "Renamed") { code }
        }""",
        with_org,
        OWNER_WRITE,
    ),
    "deleteOrganization": Operation(
        "mutation M($orgId: ID!) { deleteOrganization(orgId: $orgId) { code } }",
        with_org,
        OWNER_ONLY,
    ),
    "addOrganizationUser": Operation(
        """mutation M($orgId: ID!, $email: String!) {
          addOrganizationUser(orgId: $orgId, email: $email) { code }
        }""",
        lambda world: {"orgId": world.org_id, "email": "newcomer@example.com"},
        OWNER_ONLY,
    ),
    "removeOrganizationUser": Operation(
        """mutation M($orgId: ID!, $userId: ID!) {
          removeOrganizationUser(orgId: $orgId, userId: $userId) { code }
        }""",
        extra_member,
        OWNER_ONLY,
    ),
    "setOrganizationUserRole": Operation(
        """mutation M($orgId: ID!, $userId: ID!) {
          setOrganizationUserRole(orgId: $orgId, userId: $userId, role: OWNER) {
            code
          }
        }""",
        extra_member,
        OWNER_ONLY,
    ),
    "leaveOrganization": Operation(
        "mutation M($orgId: ID!) { leaveOrganization(orgId: $orgId) { code } }",
        with_org,
        outcomes(
            "NOT_FOUND",
            owner="LAST_OWNER",
            user="OK",
            owner_key="PERMISSION_DENIED",
            user_key="PERMISSION_DENIED",
            foreign_key="PERMISSION_DENIED",
            **SIGNED_OUT,
        ),
    ),
    "invitations": Operation(
        "query Q($orgId: ID) { invitations(orgId: $orgId) { id } }",
        with_org,
        OWNER_READ,
    ),
    "acceptInvitation": Operation(
        """mutation M($token: String!, $password: String!) {
          acceptInvitation(token: $token, password: $password) { code }
        }""",
        fresh_invitation,
        PUBLIC,
    ),
    "resendInvitation": Operation(
        """mutation M($id: ID!) {
          resendInvitation(invitationId: $id) { code }
        }""",
        lambda world: {"id": str(world.invitation.public_id)},
        OWNER_ONLY,
    ),
    "revokeInvitation": Operation(
        """mutation M($id: ID!) {
          revokeInvitation(invitationId: $id) { code }
        }""",
        lambda world: {"id": str(world.invitation.public_id)},
        OWNER_ONLY,
    ),
    "apiKeys": Operation(
        "query Q($orgId: ID) { apiKeys(orgId: $orgId) { id } }",
        with_org,
        OWNER_READ,
    ),
    "createApiKey": Operation(
        """mutation M($orgId: ID!) {
          createApiKey(orgId: $orgId, name: "Deploys") { code }
        }""",
        with_org,
        OWNER_ONLY,
    ),
    "revokeApiKey": Operation(
        "mutation M($id: ID!) { revokeApiKey(id: $id) { code } }",
        lambda world: {"id": str(world.api_key.public_id)},
        OWNER_ONLY,
    ),
    # Clickstream
    "applications": Operation(
        "query Q($orgId: ID) { applications(orgId: $orgId) { id } }",
        with_org,
        ACME_READ,
    ),
    "clickstreamPrototypes": Operation(
        'query { clickstreamPrototypes(integrationCode: "acquisio") { id } }',
        no_variables,
        outcomes("DATA", **SIGNED_OUT),
    ),
    "connections": Operation(
        "query Q($orgId: ID) { connections(orgId: $orgId) { id details } }",
        with_org,
        outcomes(
            "EMPTY",
            owner="SECRETS",
            user="DATA",
            owner_key="SECRETS",
            user_key="DATA",
            **SIGNED_OUT,
        ),
        connection_outcome,
    ),
    "integrations": Operation(
        "query Q($orgId: ID) { integrations(orgId: $orgId) { id } }",
        with_org,
        ACME_READ,
    ),
    "createApplication": Operation(
        """mutation M($orgId: ID!) {
          createApplication(name: "Web", platform: "analytics.js", orgId: $orgId) {
            code
          }
        }""",
        with_org,
        PIPELINE_WRITE,
    ),
    "createConnection": Operation(
        """mutation M($orgId: ID!) {
          createConnection(
            integrationCode: "acquisio", details: {apiKey: "123"}, orgId: $orgId
          ) { code }
        }""",
        with_org,
        PIPELINE_WRITE,
    ),
    "createIntegration": Operation(
        """mutation M($appId: ID!, $connectionId: ID!) {
          createIntegration(
            appId: $appId, integrationCode: "acquisio",
            configPayload: {events: ["Order Completed"]}, connectionId: $connectionId
          ) { code }
        }""",
        lambda world: {
            "appId": world.application.source_id,
            "connectionId": str(world.connection.public_id),
        },
        PIPELINE_WRITE,
    ),
    "updateApplication": Operation(
        """mutation M($appId: ID!) {
          updateApplication(appId: $appId, name: "Renamed") { code }
        }""",
        lambda world: {"appId": world.application.source_id},
        PIPELINE_WRITE,
    ),
    "deleteApplication": Operation(
        "mutation M($appId: ID!) { deleteApplication(appId: $appId) { code } }",
        lambda world: {"appId": world.application.source_id},
        PIPELINE_WRITE,
    ),
    "updateConnection": Operation(
        """mutation M($id: ID!) {
          updateConnection(connectionId: $id, name: "Renamed") { code }
        }""",
        lambda world: {"id": str(world.connection.public_id)},
        PIPELINE_WRITE,
    ),
    "deleteConnection": Operation(
        "mutation M($id: ID!) { deleteConnection(connectionId: $id) { code } }",
        unused_connection,
        PIPELINE_WRITE,
    ),
    "updateIntegration": Operation(
        """mutation M($id: ID!) {
          updateIntegration(integrationId: $id, enabled: false) { code }
        }""",
        lambda world: {"id": str(world.integration.public_id)},
        PIPELINE_WRITE,
    ),
    "deleteIntegration": Operation(
        "mutation M($id: ID!) { deleteIntegration(integrationId: $id) { code } }",
        lambda world: {"id": str(world.integration.public_id)},
        PIPELINE_WRITE,
    ),
}


def schema_operations() -> set[str]:
    graphql_schema = schema.graphql_schema
    fields = {
        *graphql_schema.query_type.fields,
        *graphql_schema.mutation_type.fields,
    }
    return {to_camel_case(name) for name in fields}


def test_every_operation_has_a_row():
    assert schema_operations() == set(OPERATIONS)


def test_every_row_names_every_caller():
    for name, operation in OPERATIONS.items():
        assert set(operation.expected) == set(CALLERS), name


@pytest.fixture
def world(db, catalog) -> World:
    organization = OrganizationFactory(name="Acme")
    other = OrganizationFactory(name="Other")
    users = {
        "owner": MembershipFactory(organization=organization, role=Role.OWNER).user,
        "user": MembershipFactory(organization=organization, role=Role.USER).user,
        "other_member": MembershipFactory(organization=other, role=Role.OWNER).user,
        "non_member": UserFactory(),
        "unconfirmed": UserFactory(email_confirmed=False),
    }
    keys = {
        "owner_key": make_api_key(organization, Role.OWNER)[1],
        "user_key": make_api_key(organization, Role.USER)[1],
        "foreign_key": make_api_key(other, Role.OWNER)[1],
    }
    integration = IntegrationFactory(application__organization=organization)
    ApplicationFactory(organization=other)
    ConnectionFactory(organization=other)
    invitation = Invitation.objects.create(
        organization=organization,
        email="pending@example.com",
        invited_by=users["owner"],
    )
    return World(
        organization=organization,
        other=other,
        users=users,
        keys=keys,
        application=integration.application,
        connection=integration.connection,
        integration=integration,
        invitation=invitation,
        api_key=make_api_key(organization, Role.USER, name="Old key")[0],
    )


def caller_api(client, world: World, caller: str) -> GraphQLClient:
    if caller in world.keys:
        return GraphQLClient(client, api_key=world.keys[caller])
    user = world.users.get(caller)
    return api_for(client, user, organization=world.organization.public_id)


def snapshot() -> dict:
    """Every row that an operation could change, except use timestamps."""
    return {
        "users": list(
            User.objects.order_by("pk").values_list(
                "email", "password", "email_confirmed", "is_active", "first_name"
            )
        ),
        "organizations": list(
            Organization.objects.order_by("pk").values_list("name", "updated_at")
        ),
        "memberships": list(
            Membership.objects.order_by("pk").values_list(
                "organization_id", "user_id", "role"
            )
        ),
        "invitations": list(
            Invitation.objects.order_by("pk").values_list(
                "email", "role", "sent_at", "accepted_at", "revoked_at"
            )
        ),
        "api_keys": list(
            ApiKey.objects.order_by("pk").values_list("prefix", "role", "revoked_at")
        ),
        "applications": list(
            Application.objects.order_by("pk").values_list(
                "source_id", "name", "enabled"
            )
        ),
        "connections": list(
            Connection.objects.order_by("pk").values_list(
                "public_id", "plain_details", "secret_details"
            )
        ),
        "integrations": list(
            Integration.objects.order_by("pk").values_list(
                "public_id", "name", "config", "enabled", "connection_id"
            )
        ),
    }


def default_outcome(body: dict) -> str:
    if body.get("errors"):
        return body["errors"][0]["extensions"]["code"]
    (value,) = body["data"].values()
    if isinstance(value, dict) and "code" in value:
        return value["code"]
    return "DATA" if value else "EMPTY"


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_operation_for_caller(client, world, name, caller):
    operation = OPERATIONS[name]
    variables = operation.variables(world)
    api = caller_api(client, world, caller)
    before = snapshot()

    body = api.execute(operation.document, variables)

    outcome = (operation.outcome or default_outcome)(body)
    assert outcome == operation.expected[caller], body
    if outcome not in CHANGES:
        assert snapshot() == before
