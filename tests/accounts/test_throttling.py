"""Throttling of failed sign-ins per account and per client address."""

from datetime import timedelta

import pytest
import time_machine
from django.test import RequestFactory
from django.utils import timezone

from accounts import services
from houston.http import client_address
from tests.accounts.hashers import CountingHasher
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CREATE_TOKEN = """
mutation CreateToken($username: String!, $password: String!) {
  createToken(username: $username, password: $password) {
    success message code id token retryAfter errors { field message code }
  }
}
"""

# Eleven sign-in attempts as aliases of one request. GraphQL runs the
# fields of a mutation one after another, so each counts the failures
# before it.
ALIASED_CREATE_TOKEN = (
    "mutation Aliased($username: String!, $password: String!) {"
    + "".join(
        f" attempt{number}: createToken(username: $username, password: $password)"
        " { success code retryAfter }"
        for number in range(1, 12)
    )
    + " }"
)


def attempt(api, username, password="wrong-password", **meta):
    return api.mutate(
        CREATE_TOKEN, {"username": username, "password": password}, **meta
    )


def test_eleventh_wrong_password_is_throttled(anonymous_api, caplog):
    UserFactory(email="target@example.com")

    codes = [attempt(anonymous_api, "target@example.com")["code"] for _ in range(10)]
    eleventh = attempt(anonymous_api, "target@example.com")

    assert codes == ["INVALID_CREDENTIALS"] * 10
    assert "Throttling sign-in-failures:account:" in caplog.text
    assert "target@example.com" not in caplog.text
    assert eleventh["success"] is False
    assert eleventh["code"] == "RATE_LIMITED"
    assert eleventh["token"] is None
    assert 15 * 60 - 5 <= eleventh["retryAfter"] <= 15 * 60
    assert f"Try again in {eleventh['retryAfter']} seconds" in eleventh["message"]


def test_eleventh_aliased_attempt_is_throttled(anonymous_api, settings):
    # By default a request may call createToken once; lifting that limit
    # shows that the failure counters alone stop aliased guesses too.
    settings.GRAPHQL_SINGLE_USE_FIELDS = frozenset()
    UserFactory(email="target@example.com")

    data = anonymous_api.query(
        ALIASED_CREATE_TOKEN,
        {"username": "target@example.com", "password": "wrong-password"},
    )

    codes = [data[f"attempt{number}"]["code"] for number in range(1, 12)]
    assert codes == ["INVALID_CREDENTIALS"] * 10 + ["RATE_LIMITED"]
    assert data["attempt10"]["retryAfter"] is None
    assert data["attempt11"]["retryAfter"] > 0


def test_throttled_account_refuses_right_password(anonymous_api):
    user = UserFactory(email="target@example.com")
    for _ in range(10):
        attempt(anonymous_api, "target@example.com")

    right = attempt(anonymous_api, "TARGET@example.com", PASSWORD)

    assert right["code"] == "RATE_LIMITED"
    assert right["token"] is None
    user.refresh_from_db()
    assert user.last_login is None


def test_throttle_ends_with_window(anonymous_api):
    UserFactory(email="target@example.com")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(10):
            attempt(anonymous_api, "target@example.com")
    with time_machine.travel(start + timedelta(minutes=14, seconds=59), tick=False):
        late = attempt(anonymous_api, "target@example.com", PASSWORD)

    with time_machine.travel(start + timedelta(minutes=15), tick=False):
        after = attempt(anonymous_api, "target@example.com", PASSWORD)

    assert late["code"] == "RATE_LIMITED"
    assert late["retryAfter"] == 1
    assert after["code"] == "OK"


def test_success_resets_account_count(anonymous_api):
    UserFactory(email="target@example.com")
    for _ in range(9):
        attempt(anonymous_api, "target@example.com")
    assert attempt(anonymous_api, "target@example.com", PASSWORD)["code"] == "OK"

    codes = [attempt(anonymous_api, "target@example.com")["code"] for _ in range(10)]

    assert codes == ["INVALID_CREDENTIALS"] * 10


def test_unknown_email_throttled_alike(anonymous_api):
    UserFactory(email="known@example.com")
    with time_machine.travel(timezone.now(), tick=False):
        for _ in range(10):
            attempt(anonymous_api, "known@example.com")
            attempt(anonymous_api, "unknown@example.com")

        known = anonymous_api.post(
            CREATE_TOKEN, {"username": "known@example.com", "password": "x"}
        )
        unknown = anonymous_api.post(
            CREATE_TOKEN, {"username": "unknown@example.com", "password": "x"}
        )

    assert known.json()["data"]["createToken"]["code"] == "RATE_LIMITED"
    assert known.content == unknown.content


def test_account_throttle_ignores_client_address(anonymous_api):
    UserFactory(email="target@example.com")
    for number in range(10):
        attempt(anonymous_api, "target@example.com", REMOTE_ADDR=f"192.0.2.{number}")

    eleventh = attempt(anonymous_api, "target@example.com", REMOTE_ADDR="192.0.2.99")

    assert eleventh["code"] == "RATE_LIMITED"


def test_address_throttled_after_fifty_failures(anonymous_api):
    UserFactory(email="target@example.com")
    codes = [
        attempt(anonymous_api, f"user{number}@example.com", REMOTE_ADDR="192.0.2.1")[
            "code"
        ]
        for number in range(50)
    ]

    same_address = attempt(
        anonymous_api, "target@example.com", PASSWORD, REMOTE_ADDR="192.0.2.1"
    )
    other_address = attempt(
        anonymous_api, "target@example.com", PASSWORD, REMOTE_ADDR="192.0.2.2"
    )

    assert codes == ["INVALID_CREDENTIALS"] * 50
    assert same_address["code"] == "RATE_LIMITED"
    assert other_address["code"] == "OK"


def test_limits_are_settings(anonymous_api, settings):
    settings.SIGN_IN_FAILURE_LIMIT_PER_ACCOUNT = 2
    settings.SIGN_IN_FAILURE_LIMIT_PER_ADDRESS = 3
    settings.SIGN_IN_FAILURE_WINDOW = timedelta(minutes=1)

    account = [attempt(anonymous_api, "a@example.com")["code"] for _ in range(3)]
    address = [attempt(anonymous_api, "b@example.com")["code"] for _ in range(2)]

    assert account == ["INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "RATE_LIMITED"]
    assert address == ["INVALID_CREDENTIALS", "RATE_LIMITED"]
    assert attempt(anonymous_api, "c@example.com")["retryAfter"] <= 60


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("nul\x00@example.com", "wrong"),
        ("target@example.com", "nul\x00"),
        ("target@example.com", "x" * 10_000),
        ("x" * 10_000, "wrong"),
    ],
)
def test_malformed_credentials_rejected_before_checking(anonymous_api, email, password):
    """Text that no account can have is rejected before the password check,
    so it neither costs a hash nor counts as a guess."""
    UserFactory(email="target@example.com")

    codes = [attempt(anonymous_api, email, password)["code"] for _ in range(11)]

    assert codes == ["INVALID_INPUT"] * 11
    assert attempt(anonymous_api, "target@example.com", PASSWORD)["code"] == "OK"


def test_unknown_email_costs_one_hash(settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CountingHasher"]
    UserFactory(email="known@example.com")
    CountingHasher.calls = 0

    with pytest.raises(services.InvalidCredentials):
        services.token_create(email="known@example.com", password="wrong")
    known = CountingHasher.calls
    with pytest.raises(services.InvalidCredentials):
        services.token_create(email="unknown@example.com", password="wrong")
    unknown = CountingHasher.calls - known

    assert known == 1
    assert unknown == 1


@pytest.mark.parametrize(
    ("proxies", "meta", "expected"),
    [
        (0, {"REMOTE_ADDR": "192.0.2.7"}, "192.0.2.7"),
        (
            0,
            {"REMOTE_ADDR": "192.0.2.7", "HTTP_X_FORWARDED_FOR": "198.51.100.1"},
            "192.0.2.7",
        ),
        (
            1,
            {
                "REMOTE_ADDR": "10.0.0.1",
                "HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.1",
            },
            "198.51.100.1",
        ),
        (
            2,
            {
                "REMOTE_ADDR": "10.0.0.1",
                "HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.1, 10.0.0.2",
            },
            "198.51.100.1",
        ),
        (
            3,
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.1"},
            "198.51.100.1",
        ),
        (1, {"REMOTE_ADDR": "10.0.0.1"}, "10.0.0.1"),
        (1, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "junk"}, "10.0.0.1"),
        (0, {"REMOTE_ADDR": "2001:db8:1:2:3:4:5:6"}, "2001:db8:1:2::/64"),
        (0, {"REMOTE_ADDR": "::ffff:192.0.2.7"}, "192.0.2.7"),
        (0, {"REMOTE_ADDR": "not an address"}, None),
    ],
)
def test_client_address(settings, proxies, meta, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().post("/graphql", **meta)

    assert client_address(request) == expected


def test_aliased_attempts_rejected_by_default(anonymous_api):
    UserFactory(email="target@example.com")

    body = anonymous_api.execute(
        ALIASED_CREATE_TOKEN,
        {"username": "target@example.com", "password": "wrong-password"},
    )

    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "once per operation" in body["errors"][0]["message"]
