"""Dates and numbers in the reader's locale, one style on list and detail pages (issue 18).

English dates carry the month's name (5 Dec 2026), never the American 12/05/2026; the
other languages use their own order and separators.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from contacts.models import Contact
from tests import factories

pytestmark = pytest.mark.django_db

DAY = datetime(2026, 12, 5, 10, 30, tzinfo=UTC)


def get(client, name: str, **kwargs) -> str:
    response = client.get(reverse(name, kwargs={"slug": "acme", **kwargs}))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("language", "shown"), [("en", "5 Dec 2026"), ("it", "05/12/2026"), ("de", "05.12.2026")]
)
def test_a_date_reads_the_same_on_the_list_and_the_detail_page(
    acme, bob, client_for, unscoped, language, shown
):
    contact = factories.ContactFactory(organization=acme, last_name="Rossi")
    Contact.objects.filter(pk=contact.pk).update(created_at=DAY, updated_at=DAY)
    bob.language = language
    bob.save()
    client = client_for(bob)

    listed = get(client, "contact_list")
    detail = get(client, "contact_detail", pk=contact.pk)

    assert f">{shown}</time>" in listed
    assert shown in detail
    assert "12/05/2026" not in listed + detail


@pytest.mark.parametrize(
    ("language", "budget", "due"),
    [
        ("en", "1,234,567.50 EUR", "30 Sep 2026"),
        ("it", "1.234.567,50 EUR", "30/09/2026"),
        ("de", "1.234.567,50 EUR", "30.09.2026"),
    ],
)
def test_money_and_dates_of_a_project_follow_the_locale(
    acme, alice, client_for, language, budget, due
):
    project = factories.ProjectFactory(
        organization=acme, budget=Decimal("1234567.5"), due_date=date(2026, 9, 30)
    )
    alice.language = language
    alice.save()
    client = client_for(alice)

    detail = get(client, "project_detail", pk=project.pk)
    listed = get(client, "project_list")

    assert budget in detail and budget in listed
    assert due in detail and due in listed


def test_date_inputs_are_date_pickers(acme, alice, client_for):
    project = factories.ProjectFactory(organization=acme)

    for page in (
        get(client_for(alice), "project_create"),
        get(client_for(alice), "task_create", project_pk=project.pk),
        get(client_for(alice), "activity_create"),
    ):
        assert 'type="date"' in page
