"""The dashboard counts only what the user may see."""

import re

import pytest
from django.urls import reverse

from tests.factories import CompanyFactory, ContactFactory


def _numbers(html: str) -> list[str]:
    return re.findall(r'class="stat-number">([^<]+)<', html)


@pytest.mark.django_db
def test_dashboard_counts_exclude_private_records_of_others(acme, alice, bob, carol, client_for):
    ContactFactory.create_batch(3, organization=acme)
    ContactFactory(organization=acme, visibility="private", created_by=carol)
    CompanyFactory(organization=acme, visibility="private", created_by=carol)
    CompanyFactory(organization=acme)
    html = client_for(bob).get(reverse("dashboard", kwargs={"slug": "acme"})).content.decode()
    assert _numbers(html)[:2] == ["3", "1"]
    html = client_for(carol).get(reverse("dashboard", kwargs={"slug": "acme"})).content.decode()
    assert _numbers(html)[:2] == ["4", "2"]


@pytest.mark.django_db
def test_guests_get_no_directory_counts(acme, gina, client_for):
    ContactFactory(organization=acme)
    response = client_for(gina).get(reverse("dashboard", kwargs={"slug": "acme"}))
    assert response.status_code == 200
    assert "Contacts" not in response.content.decode()
