"""Resolve the organization of every /o/<slug>/ URL once, and run the request in its scope;
speak the user's language in their time zone."""

import re
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound
from django.utils import timezone, translation
from django_htmx.http import HttpResponseClientRedirect

from organizations.i18n import LANGUAGE_CODES, user_time_zone
from organizations.models import Membership
from organizations.scoping import scope, scopes_disabled

TENANT_PATH = re.compile(r"^/o/(?P<slug>[-\w]+)/")
ADMIN_PREFIX = "/admin/"


def my_memberships(user) -> list[Membership]:
    """Every membership of `user` with its organization, by organization name."""
    return list(
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name", "organization_id")
    )


class TenantMiddleware:
    """Attach `request.organization` and `request.membership` for tenant URLs.

    Anonymous users are sent to the login page; unknown slugs and organizations the
    user does not belong to are the same 404, so neither can be told from the other.
    One query reads all the user's memberships: the current one, and the others for
    the organization switcher and the "Copy to…" targets (`request.my_memberships`).

    Access is decided on every request, so a page left open stops working at once when
    its session ends or its user leaves the organization. An htmx request from such a
    page is told to load a whole page (the login page, or the 404 page) instead of
    having a fragment swapped in or silently dropped.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organization = None
        request.membership = None
        if request.path_info.startswith(ADMIN_PREFIX):
            # Operators run the admin across tenants (PRODUCT §1); it checks is_staff itself.
            with scopes_disabled():
                return self.get_response(request)
        match = TENANT_PATH.match(request.path_info)
        if match is None:
            return self.get_response(request)
        is_htmx = request.headers.get("HX-Request") == "true"
        if not request.user.is_authenticated:
            if is_htmx:
                # Back to the page the fragment was on, not to the fragment's own URL.
                page = urlsplit(request.headers.get("HX-Current-URL", "")).path
                return HttpResponseClientRedirect(redirect_to_login(page or request.path).url)
            return redirect_to_login(request.get_full_path())
        # MembershipBackend read them with the user, in the same query.
        memberships = getattr(request.user, "prefetched_memberships", None)
        if memberships is None:
            memberships = my_memberships(request.user)
        membership = next((m for m in memberships if m.organization.slug == match["slug"]), None)
        if membership is None:
            if is_htmx:
                response = HttpResponseNotFound()
                response["HX-Refresh"] = "true"
                return response
            raise Http404("No such organization.")
        request.organization = membership.organization
        request.membership = membership
        request.my_memberships = memberships
        # Writing the session costs an UPDATE (and a transaction): only when it changes.
        if request.session.get("last_organization") != membership.organization.slug:
            request.session["last_organization"] = membership.organization.slug
        with scope(organization=membership.organization):
            return self.get_response(request)


class PreferencesMiddleware:
    """Speak the signed-in user's language and show times in their time zone.

    After `LocaleMiddleware` (which picked the language from the switcher's cookie or the
    browser's `Accept-Language`) and after authentication: a language chosen on the
    profile page wins over both. An empty choice leaves the browser's language and the
    site's time zone. The user row is the one the request reads anyway (no query added).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            if user.language and user.language in LANGUAGE_CODES:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            zone = user_time_zone(user)
            if zone is not None:
                timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
