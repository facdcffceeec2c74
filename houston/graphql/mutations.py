import logging

import graphene
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from graphene.utils.str_converters import to_camel_case

from houston.errors import (
    DJANGO_FIELD_ERROR_CODES,
    FieldErrorCode,
    HoustonError,
    RateLimited,
    StatusCode,
)
from houston.graphql.limits import argument_problems
from houston.graphql.types import FieldError, StatusMessage
from houston.ratelimit import check_mutation_rate

logger = logging.getLogger(__name__)


class StatusMutation(graphene.Mutation):
    """Base for mutations that return a status payload.

    A subclass implements `perform(cls, root, info, **arguments)`, which calls a
    service and returns `cls.succeed(...)`. A ValidationError or HoustonError
    raised on the way becomes a failed payload, so an expected failure is
    never a top-level GraphQL error.
    """

    Output = StatusMessage

    # Where a service's field names sit in the arguments, when they are
    # nested, such as {"first_name": "profile.firstName"}.
    error_paths: dict[str, str] = {}

    class Meta:
        abstract = True

    @classmethod
    def mutate(cls, root, info, **arguments):
        try:
            for operation, calls in cls.rate_limited_calls(info, arguments).items():
                check_mutation_rate(info.context, operation, calls)
            field = info.parent_type.fields[info.field_name]
            problems = argument_problems(field, arguments)
            if problems:
                raise ValidationError(problems)
            return cls.perform(root, info, **arguments)
        except ValidationError as error:
            errors = list(field_errors(error, cls.error_paths))
            logger.info(
                "%s rejected invalid input in %s",
                cls.__name__,
                sorted({entry.field or "input" for entry in errors}),
            )
            return cls.fail(StatusCode.INVALID_INPUT, summarize(errors), errors)
        except HoustonError as error:
            logger.info("%s failed with %s", cls.__name__, error.code.value)
            if isinstance(error, RateLimited):
                # The endpoint sends the longest wait as Retry-After.
                request = info.context
                request.retry_after = max(
                    getattr(request, "retry_after", 0), error.retry_after
                )
            errors = []
            if error.field is not None:
                code = FieldErrorCode.INVALID
                if error.code is StatusCode.NOT_FOUND:
                    code = FieldErrorCode.NOT_FOUND
                errors.append(
                    FieldError(field=error.field, message=error.message, code=code)
                )
            return cls.fail(error.code, error.message, errors, **error.payload_fields())

    @classmethod
    def perform(cls, root, info, **arguments):
        raise NotImplementedError

    @classmethod
    def rate_limited_calls(cls, info, arguments) -> dict[str, int]:
        """Return the calls that this request counts against rate limits,
        by operation name. A mutation that does the work of several calls
        of another one counts them too."""
        return {info.field_name: 1}

    @classmethod
    def succeed(cls, message: str, *, id=None, **fields):
        return cls.Output(
            success=True,
            code=StatusCode.OK,
            message=message,
            id=id,
            errors=[],
            **fields,
        )

    @classmethod
    def fail(cls, code: StatusCode, message: str, errors: list[FieldError], **fields):
        return cls.Output(
            success=False, code=code, message=message, id=None, errors=errors, **fields
        )


def field_errors(error: ValidationError, paths: dict[str, str] | None = None):
    """Yield one FieldError for each message in a Django ValidationError.

    A field named in `paths` takes the path given there. Other field names
    become camelCase. In a dotted path such as `details.apiKey`, only the
    first segment changes, because the others are keys of a JSON argument.
    """
    paths = paths or {}
    if hasattr(error, "error_dict"):
        groups = error.error_dict.items()
    else:
        groups = [(NON_FIELD_ERRORS, error.error_list)]

    for name, items in groups:
        for item in items:
            yield FieldError(
                field=paths.get(name) or field_path(name),
                message=next(iter(item)),
                code=_field_error_code(item.code),
            )


def field_path(name: str) -> str | None:
    if name == NON_FIELD_ERRORS:
        return None
    head, dot, rest = name.partition(".")
    return to_camel_case(head) + dot + rest


def summarize(errors: list[FieldError]) -> str:
    if len(errors) == 1:
        entry = errors[0]
        return f"{entry.field}: {entry.message}" if entry.field else entry.message
    return f"The input has {len(errors)} problems. See errors for each one."


def _field_error_code(code) -> FieldErrorCode:
    """Map a validation code to the API's enum, defaulting to INVALID.

    Services may raise with a FieldErrorCode value such as "UNKNOWN_FIELD".
    """
    if code in DJANGO_FIELD_ERROR_CODES:
        return DJANGO_FIELD_ERROR_CODES[code]
    try:
        return FieldErrorCode(code)
    except ValueError:
        return FieldErrorCode.INVALID
