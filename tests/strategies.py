"""Hypothesis strategies that fill a GraphQL operation's variables.

`Variables` reads each argument's GraphQL type from the schema, so a new
argument or mutation gets values without changes here. Most values look
valid: they come from `Pools`, such as IDs of existing objects, real
addresses, tokens and destination fields. Others are hostile: empty, 10,000
characters or more, NUL and control characters, lone surrogates, SQL,
GraphQL and template text, oversized lists and deep JSON. Now and then a
value has the wrong type or is missing.
"""

import json
import operator
from dataclasses import dataclass, field

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
)
from hypothesis import strategies as st

from clickstream.models import FieldType

# Marks a variable or input field that the request leaves out.
ABSENT = object()

HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "name\x00with a NUL",
    "\x01\x02\x1b[31m\x7f",
    "line\r\nInjected: header",
    "\u202eright-to-left override",
    "\ufeffbyte order mark",
    # A lone surrogate is valid in JSON text but cannot be encoded as UTF-8.
    "\ud800",
    "surrogate \udfff inside",
    "Zoë 東京 🚀",
    "'; DROP TABLE accounts_user; --",
    '" OR 1=1 --',
    "{ __typename }",
    'mutation { deleteOrganization(orgId: "x") { code } }',
    "$orgId",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "<script>alert(1)</script>",
    "%s %d %n",
    "../../etc/passwd",
    "null",
]

MALFORMED_IDS = [
    "0",
    "-1",
    "00000000-0000-0000-0000-000000000000",
    "urn:uuid:00000000-0000-0000-0000-000000000000",
    "0123456789abcdefghijk",
    "!!!!!!!!!!!!!!!!!!!!!",
    "6ba7b810-9dad-11d1-80b4-00c04fd430c8\x00",
    "6ba7b810-9dad-11d1-80b4-00c04fd430c8" * 3,
]

INVALID_JSON_TEXT = [
    "{",
    "{'apiKey': 'single quotes'}",
    '{"apiKey": }',
    "[1, 2",
    "NaN",
    "1e999",
    "[" * 5000 + "]" * 5000,
    '{"a": ' * 3000 + "1" + "}" * 3000,
]

# Values of every JSON type; most of them are of the wrong type for any
# argument.
WRONG_TYPE_VALUES = [
    0,
    -1,
    2**31,
    2**64,
    1.5,
    True,
    False,
    "text",
    [],
    ["x"],
    {},
    {"a": 1},
]


@dataclass
class PayloadField:
    """One field of a destination's connection or config prototype."""

    name: str
    field_type: str
    required: bool
    options: list = field(default_factory=list)
    pattern: str = ""
    minimum: float | None = None
    maximum: float | None = None


def matching(pools: dict[str, list], name: str, *, prefix: bool = False) -> list:
    """Return the first pool whose key is contained in `name`, or with
    `prefix` starts it. When no key matches, return every pool's items."""
    lowered = name.lower()
    for hint, pool in pools.items():
        if lowered.startswith(hint) if prefix else hint in lowered:
            return pool
    return [item for pool in pools.values() for item in pool]


@dataclass
class Pools:
    """Valid-looking values of the world under test.

    Each dictionary maps a hint to the values that fit a name containing
    it, such as "email" for the `email` and `newEmail` arguments. Values
    that fit the argument are drawn most often, the values of other
    arguments sometimes, because a valid value in the wrong place is a
    realistic mistake.
    """

    # By the argument name's start, such as "org" for `orgId`.
    ids: dict[str, list[str]]
    # By a word in the argument name.
    strings: dict[str, list[str]]
    # Link and sign-in tokens, by a word in the mutation name.
    tokens: dict[str, list[str]]
    # Prototype fields of JSON arguments, by a word in the argument name.
    # The first prototype of each list is the one the world's objects use.
    prototypes: dict[str, list[list[PayloadField]]]

    def ids_for(self, argument: str) -> tuple[list[str], list[str]]:
        return matching(self.ids, argument, prefix=True), matching(self.ids, "")

    def strings_for(self, mutation: str, argument: str) -> tuple[list[str], list]:
        everything = matching(self.strings, "") + matching(self.tokens, "")
        if "token" in argument.lower():
            return matching(self.tokens, mutation), everything
        return matching(self.strings, argument), everything


class UnsupportedType(Exception):
    """An argument type that no strategy here can fill."""


def weighted(*choices: tuple[int, st.SearchStrategy]) -> st.SearchStrategy:
    """Draw from one of the strategies, each as often as its weight.

    Shrinking moves towards the first choice.
    """
    expanded = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.sampled_from(expanded).flatmap(lambda strategy: strategy)


long_text = st.builds(
    operator.mul,
    st.sampled_from(["a", "é", "🚀", "\x00", "<b>", "x@", "\n"]),
    st.integers(min_value=10_000, max_value=11_000),
)

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=40),
    long_text,
)

wrong_type = st.sampled_from(WRONG_TYPE_VALUES)


def text(fitting: list[str], others: list[str]) -> st.SearchStrategy:
    return weighted(
        (4, st.sampled_from(fitting)),
        (1, st.sampled_from(others)),
        (3, hostile_text),
    )


def ids(fitting: list[str], others: list[str]) -> st.SearchStrategy:
    return weighted(
        (12, st.just(fitting[0])),
        (4, st.sampled_from(fitting)),
        (2, st.sampled_from(others)),
        (1, st.uuids().map(str)),
        (1, st.sampled_from(MALFORMED_IDS)),
        (1, hostile_text),
        # GraphQL's ID type accepts integers in variables.
        (1, st.integers(min_value=-(2**31), max_value=2**31 - 1)),
    )


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(HOSTILE_TEXT),
)

json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=25,
)


def nested_object(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth):
        value = {"a": value}
    return value


def nested_list(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def wide_object(size: int) -> dict:
    return {f"key{index}": index for index in range(size)}


def payload_value(spec: PayloadField) -> st.SearchStrategy:
    """Return values for one prototype field: mostly of its type."""
    if spec.field_type in (FieldType.INPUT, FieldType.PASSWORD):
        if spec.pattern:
            proper = st.from_regex(spec.pattern, fullmatch=True)
        else:
            proper = st.text(min_size=1, max_size=30)
    elif spec.field_type == FieldType.SELECT:
        proper = st.sampled_from([option["value"] for option in spec.options])
    elif spec.field_type == FieldType.BOOLEAN:
        proper = st.booleans()
    elif spec.field_type == FieldType.NUMBER:
        proper = st.integers(
            min_value=int(spec.minimum) if spec.minimum is not None else None,
            max_value=int(spec.maximum) if spec.maximum is not None else None,
        ) | st.floats(min_value=spec.minimum, max_value=spec.maximum, allow_nan=False)
    elif spec.field_type == FieldType.ARRAY:
        proper = st.lists(st.text(max_size=20), max_size=5) | st.builds(
            operator.mul, st.just(["event"]), st.integers(101, 120)
        )
    elif spec.field_type == FieldType.MAP:
        proper = st.dictionaries(st.text(max_size=12), st.text(max_size=12), max_size=5)
    else:
        raise UnsupportedType(f"No strategy for prototype field type {spec.field_type}")
    return weighted((4, proper), (1, json_values), (1, hostile_text))


def prototype_payload(specs: list[PayloadField]) -> st.SearchStrategy:
    """Return payloads with a prototype's fields, required ones mostly
    present, and now and then an unknown key."""
    required = {spec.name: payload_value(spec) for spec in specs if spec.required}
    optional = {
        spec.name: payload_value(spec) | st.none()
        for spec in specs
        if not spec.required
    }
    optional["unknownField"] = json_values
    payloads = st.fixed_dictionaries(required, optional=optional)
    if required:
        payloads = weighted(
            (6, payloads), (1, st.fixed_dictionaries({}, optional=required))
        )
    return payloads


def json_objects(prototypes: list[list[PayloadField]]) -> st.SearchStrategy:
    """Return values for the JSONObject scalar: payloads for the given
    prototypes, the first most often, arbitrary and deep objects, other
    JSON types, JSON text in a string and text that is not JSON."""
    payloads = weighted(
        (3, prototype_payload(prototypes[0])),
        (2, st.sampled_from(prototypes).flatmap(prototype_payload)),
    )
    return weighted(
        (8, payloads),
        (1, st.dictionaries(st.text(max_size=12), json_values, max_size=6)),
        (1, st.builds(nested_object, st.integers(min_value=100, max_value=300))),
        (1, st.builds(nested_list, st.integers(min_value=100, max_value=300))),
        (1, st.builds(wide_object, st.integers(min_value=101, max_value=400))),
        (1, json_values),
        (2, st.builds(json.dumps, payloads | json_values)),
        (1, st.sampled_from(INVALID_JSON_TEXT)),
    )


def enum(type_: GraphQLEnumType) -> st.SearchStrategy:
    names = list(type_.values)
    # Enum values are sent by name; the lower-case forms are not names.
    wrong = [value.lower() for value in names] + ["ADMIN", ""]
    return weighted((19, st.sampled_from(names)), (1, st.sampled_from(wrong)))


@dataclass
class Variables:
    """Builds the strategies for the arguments of one mutation."""

    mutation: str
    pools: Pools

    def for_arguments(self, arguments: dict) -> st.SearchStrategy:
        """Return variables for the arguments, one variable per argument
        under the argument's own name."""
        strategies = {
            name: self.of_type(argument.type, name)
            for name, argument in arguments.items()
        }
        variables = st.fixed_dictionaries(strategies).map(_without_absent)
        if not arguments:
            return variables
        # Now and then one argument gets a value of another JSON type.
        mistyped = st.builds(
            _replaced, variables, st.sampled_from(sorted(arguments)), wrong_type
        )
        return weighted((8, variables), (1, mistyped))

    def of_type(self, type_, name: str, *, absent: bool = True) -> st.SearchStrategy:
        """Return values for `type_`: mostly proper, sometimes null, of the
        wrong type, or left out when `absent` allows it."""
        missing = st.sampled_from([None, ABSENT] if absent else [None])
        if isinstance(type_, GraphQLNonNull):
            proper = self.nullable(type_.of_type, name)
            return weighted((40, proper), (1, wrong_type), (1, missing))
        proper = self.nullable(type_, name)
        return weighted((12, proper), (1, wrong_type), (4, missing))

    def nullable(self, type_, name: str) -> st.SearchStrategy:
        """Return proper values for a type that is not wrapped in non-null."""
        if isinstance(type_, GraphQLList):
            return self.list_of(type_, name)
        if isinstance(type_, GraphQLInputObjectType):
            return self.input_object(type_)
        if isinstance(type_, GraphQLEnumType):
            return enum(type_)
        if isinstance(type_, GraphQLScalarType):
            return self.scalar(type_, name)
        raise UnsupportedType(f"No strategy for the type {type_} of {name}.")

    def scalar(self, type_: GraphQLScalarType, name: str) -> st.SearchStrategy:
        if type_.name == "String":
            return text(*self.pools.strings_for(self.mutation, name))
        if type_.name == "ID":
            return ids(*self.pools.ids_for(name))
        if type_.name == "Int":
            return st.integers(
                min_value=-(2**31), max_value=2**31 - 1
            ) | st.sampled_from([2**31, -(2**31) - 1, 2**53 + 1])
        if type_.name == "Float":
            return st.floats(allow_nan=False, allow_infinity=False)
        if type_.name == "Boolean":
            return st.booleans()
        if type_.name == "JSONObject":
            return json_objects(matching(self.pools.prototypes, name))
        if type_.name == "JSONValue":
            return json_values
        raise UnsupportedType(f"No strategy for the scalar {type_.name} of {name}.")

    def input_object(self, type_: GraphQLInputObjectType) -> st.SearchStrategy:
        fields = {
            name: self.of_type(input_field.type, name)
            for name, input_field in type_.fields.items()
        }
        return st.fixed_dictionaries(fields).map(_without_absent)

    def list_of(self, type_: GraphQLList, name: str) -> st.SearchStrategy:
        items = self.of_type(type_.of_type, name, absent=False)
        oversized = st.builds(
            operator.mul,
            st.lists(items, min_size=1, max_size=1),
            # More items than GRAPHQL_MAX_LIST_ITEMS (100) allows.
            st.integers(min_value=101, max_value=130),
        )
        return weighted(
            (16, st.lists(items, max_size=4)),
            (1, oversized),
            # GraphQL reads a single value where a list is declared as a
            # list of one.
            (1, items),
        )


def _replaced(values: dict, name: str, value) -> dict:
    return {**values, name: value}


def _without_absent(values: dict) -> dict:
    return {key: item for key, item in values.items() if item is not ABSENT}
