"""Symmetric encryption of values stored in the database.

Values are encrypted with Fernet (AES-128-CBC with an HMAC-SHA256
signature, from the `cryptography` package) under the keys of
`settings.FIELD_ENCRYPTION_KEYS`. The first key encrypts, and every key in
the list decrypts, so operators can rotate keys. They put a new key first,
re-encrypt with `manage.py rotate_secrets`, then drop the old key.
"""

import functools
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

UNREADABLE_MESSAGE = (
    "A stored secret cannot be decrypted with any key in FIELD_ENCRYPTION_KEYS. "
    "Add back the key that encrypted it."
)


class DecryptionError(Exception):
    """A stored value cannot be decrypted with any configured key.

    The message never contains the value or a key.
    """


def check_keys() -> None:
    """Raise ImproperlyConfigured unless every configured key is usable."""
    _fernet()


def encrypt_json(value) -> str:
    """Return `value` serialized as JSON and encrypted with the newest key."""
    text = json.dumps(value, separators=(",", ":"))
    return _fernet().encrypt(text.encode()).decode("ascii")


def decrypt_json(token: str):
    """Return the JSON value that `token` holds. Raises DecryptionError."""
    try:
        text = _fernet().decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError) as error:
        raise DecryptionError(UNREADABLE_MESSAGE) from error
    return json.loads(text)


def reencrypt(token: str) -> str:
    """Return `token` encrypted anew with the newest key.

    The plaintext and the token's timestamp stay the same. Raises
    DecryptionError when no configured key opens the token.
    """
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeEncodeError) as error:
        raise DecryptionError(UNREADABLE_MESSAGE) from error


@functools.cache
def _fernet() -> MultiFernet:
    keys = settings.FIELD_ENCRYPTION_KEYS
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must list at least one key.")
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (TypeError, ValueError) as error:
            # The key itself is not shown: it is a secret even when malformed.
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key {position} of {len(keys)} is not "
                "a Fernet key (32 bytes in URL-safe base64). Generate one with "
                '`python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"`.'
            ) from error
    return MultiFernet(fernets)


@receiver(setting_changed)
def _forget_keys(*, setting, **kwargs):
    """Rebuild the key list when a test overrides the setting."""
    if setting == "FIELD_ENCRYPTION_KEYS":
        _fernet.cache_clear()
