"""Throttling of failed password checks, per account and per client address.

Each counter counts failures in a window that opens at the first failure and
lasts SIGN_IN_FAILURE_WINDOW. Once a counter reaches its limit, every
password check that it covers fails with RATE_LIMITED, without looking at
the password, until the window ends.

Counters live in Django's cache. The start of the window is stored under
`<key>:start` and the count under `<key>:<start>`, so a new window never
inherits an old count. Each step is one atomic cache operation (`add` or
`incr`), which is safe across processes on Redis. When the cache is
unreachable, the error propagates and the sign-in fails, so an outage
does not switch the throttle off.

Accounts are keyed by the normalised address that was typed, whether or not
it has an account, so a throttled unknown address looks the same as a
throttled real one. Anyone can lock an account out for one window by
failing on purpose. A correct password does not get past the lock, because
that would let an attacker tell when a guess is right.
"""

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from accounts.models import normalize_email
from houston.errors import RateLimited

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FailureCounter:
    key: str
    limit_setting: str

    @property
    def limit(self) -> int:
        return getattr(settings, self.limit_setting)


def account_counter(email: str) -> FailureCounter:
    # The cache key contains a digest, because addresses are personal data.
    digest = hashlib.sha256(normalize_email(email).encode()).hexdigest()
    return FailureCounter(
        key=f"sign-in-failures:account:{digest}",
        limit_setting="SIGN_IN_FAILURE_LIMIT_PER_ACCOUNT",
    )


def address_counter(address: str) -> FailureCounter:
    return FailureCounter(
        key=f"sign-in-failures:address:{address}",
        limit_setting="SIGN_IN_FAILURE_LIMIT_PER_ADDRESS",
    )


def sign_in_counters(*, email: str, address: str | None) -> list[FailureCounter]:
    counters = [account_counter(email)]
    if address is not None:
        counters.append(address_counter(address))
    return counters


def check(counters: list[FailureCounter]) -> None:
    """Raise RateLimited when any of `counters` has reached its limit."""
    now = time.time()
    waits = []
    for counter in counters:
        start = _window_start(counter, now)
        if start is None:
            continue
        if cache.get(_count_key(counter, start), 0) >= counter.limit:
            waits.append(math.ceil(start + _window_seconds() - now))
    if waits:
        wait = max(1, *waits)
        raise RateLimited(
            f"Too many failed sign-in attempts. Try again in {wait} seconds.",
            retry_after=wait,
        )


def record_failure(counters: list[FailureCounter]) -> None:
    now = time.time()
    timeout = math.ceil(_window_seconds())
    for counter in counters:
        start = _open_window(counter, now, timeout)
        count_key = _count_key(counter, start)
        cache.add(count_key, 0, timeout=timeout)
        try:
            count = cache.incr(count_key)
        except ValueError:
            # The key expired between `add` and `incr`.
            cache.add(count_key, 1, timeout=timeout)
            count = 1
        if count == counter.limit:
            # The key names an address digest or a client address, never an
            # email address.
            logger.warning("Throttling %s after %d failed sign-ins", counter.key, count)


def reset(counter: FailureCounter) -> None:
    """Forget the failures of `counter`; its count keys expire on their own."""
    cache.delete(_start_key(counter))


def _window_seconds() -> float:
    return settings.SIGN_IN_FAILURE_WINDOW.total_seconds()


def _start_key(counter: FailureCounter) -> str:
    return f"{counter.key}:start"


def _count_key(counter: FailureCounter, start: float) -> str:
    return f"{counter.key}:{start!r}"


def _window_start(counter: FailureCounter, now: float) -> float | None:
    start = cache.get(_start_key(counter))
    if start is None or now >= start + _window_seconds():
        return None
    return start


def _open_window(counter: FailureCounter, now: float, timeout: int) -> float:
    """Return the start of the counter's window, opening one if needed."""
    start_key = _start_key(counter)
    start = cache.get(start_key)
    if start is not None:
        if now < start + _window_seconds():
            return start
        # The clock has passed the window before the cache expired the key,
        # which happens when the cache server's clock differs from ours.
        cache.delete(start_key)
    if cache.add(start_key, now, timeout=timeout):
        return now
    # A concurrent failure opened the window first.
    return cache.get(start_key, now)
