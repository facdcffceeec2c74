"""Prefetching of the relations that a GraphQL selection reads.

A list resolver passes its queryset through `prefetch_selected`, which walks
the request's selection set and adds a `prefetch_related` lookup for each
relation that the selected fields read, at every depth. Each relation then
costs one query for the whole response instead of one query per row, and a
relation that no selected field reads costs nothing.

An object type declares what its fields read in a class attribute,
`related_lookups`: a mapping from a field's name in the schema (camelCase)
to Django lookups relative to the type's model. When the field's type is an
object type, its first lookup must lead to that type's model, and the
nested selection continues from there. Resolvers of prefetched relations
must read them with `.all()`, or by attribute for a foreign key, because a
new filter or `order_by` makes a new query.
"""

from django.db.models import QuerySet
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    InlineFragmentNode,
    get_named_type,
)


def prefetch_selected(queryset: QuerySet, info) -> QuerySet:
    """Return `queryset` with the relations that the selection reads
    prefetched."""
    lookups: set[str] = set()
    object_type = get_named_type(info.return_type)
    if isinstance(object_type, GraphQLObjectType):
        _collect(object_type, info.field_nodes, info, "", lookups)
    if not lookups:
        return queryset
    return queryset.prefetch_related(*sorted(lookups))


def _collect(
    object_type: GraphQLObjectType, nodes, info, prefix: str, lookups: set[str]
) -> None:
    graphene_type = getattr(object_type, "graphene_type", None)
    declared = getattr(graphene_type, "related_lookups", {})
    for name, children in _selected_fields(nodes, info).items():
        paths = declared.get(name, ())
        lookups.update(prefix + path for path in paths)
        field = object_type.fields.get(name)
        if not paths or field is None:
            continue
        child_type = get_named_type(field.type)
        if isinstance(child_type, GraphQLObjectType):
            _collect(child_type, children, info, f"{prefix}{paths[0]}__", lookups)


def _selected_fields(nodes, info) -> dict[str, list[FieldNode]]:
    """Return the fields selected below `nodes`, by name, with fragments
    expanded. Directives such as @skip are ignored: prefetching a relation
    that is then skipped costs one query and changes no result."""
    fields: dict[str, list[FieldNode]] = {}
    for node in nodes:
        if node.selection_set is not None:
            _gather(node.selection_set.selections, info, fields)
    return fields


def _gather(selections, info, fields: dict[str, list[FieldNode]]) -> None:
    for selection in selections:
        if isinstance(selection, FieldNode):
            fields.setdefault(selection.name.value, []).append(selection)
        elif isinstance(selection, InlineFragmentNode):
            _gather(selection.selection_set.selections, info, fields)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = info.fragments.get(selection.name.value)
            if fragment is not None:
                _gather(fragment.selection_set.selections, info, fields)
