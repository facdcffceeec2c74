"""Django settings for Houston.

This is the only module that reads the environment, always through
django-environ. Every variable has a default that suits a developer's
machine, except SECRET_KEY and FIELD_ENCRYPTION_KEYS, which production
must set.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# A fixed key is only acceptable on a developer's machine, because anyone
# who has it can forge sessions, signed links and tokens.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or set "
            "DEBUG=true for local development."
        )
    SECRET_KEY = "django-insecure-houston-development-key-do-not-deploy"

# Signs JSON Web Tokens; an empty value falls back to SECRET_KEY. HS256
# keys shorter than 32 bytes can be found by brute force, so production
# refuses them.
JWT_SECRET_KEY = env.str("JWT_SECRET_KEY", default="") or SECRET_KEY
if not DEBUG and len(JWT_SECRET_KEY) < 32:
    raise ImproperlyConfigured(
        "JWT_SECRET_KEY, or SECRET_KEY when it is not set, must be at least 32 "
        'characters long. Generate one with: python -c "import secrets; '
        'print(secrets.token_urlsafe(50))"'
    )

# Keys that encrypt connection secrets at rest, newest first: the first key
# encrypts, every key decrypts. A fixed key is only acceptable on a
# developer's machine, because anyone who has it can read the secrets of a
# copy of the database. See docs/configuration.md for the rotation procedure.
DEVELOPMENT_ENCRYPTION_KEY = "ZGV2ZWxvcG1lbnQta2V5LWRvLW5vdC1kZXBsb3khISE="
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is not set. Set it in the environment to one "
            "or more Fernet keys separated by commas, or set DEBUG=true for "
            "local development."
        )
    FIELD_ENCRYPTION_KEYS = [DEVELOPMENT_ENCRYPTION_KEY]
elif not DEBUG and DEVELOPMENT_ENCRYPTION_KEY in FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS contains the development key, which is public. "
        'Generate a key with: python -c "from cryptography.fernet import '
        'Fernet; print(Fernet.generate_key().decode())"'
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

# HTTPS in production. Behind a proxy that terminates TLS, set
# SECURE_PROXY_SSL_HEADER=true so that Django trusts its X-Forwarded-Proto,
# and make sure the proxy always sets that header.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# Strict Transport Security for a year once HTTPS is in place. Set
# SECURE_HSTS_SECONDS=0 to turn it off while trying HTTPS out, because
# browsers remember it.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)

PORT = env.int("PORT", default=8000)

# Absolute address of this server, used to build the links sent by mail.
PUBLIC_URL = env.str("PUBLIC_URL", default=f"http://127.0.0.1:{PORT}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "graphene_django",
    "houston",
    "accounts",
    "organizations",
    "clickstream",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "houston.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "houston.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Houston runs on PostgreSQL in production and SQLite for development.
if DATABASES["default"].get("ENGINE") not in {
    "django.db.backends.postgresql",
    "django.db.backends.sqlite3",
}:
    raise ImproperlyConfigured(
        "DATABASE_URL must name a PostgreSQL or SQLite database: "
        "postgres://USER:PASSWORD@HOST:PORT/NAME or sqlite:///PATH."
    )

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite allows one writer at a time. Taking the write lock when a
    # transaction starts, and waiting for it, turns concurrent writes into
    # a queue instead of "database is locked" errors.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache contains the sign-in failure counters. Local memory is per process,
# so a server that runs several processes needs a shared cache such as
# redis://HOST:6379/0, which Django's built-in Redis backend serves.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "accounts.User"

# Argon2id hashes new passwords. The PBKDF2 hashers remain to verify older
# hashes, which Django rehashes with Argon2id at the next successful sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "first_name", "last_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# Mail: the console backend prints each message to standard output.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Houston <houston@localhost>"
)

GRAPHENE = {
    "SCHEMA": "houston.schema.schema",
    "MIDDLEWARE": ["houston.graphql.middleware.ArgumentLimitsMiddleware"],
}

GRAPHQL_JWT = {
    "JWT_SECRET_KEY": JWT_SECRET_KEY,
    "JWT_ALGORITHM": "HS256",
    "JWT_VERIFY_EXPIRATION": True,
    "JWT_EXPIRATION_DELTA": timedelta(hours=24),
    # refreshToken issues new tokens until this long after the sign-in that
    # the chain of tokens started from.
    "JWT_REFRESH_EXPIRATION_DELTA": timedelta(days=7),
    "JWT_PAYLOAD_HANDLER": "accounts.tokens.token_payload",
    "JWT_DECODE_HANDLER": "accounts.tokens.token_decode",
}

# GraphiQL in the browser at /graphql, and schema introspection, which
# GraphiQL needs. Both are off in production unless turned on.
GRAPHIQL_ENABLED = env.bool("GRAPHIQL_ENABLED", default=DEBUG)
GRAPHQL_INTROSPECTION = env.bool("GRAPHQL_INTROSPECTION", default=GRAPHIQL_ENABLED)

# Limits on one GraphQL request. Larger requests are rejected before they
# run, so a client cannot make the server parse or resolve without bound.
GRAPHQL_MAX_BODY_SIZE = 256 * 1024  # bytes; larger bodies get status 413
GRAPHQL_MAX_TOKENS = 5000  # lexical tokens in the query document
GRAPHQL_MAX_FIELDS = 300  # field selections written in the query document
GRAPHQL_MAX_DEPTH = 10  # nested selection levels, introspection excepted
GRAPHQL_MAX_ALIASES = 20  # aliased fields per operation
GRAPHQL_MAX_LIST_ITEMS = 100  # items in one list argument
# Mutations per caller (user, API key, or client address when anonymous),
# as "<count>/<s|m|h|d>". Operations not listed use GRAPHQL_MUTATION_RATE.
GRAPHQL_MUTATION_RATE = "60/m"
GRAPHQL_MUTATION_RATES = {
    "createNewUser": "10/h",
    "resendConfirmation": "5/h",
    "requestPasswordReset": "5/h",
    "acceptInvitation": "10/h",
}
# Fields that may appear once per operation, so that aliases cannot turn
# one request into many password guesses or sign-ups.
GRAPHQL_SINGLE_USE_FIELDS = frozenset(
    {"createToken", "createNewUser", "requestPasswordReset"}
)

# Accounts: while confirmation is required, an unconfirmed user may only sign
# in, read their own account and ask for a new confirmation link.
EMAIL_CONFIRMATION_REQUIRED = env.bool("EMAIL_CONFIRMATION_REQUIRED", default=True)
EMAIL_CONFIRMATION_MAX_AGE = timedelta(days=3)
PASSWORD_RESET_MAX_AGE = timedelta(hours=1)
EMAIL_CHANGE_MAX_AGE = timedelta(days=3)

# Failed password checks allowed per account and per client address within
# SIGN_IN_FAILURE_WINDOW. Past either limit, sign-in fails with RATE_LIMITED
# until the window that began with the first failure ends.
SIGN_IN_FAILURE_LIMIT_PER_ACCOUNT = env.int(
    "SIGN_IN_FAILURE_LIMIT_PER_ACCOUNT", default=10
)
SIGN_IN_FAILURE_LIMIT_PER_ADDRESS = env.int(
    "SIGN_IN_FAILURE_LIMIT_PER_ADDRESS", default=50
)
SIGN_IN_FAILURE_WINDOW = timedelta(minutes=15)

# How many reverse proxies in front of Houston append to X-Forwarded-For. With
# 0, the client address is the connection's REMOTE_ADDR. With N, it is the
# Nth address from the right of X-Forwarded-For, the one that the outermost
# trusted proxy received the request from. Addresses further left were sent
# by the client and could be forged.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Organizations: how long an invitation link works after it is sent.
INVITATION_MAX_AGE = timedelta(days=7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {
        "redact_link_tokens": {"()": "houston.log_filters.RedactLinkTokens"},
    },
    "handlers": {
        # The filter sits on the handler, so that every logger's lines,
        # such as django.security's CSRF warnings, lose link tokens.
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_link_tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own configuration also prints the "django" loggers to the
        # console while DEBUG is on. One handler here avoids printing each
        # line twice.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
