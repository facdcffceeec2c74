"""The committed schema file, and what every part of the schema declares."""

from pathlib import Path

from graphql import GraphQLString, print_schema

from houston.graphql.limits import max_length_for, unwrap_type
from houston.schema import schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_schema_file_is_current():
    """schema.graphql must match the code; `make schema` rewrites it."""
    assert (
        SCHEMA_FILE.read_text(encoding="utf-8")
        == print_schema(schema.graphql_schema) + "\n"
    )


def test_every_string_argument_states_its_limit():
    graphql_schema = schema.graphql_schema
    arguments = [
        (f"{root.name}.{field_name}({name})", name, argument)
        for root in (graphql_schema.query_type, graphql_schema.mutation_type)
        for field_name, field in root.fields.items()
        for name, argument in field.args.items()
    ]
    arguments += [
        (f"{type_name}.{name}", name, field)
        for type_name, named_type in graphql_schema.type_map.items()
        if hasattr(named_type, "fields")
        and type(named_type).__name__.endswith("InputObjectType")
        for name, field in named_type.fields.items()
    ]

    strings = [
        entry for entry in arguments if unwrap_type(entry[2].type) is GraphQLString
    ]
    assert strings
    for where, name, argument in strings:
        assert f"At most {max_length_for(name)} characters" in argument.description, (
            where
        )
