"""`make load`: members' traffic against gunicorn on 127.0.0.1, measured from outside with wrk.

Builds (once) a small organization in its own PostgreSQL database with the benchmark
generator, starts gunicorn with gunicorn.conf.py (DEBUG off, static files collected),
logs members in through the login form and runs a bounded load: CONNECTIONS
connections for DURATION seconds, split between the contact and company lists,
searches, detail pages, and writes (the contact form loaded, then posted with its
CSRF token). Each kind of request runs in its own wrk process (Debian's `wrk`, with
benchmarks/load.lua), one connection per wrk thread, so every response is timed and
paired with its request. Results go to benchmarks/results/load*.json and .md.

    --rate R        instead of as fast as possible (closed loop: every connection
                    sends its next request when the answer arrives), send R requests
                    per second in all on a fixed schedule, each latency counted from
                    the moment its request was due (wrk2-style, no coordinated omission)
    --restart-db    run against a throwaway cluster (initdb under /tmp, port 55432 or
                    a free one), stop it in the middle of the load for --outage
                    seconds and start it again; then check how fast the app answered
                    again, that no worker was replaced, and that every write that was
                    acknowledged (a redirect to the new contact) is in the database
    --copy          with --restart-db: also run `manage.py run_worker` on that
                    cluster, start a large copy job and restart the database in the
                    middle of it (see benchmarks/README.md)

Environment: LOAD_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/rolo_load;
never the shared development or benchmark database), LOAD_CONNECTIONS, LOAD_DURATION,
LOAD_SCALE, LOAD_RATE, WEB_CONCURRENCY, GUNICORN_THREADS.
"""

import os
import sys

# Run as a script, Python puts benchmarks/ first on sys.path, where a module's name
# (benchmarks/copy.py) would shadow the standard library's.
sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from html.parser import HTMLParser  # noqa: E402
from pathlib import Path  # noqa: E402

from benchmarks import cluster, environment  # noqa: E402

ROOT = environment.ROOT
RESULTS = ROOT / "benchmarks" / "results"
LUA = ROOT / "benchmarks" / "load.lua"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/rolo_load"
# Other people's databases on the shared cluster: a load run never writes there.
FORBIDDEN_DATABASES = {"rolo", "rolo_bench", "postgres", "template0", "template1"}
PASSWORD = "load-test-password-0f3c"  # noqa: S105 (a throwaway data set's members)
SLUG = "bench"
KINDS = ("list", "search", "detail", "write")
# Share of the connections per kind (the writes' connections each load a form and post it).
DEFAULT_MIX = {"list": 0.3, "search": 0.3, "detail": 0.25, "write": 0.15}
FAULT_MIX = {"list": 0.2, "search": 0.1, "detail": 0.1, "write": 0.6}
# Last names of the contacts the writes create: a run's marker, then thread and number.
MARKER_PREFIX = "Loadrun"
CHECK_NAME = "Loadcheck"
SECRET_KEY = "load-test-only-secret-key-never-used-for-real-traffic-4a9e"


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--connections", type=int, default=int(_env_float("LOAD_CONNECTIONS", 50)))
    add("--duration", type=float, default=_env_float("LOAD_DURATION", 60))
    add("--rate", type=float, default=_env_float("LOAD_RATE", 0), help="requests/s in all")
    add("--warmup", type=float, default=_env_float("LOAD_WARMUP", 5), help="seconds, not measured")
    add("--scale", type=float, default=_env_float("LOAD_SCALE", 0.005))
    add("--workers", type=int, default=None, help="gunicorn workers (WEB_CONCURRENCY)")
    add("--threads", type=int, default=None, help="threads per worker (GUNICORN_THREADS)")
    add("--worker-class", default=None, help="gunicorn worker class, e.g. sync")
    add("--restart-db", action="store_true")
    add("--outage", type=float, default=3.0, help="seconds the database stays down")
    add("--copy", action="store_true", help="with --restart-db: a copy job during the restart")
    add("--reset", action="store_true", help="drop and rebuild the load database")
    add("--name", default=None, help="results file name (default: load, load-rate, …)")
    add("--keep", action="store_true", help="keep the server's logs (the path is printed)")
    add("--out", type=Path, default=Path(os.environ.get("LOAD_OUT", RESULTS)))
    args = parser.parse_args(argv)
    if args.copy and not args.restart_db:
        parser.error("--copy needs --restart-db")
    return args


# -- the database and the data set ---------------------------------------------------


def database_url() -> str:
    url = os.environ.get("LOAD_DATABASE_URL") or DEFAULT_URL
    environment.require_postgres(url)
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    if name in FORBIDDEN_DATABASES:
        raise SystemExit(f"load runs need a database of their own, not {name!r}")
    return url


def prepare_data(url: str, scale: float, *, reset: bool) -> dict:
    """Migrate `url`, generate the data set at `scale` if missing, give the members a password."""
    environment.ensure_database(url, reset=reset)
    environment.configure(url)
    from django.core.management import call_command
    from django.db.models import Q

    from benchmarks import generate
    from contacts.models import Contact
    from organizations.models import User
    from organizations.scoping import scopes_disabled

    call_command("migrate", interactive=False, verbosity=0)
    # The contacts earlier runs wrote: the data set is the generator's again.
    with scopes_disabled():
        Contact.objects.filter(
            Q(last_name__startswith=MARKER_PREFIX) | Q(last_name=CHECK_NAME)
        ).delete()
    summary = generate.generate(plan=generate.Plan.at(scale), log=lambda message: None)
    members = [generate.READER_EMAIL, *generate.MEMBER_EMAILS]
    for user in User.objects.filter(email__in=members):
        if not user.check_password(PASSWORD):
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
    return {"counts": summary.counts, "members": members}


def sample_paths() -> dict[str, list[str]]:
    """The URLs each kind of request cycles through (records the members may all see)."""
    from benchmarks import words
    from companies.models import Company
    from contacts.models import Contact
    from organizations.models import Organization
    from organizations.scoping import scopes_disabled

    base = f"/o/{SLUG}"
    with scopes_disabled():
        organization = Organization.objects.get(slug=SLUG)
        contacts = Contact.objects.filter(organization=organization, visibility="public")
        companies = Company.objects.filter(organization=organization, visibility="public")
        contact_ids = list(contacts.order_by("pk").values_list("pk", flat=True)[:150])
        company_ids = list(companies.order_by("pk").values_list("pk", flat=True)[:50])
    lists = []
    for sort in ("name", "-updated", "-created"):
        lists += [f"{base}/contacts/?sort={sort}", f"{base}/companies/?sort={sort}"]
    searches = []
    for name in words.LAST_NAMES[:20]:
        prefix = urllib.parse.quote(name[:4].lower())
        searches += [f"{base}/contacts/?q={prefix}", f"{base}/search/?q={prefix}"]
    searches += [
        f"{base}/companies/?q={urllib.parse.quote(w[:4].lower())}" for w in ("ross", "ferr")
    ]
    details = [f"{base}/contacts/{pk}/" for pk in contact_ids]
    details += [f"{base}/companies/{pk}/" for pk in company_ids]
    return {"list": lists, "search": searches, "detail": details}


# -- the server -----------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path
    env: dict

    def workers(self) -> set[int]:
        """The worker processes' ids (children of the gunicorn master)."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in path.read_text().split()} if path.exists() else set()

    def boots(self) -> int:
        return self.log.read_text(errors="replace").count("Booting worker")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def server_env(url: str, static_root: Path, args: argparse.Namespace) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BENCH_", "LOAD_"))}
    env.update(
        DATABASE_URL=url,
        DEBUG="false",
        SECRET_KEY=SECRET_KEY,
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        STATIC_ROOT=str(static_root),
        PYTHONDONTWRITEBYTECODE="1",
        LOG_LEVEL="WARNING",
    )
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    if args.threads:
        env["GUNICORN_THREADS"] = str(args.threads)
    if args.rate:
        # At a fixed rate a connection idles connections / rate seconds between requests.
        # A server closing it at that moment resets the next request, which a browser
        # would retry and wrk counts as an error: keep connections open longer than that.
        env["GUNICORN_KEEPALIVE"] = str(int(2 * args.connections / args.rate) + 5)
    if args.restart_db:
        # Replacing workers on schedule would blur "no worker needed a restart".
        env["GUNICORN_MAX_REQUESTS"] = "0"
    return env


def drain(server: Server, attempts: int = 200) -> None:
    """Wait until the requests the warm-up left queued are answered (the server is idle)."""
    quick = 0
    for _ in range(attempts):
        started = time.monotonic()
        request(server, "GET", "/accounts/login/")
        quick = quick + 1 if time.monotonic() - started < 0.05 else 0
        if quick == 5:
            return
        time.sleep(0.1)


def start_server(env: dict, workdir: Path, worker_class: str | None) -> Server:
    """Collect the static files, start gunicorn on a free port, wait until it answers."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    port = cluster.free_port()
    log = workdir / "gunicorn.log"
    command = [
        sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
        "--bind", f"127.0.0.1:{port}", "--access-logfile", str(workdir / "access.log"),
        "--error-logfile", str(log), "config.wsgi:application",
    ]  # fmt: skip
    if worker_class:
        command[3:3] = ["--worker-class", worker_class]
    # Django logs (the outage's 503s among them) to the process's standard error.
    with (workdir / "django.log").open("w") as django_log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=django_log
        )
    server = Server(process, port, log, env)
    for _ in range(600):
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text()}")
        try:
            if request(server, "GET", "/accounts/login/").status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.1)
    server.stop()
    raise SystemExit("gunicorn did not answer within 60 s")


# -- a minimal HTTP client for logging in and checking --------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    cookies: dict[str, str]
    body: str


def request(server: Server, method: str, path: str, *, cookies=None, form=None, timeout=10):
    """One request on a fresh connection, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    headers = {"Accept": "text/html"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://127.0.0.1:{server.port}{path}"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        set_cookies = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                set_cookies[key] = rest.split(";", 1)[0]
        return Answer(
            response.status, dict(response.getheaders()), set_cookies, response.read().decode()
        )
    finally:
        connection.close()


class FormFields(HTMLParser):
    """The fields a browser would submit from each of the page's POST forms."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[list[str]]] = []
        self.fields: list[list[str]] = []
        self.depth = 0
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self.depth += 1
            self.fields = []
            self.forms.append(self.fields)
        if not self.depth:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file", "image"):
                self.fields.append([name, a.get("value", "")])
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a and not self._select_chosen:
                self._select_chosen = True
                self.fields.append([self._select, value])
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self.fields.append([self._select, self._select_first])
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append(self._textarea)
            self._textarea = None
        elif tag == "form" and self.depth:
            self.depth -= 1


def log_in(server: Server, email: str) -> dict[str, str]:
    """Log `email` in through the login form; return the session's cookies."""
    page = request(server, "GET", "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)[1]
    cookies = dict(page.cookies)
    answer = request(
        server, "POST", "/accounts/login/", cookies=cookies,
        form={"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )  # fmt: skip
    if answer.status != 302 or "sessionid" not in answer.cookies:
        raise SystemExit(f"could not log in {email}: {answer.status}")
    return {**cookies, **answer.cookies}


def write_template(server: Server, cookies: dict[str, str]) -> tuple[str, str]:
    """The contact form's path and its body as a browser posts it, with two placeholders.

    CSRFTOKENXX stands for the token of the form just loaded, MARKERXX for the new
    contact's last name (unique per write, so that every acknowledged write can be found).
    """
    path = f"/o/{SLUG}/contacts/new/"
    page = request(server, "GET", path, cookies=cookies)
    parser = FormFields()
    parser.feed(page.body)
    # The page has other POST forms (logging out); the contact form has a last name.
    chosen = next((f for f in parser.forms if any(k == "last_name" for k, _ in f)), [])
    fields = dict(chosen)
    if "csrfmiddlewaretoken" not in fields or "last_name" not in fields:
        raise SystemExit(f"the contact form was not understood: {sorted(fields)}")
    overrides = {
        "csrfmiddlewaretoken": "CSRFTOKENXX",
        "first_name": "Load",
        "last_name": "MARKERXX",
    }
    # Both placeholders are letters only: URL-encoding leaves them as they are.
    body = urllib.parse.urlencode([(k, overrides.get(k, v)) for k, v in chosen])
    return path, body


def check_write(server: Server, cookies: dict[str, str], path: str, body: str) -> None:
    """Post the template once before the load: it must create a contact (a redirect)."""
    page = request(server, "GET", path, cookies=cookies)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)[1]
    form = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
    form.update(csrfmiddlewaretoken=token, last_name=CHECK_NAME)
    answer = request(server, "POST", path, cookies=cookies, form=form)
    if answer.status != 302 or not re.search(r"/contacts/\d+/", answer.headers.get("Location", "")):
        errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', answer.body, re.S)
        raise SystemExit(f"the contact form's POST was refused ({answer.status}): {errors}")


# -- the load ----------------------------------------------------------------------------


def split_connections(total: int, mix: dict[str, float]) -> dict[str, int]:
    """`total` connections by kind, in proportion to `mix`, at least one each."""
    counts = {kind: max(1, round(total * share)) for kind, share in mix.items()}
    biggest = max(counts, key=counts.get)
    counts[biggest] += total - sum(counts.values())
    return counts


@dataclass
class Row:
    kind: str
    what: str
    status: int
    sent: float  # monotonic seconds
    done: float
    intended: float

    @property
    def latency(self) -> float:
        """Seconds from when the request was due (its send time in the closed loop)."""
        return self.done - self.intended

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 400


@dataclass
class KindRun:
    kind: str
    connections: int
    process: subprocess.Popen
    output: Path
    rows: list[Row] = field(default_factory=list)
    acks: list[str] = field(default_factory=list)
    wrk: dict[str, int] = field(default_factory=dict)


def start_kind(
    kind, connections, *, server, cookies, paths, form, body, marker, total, rate, duration, workdir
):
    """Start the wrk process of one kind of request: `connections` of the `total`."""
    config = workdir / f"{kind}.conf"
    lines = [f"kind {kind}", f"connections {connections}", f"marker {marker}"]
    if rate:
        # The kind's share of the rate, spread evenly over its connections.
        share = rate * connections / total
        lines.append(f"interval_us {round(connections / share * 1_000_000)}")
    lines += [f"cookie {'; '.join(f'{k}={v}' for k, v in c.items())}" for c in cookies]
    if kind == "write":
        lines += [f"form {form}", f"post {form}", f"body {body}"]
    else:
        lines += [f"path {p}" for p in paths[kind]]
    config.write_text("\n".join(lines) + "\n")
    output = workdir / f"{kind}.out"
    env = {**os.environ, "LOAD_CONFIG": str(config), "LOAD_OUTPUT": str(output)}
    command = [
        "wrk", f"-t{connections}", f"-c{connections}", f"-d{duration:g}s",
        "--timeout", "10s", "-s", str(LUA), f"http://127.0.0.1:{server.port}",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return KindRun(kind, connections, process, output)


def collect(run: KindRun) -> None:
    stdout, _ = run.process.communicate(timeout=120)
    if run.process.returncode != 0 or not run.output.exists():
        raise SystemExit(f"wrk ({run.kind}) failed:\n{stdout.decode()}")
    for line in run.output.read_text().splitlines():
        parts = line.split()
        if parts[0] == "r":
            what, status, sent, done, intended = parts[1], *map(int, parts[2:])
            run.rows.append(Row(run.kind, what, status, sent / 1e6, done / 1e6, intended / 1e6))
        elif parts[0] == "ack":
            run.acks.append(parts[1])
        elif parts[0] == "wrk":
            run.wrk = {k: int(v) for k, v in (p.split("=") for p in parts[1:])}


def socket_errors(run: KindRun) -> int:
    """Requests that got no response at all: wrk's connect, read, write errors and timeouts."""
    return sum(run.wrk.get(name, 0) for name in ("connect", "read", "write", "timeout"))


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (nearest rank) of `values`, or None for none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def summarize(rows: list[Row], seconds: float, socket_errors: int = 0) -> dict:
    """Counts, rate and latency percentiles of `rows`; errors: non-2xx/3xx and socket errors."""
    latencies = [row.latency for row in rows]
    statuses: dict[str, int] = {}
    for row in rows:
        statuses[str(row.status)] = statuses.get(str(row.status), 0) + 1

    def ms(value):
        return None if value is None else round(value * 1000, 1)

    return {
        "requests": len(rows),
        "requests_per_second": round(len(rows) / seconds, 1) if seconds else None,
        "p50_ms": ms(percentile(latencies, 50)),
        "p90_ms": ms(percentile(latencies, 90)),
        "p99_ms": ms(percentile(latencies, 99)),
        "max_ms": ms(max(latencies) if latencies else None),
        "errors": sum(1 for row in rows if not row.ok) + socket_errors,
        "socket_errors": socket_errors,
        "statuses": dict(sorted(statuses.items())),
    }


# -- the fault: a database restart in the middle of the load --------------------------


@dataclass
class Probe:
    """Asks for a page every 50 ms through the whole run: when did the app answer again?"""

    server: Server
    cookies: dict[str, str]
    path: str
    answers: list[tuple[float, float, int]] = field(default_factory=list)
    outage_page: str = ""
    outage_headers: dict[str, str] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            sent = time.monotonic()
            try:
                answer = request(self.server, "GET", self.path, cookies=self.cookies, timeout=10)
                status = answer.status
                if status >= 500 and not self.outage_page:
                    self.outage_page, self.outage_headers = answer.body, answer.headers
            except OSError:
                status = 0
            self.answers.append((sent, time.monotonic(), status))
            time.sleep(0.05)


def restart_database(database, at: float, outage: float, times: dict, copy_job=None) -> None:
    """At monotonic time `at`, stop the cluster; `outage` seconds later start it again.

    With `copy_job`, the copy is queued at `at` and the cluster stopped once the worker
    has been running it for a moment.
    """
    time.sleep(max(0.0, at - time.monotonic()))
    if copy_job is not None:
        from benchmarks import load_copy

        started = load_copy.start_copy()
        copy_job.append(started)
        times["copy_running"] = load_copy.wait_until_running(started.job_id)
        time.sleep(0.3)
    times["stop_requested"] = time.monotonic()
    times["down"] = database.stop("fast")
    time.sleep(outage)
    times["start_requested"] = time.monotonic()
    times["up"] = database.start()


def fault_report(rows, acks, probe: Probe, times: dict, server: Server, before: dict) -> dict:
    from django.db import connection

    from contacts.models import Contact
    from organizations.scoping import scopes_disabled

    up = times["up"]
    after_up = [a for a in probe.answers if a[0] >= up and 200 <= a[2] < 400]
    probe_recovery = (after_up[0][1] - up) if after_up else None
    load_after = sorted(r.done for r in rows if r.sent >= up and r.ok)
    load_recovery = (load_after[0] - up) if load_after else None
    during = [r for r in rows if times["down"] - 1 <= r.done <= up + 5]
    during_statuses: dict[str, int] = {}
    for row in during:
        if not row.ok:
            during_statuses[str(row.status)] = during_statuses.get(str(row.status), 0) + 1
    connection.close()  # this process's connection died with the cluster
    with scopes_disabled():
        found = set(
            Contact.objects.filter(last_name__startswith=before["marker"]).values_list(
                "last_name", flat=True
            )
        )
    acked = set(acks)
    return {
        "database_down_seconds": round(up - times["down"], 2),
        "recovery_seconds_probe": round(probe_recovery, 2) if probe_recovery is not None else None,
        "recovery_seconds_load": round(load_recovery, 2) if load_recovery is not None else None,
        "errors_around_outage": during_statuses,
        "server_errors_500": sum(1 for r in rows if r.status == 500),
        "outage_page_friendly": "Back in a moment" in probe.outage_page
        and "Traceback" not in probe.outage_page,
        "outage_retry_after": probe.outage_headers.get("Retry-After"),
        "workers_before": sorted(before["workers"]),
        "workers_after": sorted(server.workers()),
        "worker_boots": server.boots() - before["boots"],
        "writes_acknowledged": len(acked),
        "writes_found": len(found),
        "acknowledged_missing": sorted(acked - found),
        "found_not_acknowledged": len(found - acked),
    }


# -- report -----------------------------------------------------------------------------


def git_commit() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    # Changed code, not earlier results, makes the measured tree differ from the commit.
    dirty = (
        subprocess.run(
            ["git", "diff", "--quiet", "HEAD", "--", ".", ":(exclude)benchmarks/results"], cwd=ROOT
        ).returncode
        != 0
    )
    return result.stdout.strip() + ("+changes" if dirty else "")


def worker_model(server: Server, args: argparse.Namespace) -> str:
    env = server.env
    workers = env.get("WEB_CONCURRENCY") or f"{2 * os.cpu_count()} (2 per core)"
    if args.worker_class and args.worker_class != "gthread":
        return f"{args.worker_class} workers × {workers}"
    return f"gthread: {workers} workers × {env.get('GUNICORN_THREADS', '4')} threads"


def write_results(result: dict, out: Path, name: str) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / f"{name}.json", out / f"{name}.md"
    json_path.write_text(json.dumps(result, indent=2) + "\n")
    md_path.write_text(markdown(result) + "\n")
    return json_path, md_path


def markdown(result: dict) -> str:
    meta = result["meta"]
    load = " → ".join(", ".join(f"{v:.2f}" for v in la) for la in meta["load_average"])
    lines = [
        f"Measured {meta['measured_at']} at commit {meta['commit']} on {meta['machine']}; "
        f"{meta['worker_model']}; {meta['mode']}; {meta['connections']} connections for "
        f"{meta['duration']:g} s ({', '.join(f'{k} {v}' for k, v in meta['split'].items())}); "
        f"load average {load} (before → after).",
        "",
        "| requests | count | requests/s | p50 ms | p90 ms | p99 ms | max ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in [*result["by_kind"].items(), ("all", result["overall"])]:
        lines.append(
            f"| {name} | {s['requests']:,} | {s['requests_per_second']} | {s['p50_ms']} | "
            f"{s['p90_ms']} | {s['p99_ms']} | {s['max_ms']} | {s['errors']} |"
        )
    fault = result.get("fault")
    if fault:
        lines += [
            "",
            f"Database down {fault['database_down_seconds']} s; answered again "
            f"{fault['recovery_seconds_probe']} s after it was back (probe every 50 ms; "
            f"first successful load request {fault['recovery_seconds_load']} s); errors "
            f"around the outage {fault['errors_around_outage']}, 500s: "
            f"{fault['server_errors_500']}; outage page friendly: "
            f"{fault['outage_page_friendly']} (Retry-After {fault['outage_retry_after']}); "
            f"worker processes replaced: {fault['worker_boots']}; writes acknowledged "
            f"{fault['writes_acknowledged']}, found {fault['writes_found']}, missing "
            f"{len(fault['acknowledged_missing'])}.",
        ]
    if result.get("copy"):
        lines += ["", "Copy job across the restart: " + json.dumps(result["copy"])]
    return "\n".join(lines)


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu} × {os.cpu_count()}, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("the load needs wrk: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="rolo-load-"))
    database = None
    if args.restart_db:
        if not cluster.tools_available():
            raise SystemExit("--restart-db needs initdb and pg_ctl (PostgreSQL's server tools)")
        database = cluster.ThrowawayCluster().create()
        database.start()
        url = database.url("rolo_load")
    else:
        url = database_url()
    server = worker = None
    try:
        print(f"data set: {urllib.parse.urlsplit(url).path.lstrip('/')} at scale {args.scale}")
        data = prepare_data(url, args.scale, reset=args.reset)
        paths = sample_paths()
        env = server_env(url, workdir / "static", args)
        server = start_server(env, workdir, args.worker_class)
        members = data["members"]
        # Two sessions per member, logged in through the form like a browser.
        cookies = [log_in(server, email) for email in members * 2]
        form, body = write_template(server, cookies[0])
        check_write(server, cookies[0], form, body)
        marker = MARKER_PREFIX + datetime.now(UTC).strftime("%H%M%S")
        if args.copy:
            from benchmarks import load_copy

            worker = load_copy.start_worker(env, workdir)
        mix = FAULT_MIX if args.restart_db else DEFAULT_MIX
        split = split_connections(args.connections, mix)
        before = {"workers": server.workers(), "boots": server.boots(), "marker": marker}
        mode = f"fixed rate {args.rate:g} requests/s" if args.rate else "closed loop"
        print(f"{mode}: {args.connections} connections for {args.duration:g} s, {split}")
        common = {
            "server": server, "cookies": cookies, "paths": paths, "form": form, "body": body,
            "total": args.connections, "workdir": workdir,
        }  # fmt: skip
        if args.warmup:
            # Every worker process compiles its templates and opens its connections on
            # its first requests: seconds on a busy machine, not what a running site sees.
            # The warm-up's writes have their own marker: the fault check counts the run's.
            warm = MARKER_PREFIX + "Warm"
            for run in [
                start_kind(kind, split[kind], rate=0, duration=args.warmup, marker=warm, **common)
                for kind in KINDS
            ]:
                collect(run)
            drain(server)
        probe = restart = None
        times: dict[str, float] = {}
        load_before = os.getloadavg()
        started = time.monotonic()
        if args.restart_db:
            probe = Probe(server, cookies[-1], f"/o/{SLUG}/contacts/")
            threading.Thread(target=probe.run, daemon=True).start()
        runs = [
            start_kind(
                kind, split[kind], rate=args.rate, duration=args.duration, marker=marker, **common
            )
            for kind in KINDS
        ]
        copy_job: list = []
        if args.restart_db:
            at = started + args.duration * 0.4
            restart = threading.Thread(
                target=restart_database,
                args=(database, at, args.outage, times, copy_job if args.copy else None),
            )
            restart.start()
        for run in runs:
            collect(run)
        if restart:
            restart.join()
            time.sleep(1)
            probe.stop.set()
        load_after = os.getloadavg()
        rows = [row for run in runs for row in run.rows]
        seconds = args.duration
        result = {
            "meta": {
                "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "commit": git_commit(),
                "machine": machine(),
                "worker_model": worker_model(server, args),
                "mode": mode,
                "rate": args.rate or None,
                "connections": args.connections,
                "duration": args.duration,
                "warmup": args.warmup,
                "split": split,
                "scale": args.scale,
                "data": data["counts"],
                "load_average": [list(load_before), list(load_after)],
            },
            "by_kind": {run.kind: summarize(run.rows, seconds, socket_errors(run)) for run in runs},
            "overall": summarize(rows, seconds, sum(socket_errors(run) for run in runs)),
            "wrk": {run.kind: run.wrk for run in runs},
        }
        result["slowest"] = [
            {"kind": r.what, "ms": round(r.latency * 1000), "at_second": round(r.sent - started, 1)}
            for r in sorted(rows, key=lambda r: r.latency, reverse=True)[:15]
        ]
        posts = [r for r in rows if r.what == "post"]
        result["writes"] = {
            "posted": len(posts),
            "acknowledged": sum(len(run.acks) for run in runs),
            "refused_form": sum(1 for r in posts if r.status == 200),
        }
        if args.restart_db:
            acks = [ack for run in runs for ack in run.acks]
            result["fault"] = fault_report(rows, acks, probe, times, server, before)
            if args.copy:
                result["copy"] = load_copy.finish(copy_job[0], worker, times)
        name = args.name or ("load-restart-db" if args.restart_db else "load") + (
            f"-rate{args.rate:g}" if args.rate else ""
        )
        paths_written = write_results(result, args.out, name)
        print(markdown(result))
        print("results written to " + ", ".join(str(p) for p in paths_written))
        return result
    finally:
        if worker is not None:
            worker.stop()
        if server is not None:
            server.stop()
        if database is not None:
            database.remove()
        if args.keep:
            print(f"logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
