"""Response headers Django has no setting for."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def permissions_policy(features: dict[str, list[str]]) -> str:
    """Render `{"camera": [], "fullscreen": ["self"]}` as `camera=(), fullscreen=(self)`."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in features.items())


class PermissionsPolicyMiddleware:
    """Send settings.PERMISSIONS_POLICY as the Permissions-Policy header on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # Rendered once: the setting does not change while the process runs.
        self.header = permissions_policy(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class DebugErrorPagesWithoutCSPMiddleware:
    """Under DEBUG only, leave the policy off Django's technical 404 and 500 pages.

    Those pages (tracebacks, the URL list) are Django's own, with inline <style> and
    <script> and no nonce: under the policy a developer would get them unstyled. With DEBUG
    off (production, and every test) the friendly 404.html and 500.html get the policy.
    Must come after ContentSecurityPolicyMiddleware in MIDDLEWARE, to run before it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.DEBUG and response.status_code in (404, 500):
            response._csp_config = {}  # an empty policy: the middleware sends no header
        return response
