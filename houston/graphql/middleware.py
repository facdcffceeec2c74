from graphql import OperationType

from houston.errors import HoustonError, StatusCode
from houston.graphql.limits import argument_problems


class ArgumentLimitsMiddleware:
    """Reject a query whose String arguments break their limits.

    Mutations check the same limits themselves, so that the problem is
    reported in their status payload; see `StatusMutation`.
    """

    def resolve(self, next_resolver, root, info, **arguments):
        is_root = info.path.prev is None
        # Introspection fields such as __type are not among the type's fields.
        field = info.parent_type.fields.get(info.field_name)
        if (
            is_root
            and field is not None
            and arguments
            and info.operation.operation == OperationType.QUERY
        ):
            problems = argument_problems(field, arguments)
            if problems:
                path, (error, *_) = next(iter(problems.items()))
                raise HoustonError(
                    f"{path}: {error.messages[0]}", code=StatusCode.INVALID_INPUT
                )
        return next_resolver(root, info, **arguments)
