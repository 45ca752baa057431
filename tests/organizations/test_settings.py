"""Production settings, the tenant-schema system checks, demo data and the admin."""

import os
import re
import secrets
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.checks import Error
from django.core.management import call_command
from django.db import models
from django.test.utils import isolate_apps
from django.urls import reverse

from organizations.checks import check_tenant_model, check_tenant_models
from organizations.models import Membership, Organization, Role, User
from organizations.scoping import TenantModel
from tests import factories

BASE_DIR = Path(__file__).resolve().parents[2]

# The variables docs/operations.md asks production to set.
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "rolo.example.com",
    "DATABASE_URL": "postgres://rolo:secret@db.example.com:5432/rolo",
    "EMAIL_URL": "smtp://rolo:secret@smtp.example.com:587/?tls=True",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process that sees only `env` (plus PATH)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


# Production settings


def test_check_deploy_is_clean_with_the_documented_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_warns_about_a_development_setup():
    env = PRODUCTION_ENV | {"DEBUG": "true", "EMAIL_URL": "consolemail://"}

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on


@pytest.mark.parametrize("cache_url", ["locmemcache://", "dummycache://"])
def test_check_deploy_warns_about_a_cache_private_to_each_worker(cache_url):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=PRODUCTION_ENV | {"CACHE_URL": cache_url},
    )

    assert result.returncode != 0
    assert "rolo.W001" in result.stderr


def test_the_default_cache_is_the_database_shared_by_every_worker(settings):
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def test_a_fresh_database_has_the_cache_table_after_migrate(tmp_path):
    env = {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}

    assert manage("migrate", "--noinput", env=env).returncode == 0
    result = manage(
        "shell",
        "-c",
        "from django.core.cache import cache; cache.set('k', 'shared'); print(cache.get('k'))",
        env=env,
    )

    assert result.stdout.strip().splitlines()[-1] == "shared", result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    # An empty value also shadows any SECRET_KEY a local .env file might hold.
    env = PRODUCTION_ENV | {"SECRET_KEY": ""}

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "Set SECRET_KEY" in result.stderr


def test_debug_mode_starts_without_a_secret_key():
    result = manage("check", env={"DEBUG": "true", "SECRET_KEY": ""})

    assert result.returncode == 0, result.stderr


def test_an_unknown_storage_backend_is_refused():
    result = manage("check", env={"DEBUG": "true", "STORAGE": "ftp"})

    assert result.returncode != 0
    assert "STORAGE must be 'local' or 's3'." in result.stderr


# System checks on tenant models


def test_the_project_passes_its_own_tenant_checks():
    assert check_tenant_models() == []


@isolate_apps("organizations")
def test_a_unique_constraint_without_organization_fails_the_check():
    class Badge(TenantModel):
        code = models.CharField(max_length=10)

        class Meta:
            app_label = "organizations"
            constraints = [models.UniqueConstraint(fields=["code"], name="badge_unique_code")]

    errors = check_tenant_model(Badge)

    assert [error.id for error in errors] == ["rolo.E002"]
    assert isinstance(errors[0], Error)
    assert "badge_unique_code" in errors[0].msg


@isolate_apps("organizations")
def test_a_unique_constraint_with_organization_passes_the_check():
    class Badge(TenantModel):
        code = models.CharField(max_length=10)

        class Meta:
            app_label = "organizations"
            constraints = [
                models.UniqueConstraint(fields=["organization", "code"], name="badge_unique_code")
            ]

    assert check_tenant_model(Badge) == []


@isolate_apps("organizations")
def test_a_unique_field_and_an_unscoped_manager_fail_the_check():
    class Badge(TenantModel):
        code = models.CharField(max_length=10, unique=True)

        objects = models.Manager()

        class Meta:
            app_label = "organizations"

    assert sorted(error.id for error in check_tenant_model(Badge)) == ["rolo.E001", "rolo.E003"]


# Demo data


@pytest.mark.django_db
def test_seed_demo_can_run_twice_without_duplicating_rows():
    call_command("seed_demo", stdout=StringIO())
    counts = (User.objects.count(), Organization.objects.count(), Membership.objects.count())

    call_command("seed_demo", stdout=StringIO())

    assert counts == (5, 2, 5)
    assert (User.objects.count(), Organization.objects.count(), Membership.objects.count()) == (
        counts
    )


@pytest.mark.django_db
def test_seed_demo_covers_every_role_and_an_outsider():
    output = StringIO()
    call_command("seed_demo", stdout=output)

    assert "alice@example.com" in output.getvalue()
    assert "rolo-demo-2026" in output.getvalue()
    roles = dict(
        Membership.objects.filter(organization__slug="acme").values_list("user__email", "role")
    )
    assert set(roles.values()) == {Role.OWNER, Role.MEMBER, Role.GUEST}
    assert not Membership.objects.filter(
        organization__slug="acme", user__email="mallory@example.com"
    ).exists()
    assert User.objects.get(email="alice@example.com").check_password("rolo-demo-2026")


# The admin, for operators


@pytest.fixture
def operator(db):
    return factories.UserFactory(email="operator@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_as_operator(client, operator, cast):
    client.force_login(operator)
    return client


def changelist(model: str) -> str:
    return reverse(f"admin:organizations_{model}_changelist")


def listed(response) -> list:
    return list(response.context["cl"].result_list)


def test_admin_lists_users_with_search_and_filters(admin_as_operator, cast):
    searched = admin_as_operator.get(changelist("user"), {"q": "mallory"})
    staff = admin_as_operator.get(changelist("user"), {"is_staff__exact": "1"})

    assert searched.status_code == 200
    assert [u.email for u in listed(searched)] == ["mallory@example.com"]
    assert [u.email for u in listed(staff)] == ["operator@example.com"]


def test_admin_lists_organizations_with_search_and_filters(admin_as_operator, acme, globex):
    searched = admin_as_operator.get(changelist("organization"), {"q": "glob"})
    free = admin_as_operator.get(changelist("organization"), {"plan__exact": "free"})

    assert searched.status_code == 200
    assert [o.slug for o in listed(searched)] == ["globex"]
    assert {o.slug for o in listed(free)} == {"acme", "globex"}


def test_admin_lists_memberships_with_search_and_filters(admin_as_operator, acme):
    searched = admin_as_operator.get(changelist("membership"), {"q": "gina"})
    owners = admin_as_operator.get(
        changelist("membership"), {"role__exact": "owner", "organization__id__exact": acme.pk}
    )

    assert searched.status_code == 200
    assert [m.user.email for m in listed(searched)] == ["gina@example.com"]
    assert [m.user.email for m in listed(owners)] == ["alice@example.com"]


def test_admin_shows_an_organization_with_its_members(admin_as_operator, acme):
    response = admin_as_operator.get(
        reverse("admin:organizations_organization_change", args=[acme.pk])
    )

    assert response.status_code == 200
    assert "Alice Owner" in response.text


def test_admin_is_closed_to_non_staff_users(client_for, cast):
    response = client_for(cast["alice"]).get(changelist("organization"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# Documentation and Docker stay in step with the settings


def settings_variables() -> set[str]:
    """Return the environment variables config/settings.py reads."""
    source = (BASE_DIR / "config" / "settings.py").read_text()
    return set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]*)"', source))


def test_every_setting_variable_is_in_the_readme_table():
    readme = (BASE_DIR / "README.md").read_text()
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]*)`", readme))

    assert settings_variables() >= {"DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}
    assert settings_variables() - documented == set()


def test_docker_compose_configures_the_web_app_with_the_settings_variables():
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    web = compose["services"]["web"]["environment"]

    # WEB_CONCURRENCY is gunicorn's own; everything else must be a variable Rolo reads.
    assert set(web) - {"WEB_CONCURRENCY"} <= settings_variables()
    assert {"DATABASE_URL", "SECRET_KEY", "STORAGE", "S3_BUCKET", "S3_ENDPOINT_URL"} <= set(web)
    assert {"db", "minio", "createbucket"} <= set(compose["services"])
