"""Login throttling holds across processes: gunicorn, 3 workers, each request a new process.

The server runs against the test database (whose migrations made the cache table) with
the default cache, `--max-requests 1` (a worker exits after one request, so no process
ever serves two) and `--preload` (a new worker is a cheap fork). A counter private to each
process would never refuse anyone here.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.db import connection

from tests.factories import PASSWORD

BASE_DIR = Path(__file__).resolve().parents[2]
LIMIT = 3
ATTACKER, OWNER = "203.0.113.7", "198.51.100.2"

pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    """A URL for the test database this test's process uses."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """One client behind the proxy: its own cookies and its own X-Forwarded-For."""

    def __init__(self, port: int, address: str) -> None:
        self.port, self.address, self.cookies = port, address, {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {
            "X-Forwarded-For": self.address,
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
        }
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return response.status, text

    def log_in(self, email: str, password: str) -> tuple[int, str]:
        if "csrftoken" not in self.cookies:
            self.request("GET", "/accounts/login/")
        # The cookie holds the unmasked CSRF secret, which is a valid token for itself.
        form = {
            "username": email,
            "password": password,
            "csrfmiddlewaretoken": self.cookies["csrftoken"],
        }
        return self.request("POST", "/accounts/login/", form)


def login_pids(access_log: Path, *, expected: int) -> list[str]:
    """The worker pid of each logged login POST; waits (5 s at most) for late log lines."""
    deadline = time.monotonic() + 5
    while True:
        lines = access_log.read_text().splitlines()
        pids = [line.split()[0] for line in lines if "POST" in line]
        if len(pids) >= expected or time.monotonic() > deadline:
            return pids
        time.sleep(0.1)  # a worker writes its line after the response has gone


@pytest.fixture
def server(transactional_db, tmp_path):
    """Start gunicorn on 127.0.0.1; yield (port, access log path); stop it afterwards."""
    port = free_port()
    access_log = tmp_path / "access.log"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "tests.organizations.worker_settings",
        "DEBUG": "true",
        "DATABASE_URL": database_url(),
        "BEHIND_PROXY": "true",
        "TRUSTED_PROXY_COUNT": "1",
        "LOGIN_FAILURE_LIMIT": str(LIMIT),
        "EMAIL_URL": "consolemail://",
    }
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "config.wsgi"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "3", "--worker-class", "sync"),
            *("--max-requests", "1", "--max-requests-jitter", "0", "--preload", "--timeout", "30"),
            *("--access-logfile", str(access_log), "--access-logformat", "%(p)s %(m)s %(U)s"),
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "gunicorn.err", "w"),  # noqa: SIM115 - closed with the process
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if Browser(port, OWNER).request("GET", "/accounts/login/")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, (tmp_path / "gunicorn.err").read_text()
            assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
            time.sleep(0.3)
        yield port, access_log
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_the_limit_holds_across_worker_processes_and_spares_other_addresses(server, alice):
    port, access_log = server
    attacker = Browser(port, ATTACKER)

    answers = [attacker.log_in("alice@example.com", "wrong password") for _ in range(LIMIT)]
    throttled = attacker.log_in("alice@example.com", PASSWORD)
    owner = Browser(port, OWNER).log_in("alice@example.com", PASSWORD)

    assert all(s == 200 and "password do not match" in text for s, text in answers)
    # The attempt right after the limit is refused, even with the right password.
    assert throttled[0] == 200
    assert "Too many failed attempts. Please wait" in throttled[1]
    assert re.search(r'name="username" value="alice@example.com"', throttled[1])
    # The owner, at another real address behind the same proxy, gets in.
    assert owner[0] == 302
    # The failures and the refusal were answered by several processes, none of which saw
    # enough failures alone to refuse: the count lives in the shared cache. (Nearly always
    # one process per login; gunicorn rarely lets a worker take a second connection.)
    logins = login_pids(access_log, expected=LIMIT + 2)
    assert len(logins) == LIMIT + 2
    assert max(Counter(logins[: LIMIT + 1]).values()) < LIMIT
