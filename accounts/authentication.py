"""Authentication of API requests from the Authorization header.

The GraphQL endpoint ignores the session cookie that the admin uses. A
browser sends cookies to any site's forms, so accepting them would expose the
API to cross-site request forgery; a header is only sent by code that holds
the token.
"""

from django.contrib.auth.models import AnonymousUser

from accounts.tokens import InvalidToken, token_user
from houston.errors import HoustonError

TOKEN_SCHEMES = {"jwt", "bearer"}


def authenticate_request(request) -> None:
    """Set `request.user` from the Authorization header.

    Without the header the request is anonymous. When the header is present
    but its credentials fail, the request is also anonymous and
    `request.authentication_error` holds the reason, which operations that
    need a signed-in user report.
    """
    request.user = AnonymousUser()
    request.authentication_error = None

    header = request.headers.get("Authorization", "").strip()
    if not header:
        return

    scheme, _, credentials = header.partition(" ")
    credentials = credentials.strip()
    if scheme.lower() not in TOKEN_SCHEMES or not credentials:
        request.authentication_error = InvalidToken(
            "The Authorization header must be 'JWT <token>' or 'Bearer <token>'."
        )
        return

    try:
        request.user = token_user(credentials)
    except HoustonError as error:
        request.authentication_error = error
