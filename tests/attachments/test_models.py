"""What the database and the services refuse, whatever the forms let through."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from attachments import services
from attachments.models import Attachment
from organizations.scoping import scope
from tests.factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(acme):
    return ContactFactory(organization=acme)


def insert(**fields) -> None:
    with transaction.atomic():
        Attachment.objects.create(**fields)


def test_an_attachment_belongs_to_exactly_one_record(acme, contact, unscoped):
    company = CompanyFactory(organization=acme)
    link = {"organization": acme, "kind": "link", "name": "x", "url": "https://example.com/"}

    with pytest.raises(IntegrityError):
        insert(**link, contact=contact, company=company)
    with pytest.raises(IntegrityError):
        insert(**link)


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "link", "url": "http://example.com/"},
        {"kind": "link", "url": "javascript:alert(1)"},
        {"kind": "link", "url": "https://example.com/", "size": 10},
        {"kind": "link", "url": "https://example.com/", "storage_key": "1/abc"},
        {"kind": "file", "storage_key": ""},
        {"kind": "file", "storage_key": "1/abc", "url": "https://example.com/"},
    ],
)
def test_the_database_refuses_fields_that_do_not_match_the_kind(acme, contact, fields, unscoped):
    with pytest.raises(IntegrityError):
        insert(organization=acme, contact=contact, name="x", **fields)


def test_a_storage_key_is_used_once_per_organization(acme, contact, unscoped):
    insert(organization=acme, contact=contact, kind="file", name="a", storage_key="1/abc")

    with pytest.raises(IntegrityError):
        insert(organization=acme, contact=contact, kind="file", name="b", storage_key="1/abc")


@pytest.mark.parametrize("url", ["http://example.com/", "javascript:alert(1)", "data:,x"])
def test_the_link_service_refuses_what_is_not_https(acme, contact, url):
    with scope(organization=acme), pytest.raises(ValidationError):
        services.attachment_link_create(
            organization=acme, record=contact, added_by=None, url=url, title="x"
        )


def test_the_link_service_lowers_the_scheme(acme, contact):
    with scope(organization=acme):
        link = services.attachment_link_create(
            organization=acme,
            record=contact,
            added_by=None,
            url="HTTPS://Drive.Google.com/File",
            title="Contract",
        )

    assert link.url == "https://Drive.Google.com/File"


def test_the_services_refuse_a_record_of_another_organization(acme, globex, unscoped):
    theirs = ContactFactory(organization=globex)

    with scope(organization=acme), pytest.raises(ValueError):
        services.attachment_link_create(
            organization=acme, record=theirs, added_by=None, url="https://x.example/", title="x"
        )


def test_settings_refuse_a_request_limit_smaller_than_one_file():
    environment = {
        **os.environ,
        "DEBUG": "true",
        "ATTACHMENT_MAX_FILE_SIZE": "50000000",
        "ATTACHMENT_MAX_REQUEST_SIZE": "40000000",
    }

    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "ATTACHMENT_MAX_REQUEST_SIZE must leave room" in result.stderr
