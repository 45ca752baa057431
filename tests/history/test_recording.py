"""Every write of a watched table is recorded by the database, whatever made it."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

import history
from companies.models import Affiliation, Company
from connections.models import Project
from contacts.models import Contact, ContactEmail
from history import triggers
from history.context import current
from history.middleware import HistoryMiddleware
from history.models import Change
from organizations.models import Membership, Organization, Role
from organizations.scoping import scopes_disabled
from tests import factories
from transfers.duplication import directory_duplicate

pytestmark = pytest.mark.django_db


def changes(**filters) -> list[tuple]:
    with scopes_disabled():
        return list(
            Change.objects.filter(**filters)
            .order_by("id")
            .values_list("model", "action", "field", "old_value", "new_value", "user_id", "source")
        )


def test_every_watched_table_has_its_three_triggers():
    assert triggers.installed() == 3 * len(triggers.WATCHED)


def test_a_page_edit_records_each_changed_field_with_its_user_and_source(client_for, acme, bob):
    contact = factories.ContactFactory(organization=acme, first_name="Ada", last_name="Byron")
    with scopes_disabled():
        contact.emails.create(organization=acme, email="ada@example.com", position=0)
    before = Change.objects.filter(organization=acme)
    with scopes_disabled():
        last = before.order_by("-id").values_list("id", flat=True).first()

    response = client_for(bob).post(
        f"/o/acme/contacts/{contact.pk}/edit/",
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "visibility": "public",
            "emails-TOTAL_FORMS": "1",
            "emails-INITIAL_FORMS": "0",
            "emails-0-label": "work",
            "emails-0-email": "countess@example.com",
            "phones-TOTAL_FORMS": "0",
            "phones-INITIAL_FORMS": "0",
            "addresses-TOTAL_FORMS": "0",
            "addresses-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    recorded = changes(organization=acme, id__gt=last)
    assert ("contact", "update", "last_name", "Byron", "Lovelace", bob.pk, "page") in recorded
    # The email was changed in place: one change, not a removal and an addition.
    assert (
        "contactemail",
        "update",
        "email",
        "ada@example.com",
        "countess@example.com",
        bob.pk,
        "page",
    ) in recorded
    assert not [row for row in recorded if row[1] != "update"]
    with scopes_disabled():
        assert set(Change.objects.filter(id__gt=last).values_list("contact_id", flat=True)) == {
            contact.pk
        }


def test_a_queryset_update_is_recorded_with_the_context_around_it(acme, alice):
    contact = factories.ContactFactory(organization=acme, role="")
    with history.context(user=alice, source="import"), scopes_disabled():
        Contact.objects.filter(pk=contact.pk).update(role="CEO", fiscal_code="X1")

    assert changes(organization=acme, action="update") == [
        ("contact", "update", "role", "", "CEO", alice.pk, "import"),
        ("contact", "update", "fiscal_code", "", "X1", alice.pk, "import"),
    ]


def test_a_write_outside_any_context_is_recorded_as_the_systems():
    assert current() == (None, "system")
    contact = factories.ContactFactory(first_name="Solo")

    assert changes(organization=contact.organization) == [
        ("contact", "create", "", None, None, None, "system")
    ]


def test_an_unchanged_value_records_nothing(acme):
    contact = factories.ContactFactory(organization=acme, first_name="Ada")
    with scopes_disabled():
        Contact.objects.filter(pk=contact.pk).update(first_name="Ada")

    assert changes(organization=acme, action="update") == []


def test_bulk_created_and_deleted_contact_points_are_recorded(acme, bob):
    contact = factories.ContactFactory(organization=acme)
    with history.context(user=bob, source="page"), scopes_disabled():
        ContactEmail.objects.bulk_create(
            [
                ContactEmail(
                    organization=acme, contact=contact, email=f"{n}@example.com", position=n
                )
                for n in range(2)
            ]
        )
        ContactEmail.objects.filter(contact=contact, position=1).delete()

    emails = changes(organization=acme, model="contactemail", field="email")
    assert emails == [
        ("contactemail", "create", "email", None, "0@example.com", bob.pk, "page"),
        ("contactemail", "create", "email", None, "1@example.com", bob.pk, "page"),
        ("contactemail", "delete", "email", "1@example.com", None, bob.pk, "page"),
    ]


def test_affiliations_and_mentions_belong_to_both_their_records(acme, alice, bob):
    contact = factories.ContactFactory(organization=acme)
    company = factories.CompanyFactory(organization=acme)
    with history.context(user=alice):
        factories.AffiliationFactory(contact=contact, company=company, role="CTO")
        factories.mention(contact, bob)

    with scopes_disabled():
        affiliation = Change.objects.get(model="affiliation", field="role")
        mention = Change.objects.get(model="contactmention")
    assert (affiliation.contact_id, affiliation.company_id) == (contact.pk, company.pk)
    assert affiliation.new_value == "CTO"
    assert (mention.contact_id, mention.field, mention.new_value) == (
        contact.pk,
        "user",
        str(bob.pk),
    )


def test_visibility_changes_are_recorded(acme, alice):
    company = factories.CompanyFactory(organization=acme)
    with history.context(user=alice), scopes_disabled():
        Company.objects.filter(pk=company.pk).update(visibility="private")

    assert changes(organization=acme, action="update") == [
        ("company", "update", "visibility", "public", "private", alice.pk, "page")
    ]


def test_a_projects_client_budget_and_status_are_recorded(acme, alice):
    company = factories.CompanyFactory(organization=acme)
    project = factories.ProjectFactory(organization=acme)
    with history.context(user=alice), scopes_disabled():
        Project.objects.filter(pk=project.pk).update(
            client_company=company, budget=Decimal("250000.50"), status="completed"
        )

    with scopes_disabled():
        rows = {
            change.field: change
            for change in Change.objects.filter(project_id=project.pk, action="update")
        }
    assert set(rows) == {"client_company", "budget", "status"}
    assert rows["client_company"].new_value == str(company.pk)
    assert Decimal(rows["budget"].new_value) == Decimal("250000.50")
    assert rows["status"].user_id == alice.pk


def test_a_copy_is_recorded_in_the_target_as_a_copy_by_its_user(acme, globex, alice):
    Membership.objects.create(organization=globex, user=alice, role=Role.MEMBER)
    contact = factories.ContactFactory(organization=acme, first_name="Ada")
    with scopes_disabled():
        contact.emails.create(organization=acme, email="ada@example.com", position=0)

    directory_duplicate(source=acme, target=globex, user=alice, contact_ids=[contact.pk])

    copied = changes(organization=globex)
    assert ("contact", "create", "", None, None, alice.pk, "copy") in copied
    assert ("contactemail", "create", "email", None, "ada@example.com", alice.pk, "copy") in copied
    assert {row[6] for row in copied} == {"copy"}


def test_the_admin_is_its_own_source(rf: RequestFactory, alice):
    seen = []
    middleware = HistoryMiddleware(lambda request: seen.append(current()))
    for path in ("/admin/contacts/contact/1/change/", "/o/acme/contacts/1/edit/"):
        request = rf.post(path)
        request.user = alice
        middleware(request)

    assert seen == [(alice.pk, "admin"), (alice.pk, "page")]


def test_an_unknown_source_is_refused():
    with pytest.raises(ValueError), history.context(source="magic"):
        pass


def test_deleting_an_organization_deletes_its_history(acme, alice):
    factories.ContactFactory(organization=acme)
    with history.context(user=alice):
        Organization.objects.filter(pk=acme.pk).delete()

    assert changes() == []
    assert not Organization.objects.filter(pk=acme.pk).exists()


def test_paused_triggers_record_nothing_and_come_back(acme):
    with triggers.paused():
        assert triggers.installed() == 0
        factories.ContactFactory(organization=acme)

    assert changes(organization=acme) == []
    assert triggers.installed() == 3 * len(triggers.WATCHED)
    factories.ContactFactory(organization=acme)
    assert len(changes(organization=acme)) == 1


def test_nothing_is_installed_while_a_watched_table_is_missing(monkeypatch):
    tables = connection.introspection.table_names()
    monkeypatch.setattr(
        connection.introspection,
        "table_names",
        lambda *args, **kwargs: [table for table in tables if table != "connections_project"],
    )

    assert triggers.install() is False


def test_affiliation_rows_survive_as_history_after_a_delete(acme, alice):
    affiliation = factories.AffiliationFactory(
        contact=factories.ContactFactory(organization=acme), role="CTO"
    )
    with history.context(user=alice), scopes_disabled():
        Affiliation.objects.filter(pk=affiliation.pk).delete()

    removed = changes(organization=acme, model="affiliation", action="delete")
    assert ("affiliation", "delete", "role", "CTO", None, alice.pk, "page") in removed


def test_a_write_after_a_context_never_borrows_its_user(acme, alice):
    contact = factories.ContactFactory(organization=acme)
    with history.context(user=alice, source="import"), scopes_disabled():
        Contact.objects.filter(pk=contact.pk).update(role="A")
    with scopes_disabled():
        Contact.objects.filter(pk=contact.pk).update(role="B")

    assert changes(organization=acme, action="update") == [
        ("contact", "update", "role", "", "A", alice.pk, "import"),
        ("contact", "update", "role", "A", "B", None, "system"),
    ]


def test_only_statements_that_may_write_hand_over_the_context():
    from history.connection import _may_write

    assert _may_write(" insert into x values (1)")
    assert _may_write("UPDATE x SET a = 1")
    assert _may_write("WITH moved AS (DELETE FROM x RETURNING *) SELECT 1")
    assert not _may_write("WITH found AS MATERIALIZED (SELECT updated_at FROM x) SELECT 1")
    assert not _may_write("SELECT 1")


@pytest.mark.django_db(transaction=True)
def test_emptying_the_database_leaves_no_history_behind():
    """A transactional test's flush deletes table after table; none of it is recorded."""
    organization = factories.OrganizationFactory()
    contact = factories.ContactFactory(organization=organization)
    with scopes_disabled():
        contact.emails.create(organization=organization, email="ada@example.com", position=0)
    from django.core.management import call_command

    call_command("flush", "--noinput", verbosity=0)

    assert changes() == []


def test_the_bulk_client_assignment_of_the_projects_list_is_recorded(client_for, acme, bob):
    company = factories.CompanyFactory(organization=acme, name="Bigclient")
    chosen = [factories.ProjectFactory(organization=acme) for _ in range(3)]

    response = client_for(bob).post(
        reverse("project_assign_client", kwargs={"slug": "acme"}),
        {"projects": [project.pk for project in chosen], "client_company_id": company.pk},
    )

    assert response.status_code == 302
    with scopes_disabled():
        assigned = Change.objects.filter(organization=acme, field="client_company")
        assert sorted(assigned.values_list("project_id", flat=True)) == sorted(
            project.pk for project in chosen
        )
        assert set(assigned.values_list("new_value", "user_id", "source")) == {
            (str(company.pk), bob.pk, "page")
        }
