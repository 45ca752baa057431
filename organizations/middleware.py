"""Resolve the organization of every /o/<slug>/ URL once, and run the request in its scope."""

import re

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from organizations.models import Membership
from organizations.scoping import scope, scopes_disabled

TENANT_PATH = re.compile(r"^/o/(?P<slug>[-\w]+)/")
ADMIN_PREFIX = "/admin/"


class TenantMiddleware:
    """Attach `request.organization` and `request.membership` for tenant URLs.

    Anonymous users are sent to the login page; unknown slugs and organizations the
    user does not belong to are the same 404, so neither can be told from the other.
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
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = (
            Membership.objects.select_related("organization")
            .filter(user=request.user, organization__slug=match["slug"])
            .first()
        )
        if membership is None:
            raise Http404("No such organization.")
        request.organization = membership.organization
        request.membership = membership
        request.session["last_organization"] = membership.organization.slug
        with scope(organization=membership.organization):
            return self.get_response(request)
