"""A database that cannot be reached gives a friendly 503; the app recovers without a restart."""

import os
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.db.utils import InterfaceError, OperationalError, ProgrammingError
from django.test import Client
from django.urls import reverse

from benchmarks import cluster
from config.outage import is_database_unavailable
from tests.factories import ContactFactory

ROOT = Path(__file__).resolve().parent.parent


def _django_error(error_class, cause: BaseException | None):
    """A Django database error raised from `cause`, as Django's error wrapper raises it."""
    try:
        try:
            if cause is not None:
                raise cause
            raise error_class("no cause")
        except Exception as driver_error:
            if driver_error is cause:
                raise error_class(*driver_error.args) from driver_error
            raise
    except error_class as error:
        return error


@contextmanager
def failing_queries(error: BaseException, when=lambda sql: True):
    """Make every query of the default connection (or those `when` picks) raise `error`."""

    def wrapper(execute, sql, params, many, context):
        if when(sql):
            raise error
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


def lost_connection() -> OperationalError:
    return _django_error(
        OperationalError,
        psycopg.OperationalError("consuming input failed: server closed the connection"),
    )


@pytest.fixture
def bob_client(bob):
    client = Client(raise_request_exception=False)
    client.force_login(bob)
    return client


@pytest.mark.django_db
def test_a_lost_connection_in_a_middleware_query_gives_the_503_page(acme, bob_client):
    url = reverse("contact_list", kwargs={"slug": "acme"})
    # Every query fails, the session's first: the page is built without the database.
    with failing_queries(lost_connection()):
        response = bob_client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "Back in a moment" in html
    assert "cannot reach its database" in html
    assert "Traceback" not in html and "OperationalError" not in html


@pytest.mark.django_db
def test_a_lost_connection_in_a_view_query_gives_503_then_the_page_again(acme, bob_client):
    ContactFactory(organization=acme, first_name="Zelda", last_name="Reachable")
    url = reverse("contact_list", kwargs={"slug": "acme"})
    # Only the view's own query on the contacts table fails, after the middleware's.
    with failing_queries(lost_connection(), when=lambda sql: "contacts_contact" in sql):
        response = bob_client.get(url)
    assert response.status_code == 503
    # The database is back: the next request is answered by the same process.
    response = bob_client.get(url)
    assert response.status_code == 200
    assert "Zelda" in response.content.decode()


@pytest.mark.django_db
def test_a_closed_connection_interface_error_gives_503(acme, bob_client):
    error = _django_error(InterfaceError, psycopg.InterfaceError("connection already closed"))
    with failing_queries(error):
        response = bob_client.get(reverse("contact_list", kwargs={"slug": "acme"}))
    assert response.status_code == 503


@pytest.mark.django_db
def test_a_session_the_lost_database_could_not_save_is_a_503_not_a_400(acme, bob_client):
    # Bob's first page in acme remembers the organization in his session: an UPDATE after
    # the view, which Django reports as an interrupted session (400) when it fails.
    with failing_queries(
        lost_connection(), when=lambda sql: sql.startswith('UPDATE "django_session"')
    ):
        response = bob_client.get(reverse("contact_list", kwargs={"slug": "acme"}))
    assert response.status_code == 503
    assert "Back in a moment" in response.content.decode()


@pytest.mark.django_db
def test_a_session_deleted_by_another_request_is_still_a_400(acme, bob_client, monkeypatch):
    """Not an outage: the session row went away (a logout in another tab), Django's 400."""

    def deleted_meanwhile(self, must_create=False):
        raise UpdateError

    monkeypatch.setattr(SessionStore, "save", deleted_meanwhile)
    response = bob_client.get(reverse("contact_list", kwargs={"slug": "acme"}))
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_wrong_query_is_still_a_500_not_an_outage(acme, bob_client):
    error = _django_error(ProgrammingError, psycopg.errors.UndefinedColumn("no such column"))
    with failing_queries(error, when=lambda sql: "contacts_contact" in sql):
        response = bob_client.get(reverse("contact_list", kwargs={"slug": "acme"}))
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Back in a moment" not in response.content.decode()


@pytest.mark.parametrize(
    ("cause", "unavailable"),
    [
        (psycopg.OperationalError("connection refused"), True),  # no SQLSTATE: unreachable
        (psycopg.errors.AdminShutdown("terminating connection"), True),  # 57P01
        (psycopg.errors.CannotConnectNow("the database system is starting up"), True),
        (psycopg.errors.ConnectionFailure("connection failure"), True),  # class 08
        (psycopg.errors.QueryCanceled("statement timeout"), False),  # 57014: a slow query
        (psycopg.errors.DeadlockDetected("deadlock detected"), False),
        (sqlite3.OperationalError("no such table: contacts_contact"), False),
        (sqlite3.OperationalError("database is locked"), False),
    ],
)
def test_only_connection_errors_count_as_an_outage(cause, unavailable):
    assert is_database_unavailable(_django_error(OperationalError, cause)) is unavailable


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (psycopg.InterfaceError("the connection is closed"), True),
        (psycopg.OperationalError("server closed the connection unexpectedly"), True),
        (psycopg.errors.QueryCanceled("statement timeout"), False),
        (psycopg.errors.UniqueViolation("duplicate key"), False),
    ],
)
def test_driver_errors_django_did_not_wrap_are_judged_the_same(error, unavailable):
    assert is_database_unavailable(error) is unavailable


def test_an_outage_is_found_behind_the_exception_it_caused():
    try:
        try:
            raise lost_connection()
        except OperationalError as error:
            raise RuntimeError("while rendering") from error
    except RuntimeError as outer:
        assert is_database_unavailable(outer)
    assert not is_database_unavailable(ValueError("unrelated"))


# -- gunicorn in front of a real PostgreSQL that is stopped and started ----------------


def _gunicorn(env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "config.wsgi:application",
         "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    for _ in range(300):  # up to 30 s for the worker to import Django
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return process
        except OSError:
            if process.poll() is not None:
                raise AssertionError(process.stderr.read().decode()) from None
            time.sleep(0.1)
    process.terminate()
    raise AssertionError("gunicorn did not answer")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _get(url: str, cookie: str = "") -> tuple[int, dict, str]:
    """Status, headers and body of a GET that follows no redirect."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        response = urllib.request.build_opener(NoRedirect).open(request, timeout=10)
    except urllib.error.HTTPError as error:
        response = error
    return response.status, dict(response.headers), response.read().decode()


def _workers(master_pid: int) -> set[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return {int(pid) for pid in children.read_text().split()}


def _server_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        WEB_CONCURRENCY="1", GUNICORN_THREADS="2", GUNICORN_MAX_REQUESTS="0",
        GUNICORN_ACCESSLOG="", DEBUG="true", PYTHONDONTWRITEBYTECODE="1",
    )  # fmt: skip
    env.update(extra)
    return env


def test_gunicorn_sends_no_server_header():
    port = cluster.free_port()
    process = _gunicorn(_server_env(), port)
    try:
        status, headers, _ = _get(f"http://127.0.0.1:{port}/accounts/login/")
    finally:
        _stop(process)
    assert status == 200
    assert "Date" in headers  # gunicorn's own headers are there, its name is not
    assert not any(name.lower() == "server" for name in headers)


def _production_env(database_url: str, static_root: Path) -> dict:
    """Settings as in production (DEBUG off: Django's handler500 answers, not the debug page)."""
    env = _server_env(
        DEBUG="false", SECRET_KEY="outage-test-only-secret-key-not-for-real-traffic",
        SECURE_SSL_REDIRECT="false", DATABASE_URL=database_url, STATIC_ROOT=str(static_root),
    )  # fmt: skip
    # The production storage names static files from collectstatic's manifest.
    for command in (["collectstatic", "--noinput"], ["migrate", "sessions", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT, env=env, check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    return env


@pytest.mark.skipif(
    not cluster.tools_available(), reason="needs PostgreSQL's initdb and pg_ctl to run a cluster"
)
def test_a_database_restart_gives_503_then_the_same_worker_answers_again(tmp_path):
    with cluster.ThrowawayCluster(port=cluster.free_port()) as database:
        env = _production_env(database.url("postgres"), tmp_path / "static")
        port = cluster.free_port()
        server = _gunicorn(env, port)
        try:
            page = f"http://127.0.0.1:{port}/o/acme/"
            # A session cookie makes every request read the session table: a query.
            cookie = "sessionid=no-such-session"
            assert _get(page, cookie)[0] == 302  # to the login page, after the query
            workers = _workers(server.pid)

            database.stop()
            status, headers, html = _get(page, cookie)
            assert status == 503
            assert headers["Retry-After"] == "5"
            assert "Back in a moment" in html and "Traceback" not in html

            database.start()
            # The very next request is served: the broken connection was dropped at the
            # end of the failed request, and health checks test any other before use.
            statuses = [_get(page, cookie)[0] for _ in range(3)]
            assert statuses == [302, 302, 302]
            assert _workers(server.pid) == workers
        finally:
            _stop(server)


def _wait_for(condition, attempts: int = 300) -> bool:
    """Poll `condition` every 0.1 s until it holds or `attempts` run out."""
    for _ in range(attempts):
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(
    not cluster.tools_available(), reason="needs PostgreSQL's initdb and pg_ctl to run a cluster"
)
def test_the_worker_outlives_a_database_restart_and_runs_the_next_task(tmp_path):
    with cluster.ThrowawayCluster(port=cluster.free_port()) as database:
        env = _server_env(DATABASE_URL=database.url("postgres"))
        manage = [sys.executable, "manage.py"]
        subprocess.run(
            [*manage, "migrate", "--noinput"],
            cwd=ROOT, env=env, check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        log = tmp_path / "worker.log"
        with log.open("w") as output:
            worker = subprocess.Popen(
                [*manage, "run_worker", "--interval", "0.2", "--no-startup-delay"],
                cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            assert _wait_for(lambda: "Starting worker" in log.read_text())
            database.stop()
            # db_worker alone exits at its next poll; run_worker waits for the database.
            assert _wait_for(lambda: "lost the database" in log.read_text())
            assert worker.poll() is None
            database.start()
            marker = tmp_path / "ran.txt"
            enqueue = (
                "from tests.worker_tasks import write_marker; "
                f"write_marker.enqueue({str(marker)!r}, 'after the restart')"
            )
            subprocess.run(
                [*manage, "shell", "-c", enqueue],
                cwd=ROOT, env=env, check=True, capture_output=True, timeout=60,
            )  # fmt: skip
            assert _wait_for(marker.exists), log.read_text()[-3000:]
            assert marker.read_text() == "after the restart"
        finally:
            worker.terminate()
            returncode = worker.wait(timeout=30)
        assert returncode == 0  # a signal still stops it cleanly
