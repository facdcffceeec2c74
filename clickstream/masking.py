from clickstream.models import FieldType

MASK = "********"


def mask_secret(value: str) -> str:
    """Hide a secret, showing at most its last four characters.

    Short secrets show fewer characters, a quarter of their length at most,
    and the mask has a fixed width, so it does not tell the length either.
    """
    visible = min(4, len(value) // 4)
    return MASK + value[len(value) - visible :] if visible else MASK


def mask_details(details: dict, fields) -> dict:
    """Return a copy of connection details with secret fields masked."""
    secret = {
        field.property_name
        for field in fields
        if field.field_type == FieldType.PASSWORD
    }
    return {
        key: mask_secret(value) if key in secret and isinstance(value, str) else value
        for key, value in details.items()
    }
