"""GraphQL over HTTP: reading the request parameters and choosing the
response media type, as the GraphQL over HTTP specification describes.

Both media types are supported. With `application/graphql-response+json`,
a request that fails before execution gets status 400. With
`application/json`, the older convention, such a request still gets 200
and an `errors` list, and only malformed HTTP requests get 4xx statuses.
"""

import json
import re
from dataclasses import dataclass

from django.conf import settings

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"

# A \u escape of a UTF-16 surrogate code point (U+D800 to U+DFFF). JSON text
# may escape a character outside the Basic Multilingual Plane as a pair of
# them, which decodes to one character. An unpaired one decodes to a string
# that cannot be encoded as UTF-8, which the database, the password hashers
# and the logs all fail on.
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
SURROGATE = re.compile("[\ud800-\udfff]")


class HttpProblem(Exception):
    """A request that cannot be read as a GraphQL request."""

    def __init__(self, status: int, code: str, message: str, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def bad_request(message: str) -> HttpProblem:
    return HttpProblem(400, "BAD_REQUEST", message)


@dataclass(frozen=True)
class GraphQLParams:
    query: str
    variables: dict | None
    operation_name: str | None


def response_media_type(request) -> str:
    """Return the media type of the response, chosen from the Accept header.

    `application/graphql-response+json` is used when the client lists it
    and does not prefer `application/json`; anything else, including a
    missing header or `*/*`, gets `application/json`.
    """
    preferences = _accepted(request.headers.get("Accept", ""))
    graphql_response = preferences.get(GRAPHQL_RESPONSE_JSON, 0)
    if graphql_response > 0 and graphql_response >= preferences.get(
        APPLICATION_JSON, 0
    ):
        return GRAPHQL_RESPONSE_JSON
    return APPLICATION_JSON


def wants_html(request) -> bool:
    preferences = _accepted(request.headers.get("Accept", ""))
    return preferences.get("text/html", 0) > max(
        preferences.get(APPLICATION_JSON, 0),
        preferences.get(GRAPHQL_RESPONSE_JSON, 0),
    )


def _accepted(header: str) -> dict[str, float]:
    """Return the media ranges of an Accept header with their quality."""
    preferences = {}
    for item in header.split(",")[:20]:
        media_type, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media_type:
            preferences[media_type.lower()] = quality
    return preferences


def read_params(request) -> GraphQLParams:
    """Return the GraphQL parameters of a GET or POST request.

    Raises HttpProblem for a body that is too large (413), not JSON (415),
    not valid JSON or of the wrong shape (400).
    """
    if request.method == "GET":
        data = dict(request.GET.items())
        for key in ("variables", "extensions"):
            if data.get(key):
                data[key] = _decode_json(data[key], f"'{key}' parameter")
    else:
        data = _read_body(request)
    return _params(data)


def _read_body(request) -> dict:
    content_type = request.META.get("CONTENT_TYPE", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type != APPLICATION_JSON:
        raise HttpProblem(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "Send the request as JSON with 'Content-Type: application/json'.",
        )

    limit = settings.GRAPHQL_MAX_BODY_SIZE
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > limit:
        raise _too_large(limit)
    body = request.read(limit + 1)
    if len(body) > limit:
        raise _too_large(limit)

    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise bad_request("The request body is not valid UTF-8.") from None
    data = _decode_json(text, "request body")
    if isinstance(data, list):
        raise bad_request("Batched requests are not supported: send one operation.")
    if not isinstance(data, dict):
        raise bad_request("The request body must be a JSON object.")
    return data


def _too_large(limit: int) -> HttpProblem:
    return HttpProblem(
        413,
        "PAYLOAD_TOO_LARGE",
        f"The request body is larger than {limit} bytes.",
    )


def _decode_json(text: str, what: str):
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise bad_request(
            f"The {what} is not valid JSON, or nests deeper than it may."
        ) from None
    if SURROGATE_ESCAPE.search(text) and _contains_surrogate(data):
        raise bad_request(
            f"The {what} contains an unpaired surrogate escape such as "
            "\\ud800, which is not a Unicode character."
        )
    return data


def _contains_surrogate(data) -> bool:
    """Return whether any string or key in decoded JSON contains a
    surrogate code point. Walks without recursion, because the JSON may be
    nested as deep as the decoder allows."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if SURROGATE.search(value):
                return True
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def _params(data: dict) -> GraphQLParams:
    query = data.get("query")
    if not isinstance(query, str) or not query.strip():
        raise bad_request("The 'query' parameter must be a non-empty string.")
    operation_name = data.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise bad_request("The 'operationName' parameter must be a string.")
    variables = data.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise bad_request("The 'variables' parameter must be a JSON object.")
    extensions = data.get("extensions")
    if extensions is not None and not isinstance(extensions, dict):
        raise bad_request("The 'extensions' parameter must be a JSON object.")
    return GraphQLParams(query, variables, operation_name or None)
