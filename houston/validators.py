import re

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

from houston.errors import FieldErrorCode

# PostgreSQL cannot store NUL in text columns and fails the whole statement,
# so text is checked before it reaches the database.
no_null_characters = ProhibitNullCharactersValidator()

# Control characters (C0 but NUL, which has its own check, DEL and C1) and
# the Unicode controls that reverse the direction of text. Names appear in
# mail and logs, where a line break would start a line the sender wrote, an
# escape sequence would drive the reader's terminal, and a direction override
# would disguise the text.
CONTROL_CHARACTERS = re.compile("[\x01-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def no_control_characters(value: str) -> None:
    """Reject single-line text, such as a name, that contains control
    characters."""
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            "Text must not contain control characters such as line breaks.",
            code=FieldErrorCode.CONTROL_CHARACTERS.value,
        )


def has_null_character(value: str) -> bool:
    return "\x00" in value
