import json

import graphene
from graphql import Undefined, value_from_ast_untyped
from graphql.language import StringValueNode


class JSONObject(graphene.Scalar):
    """A JSON object. Write it as a GraphQL object literal
    (`{apiKey: "123"}`), pass it in a variable, or send a string that contains
    JSON-encoded text."""

    @staticmethod
    def serialize(value):
        return value

    @staticmethod
    def parse_value(value):
        if isinstance(value, str):
            return _decode(value)
        return value

    @staticmethod
    def parse_literal(node, variables=None):
        if isinstance(node, StringValueNode):
            return _decode(node.value)
        value = value_from_ast_untyped(node, variables)
        # A literal that names an absent variable is invalid.
        if value is Undefined:
            raise ValueError("The JSON object refers to an undefined variable.")
        return value


def _decode(text: str):
    """Decode JSON text, leaving text that is not JSON, or is JSON null, as
    it is.

    The services reject anything but an object with an error on the field,
    so undecodable text is reported the same way as a wrong type. The text
    `null` stays text because GraphQL checks that a required argument is
    not null before this runs, so a null from here would fail later, inside
    execution.
    """
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return text
    return text if value is None else value


class JSONValue(graphene.Scalar):
    """Any JSON value: a string, number, boolean, list, object or null."""

    @staticmethod
    def serialize(value):
        return value

    @staticmethod
    def parse_value(value):
        return value

    @staticmethod
    def parse_literal(node, variables=None):
        return value_from_ast_untyped(node, variables)
