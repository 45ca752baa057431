"""Point Django at the benchmark database, created if missing; refuse anything but PostgreSQL.

`make bench` uses BENCH_DATABASE_URL (default: the local rolo_bench database). The
development DATABASE_URL is deliberately not used: a benchmark writes two million
contacts, which no one wants in their working database by accident.
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/rolo_bench"
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "psql"}


class NotPostgres(SystemExit):
    """Raised (and exits non-zero) when the benchmark database is not PostgreSQL."""


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL


def require_postgres(url: str) -> None:
    scheme = urlsplit(url).scheme.split("+")[0]
    if scheme not in POSTGRES_SCHEMES:
        raise NotPostgres(
            f"benchmarks need PostgreSQL: BENCH_DATABASE_URL is {url!r}. The generator writes "
            "PostgreSQL SQL and the targets are PostgreSQL's; set BENCH_DATABASE_URL to a "
            f"postgres:// URL (default {DEFAULT_URL})."
        )


def ensure_database(url: str, *, reset: bool = False) -> None:
    """Create the database of `url` if it does not exist (drop it first when `reset`)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        if reset:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not found:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def configure(url: str) -> None:
    """Set up Django on `url`, with production-like settings (DEBUG off)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    # Time what production runs: no debug templates or debug pages.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-never-used-for-real-traffic")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

    import warnings

    import django
    from django.conf import settings

    # WhiteNoise warns that collectstatic never ran; no static file is measured.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

    django.setup()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Pages link their static files; without a collectstatic manifest the production
    # storage would refuse to name them, and the benchmark measures no static files.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
