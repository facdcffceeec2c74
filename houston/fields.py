"""Model fields shared by the apps."""

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from houston import encryption


class Ciphertext(str):
    """A token read from the database and not decrypted yet."""


class DecryptingAttribute(DeferredAttribute):
    """Decrypt an encrypted field's value on first access.

    Rows load without decrypting, so listing connections works, and costs
    nothing extra, for callers that never read the secrets. A data
    descriptor (it defines `__set__`) so that reads always pass through it.
    """

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Ciphertext):
            value = encryption.decrypt_json(value)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class EncryptedJSONField(models.TextField):
    """A JSON value stored encrypted, as a Fernet token in a text column.

    Every save encrypts with the newest key of FIELD_ENCRYPTION_KEYS, also
    when the value was loaded and not changed. Lookups other than `isnull`
    cannot work, because each encryption of a value gives a different token.
    Serialization (`dumpdata`) writes the token, never the plaintext.
    """

    descriptor_class = DecryptingAttribute

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return Ciphertext(value)

    def get_prep_value(self, value):
        if value is None:
            return None
        if isinstance(value, Ciphertext):
            return encryption.reencrypt(value)
        return encryption.encrypt_json(value)

    def to_python(self, value):
        if isinstance(value, str):
            return encryption.decrypt_json(value)
        return value

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def formfield(self, **kwargs):
        # Secrets are never edited in forms, the admin included.
        return None
