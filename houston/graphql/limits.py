"""Maximum lengths of String arguments, and their enforcement.

Every String argument of a root field, and every String field of an input
object, has a maximum length and must not contain NUL characters. The
limits live in this module alone: `annotate_string_limits` writes each one
into the schema's descriptions, so GraphiQL shows it, and
`argument_problems` enforces the same numbers.

ID arguments are not limited here: an ID of the wrong shape finds nothing
and is reported as NOT_FOUND or an empty list. JSON arguments such as
`details` are checked field by field against their prototypes.
"""

from django.core.exceptions import ValidationError
from graphql import (
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    GraphQLString,
)

from houston.errors import FieldErrorCode

# Limits by argument or input field name, in characters.
STRING_MAX_LENGTHS = {
    "email": 254,
    "username": 254,
    "password": 256,
    "oldPassword": 256,
    "newPassword": 256,
    "token": 2048,
    "name": 200,
    "firstName": 150,
    "lastName": 150,
    "company": 200,
    "description": 2000,
    "website": 200,
    "platform": 32,
    "integrationCode": 64,
    "category": 64,
}
STRING_MAX_LENGTH = 1000


def max_length_for(name: str) -> int:
    return STRING_MAX_LENGTHS.get(name, STRING_MAX_LENGTH)


def unwrap_type(graphql_type):
    while isinstance(graphql_type, (GraphQLNonNull, GraphQLList)):
        graphql_type = graphql_type.of_type
    return graphql_type


def annotate_string_limits(schema: GraphQLSchema) -> None:
    """Append each String argument's limit to its description."""
    definitions = []
    for root in (schema.query_type, schema.mutation_type):
        for field in root.fields.values():
            definitions.extend(field.args.items())
    for named_type in schema.type_map.values():
        if isinstance(named_type, GraphQLInputObjectType):
            definitions.extend(named_type.fields.items())

    for name, definition in definitions:
        if unwrap_type(definition.type) is not GraphQLString:
            continue
        limit = f"At most {max_length_for(name)} characters, without NUL characters."
        description = (definition.description or "").strip()
        if limit not in description:
            definition.description = f"{description} {limit}".strip()


def argument_problems(field, arguments: dict) -> dict[str, list[ValidationError]]:
    """Return the String arguments of `field` that break their limits.

    `arguments` are the resolver's keyword arguments, named as Python names
    (graphene's `out_name`). The result maps each problem's path in the
    request, such as `profile.firstName`, to its errors.
    """
    problems: dict[str, list[ValidationError]] = {}
    for name, definition in field.args.items():
        key = definition.out_name or name
        if key in arguments:
            _check(name, definition.type, arguments[key], name, problems)
    return problems


def _check(name, graphql_type, value, path, problems) -> None:
    if value is None:
        return
    if isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    if isinstance(graphql_type, GraphQLList):
        if isinstance(value, (list, tuple)):
            for position, item in enumerate(value):
                _check(name, graphql_type.of_type, item, f"{path}.{position}", problems)
        return
    if isinstance(graphql_type, GraphQLInputObjectType):
        for field_name, field in graphql_type.fields.items():
            key = field.out_name or field_name
            if isinstance(value, dict) and key in value:
                _check(
                    field_name, field.type, value[key], f"{path}.{field_name}", problems
                )
        return
    if graphql_type is GraphQLString and isinstance(value, str):
        limit = max_length_for(name)
        if "\x00" in value:
            problems[path] = [
                ValidationError(
                    "Text must not contain NUL characters.",
                    code=FieldErrorCode.NULL_CHARACTERS.value,
                )
            ]
        elif len(value) > limit:
            problems[path] = [
                ValidationError(
                    f"Text must be at most {limit} characters.",
                    code=FieldErrorCode.MAX_LENGTH.value,
                )
            ]
