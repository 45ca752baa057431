"""Operators see contacts and companies of every organization in the admin."""

import pytest
from django.urls import reverse

from contacts.models import ContactEmail
from tests import factories


@pytest.fixture
def operator(db):
    return factories.UserFactory(email="ops@example.com", is_staff=True, is_superuser=True)


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["contact", "company", "affiliation"])
def test_changelists_search_and_filter_across_organizations(client, operator, acme, globex, model):
    factories.AffiliationFactory(
        contact=factories.ContactFactory(organization=acme, last_name="Rossi"),
        company=factories.CompanyFactory(organization=acme, name="Rossi Srl"),
    )
    factories.ContactFactory(organization=globex, last_name="Rossi")
    client.force_login(operator)
    app = "contacts" if model == "contact" else "companies"
    url = reverse(f"admin:{app}_{model}_changelist")
    assert client.get(url, {"q": "Rossi"}).status_code == 200
    assert client.get(url, {"organization__id__exact": acme.pk}).status_code == 200


@pytest.mark.django_db
def test_an_email_added_in_the_admin_takes_the_contacts_organization(
    client, operator, acme, unscoped
):
    contact = factories.ContactFactory(organization=acme, first_name="Ada", last_name="Rossi")
    client.force_login(operator)
    url = reverse("admin:contacts_contact_change", args=[contact.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "organization": acme.pk,
        "first_name": "Ada",
        "last_name": "Rossi",
        "visibility": "public",
        "description": "",
        "emails-TOTAL_FORMS": "1",
        "emails-INITIAL_FORMS": "0",
        "emails-0-label": "work",
        "emails-0-email": "ada@example.com",
        "emails-0-position": "0",
    }
    for prefix in ("phones", "addresses", "mentions"):
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert ContactEmail.objects.get(contact=contact).organization == acme
