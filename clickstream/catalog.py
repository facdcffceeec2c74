"""The destination catalog: reading the data file and syncing the database.

The catalog lives in `clickstream/data/destinations.json`. It lists
connection prototypes, each with its fields, and destinations, each naming
its connection prototype by code and listing its config fields. Public IDs
are derived from the codes with UUID5, so every installation gives a
destination the same ID.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from clickstream.models import (
    ClickstreamPrototype,
    ConfigField,
    ConnectionField,
    ConnectionPrototype,
    FieldType,
    catalog_id,
)

CATALOG_PATH = Path(__file__).resolve().parent / "data" / "destinations.json"

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
    """The codes of the entries of one kind, by what the sync did to them.

    `changes` holds, for each created, updated, deprecated or deleted entry,
    one line per change, such as `name: "A" -> "B"`.
    """

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deprecated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    changes: dict[str, list[str]] = field(default_factory=dict)

    def record(self, code: str, outcome: str, changes: list[str]) -> None:
        getattr(self, outcome).append(code)
        if changes:
            self.changes[code] = changes


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
        entry["fields"] = _fields(
            entry, f"connection prototype {entry['code']}", ConnectionField
        )
    for entry in destinations.values():
        where = f"destination {entry['integrationCode']}"
        if entry.get("connectionPrototype") not in connection_prototypes:
            raise CatalogError(f"{where}: unknown connectionPrototype.")
        for key in ("name", "category"):
            if not isinstance(entry.get(key), str) or not entry[key]:
                raise CatalogError(f"{where}: {key} must be a non-empty string.")
        entry["configPrototype"] = _fields(
            entry, where, ConfigField, key="configPrototype"
        )
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


def _fields(entry: dict, where: str, model, key: str = "fields") -> list[dict]:
    """Return the entry's field list as model attributes, checked with the
    same rules as fields edited in the admin."""
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
        try:
            model(**attributes).clean()
        except ValidationError as error:
            problems = "; ".join(
                f"{key}: {message}"
                for key, messages in error.message_dict.items()
                for message in messages
            )
            raise CatalogError(f"{where}.{name}: {problems}") from error
        names.add(name)
        attributes["position"] = position
        fields.append(attributes)
    return fields


def sync_catalog(
    catalog: dict, *, dry_run: bool = False
) -> tuple[SyncResult, SyncResult]:
    """Make the database's prototypes match `catalog`.

    Returns the results for connection prototypes and for destinations. An
    entry whose stored form already matches the file is left untouched, so
    running the sync twice changes nothing the second time. An entry missing
    from the file is deleted when no connection or integration uses it, and
    otherwise marked deprecated, which keeps the objects that use it valid.
    With `dry_run`, the results describe the changes and nothing is written.
    Raises CatalogError for a change that would break stored objects.
    """
    connection_result = SyncResult()
    destination_result = SyncResult()
    with transaction.atomic():
        stored_prototypes = {
            prototype.code: prototype
            for prototype in ConnectionPrototype.objects.prefetch_related("fields")
        }
        stored_destinations = {
            destination.integration_code: destination
            for destination in ClickstreamPrototype.objects.select_related(
                "connection_prototype"
            ).prefetch_related("config_fields")
        }

        prototypes = {}
        for code, entry in catalog["connectionPrototypes"].items():
            prototype = stored_prototypes.get(code)
            outcome, changes = _connection_prototype_changes(prototype, entry)
            connection_result.record(code, outcome, changes)
            if not dry_run:
                prototypes[code] = _save_connection_prototype(
                    prototype, code, entry, outcome
                )

        for code, entry in catalog["destinations"].items():
            destination = stored_destinations.get(code)
            outcome, changes = _destination_changes(destination, entry)
            destination_result.record(code, outcome, changes)
            if not dry_run:
                _save_destination(
                    destination,
                    code,
                    entry,
                    prototypes[entry["connectionPrototype"]],
                    outcome,
                )

        kept_destinations = _retire_destinations(
            [
                destination
                for code, destination in stored_destinations.items()
                if code not in catalog["destinations"]
            ],
            destination_result,
            dry_run=dry_run,
        )
        _retire_connection_prototypes(
            [
                prototype
                for code, prototype in stored_prototypes.items()
                if code not in catalog["connectionPrototypes"]
            ],
            kept_destinations,
            connection_result,
            dry_run=dry_run,
        )
    return connection_result, destination_result


def _connection_prototype_changes(
    prototype: ConnectionPrototype | None, entry: dict
) -> tuple[str, list[str]]:
    if prototype is None:
        return "created", _created_lines(entry["name"], entry["fields"])
    changes = _attribute_lines({"name": (prototype.name, entry["name"])})
    if prototype.deprecated:
        changes.append("deprecated: true -> false")
    changes += _field_lines(_stored_fields(prototype.fields.all()), entry["fields"])
    return ("updated" if changes else "unchanged"), changes


def _destination_changes(
    destination: ClickstreamPrototype | None, entry: dict
) -> tuple[str, list[str]]:
    if destination is None:
        return "created", _created_lines(entry["name"], entry["configPrototype"])
    old_prototype = destination.connection_prototype.code
    new_prototype = entry["connectionPrototype"]
    if old_prototype != new_prototype and (
        destination.connections.exists() or destination.integrations.exists()
    ):
        raise CatalogError(
            f"destination {destination.integration_code}: connections or "
            f"integrations use it, so its connectionPrototype cannot change "
            f"from {old_prototype} to {new_prototype}."
        )
    changes = _attribute_lines(
        {
            "name": (destination.name, entry["name"]),
            "category": (destination.category, entry["category"]),
            "connectionPrototype": (old_prototype, new_prototype),
        }
    )
    if destination.deprecated:
        changes.append("deprecated: true -> false")
    changes += _field_lines(
        _stored_fields(destination.config_fields.all()), entry["configPrototype"]
    )
    return ("updated" if changes else "unchanged"), changes


def _save_connection_prototype(
    prototype: ConnectionPrototype | None, code: str, entry: dict, outcome: str
) -> ConnectionPrototype:
    if outcome == "unchanged":
        return prototype
    if prototype is None:
        prototype = ConnectionPrototype(
            code=code, public_id=catalog_id("connection", code)
        )
    prototype.name = entry["name"]
    prototype.deprecated = False
    prototype.save()
    _replace_fields(ConnectionField, prototype, entry["fields"])
    return prototype


def _save_destination(
    destination: ClickstreamPrototype | None,
    code: str,
    entry: dict,
    connection_prototype: ConnectionPrototype,
    outcome: str,
) -> None:
    if outcome == "unchanged":
        return
    if destination is None:
        destination = ClickstreamPrototype(
            integration_code=code, public_id=catalog_id("destination", code)
        )
    destination.name = entry["name"]
    destination.category = entry["category"]
    destination.connection_prototype = connection_prototype
    destination.deprecated = False
    destination.save()
    _replace_fields(ConfigField, destination, entry["configPrototype"])


def _retire_destinations(
    destinations: list[ClickstreamPrototype], result: SyncResult, *, dry_run: bool
) -> list[ClickstreamPrototype]:
    """Delete or deprecate destinations dropped from the file.

    Returns the destinations that stay, deprecated, because they are in use.
    """
    in_use = []
    for destination in destinations:
        code = destination.integration_code
        if destination.connections.exists() or destination.integrations.exists():
            in_use.append(destination)
            if destination.deprecated:
                result.record(code, "unchanged", [])
                continue
            result.record(code, "deprecated", ["deprecated: false -> true"])
            if not dry_run:
                destination.deprecated = True
                destination.save(update_fields=["deprecated", "updated_at"])
        else:
            result.record(
                code, "deleted", ["deleted: no connection or integration uses it"]
            )
            if not dry_run:
                destination.delete()
    return in_use


def _retire_connection_prototypes(
    prototypes: list[ConnectionPrototype],
    kept_destinations: list[ClickstreamPrototype],
    result: SyncResult,
    *,
    dry_run: bool,
) -> None:
    """Delete or deprecate connection prototypes dropped from the file.

    A prototype is in use while connections hold its credentials or a kept
    destination names it. Destinations in the file cannot name a dropped
    prototype, because loading the file checks every reference.
    """
    kept_prototype_ids = {
        destination.connection_prototype_id for destination in kept_destinations
    }
    for prototype in prototypes:
        if prototype.pk in kept_prototype_ids or prototype.connections.exists():
            if prototype.deprecated:
                result.record(prototype.code, "unchanged", [])
                continue
            result.record(prototype.code, "deprecated", ["deprecated: false -> true"])
            if not dry_run:
                prototype.deprecated = True
                prototype.save(update_fields=["deprecated", "updated_at"])
        else:
            result.record(
                prototype.code,
                "deleted",
                ["deleted: no connection or destination uses it"],
            )
            if not dry_run:
                prototype.delete()


# The attributes compared between the file and the database, by the key
# that the file uses for them.
FIELD_ATTRIBUTES = [*FIELD_KEYS, "position"]


def _stored_fields(fields) -> list[dict]:
    return [
        {attribute: getattr(field, attribute) for attribute in FIELD_ATTRIBUTES}
        for field in fields
    ]


def _replace_fields(model, prototype, expected: list[dict]) -> None:
    """Replace the prototype's fields with `expected` when they differ."""
    stored = list(model.objects.filter(prototype=prototype).values(*FIELD_ATTRIBUTES))
    if stored == [{key: field[key] for key in FIELD_ATTRIBUTES} for field in expected]:
        return
    model.objects.filter(prototype=prototype).delete()
    model.objects.bulk_create(
        [model(prototype=prototype, **field) for field in expected]
    )


def _created_lines(name: str, fields: list[dict]) -> list[str]:
    names = ", ".join(field["property_name"] for field in fields) or "none"
    return [f"name: {json.dumps(name)}", f"fields: {names}"]


def _attribute_lines(pairs: dict[str, tuple]) -> list[str]:
    return [
        f"{key}: {json.dumps(old)} -> {json.dumps(new)}"
        for key, (old, new) in pairs.items()
        if old != new
    ]


def _field_lines(stored: list[dict], file_fields: list[dict]) -> list[str]:
    """Describe, one line per change, how the file's fields differ from the
    stored ones."""
    stored_by_name = {field["property_name"]: field for field in stored}
    file_by_name = {field["property_name"]: field for field in file_fields}
    lines = []
    for name, new in file_by_name.items():
        old = stored_by_name.get(name)
        if old is None:
            lines.append(f"field {name}: added")
            continue
        for attribute, (file_key, _) in FIELD_KEYS.items():
            if old[attribute] != new[attribute]:
                lines.append(
                    f"field {name}: {file_key} {json.dumps(old[attribute])} -> "
                    f"{json.dumps(new[attribute])}"
                )
    lines += [
        f"field {name}: removed" for name in stored_by_name if name not in file_by_name
    ]
    kept_order = [name for name in stored_by_name if name in file_by_name]
    new_order = [name for name in file_by_name if name in stored_by_name]
    if kept_order != new_order:
        lines.append(f"field order: {', '.join(kept_order)} -> {', '.join(new_order)}")
    elif not lines and [f["position"] for f in stored] != [
        f["position"] for f in file_fields
    ]:
        lines.append("field positions renumbered")
    return lines
