"""Decorators that declare who may run a resolver or a mutation.

Each decorator wraps a resolver, called as `function(root, info, **arguments)`,
or a mutation's `perform(cls, root, info, **arguments)`, and raises a
HoustonError when the caller may not proceed. A mutation turns the error into
its failed payload; a query reports it as a top-level error with
`extensions.code`. Organization-scoped rules build on these in
`organizations.permissions`.
"""

import functools

from django.conf import settings

from houston.errors import EmailNotConfirmed, NotAuthenticated, PermissionDenied


def is_api_key(user) -> bool:
    return getattr(user, "is_api_key", False)


def current_user(info, *, allow_unconfirmed: bool = False, allow_api_key: bool = False):
    """Return the signed-in caller of a GraphQL request, or raise.

    The caller comes from the Authorization header alone (see
    `accounts.authentication`). Credentials that were sent but failed are
    reported with their own error, such as TOKEN_EXPIRED. An API key is
    accepted only where `allow_api_key` is set, because every other
    operation acts on a person's own account.
    """
    request = info.context
    user = request.user
    if not user.is_authenticated:
        raise getattr(request, "authentication_error", None) or NotAuthenticated()
    if is_api_key(user) and not allow_api_key:
        raise PermissionDenied(
            "API keys cannot do this. Sign in as a user with createToken."
        )
    if (
        not allow_unconfirmed
        and settings.EMAIL_CONFIRMATION_REQUIRED
        and not user.email_confirmed
    ):
        raise EmailNotConfirmed()
    return user


def login_required(
    function=None, *, allow_unconfirmed: bool = False, allow_api_key: bool = False
):
    """Require a signed-in user, with a confirmed address unless allowed.

    Use as `@login_required` or with the options of `current_user`, such as
    `@login_required(allow_api_key=True)`.
    """

    def decorator(function):
        @functools.wraps(function)
        def wrapper(*args, **arguments):
            info = args[-1]
            current_user(
                info,
                allow_unconfirmed=allow_unconfirmed,
                allow_api_key=allow_api_key,
            )
            return function(*args, **arguments)

        return wrapper

    if function is not None:
        return decorator(function)
    return decorator
