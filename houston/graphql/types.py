import graphene

from houston.errors import FieldErrorCode, StatusCode

StatusCodeEnum = graphene.Enum.from_enum(
    StatusCode, description="The outcome of an operation."
)
FieldErrorCodeEnum = graphene.Enum.from_enum(
    FieldErrorCode, description="Why an input field was rejected."
)


class FieldError(graphene.ObjectType):
    """A problem with one input field."""

    field = graphene.String(
        description="The argument at fault in camelCase, with a dotted path "
        "into JSON arguments such as `details.apiKey`; null when the problem "
        "concerns the input as a whole."
    )
    message = graphene.String(required=True, description="What is wrong.")
    code = graphene.Field(
        FieldErrorCodeEnum, required=True, description="The kind of problem."
    )


class MutationStatus(graphene.Interface):
    """The status that every mutation returns."""

    success = graphene.Boolean(
        required=True, description="Whether the mutation took effect."
    )
    message = graphene.String(
        required=True, description="What happened, for people to read."
    )
    code = graphene.Field(
        StatusCodeEnum,
        required=True,
        description="`OK` on success, otherwise the reason for the failure.",
    )
    id = graphene.ID(description="The object that was created or changed.")
    retry_after = graphene.Int(
        description="With code `RATE_LIMITED`: the seconds to wait before "
        "trying again, also sent as the Retry-After header."
    )
    errors = graphene.List(
        graphene.NonNull(FieldError),
        required=True,
        description="The invalid input fields; empty unless `code` is "
        "`INVALID_INPUT` or names one argument.",
    )


class StatusMessage(graphene.ObjectType):
    """The status returned by mutations that have nothing else to return."""

    class Meta:
        interfaces = (MutationStatus,)
