"""Time hostile requests to /graphql and check the status and code of each.

Every request below must get its documented HTTP status and error code in
under a second. By default the script starts `manage.py runserver` on a free
127.0.0.1 port, with DEBUG off and a throwaway SQLite database that it
migrates, and stops it at the end. With --url it uses a running server
instead, which must have EMAIL_CONFIRMATION_REQUIRED=false, because the
script signs up a user and creates an organization to act in.

Each request is sent --repeat times over real HTTP, one connection per
request, and timed from the first byte sent to the last byte received. The
script prints one row per request and exits with status 1 if any response
has another status or code than expected, or takes longer than --target-ms.
Run it from the project root:

    .venv/bin/python bench/hostile_requests.py

See docs/benchmarks.md for recorded figures.
"""

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRAPHQL_RESPONSE = "application/graphql-response+json"

# Each call of a mutation counts against GRAPHQL_MUTATION_RATE, 60 a minute
# per user. Two rows call createOrganization, which the setup calls too, so
# 15 repeats stay well under the limit.
MAX_REPEAT = 15

SIGN_UP = """
mutation SignUp($email: String!, $password: String!) {
  createNewUser(email: $email, password: $password) { code token }
}
"""

CREATE_ORGANIZATION = """
mutation CreateOrganization($name: String!) {
  createOrganization(name: $name) { code id }
}
"""

UPDATE_APPLICATION = """
mutation UpdateApplication($appId: ID!) {
  updateApplication(appId: $appId, name: "Renamed") { code }
}
"""

DELETE_CONNECTION = """
mutation DeleteConnection($connectionId: ID!) {
  deleteConnection(connectionId: $connectionId) { code }
}
"""

REMOVE_USERS = """
mutation RemoveUsers($orgId: ID!, $ids: [ID!]) {
  updateOrganization(orgId: $orgId, removeUsers: $ids) { code }
}
"""


@dataclass
class HostileRequest:
    """One request and the response it must get."""

    name: str
    status: int
    code: str | None
    body: bytes = b""
    method: str = "POST"
    query: dict | None = None
    headers: dict = field(default_factory=dict)


@dataclass
class Session:
    """The caller that requests needing a signed-in user act as."""

    token: str
    org_id: str


def graphql_body(query: str, variables: dict | None = None) -> bytes:
    return json.dumps({"query": query, "variables": variables or {}}).encode()


def nested_query(depth: int) -> str:
    """Return a query whose selections are `depth` levels deep."""
    return "{ " + "organizations { " * depth + "id" + " }" * depth + " }"


def doubling_fragments(count: int) -> str:
    """Return a query whose fragments each spread the next twice, so it
    names 2**count paths when expanded."""
    fragments = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(count)
    )
    return f"query {{ ...F0 }} {fragments} fragment F{count} on Query {{ __typename }}"


def hostile_requests(session: Session) -> list[HostileRequest]:
    signed_in = {
        "Authorization": f"JWT {session.token}",
        "Organization": session.org_id,
    }
    aliases = " ".join(f"a{i}: __typename" for i in range(10_000))
    return [
        HostileRequest(
            "selections 1,000 levels deep",
            400,
            "GRAPHQL_PARSE_FAILED",
            graphql_body(nested_query(1000)),
        ),
        HostileRequest(
            "selections 11 levels deep",
            400,
            "GRAPHQL_VALIDATION_FAILED",
            graphql_body(nested_query(11)),
        ),
        HostileRequest(
            "JSON nested 100,000 levels",
            400,
            "BAD_REQUEST",
            b'{"query": "{ __typename }", "variables": {"a": '
            + b"[" * 100_000
            + b"]" * 100_000
            + b"}}",
        ),
        HostileRequest(
            "10,000 aliases",
            400,
            "GRAPHQL_PARSE_FAILED",
            graphql_body("{ " + aliases + " }"),
        ),
        HostileRequest(
            "1,400 field selections",
            400,
            "GRAPHQL_VALIDATION_FAILED",
            graphql_body("{ " + "me { id } " * 700 + "}"),
        ),
        HostileRequest(
            "fragments spread 2^40 times",
            200,
            None,
            graphql_body(doubling_fragments(40)),
        ),
        HostileRequest(
            "10 MB body",
            413,
            "PAYLOAD_TOO_LARGE",
            graphql_body("{ __typename }", {"x": "a" * 10 * 2**20}),
        ),
        HostileRequest(
            "100,000-character name",
            200,
            "INVALID_INPUT",
            graphql_body(CREATE_ORGANIZATION, {"name": "x" * 100_000}),
            headers=signed_in,
        ),
        HostileRequest(
            "NUL byte in a name",
            200,
            "INVALID_INPUT",
            graphql_body(CREATE_ORGANIZATION, {"name": "Acme\x00"}),
            headers=signed_in,
        ),
        HostileRequest(
            "NUL byte in the query",
            400,
            "GRAPHQL_PARSE_FAILED",
            graphql_body("{ __typename \x00 }"),
        ),
        HostileRequest(
            "unpaired surrogate escape",
            400,
            "BAD_REQUEST",
            b'{"query": "{ __typename }", "variables": {"a": "\\ud800"}}',
        ),
        HostileRequest(
            "invalid UTF-8",
            400,
            "BAD_REQUEST",
            b'{"query": "{ __typename }", "variables": {"a": "\xff\xfe"}}',
        ),
        HostileRequest(
            "malformed Source ID",
            200,
            "NOT_FOUND",
            graphql_body(UPDATE_APPLICATION, {"appId": "../../etc/passwd"}),
            headers=signed_in,
        ),
        HostileRequest(
            "malformed UUID",
            200,
            "NOT_FOUND",
            graphql_body(DELETE_CONNECTION, {"connectionId": "' OR 1=1 --"}),
            headers=signed_in,
        ),
        HostileRequest(
            "object where an ID goes",
            400,
            "BAD_USER_INPUT",
            graphql_body(DELETE_CONNECTION, {"connectionId": {"$ne": None}}),
            headers=signed_in,
        ),
        HostileRequest(
            "101 IDs in a list",
            400,
            "BAD_USER_INPUT",
            graphql_body(
                REMOVE_USERS,
                {"orgId": session.org_id, "ids": [str(i) for i in range(101)]},
            ),
            headers=signed_in,
        ),
        HostileRequest(
            "forged token",
            200,
            "INVALID_TOKEN",
            graphql_body("{ me { id } }"),
            headers={"Authorization": f"JWT {session.token[:-4]}AAAA"},
        ),
        HostileRequest(
            "form-encoded POST",
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            urllib.parse.urlencode({"query": "{ __typename }"}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        HostileRequest(
            "mutation over GET",
            405,
            "METHOD_NOT_ALLOWED",
            method="GET",
            query={"query": 'mutation { createOrganization(name: "x") { code } }'},
        ),
        HostileRequest(
            "unknown fragment",
            400,
            "GRAPHQL_VALIDATION_FAILED",
            graphql_body("{ organizations { ...Missing } }"),
        ),
        HostileRequest(
            "fragment cycle",
            400,
            "GRAPHQL_VALIDATION_FAILED",
            graphql_body(
                "query { ...A } fragment A on Query { ...B } "
                "fragment B on Query { ...A }"
            ),
        ),
        HostileRequest(
            "JSON array batch",
            400,
            "BAD_REQUEST",
            json.dumps([{"query": "{ __typename }"}] * 100).encode(),
        ),
    ]


@dataclass
class Response:
    status: int
    code: str | None
    milliseconds: float


def exchange(
    url: str, method: str, body: bytes | None, headers: dict, query=None
) -> tuple[int, bytes, float]:
    """Send one request on a new connection; return the status, the body
    and the milliseconds from sending to the end of the response."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path or "/"
    if query:
        path += "?" + urllib.parse.urlencode(query)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        start = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        elapsed = (time.perf_counter() - start) * 1000
    finally:
        connection.close()
    return response.status, content, elapsed


def send(url: str, request: HostileRequest) -> Response:
    headers = {
        "Accept": GRAPHQL_RESPONSE,
        "Content-Type": "application/json",
        **request.headers,
    }
    body = request.body if request.method == "POST" else None
    status, content, elapsed = exchange(
        url, request.method, body, headers, request.query
    )
    return Response(status, response_code(content), elapsed)


def response_code(content: bytes) -> str | None:
    """Return the first error's extensions.code, else the code of a
    mutation's payload, else None."""
    try:
        body = json.loads(content)
    except ValueError:
        return "(not JSON)"
    errors = body.get("errors") or []
    if errors:
        return errors[0].get("extensions", {}).get("code")
    for value in (body.get("data") or {}).values():
        if isinstance(value, dict) and "code" in value:
            return value["code"]
    return None


def call(url: str, query: str, variables: dict, token: str | None = None) -> dict:
    """Run one mutation that must return a payload; return the payload."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"JWT {token}"
    _, content, _ = exchange(url, "POST", graphql_body(query, variables), headers)
    body = json.loads(content)
    if "errors" in body:
        raise SystemExit(f"Setup failed: {body['errors']}")
    (payload,) = body["data"].values()
    return payload


def sign_up(url: str) -> Session:
    """Create a user and an organization to act in, through the API."""
    email = f"bench-{secrets.token_hex(6)}@example.com"
    password = secrets.token_urlsafe(16)
    user = call(url, SIGN_UP, {"email": email, "password": password})
    if user["code"] != "OK":
        raise SystemExit(f"Signing up failed with {user['code']}.")
    organization = call(url, CREATE_ORGANIZATION, {"name": "Bench"}, user["token"])
    if organization["code"] != "OK":
        raise SystemExit(
            f"Creating an organization failed with {organization['code']}. "
            "Start the server with EMAIL_CONFIRMATION_REQUIRED=false."
        )
    return Session(token=user["token"], org_id=organization["id"])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(directory: str) -> dict:
    from cryptography.fernet import Fernet

    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CACHE_URL", "JWT_SECRET_KEY"}
    }
    environment.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        DATABASE_URL=f"sqlite:///{directory}/bench.sqlite3",
        EMAIL_CONFIRMATION_REQUIRED="false",
        LOG_LEVEL="WARNING",
        # runserver speaks plain HTTP, so production's redirect to HTTPS and
        # the rules tied to it stay off.
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
    )
    return environment


def start_server(port: int, directory: str, log_path: Path) -> subprocess.Popen:
    """Migrate a new database and start runserver, writing its output to
    `log_path`; return once the server responds."""
    environment = server_environment(directory)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run(
        [*manage, "migrate", "--noinput", "-v0"], env=environment, check=True
    )
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/graphql"
    probe = graphql_body("{ __typename }")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(
                f"The server exited with status {server.returncode}:\n"
                + log_path.read_text()[-5000:]
            )
        try:
            exchange(url, "POST", probe, {"Content-Type": "application/json"})
            return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise SystemExit(
        "The server did not respond within 30 seconds:\n" + log_path.read_text()[-5000:]
    )


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def measure(url: str, repeat: int, target_ms: float) -> bool:
    """Send every hostile request `repeat` times, print a row for each,
    and return whether all met their expectations."""
    requests = hostile_requests(sign_up(url))
    width = max(len(request.name) for request in requests)
    print(
        f"{'request':<{width}}  status  {'code':<26}  median ms  max ms  "
        f"< {target_ms:g} ms"
    )
    all_met = True
    for request in requests:
        responses = [send(url, request) for _ in range(repeat)]
        timings = [response.milliseconds for response in responses]
        outcomes = {(response.status, response.code) for response in responses}
        expected = (request.status, request.code)
        fast = max(timings) < target_ms
        met = outcomes == {expected} and fast
        all_met = all_met and met
        status, code = responses[-1].status, responses[-1].code or "-"
        print(
            f"{request.name:<{width}}  {status:>6}  {code:<26}  "
            f"{statistics.median(timings):>9.1f}  {max(timings):>6.1f}  "
            f"{'yes' if fast else 'NO'}"
        )
        if outcomes != {expected}:
            got = ", ".join(f"{s} {c or '-'}" for s, c in sorted(outcomes, key=str))
            print(f"  expected {request.status} {request.code or '-'}, got {got}")
    return all_met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--url",
        help="the /graphql address of a running server (default: start one)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=0,
        help="port for the server the script starts (default: a free one)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help=f"timed requests of each kind, 1 to {MAX_REPEAT} (default 5)",
    )
    parser.add_argument(
        "--target-ms",
        type=float,
        default=1000,
        help="the time every response must beat, in milliseconds (default 1000)",
    )
    arguments = parser.parse_args()
    if not 1 <= arguments.repeat <= MAX_REPEAT:
        parser.error(
            f"--repeat must be between 1 and {MAX_REPEAT}, so that the "
            "mutations stay under the rate limit of 60 a minute."
        )

    if arguments.url:
        all_met = measure(arguments.url, arguments.repeat, arguments.target_ms)
    else:
        with tempfile.TemporaryDirectory() as directory:
            log_path = Path(directory) / "server.log"
            port = arguments.port or free_port()
            server = start_server(port, directory, log_path)
            try:
                print(f"Server: runserver on 127.0.0.1:{port}, SQLite, DEBUG off")
                all_met = measure(
                    f"http://127.0.0.1:{port}/graphql",
                    arguments.repeat,
                    arguments.target_ms,
                )
            finally:
                stop_server(server)
            if not all_met:
                print(log_path.read_text()[-5000:], file=sys.stderr)
    sys.exit(0 if all_met else 1)


if __name__ == "__main__":
    main()
