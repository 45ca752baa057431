"""A database that cannot be reached is a 503 with a static page, not a 500 with a traceback.

Django turns an exception raised anywhere in a request (a view, or a middleware reading
the session or the user's memberships) into a call of `handler500` from inside the
`except` block, so this handler sees every exception and picks the answer: a lost or
refused connection is temporary, the client may retry (`Retry-After`), and the page
says so; anything else is Django's own 500. The 503 page is rendered without a request
context, since context processors read the user and their organizations — from the
database that is gone. The broken connection itself is closed by Django at the end of
the request (it is no longer usable) and a new one is opened by the next request
(CONN_HEALTH_CHECKS), so a worker needs no restart once the database is back.
"""

import sys

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views.defaults import bad_request, server_error

try:
    import psycopg
except ImportError:  # SQLite only
    psycopg = None

# Seconds a client is asked to wait before retrying: a database restart takes a few.
RETRY_AFTER_SECONDS = 5
# PostgreSQL's SQLSTATE classes and codes that mean "this connection is gone or cannot
# be made now": 08 connection exceptions, 57P01 admin shutdown, 57P02 crash shutdown,
# 57P03 cannot connect now (starting up or shutting down).
CONNECTION_SQLSTATE_CLASSES = ("08",)
CONNECTION_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})


def _is_lost_psycopg_connection(error: BaseException) -> bool:
    """Whether a psycopg error says the server is gone or refuses connections."""
    if isinstance(error, psycopg.InterfaceError):
        return True  # "the connection is closed"
    if not isinstance(error, psycopg.OperationalError):
        return False
    sqlstate = error.sqlstate
    # psycopg gives no SQLSTATE when the server could not be reached at all or closed
    # the connection without a message.
    return (
        sqlstate is None
        or sqlstate.startswith(CONNECTION_SQLSTATE_CLASSES)
        or sqlstate in CONNECTION_SQLSTATES
    )


def _is_lost_connection(error: BaseException) -> bool:
    """Whether `error` says the database could not be reached, not that a query was wrong."""
    if isinstance(error, InterfaceError):
        # "connection already closed": the connection died under an earlier query.
        return True
    if psycopg is not None and isinstance(error, psycopg.Error):
        # Raised where Django does not wrap the driver's errors (closing, rolling back).
        return _is_lost_psycopg_connection(error)
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if cause is None:
        return True
    if psycopg is None or not isinstance(cause, psycopg.Error):
        # Other drivers' operational errors (SQLite's "database is locked", "no such
        # table") are not outages of a database server.
        return False
    return _is_lost_psycopg_connection(cause)


def is_database_unavailable(error: BaseException | None) -> bool:
    """Whether `error`, or an error it came from or while handling, is a lost connection."""
    seen = set()
    while error is not None and id(error) not in seen:
        if _is_lost_connection(error):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def database_unavailable(request: HttpRequest | None = None) -> HttpResponse:
    """The 503 page: static, rendered with no request context, so with no query."""
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # A proxy or browser must not keep the outage page in place of the real one.
    response["Cache-Control"] = "no-store"
    return response


def server_error_or_unavailable(request: HttpRequest, template_name: str = "500.html"):
    """`handler500`: a 503 for a database that cannot be reached, Django's 500 otherwise."""
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable(request)
    return server_error(request, template_name=template_name)


def bad_request_or_unavailable(
    request: HttpRequest, exception: Exception, template_name: str = "400.html"
):
    """`handler400`: a 503 when the "bad request" is a session the lost database could not save.

    The session middleware turns a failed session save into SessionInterrupted, a 400,
    whatever made the save fail; when the database went away the client did nothing wrong.
    """
    if is_database_unavailable(exception):
        return database_unavailable(request)
    return bad_request(request, exception, template_name=template_name)
