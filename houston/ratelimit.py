"""Rate limits on mutations, per caller, kept in Django's cache.

A caller is a signed-in user, an API key, or for anonymous requests the
client's address. Each mutation field counts once per call, so aliases in
one request count separately. Counters live in the default cache: Redis
when CACHE_URL names one, so that every server process shares them, or
local memory otherwise, which counts per process.
"""

import logging

from django.conf import settings
from django_ratelimit.core import get_usage

from houston.errors import RateLimited
from houston.http import client_address
from houston.permissions import is_api_key

logger = logging.getLogger(__name__)


def caller_key(request) -> str:
    user = request.user
    if is_api_key(user):
        return f"key:{user.public_id}"
    if user.is_authenticated:
        return f"user:{user.public_id}"
    return f"address:{client_address(request) or 'unknown'}"


def check_mutation_rate(request, operation: str, calls: int = 1) -> None:
    """Count `calls` calls of `operation` for the caller, or raise
    RateLimited as soon as one is over the limit."""
    rate = settings.GRAPHQL_MUTATION_RATES.get(
        operation, settings.GRAPHQL_MUTATION_RATE
    )
    for _ in range(calls):
        usage = get_usage(
            request,
            group=f"mutation:{operation}",
            key=lambda group, request: caller_key(request),
            rate=rate,
            increment=True,
        )
        if usage is not None and usage["should_limit"]:
            break
    else:
        return

    # time_left is negative when the cache failed; the request is refused
    # then, and may be tried again soon.
    wait = max(1, usage["time_left"])
    logger.info("Rate limit of %s reached for %s", operation, caller_key(request))
    raise RateLimited(
        f"Too many {operation} requests. Try again in {wait} seconds.",
        retry_after=wait,
    )
