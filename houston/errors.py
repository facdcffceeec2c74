"""Outcome codes and the exception that services raise for expected failures.

Invalid input is reported with Django's ValidationError, one entry per field.
Every other expected failure is a HoustonError carrying a StatusCode. The
GraphQL layer turns both into a mutation's status payload, or into a
top-level error with `extensions.code` for queries.
"""

import enum


class StatusCode(enum.Enum):
    """The outcome of an operation, as reported in the payload's `code`."""

    OK = "OK"
    INVALID_INPUT = "INVALID_INPUT"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    NOT_AUTHENTICATED = "NOT_AUTHENTICATED"
    INVALID_TOKEN = "INVALID_TOKEN"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    EMAIL_NOT_CONFIRMED = "EMAIL_NOT_CONFIRMED"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    NOT_FOUND = "NOT_FOUND"
    ORGANIZATION_HEADER_REQUIRED = "ORGANIZATION_HEADER_REQUIRED"
    ORGANIZATION_MISMATCH = "ORGANIZATION_MISMATCH"
    LAST_OWNER = "LAST_OWNER"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"

    @property
    def description(self) -> str:
        """The meaning of the code, shown in the schema."""
        return STATUS_DESCRIPTIONS[self]


class FieldErrorCode(enum.Enum):
    """The reason one input field was rejected, reported in `errors[].code`."""

    REQUIRED = "REQUIRED"
    INVALID = "INVALID"
    INVALID_TYPE = "INVALID_TYPE"
    INVALID_CHOICE = "INVALID_CHOICE"
    MAX_LENGTH = "MAX_LENGTH"
    MIN_VALUE = "MIN_VALUE"
    MAX_VALUE = "MAX_VALUE"
    MAX_ITEMS = "MAX_ITEMS"
    NULL_CHARACTERS = "NULL_CHARACTERS"
    CONTROL_CHARACTERS = "CONTROL_CHARACTERS"
    UNIQUE = "UNIQUE"
    UNKNOWN_FIELD = "UNKNOWN_FIELD"
    NOT_FOUND = "NOT_FOUND"
    PATTERN_MISMATCH = "PATTERN_MISMATCH"
    DEPRECATED = "DEPRECATED"
    PASSWORD_TOO_SHORT = "PASSWORD_TOO_SHORT"
    PASSWORD_TOO_SIMILAR = "PASSWORD_TOO_SIMILAR"
    PASSWORD_TOO_COMMON = "PASSWORD_TOO_COMMON"
    PASSWORD_ENTIRELY_NUMERIC = "PASSWORD_ENTIRELY_NUMERIC"

    @property
    def description(self) -> str:
        """The meaning of the code, shown in the schema."""
        return FIELD_ERROR_DESCRIPTIONS[self]


STATUS_DESCRIPTIONS = {
    StatusCode.OK: "The operation took effect.",
    StatusCode.INVALID_INPUT: "At least one argument is invalid; see `errors`.",
    StatusCode.INVALID_CREDENTIALS: "The email address or password is wrong.",
    StatusCode.NOT_AUTHENTICATED: "No credentials were sent.",
    StatusCode.INVALID_TOKEN: "The token, API key or link is invalid or used.",
    StatusCode.TOKEN_EXPIRED: "The token or link has expired.",
    StatusCode.EMAIL_NOT_CONFIRMED: "The caller must confirm their address first.",
    StatusCode.PERMISSION_DENIED: "The caller's role does not allow this.",
    StatusCode.NOT_FOUND: "The target does not exist or is not visible.",
    StatusCode.ORGANIZATION_HEADER_REQUIRED: "The `Organization` header is missing.",
    StatusCode.ORGANIZATION_MISMATCH: (
        "The `Organization` header names another organization."
    ),
    StatusCode.LAST_OWNER: "The change would leave an organization without an Owner.",
    StatusCode.CONFLICT: "The target's state or dependants do not allow this.",
    StatusCode.RATE_LIMITED: "Too many requests; see `retryAfter`.",
    StatusCode.INTERNAL_SERVER_ERROR: "An unexpected error, logged under a request ID.",
}

FIELD_ERROR_DESCRIPTIONS = {
    FieldErrorCode.REQUIRED: "A value is required.",
    FieldErrorCode.INVALID: "The value is not valid.",
    FieldErrorCode.INVALID_TYPE: "The value has the wrong JSON type.",
    FieldErrorCode.INVALID_CHOICE: "The value is not one of the allowed choices.",
    FieldErrorCode.MAX_LENGTH: "The text is too long.",
    FieldErrorCode.MIN_VALUE: "The number is below the minimum.",
    FieldErrorCode.MAX_VALUE: "The number is above the maximum.",
    FieldErrorCode.MAX_ITEMS: "The list or map has too many entries.",
    FieldErrorCode.NULL_CHARACTERS: "The text contains NUL characters.",
    FieldErrorCode.CONTROL_CHARACTERS: "The text contains control characters.",
    FieldErrorCode.UNIQUE: "Another object already has this value.",
    FieldErrorCode.UNKNOWN_FIELD: "The key is not defined for this destination.",
    FieldErrorCode.NOT_FOUND: "No object with this ID is visible to the caller.",
    FieldErrorCode.PATTERN_MISMATCH: "The text does not have the expected format.",
    FieldErrorCode.DEPRECATED: "The destination was removed from the catalog.",
    FieldErrorCode.PASSWORD_TOO_SHORT: "The password has fewer than 8 characters.",
    FieldErrorCode.PASSWORD_TOO_SIMILAR: "The password is close to the email or name.",
    FieldErrorCode.PASSWORD_TOO_COMMON: "The password is a commonly used one.",
    FieldErrorCode.PASSWORD_ENTIRELY_NUMERIC: "The password has only digits.",
}


# Django's own validation codes, by the field error code they are reported as.
# A code missing here is reported as INVALID.
DJANGO_FIELD_ERROR_CODES = {
    "required": FieldErrorCode.REQUIRED,
    "blank": FieldErrorCode.REQUIRED,
    "null": FieldErrorCode.REQUIRED,
    "invalid_choice": FieldErrorCode.INVALID_CHOICE,
    "max_length": FieldErrorCode.MAX_LENGTH,
    "min_value": FieldErrorCode.MIN_VALUE,
    "max_value": FieldErrorCode.MAX_VALUE,
    "null_characters_not_allowed": FieldErrorCode.NULL_CHARACTERS,
    "unique": FieldErrorCode.UNIQUE,
    "password_too_short": FieldErrorCode.PASSWORD_TOO_SHORT,
    "password_too_similar": FieldErrorCode.PASSWORD_TOO_SIMILAR,
    "password_too_common": FieldErrorCode.PASSWORD_TOO_COMMON,
    "password_entirely_numeric": FieldErrorCode.PASSWORD_ENTIRELY_NUMERIC,
}


class HoustonError(Exception):
    """An expected failure that is reported to the caller with a code."""

    code = StatusCode.INVALID_INPUT
    default_message = "The request could not be completed."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: StatusCode | None = None,
        field: str | None = None,
    ):
        self.message = message or self.default_message
        if code is not None:
            self.code = code
        # The input field that names the missing or forbidden object, if any.
        self.field = field
        super().__init__(self.message)

    def payload_fields(self) -> dict:
        """Return extra fields for the failed payload, by attribute name."""
        return {}


class RateLimited(HoustonError):
    """Too many requests; `retry_after` is the wait in seconds."""

    code = StatusCode.RATE_LIMITED

    def __init__(self, message: str, *, retry_after: int):
        self.retry_after = retry_after
        super().__init__(message)

    def payload_fields(self) -> dict:
        return {"retry_after": self.retry_after}


class NotAuthenticated(HoustonError):
    code = StatusCode.NOT_AUTHENTICATED
    default_message = "Sign in first: send a token in the Authorization header."


class PermissionDenied(HoustonError):
    code = StatusCode.PERMISSION_DENIED
    default_message = "You do not have permission to do this."


class NotFound(HoustonError):
    code = StatusCode.NOT_FOUND
    default_message = "Not found."


class Conflict(HoustonError):
    """The target's state, or objects that depend on it, rule the change
    out."""

    code = StatusCode.CONFLICT
    default_message = "Other objects depend on this one."


class LastOwner(HoustonError):
    code = StatusCode.LAST_OWNER
    default_message = (
        "An organization must keep at least one Owner. Make another member an "
        "Owner first, or delete the organization."
    )


class EmailNotConfirmed(HoustonError):
    code = StatusCode.EMAIL_NOT_CONFIRMED
    default_message = (
        "Confirm your email address first: open the link in the confirmation "
        "message, or ask for a new one."
    )
