"""Token lifecycle: verification, refresh, and ending earlier tokens."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from graphql_jwt.utils import jwt_encode

from accounts import services
from accounts.models import User
from accounts.tokens import (
    InvalidToken,
    RevokedToken,
    token_issue,
    token_refresh,
    token_user,
)
from tests.conftest import GraphQLClient, api_for, bad_text_code, error_codes
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_FIELDS = """
    success message code id token
    decoded { id email iat exp origIat }
    errors { field message code }
"""

VERIFY_TOKEN = (
    "mutation VerifyToken($token: String!) { verifyToken(token: $token) {"
    + TOKEN_FIELDS
    + "} }"
)

REFRESH_TOKEN = (
    "mutation RefreshToken($token: String!) { refreshToken(token: $token) {"
    + TOKEN_FIELDS
    + "} }"
)

REVOKE_TOKENS = "mutation { revokeTokens { success message code id } }"

ME = "query { me { id } }"


def test_verify_token_returns_claims(anonymous_api):
    user = UserFactory()
    token, claims = token_issue(user)

    payload = anonymous_api.mutate(VERIFY_TOKEN, {"token": token})

    assert payload["success"] is True
    assert payload["code"] == "OK"
    assert payload["id"] == str(user.public_id)
    assert payload["token"] == token
    assert payload["decoded"] == {
        "id": str(user.public_id),
        "email": user.email,
        "iat": claims["iat"],
        "exp": claims["exp"],
        "origIat": claims["iat"],
    }


@pytest.mark.parametrize("token", ["garbage", "", "x" * 10_000, "a\x00b"])
def test_verify_token_rejects_garbage(anonymous_api, token):
    payload = anonymous_api.mutate(VERIFY_TOKEN, {"token": token})

    assert payload["success"] is False
    assert payload["code"] == bad_text_code(token)
    assert payload["token"] is None
    assert payload["decoded"] is None


def test_verify_token_rejects_expired(anonymous_api):
    user = UserFactory()
    with time_machine.travel(timezone.now() - timedelta(hours=24, seconds=1)):
        token, _ = token_issue(user)

    payload = anonymous_api.mutate(VERIFY_TOKEN, {"token": token})

    assert payload["code"] == "TOKEN_EXPIRED"


def test_refresh_token_keeps_sign_in_time(anonymous_api):
    user = UserFactory()
    start = timezone.now() - timedelta(days=6)
    with time_machine.travel(start, tick=False):
        first, first_claims = token_issue(user)
    with time_machine.travel(start + timedelta(hours=23), tick=False):
        second = anonymous_api.mutate(REFRESH_TOKEN, {"token": first})
    with time_machine.travel(start + timedelta(hours=46), tick=False):
        third = anonymous_api.mutate(REFRESH_TOKEN, {"token": second["token"]})

    assert second["success"] is True
    assert second["code"] == "OK"
    assert second["token"] != first
    assert second["decoded"]["origIat"] == first_claims["iat"]
    assert second["decoded"]["exp"] - second["decoded"]["iat"] == 24 * 60 * 60
    assert second["decoded"]["iat"] == first_claims["iat"] + 23 * 60 * 60
    assert third["success"] is True
    assert third["decoded"]["origIat"] == first_claims["iat"]


def test_refresh_token_refused_after_seven_days(anonymous_api):
    user = UserFactory()
    start = timezone.now() - timedelta(days=8)
    with time_machine.travel(start, tick=False):
        token, _ = token_issue(user)
    # Each token lasts 24 hours, so the chain refreshes every 20 hours.
    for step in range(1, 9):
        with time_machine.travel(start + timedelta(hours=20 * step), tick=False):
            token = token_refresh(token)[0]

    with time_machine.travel(start + timedelta(days=7, seconds=1), tick=False):
        payload = anonymous_api.mutate(REFRESH_TOKEN, {"token": token})

    assert payload["success"] is False
    assert payload["code"] == "TOKEN_EXPIRED"
    assert "can no longer be refreshed" in payload["message"]
    assert payload["token"] is None


def test_refresh_window_is_a_setting(anonymous_api, settings):
    settings.GRAPHQL_JWT = {
        **settings.GRAPHQL_JWT,
        "JWT_REFRESH_EXPIRATION_DELTA": timedelta(hours=1),
    }
    # An expired token cannot be refreshed either, so this one lasts long
    # enough to outlive the refresh window.
    settings.GRAPHQL_JWT = {
        **settings.GRAPHQL_JWT,
        "JWT_EXPIRATION_DELTA": timedelta(hours=3),
    }
    user = UserFactory()
    with time_machine.travel(timezone.now() - timedelta(hours=2)):
        token, _ = token_issue(user)

    payload = anonymous_api.mutate(REFRESH_TOKEN, {"token": token})

    assert payload["code"] == "TOKEN_EXPIRED"


def test_refresh_token_rejects_expired_token(anonymous_api):
    user = UserFactory()
    with time_machine.travel(timezone.now() - timedelta(hours=25)):
        token, _ = token_issue(user)

    payload = anonymous_api.mutate(REFRESH_TOKEN, {"token": token})

    assert payload["code"] == "TOKEN_EXPIRED"
    assert payload["token"] is None


@pytest.mark.parametrize("token", ["garbage", "", "x" * 10_000])
def test_refresh_token_rejects_garbage(anonymous_api, token):
    payload = anonymous_api.mutate(REFRESH_TOKEN, {"token": token})

    assert payload["code"] == bad_text_code(token)
    assert payload["token"] is None


def test_refresh_token_rejects_revoked_token(anonymous_api):
    user = UserFactory()
    token, _ = token_issue(user)
    services.tokens_revoke(user=user)

    payload = anonymous_api.mutate(REFRESH_TOKEN, {"token": token})

    assert payload["code"] == "INVALID_TOKEN"
    assert payload["token"] is None


def test_revoke_tokens_ends_every_token(client):
    user = UserFactory()
    other_session = api_for(client, user)
    api = api_for(client, user)

    payload = api.mutate(REVOKE_TOKENS)

    assert payload["success"] is True
    assert payload["code"] == "OK"
    assert payload["id"] == str(user.public_id)
    for session in (api, other_session):
        body = session.execute(ME)
        assert error_codes(body) == ["INVALID_TOKEN"]
        assert "ended" in body["errors"][0]["message"]
    user.refresh_from_db()
    fresh = api_for(client, user)
    assert fresh.query(ME)["me"]["id"] == str(user.public_id)


def test_revoke_tokens_works_unconfirmed(unconfirmed_api, unconfirmed):
    payload = unconfirmed_api.mutate(REVOKE_TOKENS)

    assert payload["success"] is True
    unconfirmed.refresh_from_db()
    assert unconfirmed.token_version == 1


def test_revoke_tokens_needs_sign_in(anonymous_api):
    user = UserFactory()

    payload = anonymous_api.mutate(REVOKE_TOKENS)

    assert payload["code"] == "NOT_AUTHENTICATED"
    user.refresh_from_db()
    assert user.token_version == 0


def test_revoke_tokens_twice_needs_new_token(client):
    user = UserFactory()
    api = api_for(client, user)
    api.mutate(REVOKE_TOKENS)

    payload = api.mutate(REVOKE_TOKENS)

    assert payload["code"] == "INVALID_TOKEN"
    user.refresh_from_db()
    assert user.token_version == 1


def test_deactivation_ends_tokens_even_after_reactivation():
    user = UserFactory()
    token, _ = token_issue(user)

    services.user_deactivate(user=user)

    with pytest.raises(InvalidToken):
        token_user(token)
    User.objects.filter(pk=user.pk).update(is_active=True)
    with pytest.raises(RevokedToken):
        token_user(token)


def test_password_change_ends_earlier_tokens():
    user = UserFactory()
    token, _ = token_issue(user)

    new_token, _ = services.password_change(
        user=user, old_password=PASSWORD, new_password="Neptune-has-16-moons"
    )

    with pytest.raises(RevokedToken):
        token_user(token)
    assert token_user(new_token) == user


def test_token_without_version_rejected(client):
    user = UserFactory()
    now = int(timezone.now().timestamp())
    claims = {
        "id": str(user.public_id),
        "email": user.email,
        "iat": now,
        "exp": now + 60,
        "origIat": now,
    }
    body = GraphQLClient(client, token=jwt_encode(claims)).execute(ME)

    assert error_codes(body) == ["INVALID_TOKEN"]
