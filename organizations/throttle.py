"""Login throttling on Django's cache: failures are counted per email and per address.

With a shared cache (CACHE_URL=redis://...) the limit holds across app servers.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"login-failures:{kind}:{digest}"


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _keys(request: HttpRequest, email: str) -> list[tuple[str, int]]:
    return [
        (_key("email", email), settings.LOGIN_FAILURE_LIMIT),
        (_key("ip", _client_ip(request)), settings.LOGIN_FAILURE_LIMIT_PER_IP),
    ]


def is_locked_out(request: HttpRequest, email: str) -> bool:
    """True when too many recent failures for this email or from this address."""
    return any(cache.get(key, 0) >= limit for key, limit in _keys(request, email))


def record_failure(request: HttpRequest, email: str) -> None:
    for key, _limit in _keys(request, email):
        # add() starts the window; incr() keeps its expiry.
        if not cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW)


def reset_failures(request: HttpRequest, email: str) -> None:
    cache.delete(_key("email", email))
