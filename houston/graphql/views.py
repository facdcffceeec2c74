import logging
import re
import uuid

from django.conf import settings
from graphene_django.views import GraphQLView, HttpError
from graphql import GraphQLError, GraphQLSyntaxError

from accounts.authentication import authenticate_request
from houston.errors import HoustonError, StatusCode

logger = logging.getLogger(__name__)

# A request id sent by a proxy is reused only when it is short and plain, so
# that it cannot forge log lines or response headers.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")


class HoustonGraphQLView(GraphQLView):
    """The /graphql endpoint: header authentication and masked errors."""

    def dispatch(self, request, *args, **kwargs):
        request.request_id = request_id_for(request)
        self.graphiql = settings.GRAPHIQL_ENABLED
        authenticate_request(request)
        response = super().dispatch(request, *args, **kwargs)
        response["X-Request-ID"] = request.request_id
        return response

    def format_error(self, error):
        """Format one error for the response's top-level `errors`.

        Expected failures keep their message and carry `extensions.code`.
        Anything else is logged with its traceback and reported only as an
        internal error with the request id.
        """
        if isinstance(error, HttpError):
            return {"message": error.message}

        if isinstance(error, GraphQLError):
            original = error.original_error
            formatted = error.formatted
            extensions = formatted.setdefault("extensions", {})
            if isinstance(original, HoustonError):
                formatted["message"] = original.message
                extensions["code"] = original.code.value
                return formatted
            if error.path is None:
                # Raised before execution: a syntax, validation or variable
                # error in the request itself, whose message is safe to show.
                extensions["code"] = (
                    "GRAPHQL_PARSE_FAILED"
                    if isinstance(error, GraphQLSyntaxError)
                    else "GRAPHQL_VALIDATION_FAILED"
                )
                return formatted
            if original is None:
                return formatted

        return self.internal_error(error)

    def internal_error(self, error):
        request_id = self.request.request_id
        cause = getattr(error, "original_error", None) or error
        logger.error(
            "Unexpected error in GraphQL request %s",
            request_id,
            exc_info=(type(cause), cause, cause.__traceback__),
        )
        formatted = {
            "message": "Internal server error",
            "extensions": {
                "code": StatusCode.INTERNAL_SERVER_ERROR.value,
                "requestId": request_id,
            },
        }
        if isinstance(error, GraphQLError) and error.path is not None:
            formatted["path"] = error.path
        return formatted


def request_id_for(request) -> str:
    sent = request.headers.get("X-Request-ID", "")
    if REQUEST_ID_PATTERN.fullmatch(sent):
        return sent
    return uuid.uuid4().hex
