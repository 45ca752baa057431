"""Gunicorn's production defaults for Rolo (the Dockerfile's CMD and `benchmarks/load.py` use it).

Every value can be changed from the environment without editing this file:

    WEB_CONCURRENCY           worker processes (default: 2 per CPU core)
    GUNICORN_THREADS          threads per worker (default 4)
    GUNICORN_TIMEOUT          seconds a request may run before its worker is replaced (30)
    GUNICORN_MAX_REQUESTS     requests after which a worker is replaced (2000; 0 = never)
    GUNICORN_KEEPALIVE        seconds an idle client connection is kept open (5)
    GUNICORN_BIND             address to listen on (default 0.0.0.0:8000; --bind overrides it)

Threaded workers (gthread): a page spends part of its time waiting for PostgreSQL, and
a thread waiting frees the interpreter for another request of the same process, so
four processes of four threads keep two cores busy where four single-request workers
leave them idle during every query. Processes, not only threads, because Python runs
one thread at a time per process. Each thread holds its own persistent database
connection (CONN_MAX_AGE): workers × threads connections in all, 16 on two cores.
"""

import multiprocessing
import os

from gunicorn.http import wsgi as _gunicorn_wsgi


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count())
threads = _int("GUNICORN_THREADS", 4)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
# Browsers reuse a connection for a page's static files; a few seconds are enough
# (behind a proxy that keeps its upstream connections open, raise it above the proxy's).
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Replace each worker now and then so that a slow leak cannot grow for ever; the
# jitter keeps the workers from all restarting at the same moment.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# The heartbeat file lives in memory: on a container's overlay file system a write can
# block long enough for the arbiter to think a busy worker hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# One line per request on standard output (the container's log); GUNICORN_ACCESSLOG=""
# turns it off.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None


def _default_headers_without_server(self) -> list[str]:
    """Gunicorn's own response headers minus `Server:` (which names the software)."""
    return [line for line in _original_default_headers(self) if not line.startswith("Server:")]


# Gunicorn 27 writes `Server: gunicorn` on every response and has no setting to leave it
# out; an application's own Server header would only be sent in addition. Its response
# class is shared by every worker, which forks from this process after reading this file.
_original_default_headers = _gunicorn_wsgi.Response.default_headers
_gunicorn_wsgi.Response.default_headers = _default_headers_without_server
