"""The /graphql endpoint.

It follows the GraphQL over HTTP specification: POST with a JSON body, GET
for queries only, `application/json` or `application/graphql-response+json`
responses (see `houston.graphql.http`), and it bounds the size and cost of
each request. Browsers that ask for HTML get GraphiQL while it is enabled.
"""

import json
import logging
import re
import uuid

from django.conf import settings
from django.http import HttpResponse
from graphene_django.views import GraphQLView
from graphql import (
    ExecutionResult,
    GraphQLError,
    GraphQLSyntaxError,
    OperationType,
    execute,
    get_operation_ast,
    parse,
    validate,
)

from accounts.authentication import authenticate_request
from houston.errors import HoustonError, StatusCode
from houston.graphql import http
from houston.graphql.rules import (
    count_fields,
    oversized_variable_list,
    validation_rules,
)

logger = logging.getLogger(__name__)

# A request id sent by a proxy is reused only when it is short and plain, so
# that it cannot forge log lines or response headers.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")


class RequestFailed(Exception):
    """The document failed to parse or validate, or its variables are
    invalid: GraphQL errors that end the request before execution."""

    def __init__(self, errors: list[GraphQLError], code: str):
        super().__init__(errors)
        self.errors = errors
        self.code = code


class HoustonGraphQLView(GraphQLView):
    """The /graphql endpoint: header authentication, request limits and
    masked errors."""

    def dispatch(self, request, *args, **kwargs):
        request.request_id = request_id_for(request)
        try:
            response = self.handle(request)
        except http.HttpProblem as problem:
            response = self.problem_response(problem)
        except Exception as error:
            # Anything unexpected must not reach Django's technical error
            # page, which shows settings and source code.
            response = self.json_response(
                {"errors": [self.internal_error(error)]},
                status=500,
                media_type=http.APPLICATION_JSON,
            )
        response["X-Request-ID"] = request.request_id
        if retry_after := getattr(request, "retry_after", None):
            response["Retry-After"] = str(retry_after)
        return response

    def handle(self, request):
        if request.method not in ("GET", "POST"):
            raise http.HttpProblem(
                405,
                "METHOD_NOT_ALLOWED",
                "Use GET for queries or POST for any operation.",
                {"Allow": "GET, POST"},
            )
        if (
            request.method == "GET"
            and settings.GRAPHIQL_ENABLED
            and http.wants_html(request)
        ):
            return self.render_graphiql(request, **self.graphiql_context())

        media_type = http.response_media_type(request)
        params = http.read_params(request)
        authenticate_request(request)
        try:
            result = self.run(request, params)
        except RequestFailed as failure:
            # Without a data entry, the newer media type calls for 400.
            status = 400 if media_type == http.GRAPHQL_RESPONSE_JSON else 200
            errors = [
                self.format_error(error, failure.code) for error in failure.errors
            ]
            return self.json_response({"errors": errors}, status, media_type)

        body = {"data": result.data}
        if result.errors:
            body["errors"] = [self.format_error(error) for error in result.errors]
        return self.json_response(body, 200, media_type)

    def run(self, request, params: http.GraphQLParams) -> ExecutionResult:
        schema = self.schema.graphql_schema
        try:
            document = parse(
                params.query,
                max_tokens=settings.GRAPHQL_MAX_TOKENS,
                no_location=False,
            )
        except GraphQLSyntaxError as error:
            raise RequestFailed([error], "GRAPHQL_PARSE_FAILED") from None

        # Some standard rules take time that grows with the square of the
        # number of fields, so a document with too many is refused first.
        fields = count_fields(document)
        if fields > settings.GRAPHQL_MAX_FIELDS:
            raise RequestFailed(
                [
                    GraphQLError(
                        f"The query selects {fields} fields; at most "
                        f"{settings.GRAPHQL_MAX_FIELDS} are allowed."
                    )
                ],
                "GRAPHQL_VALIDATION_FAILED",
            )
        errors = validate(schema, document, validation_rules(), max_errors=20)
        if errors:
            raise RequestFailed(errors, "GRAPHQL_VALIDATION_FAILED")

        operation = get_operation_ast(document, params.operation_name)
        if operation is None:
            message = "Name the operation to run with 'operationName'."
            if params.operation_name:
                message = (
                    f"The document has no operation named "
                    f"'{params.operation_name[:100]}'."
                )
            raise RequestFailed([GraphQLError(message)], "GRAPHQL_VALIDATION_FAILED")
        if request.method == "GET" and operation.operation != OperationType.QUERY:
            raise http.HttpProblem(
                405,
                "METHOD_NOT_ALLOWED",
                f"A {operation.operation.value} must be sent with POST.",
                {"Allow": "POST"},
            )
        oversized = oversized_variable_list(schema, operation, params.variables or {})
        if oversized:
            raise RequestFailed([GraphQLError(oversized)], "BAD_USER_INPUT")

        result = execute(
            schema,
            document,
            context_value=request,
            variable_values=params.variables,
            operation_name=params.operation_name,
            middleware=self.get_middleware(request),
        )
        if (
            result.data is None
            and result.errors
            and all(error.path is None for error in result.errors)
        ):
            # Variables that do not match their declared types.
            raise RequestFailed(result.errors, "BAD_USER_INPUT")
        return result

    def format_error(self, error, code: str | None = None) -> dict:
        """Format one error for the response's top-level `errors`.

        Expected failures keep their message and carry `extensions.code`.
        Anything else is logged with its traceback and reported only as an
        internal error with the request id.
        """
        formatted = error.formatted
        extensions = formatted.setdefault("extensions", {})
        original = error.original_error
        if isinstance(original, HoustonError):
            formatted["message"] = original.message
            extensions["code"] = original.code.value
            return formatted
        if code is not None:
            extensions["code"] = code
            return formatted
        if original is None:
            return formatted
        return self.internal_error(error)

    def internal_error(self, error) -> dict:
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

    def problem_response(self, problem: http.HttpProblem) -> HttpResponse:
        body = {
            "errors": [
                {"message": problem.message, "extensions": {"code": problem.code}}
            ]
        }
        media_type = http.response_media_type(self.request)
        response = self.json_response(body, problem.status, media_type)
        for name, value in problem.headers.items():
            response[name] = value
        return response

    @staticmethod
    def json_response(body: dict, status: int, media_type: str) -> HttpResponse:
        return HttpResponse(
            json.dumps(body, separators=(",", ":")),
            status=status,
            content_type=f"{media_type}; charset=utf-8",
        )

    def graphiql_context(self) -> dict:
        return {
            "whatwg_fetch_version": self.whatwg_fetch_version,
            "whatwg_fetch_sri": self.whatwg_fetch_sri,
            "react_version": self.react_version,
            "react_sri": self.react_sri,
            "react_dom_sri": self.react_dom_sri,
            "graphiql_version": self.graphiql_version,
            "graphiql_sri": self.graphiql_sri,
            "graphiql_css_sri": self.graphiql_css_sri,
            "subscriptions_transport_ws_version": (
                self.subscriptions_transport_ws_version
            ),
            "subscriptions_transport_ws_sri": self.subscriptions_transport_ws_sri,
            "graphiql_plugin_explorer_version": self.graphiql_plugin_explorer_version,
            "graphiql_plugin_explorer_sri": self.graphiql_plugin_explorer_sri,
            "graphiql_plugin_explorer_css_sri": self.graphiql_plugin_explorer_css_sri,
            "subscription_path": None,
            "graphiql_header_editor_enabled": True,
            "graphiql_should_persist_headers": False,
            "graphiql_input_value_deprecation": False,
        }


def request_id_for(request) -> str:
    sent = request.headers.get("X-Request-ID", "")
    if REQUEST_ID_PATTERN.fullmatch(sent):
        return sent
    return uuid.uuid4().hex
