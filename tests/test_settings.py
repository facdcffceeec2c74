"""Settings come from the environment; each case starts a fresh interpreter
because settings are read once per process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

# A well-formed Fernet key: 32 bytes in URL-safe base64.
FERNET_KEY = "c2V0dGluZ3MtdGVzdC1rZXktMzItYnl0ZXMtbG9uZyE="

PRINT_SETTINGS = """
import django
from django.conf import settings
django.setup()
print(settings.DATABASES["default"]["ENGINE"])
print(settings.EMAIL_BACKEND)
print(settings.GRAPHQL_JWT["JWT_SECRET_KEY"] == settings.SECRET_KEY)
print(settings.DEBUG)
"""


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "kX9-2vQp7LmZ4tRw8yNc3bHj6dFs1aGe5uKo0iTq-WxYzPvB7nM4",
    "JWT_SECRET_KEY": "Jw3-8mQz1vLp6tRy4cNb9hKd2fSa7gEu0oIx5TqWzYvPnB3kM8",
    "FIELD_ENCRYPTION_KEYS": FERNET_KEY,
    "ALLOWED_HOSTS": "houston.example.com",
}


def load_settings(**environment) -> subprocess.CompletedProcess:
    return run_python(["-c", PRINT_SETTINGS], environment)


def run_python(arguments, environment) -> subprocess.CompletedProcess:
    """Run Python in the project with only `environment` of Houston's
    variables set."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {*PRODUCTION, "DATABASE_URL", "EMAIL_URL", "GRAPHIQL_ENABLED"}
    }
    env.update(DJANGO_SETTINGS_MODULE="houston.settings", **environment)
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_requires_secret_key():
    result = load_settings(DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_requires_encryption_keys():
    result = load_settings(DEBUG="false", SECRET_KEY="s" * 50)

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS is not set" in result.stderr


@pytest.mark.parametrize("keys", ["not-a-key", f"{FERNET_KEY},short"])
def test_malformed_encryption_key_fails_clearly(keys):
    result = load_settings(
        DEBUG="false", SECRET_KEY="s" * 50, FIELD_ENCRYPTION_KEYS=keys
    )

    assert result.returncode != 0
    assert "is not a Fernet key" in result.stderr
    assert "short" not in result.stderr
    assert "not-a-key" not in result.stderr


def test_debug_uses_development_defaults():
    result = load_settings(DEBUG="true")

    engine, email_backend, jwt_uses_secret_key, debug = result.stdout.split()
    assert result.returncode == 0, result.stderr
    assert engine == "django.db.backends.sqlite3"
    assert email_backend == "django.core.mail.backends.console.EmailBackend"
    assert jwt_uses_secret_key == "True"
    assert debug == "True"


def test_environment_selects_services():
    result = load_settings(
        DEBUG="false",
        SECRET_KEY="s" * 50,
        FIELD_ENCRYPTION_KEYS=FERNET_KEY,
        JWT_SECRET_KEY="j" * 50,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/houston",
        EMAIL_URL="smtp://mail.example.com:587",
    )

    engine, email_backend, jwt_uses_secret_key, debug = result.stdout.split()
    assert result.returncode == 0, result.stderr
    assert engine == "django.db.backends.postgresql"
    assert email_backend == "django.core.mail.backends.smtp.EmailBackend"
    assert jwt_uses_secret_key == "False"
    assert debug == "False"


@pytest.mark.parametrize("value", ["nosuchdb://x", "not a url"])
def test_invalid_database_url_fails_clearly(value):
    result = load_settings(DEBUG="true", DATABASE_URL=value)

    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_production_passes_deploy_checks():
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PRINT_GRAPHIQL = """
import django
from django.conf import settings
django.setup()
print(settings.GRAPHIQL_ENABLED, settings.GRAPHQL_INTROSPECTION)
"""


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"DEBUG": "true"}, "True True"),
        (PRODUCTION, "False False"),
        ({**PRODUCTION, "GRAPHIQL_ENABLED": "true"}, "True True"),
    ],
)
def test_graphiql_and_introspection_follow_debug(environment, expected):
    result = run_python(["-c", PRINT_GRAPHIQL], environment)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"JWT_SECRET_KEY": "x"}, "at least 32 characters"),
        ({"JWT_SECRET_KEY": "", "SECRET_KEY": "short"}, "at least 32 characters"),
        (
            {"FIELD_ENCRYPTION_KEYS": "ZGV2ZWxvcG1lbnQta2V5LWRvLW5vdC1kZXBsb3khISE="},
            "development key",
        ),
    ],
)
def test_production_refuses_weak_keys(overrides, message):
    result = load_settings(**{**PRODUCTION, **overrides})

    assert result.returncode != 0
    assert message in result.stderr


def test_empty_jwt_key_falls_back_to_secret_key():
    result = load_settings(**{**PRODUCTION, "JWT_SECRET_KEY": ""})

    engine, email_backend, jwt_uses_secret_key, debug = result.stdout.split()
    assert result.returncode == 0, result.stderr
    assert jwt_uses_secret_key == "True"
