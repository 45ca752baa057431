"""Every request's writes are recorded as made by its user, from a page or the admin."""

from django.urls import reverse

from history.context import Source, context


class HistoryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = Source.ADMIN if request.path.startswith(reverse("admin:index")) else Source.PAGE
        # request.user stays lazy: it is read only if the request writes a watched table.
        with context(user=getattr(request, "user", None), source=source):
            return self.get_response(request)
