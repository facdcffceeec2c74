import json
import logging
import re
import uuid

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, HttpResponseBadRequest
from graphene_django.views import GraphQLView, HttpError
from graphql import GraphQLError, GraphQLSyntaxError

from accounts.authentication import authenticate_request
from houston.errors import HoustonError, StatusCode

logger = logging.getLogger(__name__)

# A request id sent by a proxy is reused only when it is short and plain, so
# that it cannot forge log lines or response headers.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")

# extensions.code of the errors returned before the query runs, by HTTP status.
HTTP_ERROR_CODES = {
    400: "BAD_REQUEST",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


def bad_request(message: str) -> HttpError:
    return HttpError(HttpResponseBadRequest(message), message)


class HoustonGraphQLView(GraphQLView):
    """The /graphql endpoint: header authentication and masked errors."""

    def dispatch(self, request, *args, **kwargs):
        request.request_id = request_id_for(request)
        self.graphiql = settings.GRAPHIQL_ENABLED
        try:
            authenticate_request(request)
            response = super().dispatch(request, *args, **kwargs)
        except Exception as error:
            # The base view handles the errors it expects. Anything else must
            # not reach Django's technical error page.
            response = HttpResponse(
                json.dumps({"errors": [self.internal_error(error)]}),
                status=500,
                content_type="application/json",
            )
        response["X-Request-ID"] = request.request_id
        return response

    def parse_body(self, request):
        """Parse the body like the base view, with clear errors for bodies
        that are too large, not UTF-8, or nested beyond Python's recursion
        limit."""
        try:
            # Reading the body enforces Django's size limit.
            request.body.decode("utf-8")
        except RequestDataTooBig:
            message = "The request body is too large."
            raise HttpError(HttpResponse(message, status=413), message) from None
        except UnicodeDecodeError:
            raise bad_request("The request body is not valid UTF-8.") from None
        try:
            data = super().parse_body(request)
        except RecursionError:
            raise bad_request("The request body nests too deeply.") from None
        return data

    @staticmethod
    def get_graphql_params(request, data):
        try:
            query, variables, operation_name, id_ = GraphQLView.get_graphql_params(
                request, data
            )
        except RecursionError:
            raise bad_request("The variables nest too deeply.") from None
        if query is not None and not isinstance(query, str):
            raise bad_request("The query must be a string.")
        if variables is not None and not isinstance(variables, dict):
            raise bad_request("The variables must be a JSON object.")
        if operation_name is not None and not isinstance(operation_name, str):
            raise bad_request("The operationName must be a string.")
        return query, variables, operation_name, id_

    def format_error(self, error):
        """Format one error for the response's top-level `errors`.

        Expected failures keep their message and carry `extensions.code`.
        Anything else is logged with its traceback and reported only as an
        internal error with the request id.
        """
        if isinstance(error, HttpError):
            status = error.response.status_code
            return {
                "message": error.message,
                "extensions": {"code": HTTP_ERROR_CODES.get(status, "BAD_REQUEST")},
            }

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
