"""Facts about the HTTP client behind a request."""

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    """Return the address that rate limits and sign-in notices key on.

    Without trusted proxies (TRUSTED_PROXY_COUNT = 0) it is REMOTE_ADDR,
    because any client can write X-Forwarded-For. Behind N trusted proxies,
    each of which appends the address it received the request from, it is
    the Nth entry from the right of X-Forwarded-For. With fewer entries it
    is the leftmost one, and when the chosen entry is not an address it is
    REMOTE_ADDR again. An IPv6 address is reduced to its /64 network, because one
    client usually has a whole /64. Returns None when no valid address is
    found.
    """
    remote = normalize_address(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
    if not entries:
        return remote
    return normalize_address(entries[-min(proxies, len(entries))]) or remote


def normalize_address(value: str) -> str | None:
    """Return an IPv4 address, or the /64 network of an IPv6 address."""
    try:
        address = ipaddress.ip_address(value[:64])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
