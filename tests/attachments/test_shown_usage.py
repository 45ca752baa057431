"""The Files section's usage bar reads the counter with the request's memberships (no query)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attachments.models import StorageUsage
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_usage_bar_shows_the_counter_without_a_query_of_its_own(client_for, acme, bob):
    StorageUsage.objects.create(organization=acme, used_bytes=12_300_000)
    contact = factories.ContactFactory(organization=acme)
    client = client_for(bob)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(contact.get_absolute_url()).content.decode()
    assert "12.3 MB" in page
    own_reads = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "attachments_storageusage"')
    ]
    assert own_reads == []


def test_an_organization_without_a_counter_shows_nothing_used(client_for, acme, bob):
    contact = factories.ContactFactory(organization=acme)
    response = client_for(bob).get(contact.get_absolute_url())
    assert response.status_code == 200
    assert 'data-usage-used="0"' in response.content.decode()
