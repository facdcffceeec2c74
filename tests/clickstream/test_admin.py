"""Staff edit the catalog in the admin, and never see connection secrets."""

import json

import pytest

from clickstream.admin import PROTOTYPE_FIELD_COLUMNS
from clickstream.models import (
    ClickstreamPrototype,
    ConfigField,
    ConnectionField,
    ConnectionPrototype,
    catalog_id,
)
from tests.factories import ConnectionFactory

pytestmark = pytest.mark.django_db


def field_form(prefix: str, index: int, field=None, **values) -> dict:
    """Return the POST data of one inline field row."""
    row = {column: "" for column in PROTOTYPE_FIELD_COLUMNS}
    if field is not None:
        row.update(
            {
                "id": field.pk,
                "prototype": field.prototype_id,
                "position": field.position,
                "property_name": field.property_name,
                "label": field.label,
                "field_type": field.field_type,
                "required": "on" if field.required else "",
                "default": json.dumps(field.default),
                "options": json.dumps(field.options),
                "help": field.help,
                "pattern": field.pattern,
            }
        )
    row.update(values)
    data = {f"{prefix}-{index}-{key}": value for key, value in row.items()}
    for flag in ("required", "integer"):
        if not data[f"{prefix}-{index}-{flag}"]:
            del data[f"{prefix}-{index}-{flag}"]
    return data


def management_form(prefix: str, total: int, initial: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def change_url(prototype) -> str:
    return f"/admin/clickstream/connectionprototype/{prototype.pk}/change/"


def test_admin_edits_connection_fields(admin_client, catalog):
    prototype = ConnectionPrototype.objects.get(code="mixpanel")
    fields = list(prototype.fields.all())
    data = {"code": "mixpanel", "name": "Mixpanel (renamed)"}
    data.update(management_form("fields", len(fields) + 1, len(fields)))
    for index, field in enumerate(fields):
        data.update(field_form("fields", index, field))
    select = fields.index(prototype.fields.get(property_name="dataResidency"))
    data.update(
        field_form(
            "fields",
            select,
            fields[select],
            options=json.dumps([{"value": "us", "label": "US only"}]),
            default='"us"',
        )
    )
    data.update(
        field_form(
            "fields",
            len(fields),
            position=9,
            property_name="serviceAccount",
            label="Service account",
            field_type="input",
            max_length=64,
        )
    )

    response = admin_client.post(change_url(prototype), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    prototype.refresh_from_db()
    assert prototype.name == "Mixpanel (renamed)"
    residency = prototype.fields.get(property_name="dataResidency")
    assert residency.options == [{"value": "us", "label": "US only"}]
    assert residency.default == "us"
    added = prototype.fields.get(property_name="serviceAccount")
    assert added.options == []
    assert added.default is None
    assert added.max_length == 64


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"field_type": "select", "options": ""}, "needs at least one option"),
        ({"field_type": "select", "options": '["us"]'}, "Options must be a list"),
        ({"field_type": "input", "options": "{not json"}, "Enter a valid JSON."),
        ({"field_type": "input", "pattern": "("}, "Invalid regular expression"),
        (
            {"field_type": "number", "maximum": "5", "default": "9"},
            "The default is not a valid value",
        ),
    ],
)
def test_admin_rejects_invalid_field(admin_client, catalog, values, message):
    prototype = ConnectionPrototype.objects.get(code="acquisio")
    (field,) = prototype.fields.all()
    data = {"code": "acquisio", "name": prototype.name}
    data.update(management_form("fields", 2, 1))
    data.update(field_form("fields", 0, field))
    data.update(
        field_form(
            "fields",
            1,
            position=1,
            property_name="added",
            label="Added",
            **values,
        )
    )
    before = list(ConnectionField.objects.values())

    response = admin_client.post(change_url(prototype), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(ConnectionField.objects.values()) == before


def test_admin_rejects_password_config_field(admin_client, catalog):
    destination = ClickstreamPrototype.objects.get(integration_code="acquisio")
    (field,) = destination.config_fields.all()
    data = {
        "integration_code": "acquisio",
        "name": destination.name,
        "category": destination.category,
        "connection_prototype": destination.connection_prototype_id,
    }
    data.update(management_form("config_fields", 1, 1))
    data.update(field_form("config_fields", 0, field, field_type="password"))

    response = admin_client.post(
        f"/admin/clickstream/clickstreamprototype/{destination.pk}/change/", data
    )

    assert response.status_code == 200
    assert "Config fields cannot be passwords" in response.content.decode()
    assert ConfigField.objects.get(pk=field.pk).field_type == "array"


def test_admin_adds_destination_with_stable_id(admin_client, catalog):
    prototype = ConnectionPrototype.objects.get(code="webhook")
    data = {
        "integration_code": "second-webhook",
        "name": "Second webhook",
        "category": "webhook",
        "connection_prototype": prototype.pk,
    }
    data.update(management_form("config_fields", 1, 0))
    data.update(
        field_form(
            "config_fields",
            0,
            position=0,
            property_name="events",
            label="Events",
            field_type="array",
            default="[]",
        )
    )

    response = admin_client.post("/admin/clickstream/clickstreamprototype/add/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    destination = ClickstreamPrototype.objects.get(integration_code="second-webhook")
    assert destination.public_id == catalog_id("destination", "second-webhook")
    assert destination.config_fields.get().default == []


def test_admin_keeps_connection_prototype_of_used_destination(
    admin_client, organization, catalog
):
    connection = ConnectionFactory(organization=organization)
    destination = connection.destination
    data = {
        "integration_code": "acquisio",
        "name": destination.name,
        "category": destination.category,
        "connection_prototype": ConnectionPrototype.objects.get(code="webhook").pk,
    }
    data.update(management_form("config_fields", 0, 0))

    response = admin_client.post(
        f"/admin/clickstream/clickstreamprototype/{destination.pk}/change/", data
    )

    assert response.status_code == 200
    assert "its connection prototype cannot change" in response.content.decode()
    destination.refresh_from_db()
    assert destination.connection_prototype.code == "acquisio"


def test_admin_never_shows_connection_details(admin_client, organization, catalog):
    connection = ConnectionFactory(organization=organization)
    pages = [
        "/admin/clickstream/connection/",
        f"/admin/clickstream/connection/{connection.pk}/change/",
        f"/admin/clickstream/connection/?q={connection.public_id}",
    ]

    for page in pages:
        response = admin_client.get(page)

        assert response.status_code == 200
        content = response.content.decode()
        assert "acquisio-secret-key-1234" not in content
        assert "gAAAAA" not in content
        assert "secret_details" not in content


def test_admin_cannot_add_connections(admin_client, catalog):
    response = admin_client.get("/admin/clickstream/connection/add/")

    assert response.status_code == 403


def test_admin_saves_connection_without_touching_secrets(
    admin_client, organization, catalog
):
    connection = ConnectionFactory(organization=organization)

    response = admin_client.post(
        f"/admin/clickstream/connection/{connection.pk}/change/",
        {"name": "Renamed by staff"},
    )

    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.name == "Renamed by staff"
    assert connection.details == {"apiKey": "acquisio-secret-key-1234"}
