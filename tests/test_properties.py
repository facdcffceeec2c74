"""Every mutation of the schema, run with generated input by many callers.

The mutations and their argument types come from the schema, so a new
mutation is covered without changes here. For each one, hypothesis draws a
caller and variables (see tests/strategies.py), and each request must:

- never get status 500, nor an INTERNAL_SERVER_ERROR error, which is how
  the endpoint masks an unexpected exception inside a 200 response;
- never carry a Python traceback in its body, nor log an error;
- leave the database exactly as it was unless the payload's `success` is
  true.

Each example runs in a savepoint that is rolled back, with an empty cache,
so examples do not see each other's writes or rate limit counters. The
number of examples and their randomness come from the hypothesis profile,
chosen with HYPOTHESIS_PROFILE (see tests/conftest.py).
"""

import json
import logging
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from graphql import (
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    get_named_type,
    is_leaf_type,
    parse,
    validate,
)
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accounts import links
from accounts.tokens import token_issue
from clickstream.models import (
    ClickstreamPrototype,
    ConnectionPrototype,
    Platform,
)
from houston.schema import schema
from organizations import services as organization_services
from organizations.invitations import make_token
from organizations.models import Role
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
from tests.strategies import PayloadField, Pools, Variables, weighted

MUTATIONS = schema.graphql_schema.mutation_type.fields

# The tables that mutations write to: every model of the project's apps.
SNAPSHOT_APPS = ("accounts", "organizations", "clickstream")

# Columns that change when no mutation succeeds. A request authenticated
# with an API key records when the key was last used, whatever it does.
VOLATILE_COLUMNS = {"organizations.ApiKey": {"last_used_at"}}

# Who sends the request, the Owner most often because only the Owner's
# requests reach every service.
CALLERS = ["owner"] * 6 + [
    "member",
    "stranger",
    "unconfirmed",
    "owner_key",
    "user_key",
    "anonymous",
]


@dataclass
class World:
    """The objects that the generated requests act on, and their callers."""

    org_id: str
    other_org_id: str
    authorization: dict[str, str | None]
    pools: Pools


@pytest.fixture
def world(catalog) -> World:
    organization = OrganizationFactory(name="Acme")
    other = OrganizationFactory(name="Globex")
    owner = MembershipFactory(organization=organization, role=Role.OWNER).user
    member = MembershipFactory(organization=organization, role=Role.USER).user
    stranger = MembershipFactory(organization=other, role=Role.OWNER).user
    mover = MembershipFactory(
        organization=organization,
        role=Role.USER,
        user__pending_email="moving@example.com",
    ).user
    unconfirmed = UserFactory(email_confirmed=False)

    application = ApplicationFactory(organization=organization)
    integration = IntegrationFactory(application=application)
    spare_connection = ConnectionFactory(organization=organization)
    other_integration = IntegrationFactory(
        application=ApplicationFactory(organization=other)
    )
    invitation = organization_services.member_add(
        actor=owner,
        organization=organization,
        email="invited@example.com",
        role=Role.USER,
    )
    owner_key, owner_key_value = make_api_key(organization, Role.OWNER)
    user_key, user_key_value = make_api_key(organization, Role.USER)
    other_key, _ = make_api_key(other, Role.OWNER)

    jwt = {user: token_issue(user)[0] for user in (owner, member, stranger)}
    unconfirmed_jwt = token_issue(unconfirmed)[0]
    acquisio = integration.destination
    pools = Pools(
        ids={
            "org": public_ids(organization, other),
            "app": [application.source_id, other_integration.application.source_id],
            "connectionprototype": public_ids(acquisio.connection_prototype),
            "connection": public_ids(
                integration.connection,
                spare_connection,
                other_integration.connection,
            ),
            "integration": public_ids(integration, other_integration),
            "invitation": public_ids(invitation),
            "user": public_ids(member, mover, owner, stranger, unconfirmed),
            # revokeApiKey(id:)
            "id": public_ids(owner_key, user_key, other_key),
        },
        strings={
            "email": [
                owner.email,
                owner.email.upper(),
                member.email,
                stranger.email,
                unconfirmed.email,
                invitation.email,
                "moving@example.com",
                "newcomer@example.com",
                "new.person+tag@example.org",
                "zoë@例え.jp",
            ],
            "username": [owner.email, member.email, "newcomer@example.com"],
            "password": [PASSWORD, "Uranus-has-28-moons", "password", "12345678"],
            "code": [
                acquisio.integration_code,
                *ClickstreamPrototype.objects.values_list(
                    "integration_code", flat=True
                ),
                "Acquisio",
                "no-such-destination",
            ],
            "platform": [*Platform.values, "Server", "web"],
            "website": [
                "https://example.com",
                "http://localhost:8000/path?q=1",
                "javascript:alert(1)",
                "ftp://example.com",
            ],
            "name": ["Acme", "Renamed", "Production web", "  padded  ", "x" * 200],
        },
        tokens={
            "invitation": [make_token(invitation)],
            "emailchange": [links.make_link_token(mover, links.CHANGE_EMAIL)],
            "confirmemail": [links.make_link_token(unconfirmed, links.CONFIRM_EMAIL)],
            "password": [links.make_link_token(member, links.RESET_PASSWORD)],
            "token": [
                jwt[owner],
                jwt[member],
                unconfirmed_jwt,
                jwt[owner][:-4] + "AAAA",
                owner_key_value,
                "not.a.token",
            ],
        },
        prototypes={
            "details": connection_prototypes(first=acquisio.connection_prototype),
            "config": config_prototypes(first=acquisio),
        },
    )
    return World(
        org_id=str(organization.public_id),
        other_org_id=str(other.public_id),
        authorization={
            "owner": f"JWT {jwt[owner]}",
            "member": f"JWT {jwt[member]}",
            "stranger": f"JWT {jwt[stranger]}",
            "unconfirmed": f"JWT {unconfirmed_jwt}",
            "owner_key": f"Api-Key {owner_key_value}",
            "user_key": f"Api-Key {user_key_value}",
            "anonymous": None,
        },
        pools=pools,
    )


def public_ids(*objects) -> list[str]:
    return [str(item.public_id) for item in objects]


def connection_prototypes(*, first) -> list[list[PayloadField]]:
    """Return the fields of every connection prototype, `first` first."""
    prototypes = ConnectionPrototype.objects.prefetch_related("fields")
    ordered = sorted(prototypes, key=lambda prototype: prototype.pk != first.pk)
    return [[payload_field(item) for item in p.fields.all()] for p in ordered]


def config_prototypes(*, first) -> list[list[PayloadField]]:
    """Return the config fields of every destination, `first` first."""
    destinations = ClickstreamPrototype.objects.prefetch_related("config_fields")
    ordered = sorted(destinations, key=lambda destination: destination.pk != first.pk)
    return [[payload_field(item) for item in d.config_fields.all()] for d in ordered]


def payload_field(item) -> PayloadField:
    return PayloadField(
        name=item.property_name,
        field_type=item.field_type,
        required=item.required,
        options=item.options,
        pattern=item.pattern,
        minimum=item.minimum,
        maximum=item.maximum,
    )


def operation_for(name: str) -> str:
    """Return a document that calls mutation `name` with one variable per
    argument and selects every field of its payload."""
    arguments = MUTATIONS[name].args
    if not arguments:
        return f"mutation Fuzz {{ {name} {selection(MUTATIONS[name].type)} }}"
    declarations = ", ".join(
        f"${argument}: {definition.type}" for argument, definition in arguments.items()
    )
    uses = ", ".join(f"{argument}: ${argument}" for argument in arguments)
    return (
        f"mutation Fuzz({declarations}) "
        f"{{ {name}({uses}) {selection(MUTATIONS[name].type)} }}"
    )


def selection(output_type, depth: int = 2) -> str:
    """Return a selection of the leaf fields of an object type, and of its
    object fields down to `depth` levels."""
    named = get_named_type(output_type)
    fields = []
    for name, field in named.fields.items():
        if any(isinstance(arg.type, GraphQLNonNull) for arg in field.args.values()):
            continue
        inner = get_named_type(field.type)
        if is_leaf_type(inner):
            fields.append(name)
        elif isinstance(inner, GraphQLObjectType | GraphQLInterfaceType) and depth > 1:
            fields.append(f"{name} {selection(inner, depth - 1)}")
    return "{ " + " ".join(fields) + " }"


def snapshot() -> dict:
    """Return every row of every table that mutations write to."""
    rows = {}
    for label in SNAPSHOT_APPS:
        for model in apps.get_app_config(label).get_models():
            skipped = VOLATILE_COLUMNS.get(model._meta.label, set())
            columns = [
                field.attname
                for field in model._meta.concrete_fields
                if field.name not in skipped
            ]
            rows[model._meta.label] = list(
                model.objects.order_by("pk").values_list(*columns)
            )
    return rows


def headers_for(world: World, caller: str, organization: str | None) -> dict:
    headers = {}
    if world.authorization[caller]:
        headers["Authorization"] = world.authorization[caller]
    if organization is not None:
        headers["Organization"] = organization
    return headers


def organization_headers(world: World) -> st.SearchStrategy:
    """Mostly the caller's organization, sometimes another, a malformed
    value or none."""
    return weighted(
        (6, st.just(world.org_id)),
        (1, st.sampled_from([world.other_org_id, "not-an-id", None])),
    )


def changed_tables(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after[label]]


def test_every_mutation_builds():
    """Each mutation's document validates against the schema. An argument
    type that no strategy can fill fails the mutation's property test with
    UnsupportedType."""
    assert MUTATIONS
    for name in MUTATIONS:
        errors = validate(schema.graphql_schema, parse(operation_for(name)))
        assert not errors, (name, errors)


@pytest.mark.parametrize("name", sorted(MUTATIONS))
@settings(
    # The world is built once per mutation, and each example rolls its
    # changes back, so sharing the function-scoped fixtures is safe.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_mutation_properties(name, world, client, caplog, data):
    document = operation_for(name)
    caller = data.draw(st.sampled_from(CALLERS), label="caller")
    organization = data.draw(organization_headers(world), label="organization")
    variables = data.draw(
        Variables(name, world.pools).for_arguments(MUTATIONS[name].args),
        label="variables",
    )
    cache.clear()
    mail.outbox.clear()
    caplog.clear()

    with transaction.atomic():
        before = snapshot()
        response = client.post(
            "/graphql",
            data=json.dumps({"query": document, "variables": variables}),
            content_type="application/json",
            headers=headers_for(world, caller, organization),
        )
        body = response.content.decode()

        assert response.status_code < 500, body[:2000]
        assert "Traceback" not in body, body[:2000]
        assert 'File "' not in body, body[:2000]
        result = json.loads(body)
        codes = [
            error.get("extensions", {}).get("code")
            for error in result.get("errors", [])
        ]
        assert "INTERNAL_SERVER_ERROR" not in codes, caplog.text[-5000:]
        logged_errors = [
            record.getMessage()
            for record in caplog.records
            if record.levelno >= logging.ERROR
        ]
        assert not logged_errors, caplog.text[-5000:]

        payload = (result.get("data") or {}).get(name)
        # Shown by --hypothesis-show-statistics: which outcomes were reached.
        event("outcome", payload["code"] if payload else (codes or ["no data"])[0])
        if not (payload and payload["success"]):
            after = snapshot()
            assert changed_tables(before, after) == [], payload
        transaction.set_rollback(True)
