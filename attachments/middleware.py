"""Refuse request bodies Rolo would never accept, with a page that says why, not a 500."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.urls import get_callable

from attachments.files import decimal_size


class UploadLimitsMiddleware:
    """Answer 413 to a body above ATTACHMENT_MAX_REQUEST_SIZE before any of it is read.

    Django caps the non-file fields (DATA_UPLOAD_MAX_MEMORY_SIZE) and the number of files
    (DATA_UPLOAD_MAX_NUMBER_FILES) but not the size of files, which stream to disk; this
    caps the whole body. The multipart form is then parsed here, before the CSRF check
    would parse it, so that too many files or too many fields get the same explanatory
    page instead of a bare "Bad Request".

    Only a body that could be accepted is read here: an anonymous visitor's (no session)
    is never parsed early, and one larger than form fields is sent to log in unread; one
    without a CSRF cookie is refused as the CSRF check would refuse it, from the headers
    alone. Nobody can make the server read 100 MB for nothing.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.ATTACHMENT_MAX_REQUEST_SIZE:
            return self._refuse(request, status=413)
        if request.method == "POST" and request.content_type == "multipart/form-data":
            if not request.user.is_authenticated:
                # No page takes files from anonymous visitors (tenant URLs already sent
                # them to log in): a body larger than form fields is refused unread, and
                # a smaller one is left to the view, which reads it after the CSRF check.
                if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                    return redirect_to_login(request.get_full_path())
                return self.get_response(request)
            if not self._has_csrf_cookie(request):
                csrf_failure = get_callable(settings.CSRF_FAILURE_VIEW)
                return csrf_failure(request, reason=REASON_NO_CSRF_COOKIE)
            try:
                request.POST  # noqa: B018 - parse now, within the limits, or refuse below
            except (TooManyFilesSent, RequestDataTooBig):
                return self._refuse(request, status=400)
        return self.get_response(request)

    @staticmethod
    def _has_csrf_cookie(request: HttpRequest) -> bool:
        """False when the CSRF check will surely refuse: no cookie (the token is not read)."""
        if getattr(request, "_dont_enforce_csrf_checks", False) or settings.CSRF_USE_SESSIONS:
            return True  # the test client's opt-out; or a secret in the session, checked later
        return bool(request.COOKIES.get(settings.CSRF_COOKIE_NAME))

    def _refuse(self, request: HttpRequest, *, status: int) -> HttpResponse:
        context = {
            "max_request": decimal_size(settings.ATTACHMENT_MAX_REQUEST_SIZE),
            "max_file": decimal_size(settings.ATTACHMENT_MAX_FILE_SIZE),
            "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
        }
        return render(request, "attachments/request_too_large.html", context, status=status)
