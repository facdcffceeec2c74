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

from houston.errors import HoustonError, StatusCode
from houston.permissions import is_api_key

logger = logging.getLogger(__name__)


class RateLimited(HoustonError):
    code = StatusCode.RATE_LIMITED


def client_address(request) -> str:
    """Return the client's IP address.

    Behind TRUSTED_PROXY_COUNT proxies, the address is the one that the
    nearest of them saw, read from X-Forwarded-For; addresses further left
    in that header are set by the client and cannot be trusted.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = request.headers.get("X-Forwarded-For", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or "unknown"


def caller_key(request) -> str:
    user = request.user
    if is_api_key(user):
        return f"key:{user.public_id}"
    if user.is_authenticated:
        return f"user:{user.public_id}"
    return f"address:{client_address(request)}"


def check_mutation_rate(request, operation: str) -> None:
    """Count one call of `operation` for the caller, or raise RateLimited.

    Sets `request.retry_after`, in seconds, which the endpoint sends as the
    Retry-After header.
    """
    rate = settings.GRAPHQL_MUTATION_RATES.get(
        operation, settings.GRAPHQL_MUTATION_RATE
    )
    usage = get_usage(
        request,
        group=f"mutation:{operation}",
        key=lambda group, request: caller_key(request),
        rate=rate,
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return

    # time_left is negative when the cache failed; the request is refused
    # then, and may be tried again soon.
    wait = max(1, usage["time_left"])
    request.retry_after = max(getattr(request, "retry_after", 0) or 0, wait)
    logger.info("Rate limit of %s reached for %s", operation, caller_key(request))
    raise RateLimited(
        f"Too many {operation} requests. Try again in {wait} seconds."
    )
