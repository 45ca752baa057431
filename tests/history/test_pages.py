"""The History page: readable changes, newest first, bounded; restoring a value."""

import re

import pytest
from django.urls import reverse

import history
from companies.models import Company
from connections.models import Project
from contacts.models import Contact
from history.models import Change
from organizations.models import RecordType
from organizations.scoping import scopes_disabled
from tests import factories

pytestmark = pytest.mark.django_db


def history_url(record) -> str:
    return reverse(f"{record._meta.model_name}_history", args=["acme", record.pk])


def rows_of(response) -> list[str]:
    """The text of each row of the history table, tags and spaces squeezed."""
    html = response.content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        " ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in body.split("</tr>") if row.strip()
    ]


def test_the_record_page_links_to_its_history(client_for, acme, bob):
    contact = factories.ContactFactory(organization=acme)
    company = factories.CompanyFactory(organization=acme)

    for record in (contact, company):
        response = client_for(bob).get(record.get_absolute_url())
        assert f'href="{history_url(record)}"'.encode() in response.content


def test_changes_are_listed_newest_first_with_readable_values(client_for, acme, alice, bob):
    partner = factories.RecordTypeFactory(organization=acme, name="Partner")
    supplier = factories.RecordTypeFactory(organization=acme, name="Supplier")
    company = factories.CompanyFactory(organization=acme, name="Initech", type=partner)
    with history.context(user=alice), scopes_disabled():
        Company.objects.filter(pk=company.pk).update(type=supplier)
    with history.context(user=bob, source="import"), scopes_disabled():
        Company.objects.filter(pk=company.pk).update(visibility="private", created_by=bob)

    response = client_for(bob).get(history_url(company))

    assert response.status_code == 200
    rows = rows_of(response)
    assert "Bob Member an import visibility Public" in rows[0]
    assert rows[0].endswith("Private")
    assert "Alice Owner a page type Partner" in rows[1]
    assert rows[1].endswith("Supplier")
    assert "Created" in rows[-1]


def test_an_affiliation_with_a_company_the_reader_cannot_see_is_left_out(
    client_for, acme, carol, bob
):
    contact = factories.ContactFactory(organization=acme)
    hidden = factories.CompanyFactory(
        organization=acme, name="Hidden Ltd", visibility="private", created_by=carol
    )
    shown = factories.CompanyFactory(organization=acme, name="Shown Ltd")
    factories.AffiliationFactory(contact=contact, company=hidden, role="Spy")
    factories.AffiliationFactory(contact=contact, company=shown, role="CTO")

    content = client_for(bob).get(history_url(contact)).content.decode()

    assert "Shown Ltd" in content and "CTO" in content
    assert "Hidden Ltd" not in content and "Spy" not in content
    # And on the company's side, its person appears by name.
    assert "CTO" in client_for(bob).get(history_url(shown)).content.decode()


def test_a_private_contact_on_a_companys_history_is_left_out(client_for, acme, carol, bob):
    company = factories.CompanyFactory(organization=acme)
    secret = factories.ContactFactory(
        organization=acme, first_name="Secret", visibility="private", created_by=carol
    )
    factories.AffiliationFactory(contact=secret, company=company, role="Mole")

    content = client_for(bob).get(history_url(company)).content.decode()

    assert "Secret" not in content and "Mole" not in content


def test_pages_of_fifty_in_bounded_queries(client_for, acme, bob, django_assert_max_num_queries):
    types = [factories.RecordTypeFactory(organization=acme, name=f"T{n}") for n in range(3)]
    contact = factories.ContactFactory(organization=acme, first_name="Ada")
    companies = [factories.CompanyFactory(organization=acme) for _ in range(3)]
    with history.context(user=bob), scopes_disabled():
        for n in range(30):
            Contact.objects.filter(pk=contact.pk).update(role=f"Role {n}", type=types[n % 3])
        for company in companies:
            factories.AffiliationFactory(contact=contact, company=company)
        factories.mention(contact, bob)
    with scopes_disabled():
        total = Change.objects.filter(contact_id=contact.pk).count()
    assert total > 60

    client = client_for(bob)
    with django_assert_max_num_queries(10):
        first = client.get(history_url(contact))
    assert len(rows_of(first)) == 50
    older = re.search(rb'href="\?before=(\d+)"', first.content)
    assert older
    with django_assert_max_num_queries(10):
        second = client.get(f"{history_url(contact)}?before={older.group(1).decode()}")
    shown = len(rows_of(first)) + len(rows_of(second))
    # An affiliation's own side (this contact) is not repeated on its rows.
    assert shown == total - 3


def test_a_bad_cursor_is_the_first_page(client_for, acme, bob):
    contact = factories.ContactFactory(organization=acme)

    response = client_for(bob).get(history_url(contact) + "?before=x%00")

    assert response.status_code == 200


def restore(client, record, change):
    name = f"{record._meta.model_name}_history_restore"
    return client.post(reverse(name, args=["acme", record.pk, change.pk]), follow=True)


def test_a_member_restores_a_previous_value_and_the_restore_is_recorded(client_for, acme, bob):
    contact = factories.ContactFactory(organization=acme, last_name="Byron")
    with history.context(user=bob), scopes_disabled():
        Contact.objects.filter(pk=contact.pk).update(last_name="Lovelace")
        change = Change.objects.get(contact_id=contact.pk, field="last_name")

    response = restore(client_for(bob), contact, change)

    assert b"The previous value is back." in response.content
    with scopes_disabled():
        contact.refresh_from_db()
        latest = Change.objects.filter(contact_id=contact.pk).latest("id")
    assert contact.last_name == "Byron"
    assert (latest.field, latest.old_value, latest.new_value, latest.user_id, latest.source) == (
        "last_name",
        "Lovelace",
        "Byron",
        bob.pk,
        "page",
    )


def test_a_value_that_is_no_longer_valid_is_refused_with_nothing_saved(client_for, acme, bob):
    gone = factories.RecordTypeFactory(organization=acme, name="Gone")
    contact = factories.ContactFactory(organization=acme, type=gone, first_name="Ada")
    with scopes_disabled():
        Contact.objects.filter(pk=contact.pk).update(type=None, first_name="Grace")
        change = Change.objects.get(contact_id=contact.pk, field="type")
        RecordType.objects.filter(pk=gone.pk).delete()
        count = Change.objects.count()

    response = restore(client_for(bob), contact, change)

    assert b"Select a valid choice" in response.content
    with scopes_disabled():
        contact.refresh_from_db()
        assert Change.objects.count() == count
    assert (contact.type_id, contact.first_name) == (None, "Grace")


def test_only_the_creator_restores_the_visibility(client_for, acme, alice, bob):
    contact = factories.ContactFactory(organization=acme, created_by=alice)
    with scopes_disabled():
        Contact.objects.filter(pk=contact.pk).update(visibility="private")
        Contact.objects.filter(pk=contact.pk).update(visibility="public")
        change = Change.objects.filter(contact_id=contact.pk, field="visibility").latest("id")

    refused = restore(client_for(bob), contact, change)
    assert b"Only the creator can change the visibility." in refused.content
    with scopes_disabled():
        contact.refresh_from_db()
    assert contact.visibility == "public"

    restore(client_for(alice), contact, change)
    with scopes_disabled():
        contact.refresh_from_db()
    assert contact.visibility == "private"


def test_restoring_a_description_cannot_widen_a_private_records_audience(
    client_for, acme, alice, bob, carol
):
    contact = factories.ContactFactory(
        organization=acme, visibility="private", created_by=alice, description=""
    )
    factories.mention(contact, bob)
    with scopes_disabled():
        Contact.objects.filter(pk=contact.pk).update(description="ask @carol@example.com")
        Contact.objects.filter(pk=contact.pk).update(description="@bob@example.com")
        change = Change.objects.filter(contact_id=contact.pk, field="description").latest("id")

    response = restore(client_for(bob), contact, change)

    assert b"Only the person who created this private record" in response.content
    with scopes_disabled():
        contact.refresh_from_db()
    assert contact.description == "@bob@example.com"


def test_a_contact_point_value_is_restored_through_the_detail_rules(client_for, acme, bob):
    company = factories.CompanyFactory(organization=acme)
    with scopes_disabled():
        email = company.emails.create(organization=acme, email="old@example.com", position=0)
        company.emails.filter(pk=email.pk).update(email="new@example.com")
        change = Change.objects.get(model="companyemail", action="update")

    response = restore(client_for(bob), company, change)

    assert b"The previous value is back." in response.content
    with scopes_disabled():
        assert list(company.emails.values_list("pk", "email")) == [(email.pk, "old@example.com")]


def test_a_removed_contact_point_cannot_be_restored_in_place(client_for, acme, bob):
    company = factories.CompanyFactory(organization=acme)
    with scopes_disabled():
        email = company.emails.create(organization=acme, email="old@example.com", position=0)
        company.emails.filter(pk=email.pk).update(email="new@example.com")
        change = Change.objects.get(model="companyemail", action="update")
        company.emails.all().delete()

    response = restore(client_for(bob), company, change)

    assert b"no longer exists" in response.content
    with scopes_disabled():
        assert not company.emails.exists()


def test_project_history_names_the_client_only_when_the_reader_sees_it(
    client_for, acme, bob, carol
):
    hidden = factories.CompanyFactory(
        organization=acme, name="Hidden Ltd", visibility="private", created_by=carol
    )
    shown = factories.CompanyFactory(organization=acme, name="Shown Ltd")
    project = factories.ProjectFactory(organization=acme)
    with scopes_disabled():
        Project.objects.filter(pk=project.pk).update(client_company=hidden)
        Project.objects.filter(pk=project.pk).update(client_company=shown, budget=250000)

    content = client_for(bob).get(history_url(project)).content.decode()

    assert "Shown Ltd" in content and "250,000.00" in content
    assert "Hidden Ltd" not in content
    assert "Restore" not in content
