"""Whose language and time zone: a page speaks to its reader, an email to its recipient."""

from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone, translation

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def user_time_zone(user) -> ZoneInfo | None:
    """The user's chosen time zone, or None for the site's (an unknown name counts as none)."""
    if not getattr(user, "time_zone", ""):
        return None
    try:
        return ZoneInfo(user.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def email_language(user=None, organization=None) -> str:
    """The language of an email: the recipient's choice, else their organization's default
    (for people without a profile, such as clients), else the site's."""
    for code in (getattr(user, "language", ""), getattr(organization, "language", "")):
        if code in LANGUAGE_CODES:
            return code
    return settings.LANGUAGE_CODE


@contextmanager
def speaking_to(user=None, organization=None) -> Iterator[None]:
    """Render what is inside (an email's subject and body) in the recipient's language and
    time zone, whatever the request or the worker is speaking."""
    zone = user_time_zone(user) or ZoneInfo(settings.TIME_ZONE)
    with translation.override(email_language(user, organization)), timezone.override(zone):
        yield
