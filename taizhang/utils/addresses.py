"""The client's address, the same for the sign-in lock-out and the audit log."""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(values):
    return tuple(ipaddress.ip_network(v, strict=False) for v in values)


def trusted_proxy_networks(values):
    """``TAIZHANG_TRUSTED_PROXIES`` as networks; a value that is not one raises ValueError
    (settings call this at start, so a typo stops the server instead of every request)."""
    return _networks(tuple(values))


def _parse(address):
    try:
        return ipaddress.ip_address(address)
    except ValueError:
        return None


def _is_in(address, networks):
    ip = _parse(address)
    return ip is not None and any(ip in net for net in networks)


def client_address(request):
    """REMOTE_ADDR, unless that is a trusted proxy: then the nearest address in
    X-Forwarded-For that is not one (read from the right, since a client can write whatever
    it likes on the left). None without a request."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = trusted_proxy_networks(settings.TAIZHANG_TRUSTED_PROXIES)
    if not trusted or not _is_in(remote, trusted):
        return remote[:45]
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_in(hop, trusted):
            return hop[:45] if _parse(hop) else remote[:45]
    return remote[:45]
