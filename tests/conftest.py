"""Shared fixtures: the cast of every test, named once.

alice owns Acme, bob and carol are members there, gina is a guest of Acme, and mallory
owns Globex and nothing at Acme. Tests say who acts, who created, who is mentioned.
"""

import os

import pytest

from organizations.models import Role
from organizations.scoping import scopes_disabled
from tests import factories

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    # Tests serve static files through the finders; no collectstatic run is expected.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_a_temporary_directory(settings, tmp_path_factory):
    """Files saved by any test (uploads, seed_demo) go to a fresh directory, not to ./media."""
    location = str(tmp_path_factory.mktemp("media"))
    settings.MEDIA_ROOT = location
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "base_url": None},
        },
    }


def forget_task_backends() -> None:
    """Make django.tasks read TASKS again: its handler caches the backends it built."""
    from asgiref.local import Local
    from django.tasks import task_backends

    task_backends.__dict__.pop("settings", None)
    task_backends._connections = Local(task_backends.thread_critical)


def use_task_backend(settings, backend: str) -> None:
    """Point django.tasks at `backend` for this test."""
    settings.TASKS = {"default": {"BACKEND": backend}}
    forget_task_backends()


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    """Background tasks run at once, in the test's own transaction (one test uses the worker)."""
    use_task_backend(settings, "django.tasks.backends.immediate.ImmediateBackend")
    yield
    forget_task_backends()  # the settings fixture restores TASKS after this


DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.fixture(autouse=True)
def _clear_cache(request):
    """Every test that can reach the database starts and ends with an empty cache.

    The default cache is a table in the test database: a transactional test (the browser
    tests) commits to it and its flush leaves it alone, so it is emptied here. A test
    without the database cannot use the cache at all.
    """
    if not (
        request.node.get_closest_marker("django_db")
        or DATABASE_FIXTURES & set(request.fixturenames)
    ):
        yield
        return
    from django.core.cache import cache

    request.getfixturevalue("db")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def unscoped():
    """Read tenant rows in a test's own assertions, across organizations."""
    with scopes_disabled():
        yield


@pytest.fixture
def acme(db):
    return factories.OrganizationFactory(name="Acme", slug="acme")


@pytest.fixture
def globex(db):
    return factories.OrganizationFactory(name="Globex", slug="globex")


@pytest.fixture
def alice(acme):
    return factories.member(acme, Role.OWNER, email="alice@example.com", full_name="Alice Owner")


@pytest.fixture
def bob(acme):
    return factories.member(acme, Role.MEMBER, email="bob@example.com", full_name="Bob Member")


@pytest.fixture
def carol(acme):
    return factories.member(acme, Role.MEMBER, email="carol@example.com", full_name="Carol Member")


@pytest.fixture
def gina(acme):
    return factories.member(acme, Role.GUEST, email="gina@example.com", full_name="Gina Guest")


@pytest.fixture
def mallory(globex):
    return factories.member(
        globex, Role.OWNER, email="mallory@example.com", full_name="Mallory Outsider"
    )


@pytest.fixture
def cast(alice, bob, carol, gina, mallory):
    """Everyone at once, by name."""
    return {"alice": alice, "bob": bob, "carol": carol, "gina": gina, "mallory": mallory}


@pytest.fixture
def client_for(client):
    """Return a test client logged in as the given user (or anonymous for None)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, test in a file, not in memory.

    An in-memory database is one connection, which the live server of the browser tests
    shares among its request threads: two requests at once (a page and an htmx call)
    then use it together and can hang. With a file each thread has its own connection.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)
