import secrets
import string
import uuid

from django.db import models

from houston.models import TimeStampedModel
from houston.validators import no_null_characters
from organizations.models import Organization

SOURCE_ID_ALPHABET = string.ascii_letters + string.digits + "_-"
SOURCE_ID_LENGTH = 21


def new_source_id() -> str:
    """Return a random Source ID: 21 characters from A-Za-z0-9_-.

    That is 126 bits from `secrets`, so IDs are unguessable and collisions
    are not a practical concern; the unique index still guards against one.
    """
    return "".join(secrets.choice(SOURCE_ID_ALPHABET) for _ in range(SOURCE_ID_LENGTH))


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
    name = models.CharField(max_length=200, validators=[no_null_characters])
    platform = models.CharField(
        max_length=32,
        choices=Platform.choices,
        error_messages={
            "invalid_choice": "The platform must be one of "
            + ", ".join(Platform.values)
            + ".",
        },
    )
    enabled = models.BooleanField(default=True)

    def __str__(self):
        return f"{self.name} ({self.source_id})"


class ConnectionPrototype(TimeStampedModel):
    """The credentials and account settings that a platform's destinations
    share, such as one set of AWS keys for every Amazon destination."""

    public_id = models.UUIDField(unique=True, editable=False)
    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)

    def __str__(self):
        return self.name


class ClickstreamPrototype(TimeStampedModel):
    """A destination in the catalog, with the fields its integrations take."""

    public_id = models.UUIDField(unique=True, editable=False)
    integration_code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    category = models.SlugField(max_length=64)
    connection_prototype = models.ForeignKey(
        ConnectionPrototype, on_delete=models.PROTECT, related_name="destinations"
    )

    def __str__(self):
        return self.name


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


class Connection(TimeStampedModel):
    """Credentials for one destination platform in one organization.

    Integrations of any destination that shares the connection prototype can
    reuse the connection.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="connections"
    )
    name = models.CharField(max_length=200, validators=[no_null_characters])
    destination = models.ForeignKey(
        ClickstreamPrototype,
        on_delete=models.PROTECT,
        related_name="connections",
        help_text="The destination the connection was created for.",
    )
    connection_prototype = models.ForeignKey(
        ConnectionPrototype, on_delete=models.PROTECT, related_name="connections"
    )
    details = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return self.name


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
    name = models.CharField(max_length=200, validators=[no_null_characters])
    config = models.JSONField(default=dict, blank=True)
    enabled = models.BooleanField(default=True)

    def __str__(self):
        return self.name

    @property
    def organization(self) -> Organization:
        return self.application.organization
