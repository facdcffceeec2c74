import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from houston.models import TimeStampedModel
from houston.validators import no_control_characters, no_null_characters


class Organization(TimeStampedModel):
    """A group of users that shares control of clickstream pipelines."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(
        max_length=200,
        validators=[no_null_characters, no_control_characters],
        help_text="A name for people to read.",
    )
    # TextField's max_length only reaches forms, so a validator enforces it.
    description = models.TextField(
        max_length=2000,
        blank=True,
        validators=[MaxLengthValidator(2000), no_null_characters],
        help_text="What the organization is.",
    )
    website = models.URLField(
        blank=True,
        validators=[no_null_characters],
        help_text="The organization's website.",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="organizations",
    )

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    USER = "user", "User"

    @property
    def description(self) -> str:
        """What the role may do, shown in the schema."""
        if self is Role.OWNER:
            return "Full control, including members, roles and API keys."
        return "Reads the organization and edits its pipelines."


class Membership(TimeStampedModel):
    """A user's place in an organization, with their role there."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.USER)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="organizations_one_membership"
            ),
        ]

    def __str__(self):
        return f"{self.user} in {self.organization} as {self.get_role_display()}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        """Invitations that are neither accepted nor revoked, expired or not."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def for_email(self, email: str):
        return self.alias(email_lower=Lower("email")).filter(
            email_lower=email.strip().lower()
        )


class Invitation(TimeStampedModel):
    """An offer of membership mailed to an address that has no account.

    Accepting it creates the account and the membership. Each new link
    restarts the expiry, and accepting or revoking the invitation ends every
    link at once.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(
        validators=[no_null_characters], help_text="The invited address."
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.USER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_sent",
    )
    sent_at = models.DateTimeField(
        default=timezone.now, help_text="When the newest link was mailed."
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text="When an Owner revoked it."
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "organization",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="organizations_one_open_invitation",
            ),
        ]

    def __str__(self):
        return f"{self.email} to {self.organization}"

    @property
    def expires_at(self):
        return self.sent_at + settings.INVITATION_MAX_AGE

    @property
    def status(self) -> InvitationStatus:
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        if timezone.now() >= self.expires_at:
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING


class ApiKey(TimeStampedModel):
    """A credential for programs that act in one organization with a role.

    Only a SHA-256 hash of the key is stored, with a short prefix that
    identifies it in lists and finds it at sign-in. The key itself is shown
    once, when it is created.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(
        max_length=200,
        validators=[no_null_characters, no_control_characters],
        help_text="What the key is for.",
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.USER)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="api_keys_created",
    )
    last_used_at = models.DateTimeField(
        null=True, blank=True, help_text="When a request last used it, to the minute."
    )
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text="When an Owner revoked it."
    )

    # How often last_used_at is written, so that a busy key does not cost a
    # database write per request.
    LAST_USED_RESOLUTION = timedelta(minutes=1)

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
