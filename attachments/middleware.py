"""Refuse request bodies Rolo would never accept, with a page that says why, not a 500."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from attachments.files import decimal_size


class UploadLimitsMiddleware:
    """Answer 413 to a body above ATTACHMENT_MAX_REQUEST_SIZE before any of it is read.

    Django caps the non-file fields (DATA_UPLOAD_MAX_MEMORY_SIZE) and the number of files
    (DATA_UPLOAD_MAX_NUMBER_FILES) but not the size of files, which stream to disk; this
    caps the whole body. The multipart form is then parsed here, before the CSRF check
    would parse it, so that too many files or too many fields get the same explanatory
    page instead of a bare "Bad Request".
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
            try:
                request.POST  # noqa: B018 - parse now, within the limits, or refuse below
            except (TooManyFilesSent, RequestDataTooBig):
                return self._refuse(request, status=400)
        return self.get_response(request)

    def _refuse(self, request: HttpRequest, *, status: int) -> HttpResponse:
        context = {
            "max_request": decimal_size(settings.ATTACHMENT_MAX_REQUEST_SIZE),
            "max_file": decimal_size(settings.ATTACHMENT_MAX_FILE_SIZE),
            "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
        }
        return render(request, "attachments/request_too_large.html", context, status=status)
