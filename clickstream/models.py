import re
import secrets
import string
import uuid

from django.core.exceptions import ValidationError
from django.db import models

from houston.fields import EncryptedJSONField
from houston.models import TimeStampedModel
from houston.validators import no_control_characters, no_null_characters
from organizations.models import Organization

SOURCE_ID_ALPHABET = string.ascii_letters + string.digits + "_-"
SOURCE_ID_LENGTH = 21

# Fixed namespace of the UUID5 public IDs of catalog entries.
CATALOG_NAMESPACE = uuid.UUID("5f0c1a52-7a59-4d8e-9a51-2b7c0e8f4d13")


def new_source_id() -> str:
    """Return a random Source ID: 21 characters from A-Za-z0-9_-.

    That is 126 bits from `secrets`, so IDs are unguessable and collisions
    are not a practical concern; the unique index still guards against one.
    """
    return "".join(secrets.choice(SOURCE_ID_ALPHABET) for _ in range(SOURCE_ID_LENGTH))


def catalog_id(kind: str, code: str) -> uuid.UUID:
    """Return the public ID of a catalog entry, the same on every installation.

    `kind` is "connection" for connection prototypes and "destination" for
    clickstream prototypes.
    """
    return uuid.uuid5(CATALOG_NAMESPACE, f"{kind}:{code}")


class Platform(models.TextChoices):
    WEB = "analytics.js", "Web (analytics.js)"
    SERVER = "server", "Server"
    ANDROID = "analytics-android", "Android"
    IOS = "analytics-ios", "iOS"


class FieldType(models.TextChoices):
    INPUT = "input", "Text input"
    PASSWORD = "password", "Secret text"
    BOOLEAN = "boolean", "Boolean"
    NUMBER = "number", "Number"
    SELECT = "select", "One of a list of options"
    ARRAY = "array", "List of strings"
    MAP = "map", "String to string map"


class Application(TimeStampedModel):
    """A clickstream source: a website, server or app that sends events."""

    source_id = models.CharField(
        "Source ID",
        max_length=SOURCE_ID_LENGTH,
        unique=True,
        default=new_source_id,
        editable=False,
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="applications"
    )
    name = models.CharField(
        max_length=200,
        validators=[no_null_characters, no_control_characters],
        help_text="A name for people to read.",
    )
    platform = models.CharField(
        max_length=32,
        choices=Platform.choices,
        error_messages={
            "invalid_choice": "The platform must be one of "
            + ", ".join(Platform.values)
            + ".",
        },
    )
    enabled = models.BooleanField(
        default=True, help_text="Whether its events are routed."
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.name} ({self.source_id})"


class ConnectionPrototype(TimeStampedModel):
    """The credentials and account settings that a platform's destinations
    share, such as one set of AWS keys for every Amazon destination."""

    public_id = models.UUIDField(unique=True, editable=False)
    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    deprecated = models.BooleanField(
        default=False,
        help_text="Dropped from the catalog file but kept because connections "
        "or destinations use it.",
    )

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.public_id is None:
            self.public_id = catalog_id("connection", self.code)
        super().save(*args, **kwargs)

    def secret_field_names(self) -> set[str]:
        """Return the names of the password fields, whose values are stored
        encrypted."""
        return {
            field.property_name
            for field in self.fields.all()
            if field.field_type == FieldType.PASSWORD
        }


class ClickstreamPrototype(TimeStampedModel):
    """A destination in the catalog, with the fields its integrations take."""

    public_id = models.UUIDField(unique=True, editable=False)
    integration_code = models.SlugField(
        max_length=64, unique=True, help_text="The code that names the destination."
    )
    name = models.CharField(max_length=200, help_text="The destination's name.")
    category = models.SlugField(
        max_length=64, help_text="The kind of destination, such as analytics."
    )
    connection_prototype = models.ForeignKey(
        ConnectionPrototype, on_delete=models.PROTECT, related_name="destinations"
    )
    deprecated = models.BooleanField(
        default=False,
        help_text="Dropped from the catalog file but kept because connections "
        "or integrations use it. A deprecated entry takes no new connections "
        "or integrations.",
    )

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.public_id is None:
            self.public_id = catalog_id("destination", self.integration_code)
        super().save(*args, **kwargs)

    def clean(self):
        # Connections and integrations of this destination hold credentials
        # of the current connection prototype, so another prototype would
        # leave them mismatched.
        if self.pk is None:
            return
        stored = (
            ClickstreamPrototype.objects.filter(pk=self.pk)
            .values_list("connection_prototype_id", flat=True)
            .first()
        )
        if stored is None or stored == self.connection_prototype_id:
            return
        if self.connections.exists() or self.integrations.exists():
            raise ValidationError(
                {
                    "connection_prototype": ValidationError(
                        "Connections or integrations use this destination, so "
                        "its connection prototype cannot change.",
                        code="invalid",
                    )
                }
            )


class PrototypeField(models.Model):
    """One form field of a connection or config prototype."""

    property_name = models.CharField(max_length=64)
    label = models.CharField(max_length=200)
    field_type = models.CharField(max_length=16, choices=FieldType.choices)
    required = models.BooleanField(default=False)
    default = models.JSONField(null=True, blank=True)
    options = models.JSONField(
        default=list, blank=True, help_text="The allowed values of a select."
    )
    help = models.TextField(blank=True)
    pattern = models.CharField(
        max_length=500,
        blank=True,
        help_text="A regular expression that an input must match in full.",
    )
    max_length = models.PositiveIntegerField(null=True, blank=True)
    minimum = models.FloatField(null=True, blank=True)
    maximum = models.FloatField(null=True, blank=True)
    integer = models.BooleanField(
        default=False, help_text="Whether a number must be a whole number."
    )
    max_items = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self):
        return self.property_name

    def clean(self):
        """Check that the field's settings make a usable form field."""
        # Imported here because validation imports this module.
        from clickstream.validation import clean_value

        errors = {}
        if self.field_type == FieldType.SELECT:
            if not self.options:
                errors["options"] = "A select field needs at least one option."
        if not _is_option_list(self.options):
            errors["options"] = (
                'Options must be a list of {"value": "...", "label": "..."} '
                "objects with string values."
            )
        if self.pattern:
            try:
                re.compile(self.pattern)
            except re.error as error:
                errors["pattern"] = f"Invalid regular expression: {error}."
        if (
            self.default is not None
            and self.field_type in FieldType.values
            and "options" not in errors
            and "pattern" not in errors
        ):
            try:
                clean_value(self, self.default)
            except ValidationError as error:
                errors["default"] = [
                    f"The default is not a valid value: {message}"
                    for message in error.messages
                ]
        if errors:
            raise ValidationError(errors)


def _is_option_list(options) -> bool:
    return isinstance(options, list) and all(
        isinstance(option, dict)
        and set(option) == {"value", "label"}
        and isinstance(option["value"], str)
        and isinstance(option["label"], str)
        for option in options
    )


class ConnectionField(PrototypeField):
    prototype = models.ForeignKey(
        ConnectionPrototype, on_delete=models.CASCADE, related_name="fields"
    )

    class Meta(PrototypeField.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["prototype", "property_name"],
                name="clickstream_connection_field_unique",
            ),
        ]


class ConfigField(PrototypeField):
    prototype = models.ForeignKey(
        ClickstreamPrototype, on_delete=models.CASCADE, related_name="config_fields"
    )

    class Meta(PrototypeField.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["prototype", "property_name"],
                name="clickstream_config_field_unique",
            ),
        ]

    def clean(self):
        # Config payloads are stored in plain text, so secrets belong in the
        # connection prototype, whose password fields are encrypted.
        if self.field_type == FieldType.PASSWORD:
            raise ValidationError(
                {
                    "field_type": "Config fields cannot be passwords. Put "
                    "secrets in the connection prototype, whose password "
                    "fields are encrypted."
                }
            )
        super().clean()


class Connection(TimeStampedModel):
    """Credentials for one destination platform in one organization.

    Integrations of any destination that shares the connection prototype can
    reuse the connection. The values of the prototype's password fields are
    kept encrypted in `secret_details` and the others in `plain_details`.
    Read and write them together through `details`.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="connections"
    )
    name = models.CharField(
        max_length=200,
        validators=[no_null_characters, no_control_characters],
        help_text="A name for people to read.",
    )
    destination = models.ForeignKey(
        ClickstreamPrototype,
        on_delete=models.PROTECT,
        related_name="connections",
        help_text="The destination the connection was created for.",
    )
    connection_prototype = models.ForeignKey(
        ConnectionPrototype, on_delete=models.PROTECT, related_name="connections"
    )
    plain_details = models.JSONField(
        default=dict, blank=True, help_text="The values of non-secret fields."
    )
    secret_details = EncryptedJSONField(
        default=dict,
        blank=True,
        help_text="The values of password fields, encrypted.",
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.name

    @property
    def details(self) -> dict:
        """Every stored value, secrets decrypted."""
        return {**self.plain_details, **self.secret_details}

    @details.setter
    def details(self, values: dict) -> None:
        """Store `values`, splitting off the password fields to encrypt.

        Which fields are passwords comes from `connection_prototype`, so set
        it first.
        """
        secret = self.connection_prototype.secret_field_names()
        self.plain_details = {
            key: value for key, value in values.items() if key not in secret
        }
        self.secret_details = {
            key: value for key, value in values.items() if key in secret
        }


class Integration(TimeStampedModel):
    """A route from one source to one destination, with its settings."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="integrations"
    )
    destination = models.ForeignKey(
        ClickstreamPrototype, on_delete=models.PROTECT, related_name="integrations"
    )
    # RESTRICT, unlike PROTECT, lets an organization's deletion remove its
    # connections together with the integrations that use them.
    connection = models.ForeignKey(
        Connection, on_delete=models.RESTRICT, related_name="integrations"
    )
    name = models.CharField(
        max_length=200,
        validators=[no_null_characters, no_control_characters],
        help_text="A name for people to read.",
    )
    config = models.JSONField(default=dict, blank=True)
    enabled = models.BooleanField(
        default=True, help_text="Whether events take this route."
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.name

    @property
    def organization(self) -> Organization:
        return self.application.organization
