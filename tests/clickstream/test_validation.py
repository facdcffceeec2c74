import math

import pytest
from django.core.exceptions import ValidationError

from clickstream.models import ConfigField, FieldType
from clickstream.validation import clean_payload


def field(name="value", field_type=FieldType.INPUT, **options) -> ConfigField:
    return ConfigField(
        property_name=name, label=name.title(), field_type=field_type, **options
    )


def problems(payload, fields) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        clean_payload(payload, fields, path="payload")
    return {
        key: [item.code for item in items]
        for key, items in raised.value.error_dict.items()
    }


VALID = [
    (field(), "text", "text"),
    (field(max_length=4), "four", "four"),
    (field(pattern=r"UA-\d+-\d+"), "UA-1-2", "UA-1-2"),
    (field(field_type=FieldType.PASSWORD), "secret", "secret"),
    (field(field_type=FieldType.BOOLEAN), False, False),
    (field(field_type=FieldType.NUMBER), 2.5, 2.5),
    (field(field_type=FieldType.NUMBER, integer=True), 3.0, 3),
    (field(field_type=FieldType.NUMBER, minimum=1, maximum=10), 10, 10),
    (
        field(field_type=FieldType.SELECT, options=[{"value": "us", "label": "US"}]),
        "us",
        "us",
    ),
    (field(field_type=FieldType.ARRAY), ["a", "b"], ["a", "b"]),
    (field(field_type=FieldType.MAP), {"a": "b"}, {"a": "b"}),
]

INVALID = [
    (field(), 5, "INVALID_TYPE"),
    (field(), "a\x00b", "null_characters_not_allowed"),
    (field(), "x" * 5000, "max_length"),
    (field(max_length=4), "fives", "max_length"),
    (field(pattern=r"UA-\d+-\d+"), "UA-1-2x", "PATTERN_MISMATCH"),
    (field(field_type=FieldType.BOOLEAN), "true", "INVALID_TYPE"),
    (field(field_type=FieldType.NUMBER), "1", "INVALID_TYPE"),
    (field(field_type=FieldType.NUMBER), True, "INVALID_TYPE"),
    (field(field_type=FieldType.NUMBER), math.inf, "INVALID_TYPE"),
    (field(field_type=FieldType.NUMBER, integer=True), 1.5, "INVALID_TYPE"),
    (field(field_type=FieldType.NUMBER, minimum=1), 0, "min_value"),
    (field(field_type=FieldType.NUMBER, maximum=10), 11, "max_value"),
    (
        field(field_type=FieldType.SELECT, options=[{"value": "us", "label": "US"}]),
        "eu",
        "invalid_choice",
    ),
    (field(field_type=FieldType.ARRAY), "a", "INVALID_TYPE"),
    (field(field_type=FieldType.ARRAY), ["a", 1], "INVALID_TYPE"),
    (field(field_type=FieldType.ARRAY, max_items=2), ["a", "b", "c"], "MAX_ITEMS"),
    (field(field_type=FieldType.ARRAY), ["x"] * 101, "MAX_ITEMS"),
    (field(field_type=FieldType.MAP), ["a"], "INVALID_TYPE"),
    (field(field_type=FieldType.MAP), {"a": 1}, "INVALID_TYPE"),
]


@pytest.mark.parametrize(("prototype_field", "value", "expected"), VALID)
def test_valid_value_accepted(prototype_field, value, expected):
    cleaned = clean_payload({"value": value}, [prototype_field], path="payload")

    assert cleaned == {"value": expected}


@pytest.mark.parametrize(("prototype_field", "value", "code"), INVALID)
def test_invalid_value_rejected(prototype_field, value, code):
    assert problems({"value": value}, [prototype_field]) == {"payload.value": [code]}


def test_required_field_missing():
    fields = [field(required=True)]

    assert problems({}, fields) == {"payload.value": ["required"]}
    assert problems({"value": ""}, fields) == {"payload.value": ["required"]}
    assert problems({"value": None}, fields) == {"payload.value": ["required"]}


def test_default_fills_missing_field():
    fields = [field(default="fallback"), field("other", FieldType.ARRAY, default=[])]

    cleaned = clean_payload({}, fields, path="payload")

    assert cleaned == {"value": "fallback", "other": []}


def test_every_problem_reported():
    fields = [field(required=True), field("flag", FieldType.BOOLEAN)]

    assert problems({"flag": "yes", "extra": 1}, fields) == {
        "payload.extra": ["UNKNOWN_FIELD"],
        "payload.value": ["required"],
        "payload.flag": ["INVALID_TYPE"],
    }


def test_payload_must_be_object():
    assert problems(["a"], [field()]) == {"payload": ["INVALID_TYPE"]}
