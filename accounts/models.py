import unicodedata
import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower

from houston.models import TimeStampedModel
from houston.validators import no_control_characters, no_null_characters


def normalize_email(email: str) -> str:
    """Return the stored form of an address: NFKC-normalized, trimmed and in
    lower case.

    Mail providers treat the local part without regard to case, and so does
    Houston, so that `A@X.io` and `a@x.io` are one account. NFKC is the form
    that Django gives usernames, so an address typed with combining accents
    finds the account it made.
    """
    return unicodedata.normalize("NFKC", email).strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get_by_email(username)

    def get_by_email(self, email: str) -> "User":
        """Return the user with this address in any letter case.

        Raises User.DoesNotExist when there is none.
        """
        return self.alias(email_lower=Lower("email")).get(
            email_lower=normalize_email(email)
        )

    def create_user(self, email, password=None, **extra_fields):
        user = self.model(email=normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("email_confirmed", True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin, TimeStampedModel):
    """A person who signs in with an email address and a password."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(
        help_text="The address the user signs in with.",
        unique=True,
        validators=[no_null_characters],
        error_messages={"unique": "A user with this email already exists."},
    )
    first_name = models.CharField(
        help_text="Given name.",
        max_length=150,
        blank=True,
        validators=[no_null_characters, no_control_characters],
    )
    last_name = models.CharField(
        help_text="Family name.",
        max_length=150,
        blank=True,
        validators=[no_null_characters, no_control_characters],
    )
    company = models.CharField(
        help_text="Company or team.",
        max_length=200,
        blank=True,
        validators=[no_null_characters, no_control_characters],
    )
    email_confirmed = models.BooleanField(default=False)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    pending_email = models.EmailField(
        blank=True,
        validators=[no_null_characters],
        help_text="A new address that the user asked for and has not yet "
        "confirmed. The account keeps its current address until then.",
    )
    token_version = models.PositiveIntegerField(
        default=0,
        help_text="Carried in every token. Raising it ends every token issued before.",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message="A user with this email already exists.",
            ),
        ]

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        self.email = normalize_email(self.email)

    def end_tokens(self) -> None:
        """End every token issued so far. The caller saves the user."""
        self.token_version += 1

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name


class SignInAddress(TimeStampedModel):
    """A client address that a user has signed in from.

    A successful sign-in from an address not seen before for the account
    mails the user a notice. `updated_at` is the last sign-in from it.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="sign_in_addresses"
    )
    # An IPv4 address, or the /64 network of an IPv6 address.
    address = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "address"], name="accounts_one_sign_in_address"
            ),
        ]

    def __str__(self):
        return self.address
