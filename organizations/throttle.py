"""Throttles for logins, sign-ups and password resets, kept in Django's default cache.

The default cache is the database (settings.CACHES), so every worker process and every
app server counts together; CACHE_URL may move it to Redis. The policy (README,
"Configuration"; docs/architecture.md, "Accounts"):

- Logins: failures are counted per (email, client address), per client address and per
  email. Past a counter's limit each further failure doubles the wait before the next try,
  from LOGIN_BACKOFF_BASE to LOGIN_BACKOFF_MAX seconds, so a guesser is slowed while the
  owner, at another address, is not. The per-email ceiling (failures from many addresses)
  does not apply to a browser the account already logged in from (a signed cookie), and a
  completed password reset clears every counter of that email.
- Sign-ups and password resets, which send email: a fixed number per client address and
  per email address in each RATE_LIMIT_WINDOW.

Nothing here depends on whether an account exists, so no answer tells it.
"""

import hashlib
import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import get_random_string
from django.utils.translation import ngettext

KNOWN_BROWSER_COOKIE = "rolo_known_login"
KNOWN_BROWSER_SALT = "rolo.throttle.known-browser"
KNOWN_BROWSER_MAX_AGE = 365 * 24 * 60 * 60
KNOWN_BROWSER_ACCOUNTS = 5


def _now() -> float:
    """The time in seconds (one place, so tests can move the clock)."""
    return time.time()


def _digest(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def client_address(request: HttpRequest) -> str:
    """The address of the real client, as a throttling key.

    Behind TRUSTED_PROXY_COUNT proxies that each append the address they received the
    request from to X-Forwarded-For, the real client is that many entries from the right;
    entries further left were written by the client and prove nothing. IPv6 clients are
    counted by their /64 network, which one household or one attacker usually holds whole.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def wait_text(seconds: int) -> str:
    """'45 seconds' or '3 minutes': how long a refused visitor should wait."""
    if seconds < 60:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


# Logins


def _generation_key(email: str) -> str:
    return f"login:generation:{_digest(email)}"


def _login_keys(request: HttpRequest, email: str, generation: str) -> dict[str, int]:
    """Each login counter's cache key and its limit."""
    account = _digest(email)
    address = _digest(client_address(request))
    return {
        f"login:pair:{generation}:{account}:{address}": settings.LOGIN_FAILURE_LIMIT,
        f"login:address:{address}": settings.LOGIN_FAILURE_LIMIT_PER_IP,
        f"login:account:{generation}:{account}": settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT,
    }


def _counters(request: HttpRequest, email: str) -> dict[str, tuple[int, dict]]:
    """{key: (limit, {"failures": n, "last": timestamp})} for this email and client."""
    # The generation changes when a password reset clears the email's counters.
    generation = cache.get(_generation_key(email), "0")
    keys = _login_keys(request, email, generation)
    stored = cache.get_many(list(keys))
    return {
        key: (limit, stored.get(key) or {"failures": 0, "last": 0.0}) for key, limit in keys.items()
    }


def _backoff(failures: int, limit: int) -> int:
    """Seconds to wait after `failures` failures: none below `limit`, then doubling."""
    if failures < limit:
        return 0
    doublings = min(failures - limit, 30)
    return min(settings.LOGIN_BACKOFF_BASE * 2**doublings, settings.LOGIN_BACKOFF_MAX)


def login_wait(request: HttpRequest, email: str) -> int:
    """Seconds before this client may try to log in as `email` again; 0 when it may now."""
    now = _now()
    known = is_known_browser(request, email)
    waits = [0]
    for key, (limit, state) in _counters(request, email).items():
        if known and key.startswith("login:account:"):
            continue  # a browser the owner used before is not slowed by others' guesses
        until = state["last"] + _backoff(state["failures"], limit)
        waits.append(math.ceil(until - now))
    return max(waits)


def login_failed(request: HttpRequest, email: str) -> None:
    """Count a failed login for `email` from this client."""
    # Read, add one, write: the database cache has no atomic increment, so two failures
    # in the same instant may count once; the doubling wait makes that harmless.
    now = _now()
    updated = {
        key: {"failures": state["failures"] + 1, "last": now}
        for key, (_limit, state) in _counters(request, email).items()
    }
    cache.set_many(updated, timeout=settings.LOGIN_FAILURE_WINDOW)


def login_succeeded(request: HttpRequest, email: str) -> None:
    """Forget this client's failures for `email` (not the address's, nor the account's)."""
    generation = cache.get(_generation_key(email), "0")
    pair = next(iter(_login_keys(request, email, generation)))
    cache.delete(pair)


def clear_account(email: str) -> None:
    """Forget every failure counted for `email`: its owner proved it by a reset link."""
    cache.set(_generation_key(email), get_random_string(12), timeout=settings.LOGIN_FAILURE_WINDOW)


def _known_accounts(request: HttpRequest) -> list[str]:
    value = request.get_signed_cookie(
        KNOWN_BROWSER_COOKIE, default="", salt=KNOWN_BROWSER_SALT, max_age=KNOWN_BROWSER_MAX_AGE
    )
    return [part for part in value.split(":") if part]


def is_known_browser(request: HttpRequest, email: str) -> bool:
    """True when this browser logged in as `email` before (a cookie Rolo signed)."""
    return _digest(email) in _known_accounts(request)


def remember_browser(request: HttpRequest, response: HttpResponse, email: str) -> None:
    """Mark this browser as one `email` logs in from, for the per-account ceiling."""
    accounts = [_digest(email)] + [a for a in _known_accounts(request) if a != _digest(email)]
    response.set_signed_cookie(
        KNOWN_BROWSER_COOKIE,
        ":".join(accounts[:KNOWN_BROWSER_ACCOUNTS]),
        salt=KNOWN_BROWSER_SALT,
        max_age=KNOWN_BROWSER_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


# Requests that send email


def rate_limit_wait(scope: str, limits: list[tuple[str, int]]) -> int:
    """Count one request of `scope` against each (value, limit); seconds to wait if over.

    Windows are fixed (RATE_LIMIT_WINDOW long); a refused request is not counted, so
    waiting the time given is enough.
    """
    window = settings.RATE_LIMIT_WINDOW
    now = _now()
    bucket = int(now // window)
    keys = {f"rate:{scope}:{bucket}:{_digest(value)}": limit for value, limit in limits}
    counts = cache.get_many(list(keys))
    if any(counts.get(key, 0) >= limit for key, limit in keys.items()):
        return max(1, math.ceil((bucket + 1) * window - now))
    cache.set_many({key: counts.get(key, 0) + 1 for key in keys}, timeout=window)
    return 0
