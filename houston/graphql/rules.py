"""Validation rules that bound the work a single request can ask for.

They run after GraphQL's standard rules, never in their place. Each limit
is a setting: GRAPHQL_MAX_DEPTH, GRAPHQL_MAX_ALIASES,
GRAPHQL_SINGLE_USE_FIELDS and GRAPHQL_MAX_LIST_ITEMS. GRAPHQL_MAX_FIELDS is
checked with `count_fields` before validation starts.
"""

import functools
import logging
from dataclasses import dataclass, field

from django.conf import settings
from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    InlineFragmentNode,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    SelectionSetNode,
    get_nullable_type,
    is_list_type,
    specified_rules,
    type_from_ast,
)

logger = logging.getLogger(__name__)

INTROSPECTION_FIELDS = {"__schema", "__type"}


def count_fields(document) -> int:
    """Return the number of field selections written in a document.

    A fragment's fields count once, where the fragment is defined.
    """
    count = 0
    pending = [
        definition.selection_set
        for definition in document.definitions
        if getattr(definition, "selection_set", None) is not None
    ]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                count += 1
            if getattr(selection, "selection_set", None) is not None:
                pending.append(selection.selection_set)
    return count


def validation_rules() -> list:
    """Return GraphQL's standard rules followed by Houston's limits."""
    rules = [*specified_rules, OperationLimitsRule, ListSizeRule]
    if not settings.GRAPHQL_INTROSPECTION:
        rules.append(NoSchemaIntrospectionCustomRule)
    return rules


def _guarded(method):
    """Report an error inside a rule as a validation error, not a crash."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception:
            logger.exception("Validation rule %s failed", type(self).__name__)
            self.report_error(GraphQLError("The request could not be validated."))
            return self.BREAK

    return wrapper


@dataclass
class _Cost:
    depth: int = 0
    aliases: int = 0
    single_use: dict[str, int] = field(default_factory=dict)


class OperationLimitsRule(ASTValidationRule):
    """Limit each operation's depth, aliases and uses of sensitive fields.

    Fragments are measured once each and their cost is reused at every
    spread, so a document that repeats fragments cannot make the rule slow.
    Introspection fields are not counted, because GraphiQL's introspection
    query is deep by design.
    """

    def __init__(self, context):
        super().__init__(context)
        self._fragments: dict[str, _Cost] = {}
        self._visiting: set[str] = set()

    @_guarded
    def enter_operation_definition(self, node: OperationDefinitionNode, *_):
        cost = self._measure(node.selection_set, root=True)
        name = f"'{node.name.value}'" if node.name else "The operation"

        if cost.depth > settings.GRAPHQL_MAX_DEPTH:
            self.report_error(
                GraphQLError(
                    f"{name} is nested {cost.depth} levels deep; at most "
                    f"{settings.GRAPHQL_MAX_DEPTH} are allowed.",
                    node,
                )
            )
        if cost.aliases > settings.GRAPHQL_MAX_ALIASES:
            self.report_error(
                GraphQLError(
                    f"{name} has {cost.aliases} aliases; at most "
                    f"{settings.GRAPHQL_MAX_ALIASES} are allowed.",
                    node,
                )
            )
        for field_name, count in cost.single_use.items():
            if count > 1:
                self.report_error(
                    GraphQLError(
                        f"{name} calls {field_name} {count} times; it may be "
                        "called once per operation.",
                        node,
                    )
                )
        return self.SKIP

    def _measure(self, selection_set: SelectionSetNode | None, root=False) -> _Cost:
        cost = _Cost()
        if selection_set is None:
            return cost
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                part = self._measure_field(selection, root)
            elif isinstance(selection, InlineFragmentNode):
                part = self._measure(selection.selection_set, root)
            elif isinstance(selection, FragmentSpreadNode):
                part = self._measure_fragment(selection.name.value, root)
            else:
                continue
            cost.depth = max(cost.depth, part.depth)
            cost.aliases += part.aliases
            for name, count in part.single_use.items():
                cost.single_use[name] = cost.single_use.get(name, 0) + count
        return cost

    def _measure_field(self, node: FieldNode, root: bool) -> _Cost:
        name = node.name.value
        if name in INTROSPECTION_FIELDS:
            return _Cost()
        inner = self._measure(node.selection_set)
        cost = _Cost(
            depth=inner.depth + 1,
            aliases=inner.aliases + (1 if node.alias else 0),
            single_use=inner.single_use,
        )
        if root and name in settings.GRAPHQL_SINGLE_USE_FIELDS:
            cost.single_use = {
                **cost.single_use,
                name: cost.single_use.get(name, 0) + 1,
            }
        return cost

    def _measure_fragment(self, name: str, root: bool) -> _Cost:
        key = f"{name}:{root}"
        if key in self._fragments:
            return self._fragments[key]
        fragment = self.context.get_fragment(name)
        # Unknown fragments and cycles are reported by the standard rules.
        if fragment is None or key in self._visiting:
            return _Cost()
        self._visiting.add(key)
        cost = self._measure(fragment.selection_set, root)
        self._visiting.discard(key)
        self._fragments[key] = cost
        return cost


class ListSizeRule(ASTValidationRule):
    """Limit the number of items in list arguments written in the document.

    Lists inside JSON scalars such as `details` are checked by the fields
    they fill, not here. Variables are checked by `oversized_variable_list`.
    """

    @_guarded
    def enter_list_value(self, node, *_):
        input_type = self.context.get_parent_input_type()
        limit = settings.GRAPHQL_MAX_LIST_ITEMS
        if is_list_type(get_nullable_type(input_type)) and len(node.values) > limit:
            self.report_error(
                GraphQLError(f"A list argument has more than {limit} items.", node)
            )
            return self.SKIP
        return None


def oversized_variable_list(schema, operation, variables: dict) -> str | None:
    """Return an error message if a variable fills a list-typed input with
    more items than GRAPHQL_MAX_LIST_ITEMS, else None."""
    limit = settings.GRAPHQL_MAX_LIST_ITEMS
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in variables:
            continue
        input_type = type_from_ast(schema, definition.type)
        if _has_oversized_list(input_type, variables[name], limit):
            return f"The variable ${name} has a list with more than {limit} items."
    return None


def _has_oversized_list(input_type, value, limit: int) -> bool:
    if isinstance(input_type, GraphQLNonNull):
        input_type = input_type.of_type
    if isinstance(input_type, GraphQLList) and isinstance(value, list):
        if len(value) > limit:
            return True
        return any(
            _has_oversized_list(input_type.of_type, item, limit) for item in value
        )
    if isinstance(input_type, GraphQLInputObjectType) and isinstance(value, dict):
        return any(
            _has_oversized_list(input_type.fields[key].type, item, limit)
            for key, item in value.items()
            if key in input_type.fields
        )
    return False
