"""Permission rules for reading and writing in an organization.

This module is the one place that decides. Reads go through
`visible_organizations`, so an organization that the caller is not a member
of, and everything in it, is simply absent. Writes are declared on the
mutation with `organization_permission_required`, which checks, in order:

1. the caller is signed in with a confirmed address;
2. the `Organization` header is present (ORGANIZATION_HEADER_REQUIRED);
3. the target exists in an organization the caller belongs to (NOT_FOUND,
   so that strangers cannot tell whether an ID exists);
4. the header names the target's organization (ORGANIZATION_MISMATCH);
5. the caller's role allows the action (PERMISSION_DENIED).
"""

import enum
import functools
from collections.abc import Callable

from django.db.models import Model, QuerySet
from graphene.utils.str_converters import to_camel_case

from houston.errors import HoustonError, NotFound, PermissionDenied, StatusCode
from houston.ids import parse_uuid
from houston.permissions import current_user
from organizations.models import Membership, Organization, Role

ORGANIZATION_HEADER = "Organization"


class Action(enum.Enum):
    READ = "read"
    """Read the organization, its members, sources and integrations."""
    READ_CONNECTION_DETAILS = "read_connection_details"
    """Read the credentials stored in connections."""
    EDIT_PIPELINES = "edit_pipelines"
    """Create, update and delete sources, connections and integrations."""
    MANAGE = "manage"
    """Update or delete the organization, its members and their roles."""


ROLE_ACTIONS = {
    Role.OWNER: frozenset(Action),
    Role.USER: frozenset({Action.READ, Action.EDIT_PIPELINES}),
}


def role_allows(role: Role | str | None, action: Action) -> bool:
    if role is None:
        return False
    return action in ROLE_ACTIONS[Role(role)]


def visible_organizations(user) -> QuerySet[Organization]:
    """Return the organizations that `user` is a member of."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user)


def member_role(user, organization: Organization) -> Role | None:
    """Return the role of `user` in `organization`, or None for a non-member."""
    if not user.is_authenticated:
        return None
    role = (
        Membership.objects.filter(user=user, organization=organization)
        .values_list("role", flat=True)
        .first()
    )
    return Role(role) if role else None


def can(user, organization: Organization, action: Action) -> bool:
    return role_allows(member_role(user, organization), action)


def request_role(request, organization: Organization) -> Role | None:
    """Return the caller's role in `organization`.

    The first call loads the caller's roles in all their organizations with
    one query and caches them on the request, so that nested lists cost no
    query per object or per organization.
    """
    roles = request.__dict__.get("_organization_roles")
    if roles is None:
        roles = {}
        if request.user.is_authenticated:
            roles = dict(
                Membership.objects.filter(user=request.user).values_list(
                    "organization_id", "role"
                )
            )
        request._organization_roles = roles
    role = roles.get(organization.pk)
    return Role(role) if role else None


def request_can(request, organization: Organization, action: Action) -> bool:
    return role_allows(request_role(request, organization), action)


def organization_header(request) -> str:
    """Return the `Organization` header of a request, or raise."""
    value = request.headers.get(ORGANIZATION_HEADER, "").strip()
    if not value:
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
    action: Action,
    *,
    argument: str = "org_id",
    lookup: Lookup = find_organization,
    keyword: str = "organization",
):
    """Declare that a mutation acts on one object in an organization.

    The decorated `perform(cls, root, info, **arguments)` receives the object
    named by the ID in `arguments[argument]`, found with `lookup`, as
    `arguments[keyword]` in place of the ID. See the module docstring for
    the checks made before it runs.
    """

    def decorator(function):
        @functools.wraps(function)
        def wrapper(*args, **arguments):
            info = args[-1]
            user = current_user(info)
            header = organization_header(info.context)

            value = arguments.pop(argument)
            target = lookup(visible_organizations(user), value)
            if target is None:
                raise NotFound(
                    f"No {keyword} with this ID was found.",
                    field=to_camel_case(argument),
                )

            organization = organization_of(target)
            check_organization_header(header, organization)
            if not can(user, organization, action):
                raise PermissionDenied(
                    "Your role in this organization does not allow this."
                )

            arguments[keyword] = target
            return function(*args, **arguments)

        return wrapper

    return decorator
