"""Small helpers for reading a request's query string."""

from django.http import HttpRequest


def search_text(request: HttpRequest, *, limit: int = 200) -> str:
    """The ?q= search text, trimmed to `limit` characters.

    NUL characters are dropped: PostgreSQL refuses them in text parameters, and no
    name or address contains one.
    """
    return request.GET.get("q", "").replace("\x00", "").strip()[:limit]
