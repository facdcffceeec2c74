import json
import re

import pytest
from django.core.management import CommandError, call_command

from clickstream.catalog import CATALOG_PATH, catalog_id, load_catalog
from clickstream.models import ClickstreamPrototype, ConfigField, ConnectionPrototype
from clickstream.validation import clean_payload

pytestmark = pytest.mark.django_db

CATEGORIES_REQUIRED = {
    "analytics",
    "advertising",
    "marketing-automation",
    "warehouse",
    "storage",
    "webhook",
}


@pytest.fixture(autouse=True)
def empty_catalog():
    """Start from an empty catalog; the test's transaction restores it."""
    ClickstreamPrototype.objects.all().delete()
    ConnectionPrototype.objects.all().delete()


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
