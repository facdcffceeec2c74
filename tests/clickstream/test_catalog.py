import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clickstream.catalog import CATALOG_PATH, catalog_id, load_catalog
from clickstream.models import (
    ClickstreamPrototype,
    ConfigField,
    ConnectionField,
    ConnectionPrototype,
)
from clickstream.validation import clean_payload
from tests.factories import IntegrationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_catalog")]

CATEGORIES_REQUIRED = {
    "analytics",
    "advertising",
    "marketing-automation",
    "warehouse",
    "storage",
    "webhook",
}


def seed(*args) -> str:
    from io import StringIO

    output = StringIO()
    call_command("seed_prototypes", *args, stdout=output)
    return output.getvalue()


def counts(output: str, kind: str) -> tuple[int, int, int]:
    match = re.search(rf"{kind}: (\d+) created, (\d+) updated, (\d+) unchanged", output)
    assert match, output
    return tuple(int(group) for group in match.groups())


def test_catalog_file_covers_the_field():
    catalog = load_catalog()
    destinations = catalog["destinations"]

    assert len(destinations) >= 20
    assert "acquisio" in destinations
    assert CATEGORIES_REQUIRED <= {d["category"] for d in destinations.values()}
    aws = [d for d in destinations.values() if d["connectionPrototype"] == "aws"]
    assert len(aws) >= 3


def test_catalog_defaults_are_valid_values():
    """Each default passes its own field's validation, so filling it in never
    produces an invalid payload."""
    catalog = load_catalog()
    entries = [
        *(entry["fields"] for entry in catalog["connectionPrototypes"].values()),
        *(entry["configPrototype"] for entry in catalog["destinations"].values()),
    ]
    for fields in entries:
        models = [ConfigField(**field) for field in fields]
        defaults = {f.property_name: f.default for f in models if f.default is not None}
        optional = [f for f in models if not f.required or f.default is not None]
        clean_payload(defaults, optional, path="payload")


def test_seed_is_idempotent():
    first = seed()
    second = seed()

    total = ClickstreamPrototype.objects.count()
    assert counts(first, "Clickstream prototypes") == (total, 0, 0)
    assert counts(second, "Clickstream prototypes") == (0, 0, total)
    assert counts(second, "Connection prototypes") == (
        0,
        0,
        ConnectionPrototype.objects.count(),
    )


def test_seed_gives_stable_ids():
    seed()

    acquisio = ClickstreamPrototype.objects.get(integration_code="acquisio")
    assert acquisio.public_id == catalog_id("destination", "acquisio")
    assert acquisio.connection_prototype.public_id == catalog_id(
        "connection", "acquisio"
    )


def test_seed_updates_changed_entry(tmp_path):
    seed()
    data = json.loads(CATALOG_PATH.read_text())
    for destination in data["destinations"]:
        if destination["integrationCode"] == "acquisio":
            destination["name"] = "Acquisio Ads"
            destination["configPrototype"].append(
                {"propertyName": "accountId", "label": "Account", "fieldType": "input"}
            )
    changed = tmp_path / "catalog.json"
    changed.write_text(json.dumps(data))

    output = seed("--file", str(changed))

    total = ClickstreamPrototype.objects.count()
    assert counts(output, "Clickstream prototypes") == (0, 1, total - 1)
    acquisio = ClickstreamPrototype.objects.get(integration_code="acquisio")
    assert acquisio.name == "Acquisio Ads"
    assert list(acquisio.config_fields.values_list("property_name", flat=True)) == [
        "events",
        "accountId",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "Cannot read the catalog"),
        ("[]", "must be a JSON object"),
        (
            '{"connectionPrototypes": [], "destinations": {}}',
            "destinations must be a list",
        ),
        (
            '{"connectionPrototypes": [], "destinations": [{"integrationCode": "x",'
            ' "name": "X", "category": "c", "connectionPrototype": "none",'
            ' "configPrototype": []}]}',
            "unknown connectionPrototype",
        ),
        (
            '{"connectionPrototypes": [{"code": "c", "name": "C", "fields":'
            ' [{"propertyName": "a", "label": "A", "fieldType": "colour"}]}],'
            ' "destinations": []}',
            "unknown fieldType",
        ),
    ],
)
def test_seed_rejects_malformed_file(tmp_path, content, message):
    path = tmp_path / "catalog.json"
    path.write_text(content)

    with pytest.raises(CommandError, match=message):
        seed("--file", str(path))

    assert not ClickstreamPrototype.objects.exists()


# Dry runs, deprecation and deletion


def catalog_file(tmp_path, change) -> str:
    """Write the repository's catalog, changed by `change(data)`, to a file."""
    data = json.loads(CATALOG_PATH.read_text())
    change(data)
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(data))
    return str(path)


def catalog_rows() -> tuple:
    """Every stored catalog row, to prove that a dry run wrote nothing."""
    return (
        list(ConnectionPrototype.objects.values()),
        list(ClickstreamPrototype.objects.values()),
        list(ConnectionField.objects.values()),
        list(ConfigField.objects.values()),
    )


def drop_destination(code):
    def change(data):
        data["destinations"] = [
            d for d in data["destinations"] if d["integrationCode"] != code
        ]

    return change


def change_acquisio(data):
    (prototype,) = [p for p in data["connectionPrototypes"] if p["code"] == "acquisio"]
    prototype["fields"][0]["label"] = "Account API key"
    prototype["fields"].append(
        {"propertyName": "accountId", "label": "Account", "fieldType": "input"}
    )
    (destination,) = [
        d for d in data["destinations"] if d["integrationCode"] == "acquisio"
    ]
    destination["name"] = "Acquisio Ads"
    destination["configPrototype"] = []


def test_dry_run_prints_changes_field_by_field(tmp_path):
    seed()
    path = catalog_file(tmp_path, change_acquisio)
    before = catalog_rows()

    with CaptureQueriesContext(connection) as queries:
        output = seed("--file", path, "--dry-run")

    assert output.startswith("Dry run: these changes were not written.")
    assert counts(output, "Connection prototypes") == (
        0,
        1,
        ConnectionPrototype.objects.count() - 1,
    )
    assert "  acquisio (updated)" in output
    assert '    field apiKey: label "API key" -> "Account API key"' in output
    assert "    field accountId: added" in output
    assert '    name: "Acquisio" -> "Acquisio Ads"' in output
    assert "    field events: removed" in output
    assert catalog_rows() == before
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert writes == []


def test_dry_run_on_empty_database_writes_nothing():
    output = seed("--dry-run")

    assert counts(output, "Clickstream prototypes")[0] == len(
        load_catalog()["destinations"]
    )
    assert "    fields: apiKey" in output
    assert not ConnectionPrototype.objects.exists()
    assert not ClickstreamPrototype.objects.exists()


def test_dry_run_then_sync_agree(tmp_path):
    seed()
    path = catalog_file(tmp_path, change_acquisio)

    planned = seed("--file", path, "--dry-run")
    applied = seed("--file", path)

    assert planned.removeprefix("Dry run: these changes were not written.\n") == (
        applied
    )
    assert counts(seed("--file", path), "Connection prototypes")[1] == 0


def test_unused_dropped_destination_is_deleted(tmp_path):
    seed()

    output = seed("--file", catalog_file(tmp_path, drop_destination("acquisio")))

    assert "  acquisio (deleted)" in output
    assert not ClickstreamPrototype.objects.filter(integration_code="acquisio").exists()
    # The acquisio connection prototype is dropped with it only when the file
    # drops it too.
    assert ConnectionPrototype.objects.filter(code="acquisio").exists()


def test_used_dropped_destination_is_deprecated(tmp_path, organization):
    seed()
    integration = IntegrationFactory(application__organization=organization)

    def drop_acquisio(data):
        drop_destination("acquisio")(data)
        data["connectionPrototypes"] = [
            p for p in data["connectionPrototypes"] if p["code"] != "acquisio"
        ]

    output = seed("--file", catalog_file(tmp_path, drop_acquisio))

    assert "Clickstream prototypes: 0 created, 0 updated" in output
    assert ", 1 deprecated, 0 deleted." in output
    assert "  acquisio (deprecated)" in output
    assert "    deprecated: false -> true" in output
    destination = ClickstreamPrototype.objects.get(integration_code="acquisio")
    assert destination.deprecated is True
    assert destination.connection_prototype.deprecated is True
    assert destination.config_fields.exists()
    integration.refresh_from_db()
    assert integration.destination == destination


def test_deprecated_destination_is_restored(tmp_path, organization):
    seed()
    IntegrationFactory(application__organization=organization)
    seed("--file", catalog_file(tmp_path, drop_destination("acquisio")))

    output = seed()

    assert "  acquisio (updated)" in output
    assert "    deprecated: true -> false" in output
    assert not ClickstreamPrototype.objects.get(integration_code="acquisio").deprecated


def test_deprecated_destination_deleted_once_unused(tmp_path, organization):
    seed()
    integration = IntegrationFactory(application__organization=organization)
    path = catalog_file(tmp_path, drop_destination("acquisio"))
    seed("--file", path)
    integration.delete()
    integration.connection.delete()

    output = seed("--file", path)

    assert "  acquisio (deleted)" in output
    assert not ClickstreamPrototype.objects.filter(integration_code="acquisio").exists()


def test_used_destination_keeps_its_connection_prototype(tmp_path, organization):
    seed()
    IntegrationFactory(application__organization=organization)

    def move_acquisio(data):
        (destination,) = [
            d for d in data["destinations"] if d["integrationCode"] == "acquisio"
        ]
        destination["connectionPrototype"] = "webhook"

    with pytest.raises(CommandError, match="connectionPrototype cannot change"):
        seed("--file", catalog_file(tmp_path, move_acquisio))

    acquisio = ClickstreamPrototype.objects.get(integration_code="acquisio")
    assert acquisio.connection_prototype.code == "acquisio"


@pytest.mark.parametrize(
    ("field", "message"),
    [
        (
            {"propertyName": "a", "label": "A", "fieldType": "select"},
            "needs at least one option",
        ),
        (
            {"propertyName": "a", "label": "A", "fieldType": "input", "pattern": "("},
            "Invalid regular expression",
        ),
        (
            {
                "propertyName": "a",
                "label": "A",
                "fieldType": "number",
                "maximum": 5,
                "default": 9,
            },
            "The default is not a valid value",
        ),
        (
            {
                "propertyName": "a",
                "label": "A",
                "fieldType": "select",
                "options": ["x"],
            },
            "Options must be a list",
        ),
    ],
)
def test_seed_rejects_invalid_field(tmp_path, field, message):
    def add_field(data):
        data["connectionPrototypes"][0]["fields"].append(field)

    with pytest.raises(CommandError, match=message):
        seed("--file", catalog_file(tmp_path, add_field))


def test_seed_rejects_password_in_config(tmp_path):
    def add_password(data):
        data["destinations"][0]["configPrototype"].append(
            {"propertyName": "token", "label": "Token", "fieldType": "password"}
        )

    with pytest.raises(CommandError, match="Config fields cannot be passwords"):
        seed("--file", catalog_file(tmp_path, add_password))
