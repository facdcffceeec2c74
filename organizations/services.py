"""Writes to organizations, their members, invitations and API keys.

Every change to memberships locks the organization's row first, so that two
concurrent changes cannot both remove the last Owner.
"""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.links import InvalidLink
from accounts.models import User, normalize_email
from accounts.services import account_validate
from accounts.tokens import token_issue
from houston.errors import (
    Conflict,
    FieldErrorCode,
    LastOwner,
    NotFound,
    PermissionDenied,
)
from houston.ids import parse_uuid
from houston.mail import send_templated_mail
from houston.validators import has_null_character
from organizations import api_keys, invitations
from organizations.models import ApiKey, Invitation, Membership, Organization, Role

logger = logging.getLogger(__name__)


@dataclass
class OrganizationChanges:
    """Everything that one updateOrganization call may change."""

    name: str | None = None
    description: str | None = None
    website: str | None = None
    add_users: list[dict] = field(default_factory=list)
    remove_user_ids: list[str] = field(default_factory=list)
    set_roles: list[dict] = field(default_factory=list)

    @property
    def changes_details(self) -> bool:
        details = (self.name, self.description, self.website)
        return any(value is not None for value in details)

    @property
    def changes_members(self) -> bool:
        return bool(self.add_users or self.remove_user_ids or self.set_roles)


# Organizations


def organization_create(
    *, actor, name: str, owner_id=None, description: str = "", website: str = ""
) -> Organization:
    """Create an organization whose first Owner is `actor`.

    `owner_id`, when given, must be the public ID of `actor`, because a user
    can only create an organization for themself.
    """
    if owner_id is not None and parse_uuid(owner_id) != actor.public_id:
        raise PermissionDenied("You can only create an organization for yourself.")

    organization = Organization(
        name=name.strip(), description=description.strip(), website=website.strip()
    )
    organization.full_clean()
    with transaction.atomic():
        organization.save()
        Membership.objects.create(
            organization=organization, user=actor, role=Role.OWNER
        )
    logger.info(
        "User %s created organization %s", actor.public_id, organization.public_id
    )
    return organization


def organization_update(
    *, actor, organization: Organization, changes: OrganizationChanges
) -> Organization:
    """Apply every change of an updateOrganization call, or none of them.

    Members are added first, then roles change, then members are removed, so
    that one call can promote a new Owner and remove the old one. Raises
    ValidationError, NotFound or LastOwner, after which nothing has changed.
    """
    with transaction.atomic():
        organization = _lock(organization)
        had_owner = _has_owner(organization)
        if changes.changes_details:
            for attribute in ("name", "description", "website"):
                value = getattr(changes, attribute)
                if value is not None:
                    setattr(organization, attribute, value.strip())
            organization.full_clean()
            organization.save()

        add_errors = {}
        for position, entry in enumerate(changes.add_users):
            try:
                role = _clean_role(entry.get("role"))
            except ValidationError as error:
                add_errors[f"add_users.{position}.role"] = error.error_list
                continue
            try:
                _add_member(actor, organization, entry["email"], role)
            except ValidationError as error:
                add_errors[f"add_users.{position}.email"] = error.error_list
        if add_errors:
            raise ValidationError(add_errors)

        for position, entry in enumerate(changes.set_roles):
            field_path = f"setRoles.{position}.userId"
            membership = _membership(organization, entry["user_id"], field_path)
            membership.role = entry["role"]
            membership.save(update_fields=["role", "updated_at"])

        for position, user_id in enumerate(changes.remove_user_ids):
            _membership(organization, user_id, f"removeUsers.{position}").delete()

        _ensure_owner(organization, had_owner=had_owner)

    logger.info(
        "User %s updated organization %s", actor.public_id, organization.public_id
    )
    return organization


def organization_delete(*, actor, organization: Organization) -> None:
    """Delete an organization with its sources, connections, integrations,
    memberships, invitations and API keys, in one transaction."""
    public_id = organization.public_id
    with transaction.atomic():
        organization.delete()
    logger.info("User %s deleted organization %s", actor.public_id, public_id)


# Members


def member_add(*, actor, organization: Organization, email: str, role: Role):
    """Add a user by email, or invite the address if it has no account.

    A confirmed account becomes a member at once and gets a notice by mail. Any
    other address gets an invitation link, which creates or confirms the
    account when it is accepted. Returns the Membership or the Invitation.
    """
    try:
        role = _clean_role(role)
    except ValidationError as error:
        raise ValidationError({"role": error.error_list}) from None
    with transaction.atomic():
        organization = _lock(organization)
        try:
            return _add_member(actor, organization, email, role)
        except ValidationError as error:
            raise ValidationError({"email": error.error_list}) from None


def _add_member(actor, organization: Organization, email: str, role: Role):
    email = _clean_email(email)
    user = User.objects.filter(email=email, is_active=True).first()
    if user is not None and user.email_confirmed:
        return _add_confirmed_user(actor, organization, user, role)

    # An unconfirmed account may belong to someone who typed another
    # person's address, so it only joins through the mailed link.
    invitation = (
        Invitation.objects.pending()
        .for_email(email)
        .filter(organization=organization)
        .first()
    )
    if invitation is None:
        invitation = Invitation(organization=organization, email=email)
    invitation.role = role
    invitation.invited_by = actor
    invitations.send(invitation)
    logger.info(
        "User %s invited a new member to organization %s with invitation %s",
        actor.public_id,
        organization.public_id,
        invitation.public_id,
    )
    return invitation


def _add_confirmed_user(actor, organization, user, role) -> Membership:
    if Membership.objects.filter(organization=organization, user=user).exists():
        raise ValidationError(
            "This user is already a member. Use setOrganizationUserRole to "
            "change their role.",
            code=FieldErrorCode.UNIQUE.value,
        )
    membership = Membership.objects.create(
        organization=organization, user=user, role=role
    )
    send_templated_mail(
        template="organization_added",
        to=user.email,
        context={
            "user": user,
            "organization": organization,
            "inviter": actor,
            "role": Role(role).label,
        },
    )
    logger.info(
        "User %s added user %s to organization %s",
        actor.public_id,
        user.public_id,
        organization.public_id,
    )
    return membership


def _clean_role(role) -> Role:
    """Return `role` as a Role, or raise ValidationError.

    GraphQL passes an explicit null where the argument's default would
    apply, and the database rejects a null role with an IntegrityError.
    """
    if role is None:
        raise ValidationError("Choose the role OWNER or USER.", code="required")
    try:
        return Role(role)
    except ValueError:
        raise ValidationError(
            "Choose the role OWNER or USER.", code="invalid_choice"
        ) from None


def _clean_email(email: str) -> str:
    email = normalize_email(email)
    if has_null_character(email):
        raise ValidationError(
            "The address must not contain NUL characters.",
            code="null_characters_not_allowed",
        )
    if len(email) > 254:
        raise ValidationError(
            "The address must be at most 254 characters.", code="max_length"
        )
    validate_email(email)
    return email


def member_remove(*, actor, organization: Organization, user_id) -> Membership:
    """Remove a member. Raises LastOwner for the last Owner."""
    with transaction.atomic():
        organization = _lock(organization)
        had_owner = _has_owner(organization)
        membership = _membership(organization, user_id, "userId")
        membership.delete()
        _ensure_owner(organization, had_owner=had_owner)
    logger.info(
        "User %s removed user %s from organization %s",
        actor.public_id,
        membership.user.public_id,
        organization.public_id,
    )
    return membership


def member_set_role(
    *, actor, organization: Organization, user_id, role: Role
) -> Membership:
    """Change a member's role. Raises LastOwner when it demotes the last
    Owner."""
    with transaction.atomic():
        organization = _lock(organization)
        had_owner = _has_owner(organization)
        membership = _membership(organization, user_id, "userId")
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
        _ensure_owner(organization, had_owner=had_owner)
    logger.info(
        "User %s made user %s %s in organization %s",
        actor.public_id,
        membership.user.public_id,
        Role(role).label,
        organization.public_id,
    )
    return membership


def member_leave(*, actor, organization: Organization) -> Membership:
    """Leave an organization. The last Owner cannot leave, because the
    organization would have no one to manage it. They must make another
    member an Owner or delete the organization."""
    return member_remove(
        actor=actor, organization=organization, user_id=actor.public_id
    )


def _lock(organization: Organization) -> Organization:
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _membership(organization: Organization, user_id, field_path: str) -> Membership:
    public_id = parse_uuid(user_id)
    membership = None
    if public_id is not None:
        membership = (
            Membership.objects.select_related("user")
            .filter(organization=organization, user__public_id=public_id)
            .first()
        )
    if membership is None:
        raise NotFound("No member with this user ID was found.", field=field_path)
    return membership


def _has_owner(organization: Organization) -> bool:
    return organization.memberships.filter(role=Role.OWNER).exists()


def _ensure_owner(organization: Organization, *, had_owner: bool) -> None:
    """Raise LastOwner when a change took away the last Owner.

    An organization left without Owners by other means, such as the admin,
    does not block changes that do not touch its Owners.
    """
    if had_owner and not _has_owner(organization):
        raise LastOwner()


# Invitations


def invitation_resend(*, actor, invitation: Invitation) -> Invitation:
    """Mail a new link for an open invitation, ending the older links."""
    with transaction.atomic():
        invitation = _lock_open_invitation(invitation)
        invitations.send(invitation)
    logger.info("User %s resent invitation %s", actor.public_id, invitation.public_id)
    return invitation


def invitation_revoke(*, actor, invitation: Invitation) -> Invitation:
    """Revoke an invitation, so that its links stop working at once."""
    with transaction.atomic():
        invitation = _lock_open_invitation(invitation)
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
    logger.info("User %s revoked invitation %s", actor.public_id, invitation.public_id)
    return invitation


def _lock_open_invitation(invitation: Invitation) -> Invitation:
    # Only the invitation's row is locked: PostgreSQL cannot lock the
    # nullable side of the join to the inviter.
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organization", "invited_by")
        .get(pk=invitation.pk)
    )
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise Conflict("This invitation was already accepted or revoked.")
    return invitation


@dataclass
class Acceptance:
    user: User
    organization: Organization
    token: str | None
    claims: dict | None


def invitation_accept(
    *,
    token: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    company: str = "",
) -> Acceptance:
    """Accept an invitation from its link, creating the account if needed.

    The link proves control of the address, so the account is confirmed.
    Without an account, one is created with `password` and the profile. An
    unconfirmed account for the address is taken over: it gets the new
    password and profile, because the person who created it could not confirm it. A
    confirmed account keeps its password, gets the membership, and no token
    is returned: its owner signs in as usual. Everything happens in one
    transaction.
    """
    invitation = invitations.read_token(token)
    with transaction.atomic():
        # A concurrent acceptance may have won since the token was read.
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None or invitation.revoked_at is not None:
            raise InvalidLink()

        user = User.objects.select_for_update().filter(email=invitation.email).first()
        if user is not None and not user.is_active:
            raise Conflict(
                "The account for this address is deactivated. Ask Houston's "
                "staff to reactivate it."
            )
        issue_token = user is None or not user.email_confirmed
        if issue_token:
            user = _account_for_invitation(
                user, invitation, password, first_name, last_name, company
            )
        Membership.objects.get_or_create(
            organization=invitation.organization,
            user=user,
            defaults={"role": invitation.role},
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])

    logger.info("User %s accepted invitation %s", user.public_id, invitation.public_id)
    token_value, claims = token_issue(user) if issue_token else (None, None)
    return Acceptance(user, invitation.organization, token_value, claims)


def _account_for_invitation(
    user, invitation, password, first_name, last_name, company
) -> User:
    if user is None:
        user = User(email=invitation.email)
    else:
        # The person who created the unconfirmed account may have its
        # tokens, and they must not outlive the takeover.
        user.end_tokens()
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.company = company.strip()
    user.email_confirmed = True
    user.email_confirmed_at = timezone.now()

    # The address comes from the invitation, which checked it.
    account_validate(user, password, exclude=["email"])
    user.set_password(password)
    user.save()
    return user


def invitations_attach(*, user: User) -> list[Membership]:
    """Accept the open invitations to a newly confirmed address.

    Someone invited before they signed up on their own joins the
    organizations when they confirm the address.
    """
    memberships = []
    now = timezone.now()
    open_invitations = (
        Invitation.objects.pending()
        .for_email(user.email)
        .select_for_update(of=("self",))
        .select_related("organization")
    )
    for invitation in open_invitations:
        if invitation.expires_at <= now:
            continue
        membership, _ = Membership.objects.get_or_create(
            organization=invitation.organization,
            user=user,
            defaults={"role": invitation.role},
        )
        invitation.accepted_at = now
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
        memberships.append(membership)
        logger.info(
            "User %s joined organization %s with invitation %s",
            user.public_id,
            invitation.organization.public_id,
            invitation.public_id,
        )
    return memberships


# API keys


def api_key_create(
    *, actor, organization: Organization, name: str, role: Role
) -> tuple[ApiKey, str]:
    """Create an API key and return it with the key itself, which is not
    stored and cannot be shown again."""
    api_key = ApiKey(
        organization=organization, name=name.strip(), role=role, created_by=actor
    )
    api_key.full_clean(exclude=["prefix", "key_hash"])
    for _attempt in range(3):
        key = api_keys.generate_key()
        api_key.prefix = key[: api_keys.PREFIX_LENGTH]
        api_key.key_hash = api_keys.hash_key(key)
        try:
            with transaction.atomic():
                api_key.save()
        except IntegrityError:
            # Two keys with one prefix: astronomically rare, so draw again.
            api_key.pk = None
            continue
        break
    else:
        raise RuntimeError("Could not draw an unused API key prefix.")

    logger.info(
        "User %s created API key %s in organization %s",
        actor.public_id,
        api_key.public_id,
        organization.public_id,
    )
    return api_key, key


def api_key_revoke(*, actor, api_key: ApiKey) -> ApiKey:
    """Revoke an API key; requests that use it fail from now on."""
    revoked = ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not revoked:
        raise Conflict("This API key is already revoked.")
    logger.info("User %s revoked API key %s", actor.public_id, api_key.public_id)
    api_key.refresh_from_db()
    return api_key
