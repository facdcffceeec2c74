"""The destination catalog: reading the data file and syncing the database.

The catalog lives in `clickstream/data/destinations.json`. It lists
connection prototypes, each with its fields, and destinations, each naming
its connection prototype by code and listing its config fields. Public IDs
are derived from the codes with UUID5, so every installation gives a
destination the same ID.
"""

import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from clickstream.models import (
    ClickstreamPrototype,
    ConfigField,
    ConnectionField,
    ConnectionPrototype,
    FieldType,
)

CATALOG_PATH = Path(__file__).resolve().parent / "data" / "destinations.json"

# Fixed namespace of the UUID5 public IDs of catalog entries.
CATALOG_NAMESPACE = uuid.UUID("5f0c1a52-7a59-4d8e-9a51-2b7c0e8f4d13")

CODE_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")

# Keys of a field in the data file, by the model attribute they set, with the
# value used when the key is absent.
FIELD_KEYS = {
    "property_name": ("propertyName", None),
    "label": ("label", None),
    "field_type": ("fieldType", None),
    "required": ("required", False),
    "default": ("default", None),
    "options": ("options", []),
    "help": ("help", ""),
    "pattern": ("pattern", ""),
    "max_length": ("maxLength", None),
    "minimum": ("minimum", None),
    "maximum": ("maximum", None),
    "integer": ("integer", False),
    "max_items": ("maxItems", None),
}


class CatalogError(Exception):
    """The catalog file is malformed; the message names the entry."""


@dataclass
class SyncResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def catalog_id(kind: str, code: str) -> uuid.UUID:
    return uuid.uuid5(CATALOG_NAMESPACE, f"{kind}:{code}")


def load_catalog(path: Path = CATALOG_PATH) -> dict:
    """Read and check the catalog file. Raises CatalogError."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CatalogError(f"Cannot read the catalog {path}: {error}") from error

    if not isinstance(data, dict):
        raise CatalogError("The catalog must be a JSON object.")
    connection_prototypes = _entries(data, "connectionPrototypes", "code")
    destinations = _entries(data, "destinations", "integrationCode")

    for entry in connection_prototypes.values():
        entry["fields"] = _fields(entry, f"connection prototype {entry['code']}")
    for entry in destinations.values():
        where = f"destination {entry['integrationCode']}"
        if entry.get("connectionPrototype") not in connection_prototypes:
            raise CatalogError(f"{where}: unknown connectionPrototype.")
        for key in ("name", "category"):
            if not isinstance(entry.get(key), str) or not entry[key]:
                raise CatalogError(f"{where}: {key} must be a non-empty string.")
        entry["configPrototype"] = _fields(entry, where, key="configPrototype")
    return {"connectionPrototypes": connection_prototypes, "destinations": destinations}


def _entries(data: dict, key: str, code_key: str) -> dict[str, dict]:
    entries = data.get(key)
    if not isinstance(entries, list):
        raise CatalogError(f"{key} must be a list.")
    by_code = {}
    for position, entry in enumerate(entries):
        code = entry.get(code_key) if isinstance(entry, dict) else None
        if not isinstance(code, str) or not CODE_PATTERN.fullmatch(code):
            raise CatalogError(f"{key}[{position}]: {code_key} is missing or invalid.")
        if code in by_code:
            raise CatalogError(f"{key}: {code} appears twice.")
        by_code[code] = entry
    return by_code


def _fields(entry: dict, where: str, key: str = "fields") -> list[dict]:
    """Return the entry's field list as model attributes, checked."""
    items = entry.get(key)
    if not isinstance(items, list):
        raise CatalogError(f"{where}: {key} must be a list.")
    fields = []
    names = set()
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            raise CatalogError(f"{where}: field {position} must be an object.")
        unknown = set(item) - {file_key for file_key, _ in FIELD_KEYS.values()}
        if unknown:
            raise CatalogError(f"{where}: unknown keys {sorted(unknown)}.")
        attributes = {
            attribute: item.get(file_key, default)
            for attribute, (file_key, default) in FIELD_KEYS.items()
        }
        name = attributes["property_name"]
        if not isinstance(name, str) or not name or name in names:
            raise CatalogError(
                f"{where}: field {position} needs a unique propertyName."
            )
        if attributes["field_type"] not in FieldType.values:
            raise CatalogError(f"{where}.{name}: unknown fieldType.")
        if attributes["field_type"] == FieldType.SELECT and not attributes["options"]:
            raise CatalogError(f"{where}.{name}: a select needs options.")
        if attributes["pattern"]:
            try:
                re.compile(attributes["pattern"])
            except re.error as error:
                raise CatalogError(
                    f"{where}.{name}: invalid pattern: {error}"
                ) from error
        names.add(name)
        attributes["position"] = position
        fields.append(attributes)
    return fields


def sync_catalog(catalog: dict) -> tuple[SyncResult, SyncResult]:
    """Create or update the database's prototypes to match `catalog`.

    Returns the results for connection prototypes and for destinations. An
    entry whose stored form already matches the file is left untouched, so
    running the sync twice changes nothing the second time.
    """
    connection_result = SyncResult()
    destination_result = SyncResult()
    with transaction.atomic():
        stored_connections = {}
        for code, entry in catalog["connectionPrototypes"].items():
            prototype, outcome = _sync_connection_prototype(code, entry)
            stored_connections[code] = prototype
            getattr(connection_result, outcome).append(code)
        for code, entry in catalog["destinations"].items():
            outcome = _sync_destination(
                code, entry, stored_connections[entry["connectionPrototype"]]
            )
            getattr(destination_result, outcome).append(code)
    return connection_result, destination_result


def _sync_connection_prototype(code: str, entry: dict):
    prototype, created = ConnectionPrototype.objects.get_or_create(
        code=code,
        defaults={"public_id": catalog_id("connection", code), "name": entry["name"]},
    )
    changed = prototype.name != entry["name"]
    prototype.name = entry["name"]
    changed |= _sync_fields(ConnectionField, prototype, entry["fields"])
    if changed and not created:
        prototype.save()
    return prototype, _outcome(created, changed)


def _sync_destination(code: str, entry: dict, connection_prototype) -> str:
    destination, created = ClickstreamPrototype.objects.get_or_create(
        integration_code=code,
        defaults={
            "public_id": catalog_id("destination", code),
            "name": entry["name"],
            "category": entry["category"],
            "connection_prototype": connection_prototype,
        },
    )
    wanted = {
        "name": entry["name"],
        "category": entry["category"],
        "connection_prototype_id": connection_prototype.pk,
    }
    changed = any(getattr(destination, key) != value for key, value in wanted.items())
    for key, value in wanted.items():
        setattr(destination, key, value)
    changed |= _sync_fields(ConfigField, destination, entry["configPrototype"])
    if changed and not created:
        destination.save()
    return _outcome(created, changed)


def _sync_fields(model, prototype, wanted: list[dict]) -> bool:
    """Replace the prototype's fields when they differ from `wanted`.

    Returns whether anything changed.
    """
    keys = [*FIELD_KEYS, "position"]
    stored = list(model.objects.filter(prototype=prototype).values(*keys))
    if stored == [{key: field[key] for key in keys} for field in wanted]:
        return False
    model.objects.filter(prototype=prototype).delete()
    model.objects.bulk_create([model(prototype=prototype, **field) for field in wanted])
    return True


def _outcome(created: bool, changed: bool) -> str:
    if created:
        return "created"
    return "updated" if changed else "unchanged"
