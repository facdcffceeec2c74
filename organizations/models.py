import uuid

from django.conf import settings
from django.db import models

from houston.models import TimeStampedModel
from houston.validators import no_null_characters


class Organization(TimeStampedModel):
    """A group of users that shares control of clickstream pipelines."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, validators=[no_null_characters])
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
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="organizations_one_membership"
            ),
        ]

    def __str__(self):
        return f"{self.user} in {self.organization} as {self.get_role_display()}"
