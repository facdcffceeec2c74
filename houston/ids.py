"""Parsing of the opaque public IDs that the API exchanges."""

import uuid


def parse_uuid(value) -> uuid.UUID | None:
    """Return `value` as a UUID, or None when it is not one.

    Lookups use this first, so that a malformed ID finds nothing instead of
    raising a database or validation error.
    """
    if isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
