"""Who may read a record's history and restore from it: exactly who sees the record."""

import pytest
from django.urls import reverse

from companies.models import Company
from contacts.models import Contact
from history.models import Change
from organizations.scoping import scopes_disabled
from tests import factories

pytestmark = pytest.mark.django_db

URL_NAMES = {
    "contact_history",
    "contact_history_restore",
    "company_history",
    "company_history_restore",
    "project_history",
}
VISITORS = [None, "mallory", "gina", "bob", "alice"]
# Records made by carol: public, private, and private mentioning bob.
AUDIENCES = ["public", "private", "private_mentioning_bob"]


def expected(visitor: str | None, audience: str, *, post: bool) -> int:
    if visitor is None:
        return 302
    if visitor == "mallory":
        return 404
    if visitor == "gina":
        return 403
    sees = audience == "public" or (visitor == "bob" and audience == "private_mentioning_bob")
    if not sees:
        return 404
    return 302 if post else 200


@pytest.fixture
def records(cast, acme):
    made = {}
    for audience in AUDIENCES:
        visibility = "public" if audience == "public" else "private"
        contact = factories.ContactFactory(
            organization=acme, first_name="Old", visibility=visibility, created_by=cast["carol"]
        )
        company = factories.CompanyFactory(
            organization=acme, name="Old", visibility=visibility, created_by=cast["carol"]
        )
        if audience == "private_mentioning_bob":
            factories.mention(contact, cast["bob"])
            factories.mention(company, cast["bob"])
        with scopes_disabled():
            Contact.objects.filter(pk=contact.pk).update(first_name="New")
            Company.objects.filter(pk=company.pk).update(name="New")
            contact_change = Change.objects.get(contact_id=contact.pk, field="first_name")
            company_change = Change.objects.get(company_id=company.pk, field="name")
        made[audience] = {
            "contact": (contact, contact_change),
            "company": (company, company_change),
        }
    return made


@pytest.mark.parametrize("kind", ["contact", "company"])
@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("visitor", VISITORS)
def test_history_page_answers_as_the_record_page(
    client_for, cast, records, kind, audience, visitor
):
    record, _change = records[audience][kind]
    url = reverse(f"{kind}_history", args=["acme", record.pk])

    response = client_for(cast.get(visitor)).get(url)

    assert response.status_code == expected(visitor, audience, post=False)
    if response.status_code == 200:
        assert b"Old" in response.content


@pytest.mark.parametrize("kind", ["contact", "company"])
@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("visitor", VISITORS)
def test_restore_answers_as_the_record_page_and_refusals_change_nothing(
    client_for, cast, records, kind, audience, visitor
):
    record, change = records[audience][kind]
    url = reverse(f"{kind}_history_restore", args=["acme", record.pk, change.pk])

    response = client_for(cast.get(visitor)).post(url)

    status = expected(visitor, audience, post=True)
    assert response.status_code == status
    field = "first_name" if kind == "contact" else "name"
    with scopes_disabled():
        record.refresh_from_db()
    restored = status == 302 and visitor is not None
    assert getattr(record, field) == ("Old" if restored else "New")


@pytest.mark.parametrize("visitor", VISITORS)
def test_project_history_is_for_owners_and_members(client_for, cast, acme, visitor):
    project = factories.ProjectFactory(organization=acme)
    url = reverse("project_history", args=["acme", project.pk])

    response = client_for(cast.get(visitor)).get(url)

    assert response.status_code == {None: 302, "mallory": 404, "gina": 403}.get(visitor, 200)


def test_restore_is_a_post(client_for, alice, records):
    record, change = records["public"]["contact"]
    url = reverse("contact_history_restore", args=["acme", record.pk, change.pk])

    assert client_for(alice).get(url).status_code == 405


def test_a_change_of_another_record_is_404(client_for, bob, records):
    record, _ = records["public"]["contact"]
    _other, change = records["private"]["contact"]
    url = reverse("contact_history_restore", args=["acme", record.pk, change.pk])

    assert client_for(bob).post(url).status_code == 404
    with scopes_disabled():
        _other.refresh_from_db()
    assert _other.first_name == "New"


def test_restore_needs_the_csrf_token(alice, records):
    from django.test import Client

    record, change = records["public"]["contact"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(reverse("contact_history_restore", args=["acme", record.pk, change.pk]))

    assert response.status_code == 403
