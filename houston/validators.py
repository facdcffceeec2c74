from django.core.validators import ProhibitNullCharactersValidator

# PostgreSQL cannot store NUL in text columns and fails the whole statement,
# so text is checked before it reaches the database.
no_null_characters = ProhibitNullCharactersValidator()


def has_null_character(value: str) -> bool:
    return "\x00" in value
