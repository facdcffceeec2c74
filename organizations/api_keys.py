"""API keys: creation, and authentication of `Authorization: Api-Key <key>`.

A key reads `hou_` followed by 40 random URL-safe characters. Its first 12
characters are the prefix, stored in clear to find and show the key. The
whole key is stored only as a SHA-256 hash. A fast hash is enough because
the key is random with 240 bits of entropy, unlike a password that people
choose.
"""

import hashlib
import hmac
import secrets

from django.utils import timezone

from houston.errors import HoustonError, StatusCode
from organizations.models import ApiKey, Role

KEY_PREFIX = "hou_"
PREFIX_LENGTH = 12
RANDOM_BYTES = 30


class InvalidApiKey(HoustonError):
    code = StatusCode.INVALID_TOKEN
    default_message = "The API key is invalid or has been revoked."


class ApiKeyPrincipal:
    """The caller of a request authenticated with an API key.

    It takes the place of a signed-in user, so the permission checks in
    `organizations.permissions` treat both alike. It is authenticated,
    belongs to the key's organization only, and has the key's role there.
    Operations that need a person, such as `me`, reject it.
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_api_key = True
    email_confirmed = True

    def __init__(self, api_key: ApiKey):
        self.api_key = api_key
        self.public_id = api_key.public_id
        self.organization_id = api_key.organization_id
        self.role = Role(api_key.role)

    def __str__(self):
        return f"API key {self.api_key.prefix}"


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(RANDOM_BYTES)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_principal(key: str) -> ApiKeyPrincipal:
    """Return the caller for a raw key, or raise InvalidApiKey."""
    if not key.startswith(KEY_PREFIX) or len(key) > 100 or "\x00" in key:
        raise InvalidApiKey()

    api_key = (
        ApiKey.objects.select_related("organization")
        .filter(prefix=key[:PREFIX_LENGTH], revoked_at__isnull=True)
        .first()
    )
    # The comparison runs whether or not a key was found, in constant time.
    stored_hash = api_key.key_hash if api_key else hash_key("")
    if not hmac.compare_digest(stored_hash, hash_key(key)) or api_key is None:
        raise InvalidApiKey()

    now = timezone.now()
    if (
        api_key.last_used_at is None
        or now - api_key.last_used_at >= ApiKey.LAST_USED_RESOLUTION
    ):
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return ApiKeyPrincipal(api_key)
