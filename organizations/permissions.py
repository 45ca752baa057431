"""Role checks for views under /o/<slug>/ (the middleware has resolved the membership)."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from organizations.models import Role


def require_role(*roles: str) -> Callable:
    """Answer 403 unless the request's membership has one of `roles`."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            membership = getattr(request, "membership", None)
            if membership is None or membership.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


owner_required = require_role(Role.OWNER)
directory_required = require_role(Role.OWNER, Role.MEMBER)
