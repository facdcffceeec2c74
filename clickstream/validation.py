"""Validation of connection details and integration config payloads.

A payload is a JSON object checked against the fields of its prototype.
Required fields must be present, and each value must have its field's type
and limits. Keys that the prototype does not define are rejected, and
defaults fill in missing fields. A field that is absent, null or an empty
string counts as missing. Every problem becomes its own ValidationError
entry keyed by its path, such as `details.apiKey`. Messages never repeat the
rejected value, because it may be a secret.
"""

import copy
import math
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError

from clickstream.models import FieldType, PrototypeField
from houston.errors import FieldErrorCode
from houston.validators import has_null_character

# Limits for fields that set none of their own, so that a payload cannot
# grow without bound.
STRING_MAX_LENGTH = 4096
LIST_MAX_ITEMS = 100
MAP_MAX_ENTRIES = 100

# At most this many unknown keys are reported, each with its own entry.
UNKNOWN_KEYS_REPORTED = 10

# The largest integer that JSON clients written in JavaScript read exactly
# (Number.MAX_SAFE_INTEGER).
MAX_SAFE_INTEGER = 2**53 - 1


def clean_payload(payload, fields: Iterable[PrototypeField], *, path: str) -> dict:
    """Return `payload` checked against `fields`, with defaults filled in.

    Raises ValidationError with one entry per problem.
    """
    if not isinstance(payload, dict):
        message = "Expected a JSON object."
        if isinstance(payload, str):
            # The JSONObject scalar leaves text that does not decode as it is.
            message = (
                "Expected a JSON object. The string given is not valid JSON, "
                "or nests deeper than it may."
            )
        raise ValidationError(
            {path: ValidationError(message, code=FieldErrorCode.INVALID_TYPE.value)}
        )

    fields = list(fields)
    known = {field.property_name for field in fields}
    errors: dict[str, list[ValidationError]] = {}

    unknown = [key for key in payload if key not in known]
    for key in unknown[:UNKNOWN_KEYS_REPORTED]:
        errors[f"{path}.{_printable(key[:64])}"] = [
            ValidationError(
                "This field is not defined for this destination. Known "
                f"fields: {', '.join(sorted(known)) or 'none'}.",
                code=FieldErrorCode.UNKNOWN_FIELD.value,
            )
        ]

    cleaned = {}
    for field in fields:
        name = field.property_name
        value = payload.get(name)
        if value is None or value == "":
            if field.default is not None:
                cleaned[name] = copy.deepcopy(field.default)
            elif field.required:
                errors[f"{path}.{name}"] = [
                    ValidationError(f"{field.label} is required.", code="required")
                ]
            continue
        try:
            cleaned[name] = clean_value(field, value)
        except ValidationError as error:
            errors[f"{path}.{name}"] = error.error_list

    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_value(field: PrototypeField, value):
    """Return `value` checked against one field, or raise ValidationError."""
    cleaner = _CLEANERS[FieldType(field.field_type)]
    return cleaner(field, value)


def _clean_string(field: PrototypeField, value) -> str:
    if not isinstance(value, str):
        raise _wrong_type("a string")
    _check_text(value, field.max_length or STRING_MAX_LENGTH)
    if field.pattern and not re.fullmatch(field.pattern, value):
        # The value is not echoed: it may be a secret.
        raise ValidationError(
            f"{field.label} does not have the expected format. The field's "
            "pattern and help are in clickstreamPrototypes.",
            code=FieldErrorCode.PATTERN_MISMATCH.value,
        )
    return value


def _clean_boolean(field: PrototypeField, value) -> bool:
    if not isinstance(value, bool):
        raise _wrong_type("true or false")
    return value


def _clean_number(field: PrototypeField, value) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _wrong_type("a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise _wrong_type("a finite number")
    if field.integer:
        if isinstance(value, float) and not value.is_integer():
            raise _wrong_type("a whole number")
        value = int(value)
    if isinstance(value, int) and abs(value) > MAX_SAFE_INTEGER:
        raise ValidationError(
            f"Whole numbers must be between -{MAX_SAFE_INTEGER} and "
            f"{MAX_SAFE_INTEGER}.",
            code="max_value" if value > 0 else "min_value",
        )
    if field.minimum is not None and value < field.minimum:
        raise ValidationError(
            f"The value must be at least {field.minimum:g}.", code="min_value"
        )
    if field.maximum is not None and value > field.maximum:
        raise ValidationError(
            f"The value must be at most {field.maximum:g}.", code="max_value"
        )
    return value


def _clean_select(field: PrototypeField, value) -> str:
    allowed = [option["value"] for option in field.options]
    if value not in allowed:
        raise ValidationError(
            f"The value must be one of: {', '.join(map(str, allowed))}.",
            code="invalid_choice",
        )
    return value


def _clean_array(field: PrototypeField, value) -> list[str]:
    if not isinstance(value, list):
        raise _wrong_type("a list of strings")
    limit = field.max_items or LIST_MAX_ITEMS
    if len(value) > limit:
        raise ValidationError(
            f"The list must have at most {limit} items.",
            code=FieldErrorCode.MAX_ITEMS.value,
        )
    for item in value:
        if not isinstance(item, str):
            raise _wrong_type("a list of strings")
        _check_text(item, field.max_length or STRING_MAX_LENGTH)
    return value


def _clean_map(field: PrototypeField, value) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _wrong_type("an object that maps strings to strings")
    limit = field.max_items or MAP_MAX_ENTRIES
    if len(value) > limit:
        raise ValidationError(
            f"The map must have at most {limit} entries.",
            code=FieldErrorCode.MAX_ITEMS.value,
        )
    for key, item in value.items():
        if not isinstance(item, str):
            raise _wrong_type("an object that maps strings to strings")
        _check_text(key, STRING_MAX_LENGTH)
        _check_text(item, field.max_length or STRING_MAX_LENGTH)
    return value


def _check_text(value: str, max_length: int) -> None:
    if has_null_character(value):
        raise ValidationError(
            "Text must not contain NUL characters.",
            code="null_characters_not_allowed",
        )
    if len(value) > max_length:
        raise ValidationError(
            f"Text must be at most {max_length} characters.", code="max_length"
        )


def _printable(key: str) -> str:
    """Return `key` with control characters escaped, so that an unknown key
    cannot forge lines in a log or a message."""
    return "".join(
        character if character.isprintable() else repr(character)[1:-1]
        for character in key
    )


def _wrong_type(expected: str) -> ValidationError:
    return ValidationError(
        f"Expected {expected}.", code=FieldErrorCode.INVALID_TYPE.value
    )


_CLEANERS = {
    FieldType.INPUT: _clean_string,
    FieldType.PASSWORD: _clean_string,
    FieldType.BOOLEAN: _clean_boolean,
    FieldType.NUMBER: _clean_number,
    FieldType.SELECT: _clean_select,
    FieldType.ARRAY: _clean_array,
    FieldType.MAP: _clean_map,
}
