"""Authentication of API requests from the Authorization header.

The GraphQL endpoint ignores the session cookie that the admin uses. A
browser sends cookies to any site's forms, so accepting them would expose the
API to cross-site request forgery. A header is only sent by code that has
the token.
"""

from django.contrib.auth.models import AnonymousUser

from accounts.tokens import InvalidToken, token_user
from houston.errors import HoustonError
from organizations.api_keys import api_key_principal

TOKEN_SCHEMES = {"jwt", "bearer"}
API_KEY_SCHEME = "api-key"


def authenticate_request(request) -> None:
    """Set `request.user` from the Authorization header.

    A JSON Web Token gives the user it was issued to; an API key gives an
    `ApiKeyPrincipal` acting in the key's organization. Without the header
    the request is anonymous. When the header is present
    but its credentials fail, the request is also anonymous and
    `request.authentication_error` contains the reason, which operations that
    need a signed-in user report.
    """
    request.user = AnonymousUser()
    request.authentication_error = None

    header = request.headers.get("Authorization", "").strip()
    if not header:
        return

    scheme, _, credentials = header.partition(" ")
    scheme = scheme.lower()
    credentials = credentials.strip()
    if scheme not in {*TOKEN_SCHEMES, API_KEY_SCHEME} or not credentials:
        request.authentication_error = InvalidToken(
            "The Authorization header must be 'JWT <token>', 'Bearer <token>' "
            "or 'Api-Key <key>'."
        )
        return

    try:
        if scheme == API_KEY_SCHEME:
            request.user = api_key_principal(credentials)
        else:
            request.user = token_user(credentials)
    except HoustonError as error:
        request.authentication_error = error
