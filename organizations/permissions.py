"""Permission rules for reading and writing in an organization.

This module is the one place that decides. A caller is a signed-in user,
who acts with their role in each organization they are a member of, or an
API key, which acts in its own organization with its own role.

Reads go through `visible_organizations`, so an organization that the caller
cannot see, and everything in it, is simply absent. Writes are declared on
the mutation with `organization_permission_required`, which checks, in
order:

1. the caller is signed in with a confirmed address, or uses an API key;
2. the `Organization` header is present (ORGANIZATION_HEADER_REQUIRED),
   unless the request uses an API key, whose organization replaces it;
3. the target exists in an organization the caller can see (NOT_FOUND,
   so that strangers cannot tell whether an ID exists);
4. the header names the target's organization (ORGANIZATION_MISMATCH);
5. the caller's role allows every action the change needs
   (PERMISSION_DENIED).
"""

import enum
import functools
from collections.abc import Callable, Iterable

from django.db.models import Model, QuerySet
from graphene.utils.str_converters import to_camel_case

from houston.errors import HoustonError, NotFound, PermissionDenied, StatusCode
from houston.ids import parse_uuid
from houston.permissions import current_user, is_api_key
from organizations.models import Membership, Organization, Role

ORGANIZATION_HEADER = "Organization"


class Action(enum.Enum):
    READ = "read"
    """Read the organization, its members, sources and integrations."""
    READ_CONNECTION_DETAILS = "read_connection_details"
    """Read the credentials stored in connections."""
    EDIT_PIPELINES = "edit_pipelines"
    """Create, update and delete sources, connections and integrations."""
    MANAGE_ORGANIZATION = "manage_organization"
    """Rename the organization and edit its details."""
    DELETE_ORGANIZATION = "delete_organization"
    """Delete the organization with everything in it."""
    MANAGE_MEMBERS = "manage_members"
    """Add, remove and invite members, and change their roles."""
    MANAGE_API_KEYS = "manage_api_keys"
    """Create, list and revoke API keys."""


ROLE_ACTIONS = {
    Role.OWNER: frozenset(Action),
    Role.USER: frozenset({Action.READ, Action.EDIT_PIPELINES}),
}

# A key cannot grant access to itself or to others, and deleting the
# organization would delete its members' access too.
API_KEY_FORBIDDEN_ACTIONS = frozenset(
    {Action.MANAGE_MEMBERS, Action.MANAGE_API_KEYS, Action.DELETE_ORGANIZATION}
)


def visible_organizations(user) -> QuerySet[Organization]:
    """Return the organizations that the caller can see."""
    if not user.is_authenticated:
        return Organization.objects.none()
    if is_api_key(user):
        return Organization.objects.filter(pk=user.organization_id)
    return Organization.objects.filter(memberships__user=user)


def member_role(user, organization: Organization) -> Role | None:
    """Return the caller's role in `organization`, or None outside it."""
    if not user.is_authenticated:
        return None
    if is_api_key(user):
        return user.role if user.organization_id == organization.pk else None
    role = (
        Membership.objects.filter(user=user, organization=organization)
        .values_list("role", flat=True)
        .first()
    )
    return Role(role) if role else None


def role_allows(user, role: Role | None, action: Action) -> bool:
    if role is None:
        return False
    if is_api_key(user) and action in API_KEY_FORBIDDEN_ACTIONS:
        return False
    return action in ROLE_ACTIONS[Role(role)]


def can(user, organization: Organization, action: Action) -> bool:
    return role_allows(user, member_role(user, organization), action)


def request_role(request, organization: Organization) -> Role | None:
    """Return the caller's role in `organization`.

    The first call loads the caller's roles in all their organizations with
    one query and caches them on the request, so that nested lists cost no
    query per object or per organization.
    """
    roles = request.__dict__.get("_organization_roles")
    if roles is None:
        roles = _caller_roles(request.user)
        request._organization_roles = roles
    role = roles.get(organization.pk)
    return Role(role) if role else None


def _caller_roles(user) -> dict[int, str]:
    """Return the caller's role in each organization it can see, by key."""
    if not user.is_authenticated:
        return {}
    if is_api_key(user):
        return {user.organization_id: user.role}
    memberships = Membership.objects.filter(user=user)
    return dict(memberships.values_list("organization_id", "role"))


def request_can(request, organization: Organization, action: Action) -> bool:
    return role_allows(request.user, request_role(request, organization), action)


def organizations_where(user, action: Action) -> QuerySet[Organization]:
    """Return the visible organizations in which the caller may do `action`."""
    if not user.is_authenticated:
        return Organization.objects.none()
    if is_api_key(user):
        organizations = visible_organizations(user)
        allowed = role_allows(user, user.role, action)
        return organizations if allowed else organizations.none()
    roles = [role for role in Role if role_allows(user, role, action)]
    return Organization.objects.filter(
        memberships__user=user, memberships__role__in=roles
    )


def organization_header(request, *, required: bool = True) -> str | None:
    """Return the `Organization` header of a request.

    Raises ORGANIZATION_HEADER_REQUIRED when it is missing and `required`.
    """
    value = request.headers.get(ORGANIZATION_HEADER, "").strip()
    if not value:
        if not required:
            return None
        raise HoustonError(
            "Send the ID of the organization you act in as the 'Organization' header.",
            code=StatusCode.ORGANIZATION_HEADER_REQUIRED,
        )
    return value


def check_organization_header(header: str, organization: Organization) -> None:
    if parse_uuid(header) != organization.public_id:
        raise HoustonError(
            "The 'Organization' header names a different organization than "
            "the one this change is in.",
            code=StatusCode.ORGANIZATION_MISMATCH,
        )


def authorize(user, organization: Organization, actions: Iterable[Action]) -> None:
    """Raise PermissionDenied unless the caller may do every action."""
    role = member_role(user, organization)
    for action in actions:
        if not role_allows(user, role, action):
            if is_api_key(user) and action in API_KEY_FORBIDDEN_ACTIONS:
                raise PermissionDenied(
                    "API keys cannot manage members, API keys or delete the "
                    "organization. Sign in as an Owner to do this."
                )
            raise PermissionDenied(
                "Your role in this organization does not allow this."
            )


# Finds the target of a write among the given organizations, or returns None.
Lookup = Callable[[QuerySet[Organization], str], Model | None]


def find_organization(organizations: QuerySet[Organization], value: str):
    public_id = parse_uuid(value)
    if public_id is None:
        return None
    return organizations.filter(public_id=public_id).first()


def organization_of(target: Model) -> Organization:
    if isinstance(target, Organization):
        return target
    return target.organization


def organization_permission_required(
    action: Action | Callable[[dict], Iterable[Action]],
    *,
    argument: str = "org_id",
    lookup: Lookup = find_organization,
    keyword: str = "organization",
    allow_api_key: bool = True,
):
    """Declare that a mutation acts on one object in an organization.

    The decorated `perform(cls, root, info, **arguments)` receives the object
    named by the ID in `arguments[argument]`, found with `lookup`, as
    `arguments[keyword]` in place of the ID. `action` is the action the
    mutation needs, or a function of the arguments that returns every action
    they need. `allow_api_key=False` reserves the mutation for users, for
    changes that only make sense for a person, such as leaving. See the
    module docstring for the checks made before it runs.
    """

    def decorator(function):
        @functools.wraps(function)
        def wrapper(*args, **arguments):
            info = args[-1]
            user = current_user(info, allow_api_key=allow_api_key)
            header = organization_header(info.context, required=not is_api_key(user))

            value = arguments.pop(argument)
            target = lookup(visible_organizations(user), value)
            if target is None:
                raise NotFound(
                    f"No {keyword.replace('_', ' ')} with this ID was found.",
                    field=to_camel_case(argument),
                )

            organization = organization_of(target)
            if header is not None:
                check_organization_header(header, organization)
            actions = [action] if isinstance(action, Action) else action(arguments)
            authorize(user, organization, actions)

            arguments[keyword] = target
            return function(*args, **arguments)

        return wrapper

    return decorator
