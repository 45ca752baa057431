"""Descriptions are rendered once when saved, shown from the stored HTML with mentions
marked at view time, limited in length, and kept right by every write path (issue 20)."""

import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import override_settings

from companies.models import Company
from connections.forms import ProjectForm, TaskForm, TicketForm
from contacts.models import Contact
from directory.markup import render_description
from organizations.models import Membership
from organizations.scoping import scopes_disabled
from tests import factories
from tests.contacts.helpers import company_data, contact_data, contact_edit_data, reload
from tests.contacts.test_bad_input import text, url
from transfers.duplication import directory_duplicate

LIMIT_MESSAGE = "A description can have at most 20,000 characters"


@pytest.mark.django_db
def test_saving_a_description_stores_its_html_and_the_page_shows_the_stored_html(
    client_for, bob, unscoped
):
    client = client_for(bob)
    client.post(url("contact_create"), contact_data(description="**Key** account"))
    contact = Contact.objects.get()
    assert contact.description_html == "<p><strong>Key</strong> account</p>"

    # The page reads what was stored; it does not render the text again.
    Contact.objects.filter(pk=contact.pk).update(description_html="<p>stored once</p>")
    page = text(client.get(contact.get_absolute_url()))

    assert "<p>stored once</p>" in page and "<strong>Key</strong>" not in page


@pytest.mark.django_db
def test_editing_the_description_renders_it_again_and_other_edits_keep_it(
    client_for, bob, unscoped
):
    contact = factories.ContactFactory(organization=bob.memberships.get().organization)
    client = client_for(bob)
    client.post(url("contact_edit", pk=contact.pk), contact_edit_data(contact, description="_new_"))
    assert reload(contact).description_html == "<p><em>new</em></p>"

    client.post(url("contact_row", pk=contact.pk), {"first_name": "Re", "last_name": "Named"})

    assert reload(contact).description_html == "<p><em>new</em></p>"


@pytest.mark.django_db
def test_a_row_written_without_its_html_is_still_shown_rendered(client_for, bob, acme, unscoped):
    company = factories.CompanyFactory(organization=acme)
    Company.objects.filter(pk=company.pk).update(description="*raw SQL*", description_html="")

    page = text(client_for(bob).get(company.get_absolute_url()))

    assert "<em>raw SQL</em>" in page


@pytest.mark.django_db
def test_mentions_are_marked_from_the_members_of_the_moment(client_for, bob, carol, acme):
    contact = factories.ContactFactory(
        organization=acme, description="Ask @carol@example.com or @zed@example.com"
    )
    assert "mention" not in contact.description_html
    client = client_for(bob)

    page = text(client.get(contact.get_absolute_url()))
    assert '<span class="mention" title="carol@example.com">@Carol Member</span>' in page
    assert "@zed@example.com" in page

    Membership.objects.filter(organization=acme, user=carol).delete()
    page = text(client.get(contact.get_absolute_url()))

    assert "@carol@example.com" in page and "@Carol Member" not in page


@pytest.mark.django_db
def test_code_is_escaped_once_and_typed_markup_is_text(bob, acme):
    contact = factories.ContactFactory(
        organization=acme, description="`a && b` and <b>bold?</b> www.example.com `www.x.com`"
    )

    assert "<code>a &amp;&amp; b</code>" in contact.description_html
    assert "&amp;amp;" not in contact.description_html
    assert "&lt;b&gt;bold?&lt;/b&gt;" in contact.description_html
    assert (
        '<a href="http://www.example.com" rel="nofollow noopener noreferrer" target="_blank">'
        in contact.description_html
    )
    assert "<code>www.x.com</code>" in contact.description_html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, link",
    [
        ("see https://acme.example/a_(b).", '<a href="https://acme.example/a_(b)"'),
        ("(www.acme.com)", '<a href="http://www.acme.com"'),
        ("acme.it/path?x=1, then", '<a href="http://acme.it/path?x=1"'),
        ("[site](https://acme.example)", '<a href="https://acme.example"'),
    ],
)
def test_web_addresses_become_links(text, link):
    assert link in render_description(text)


@pytest.mark.parametrize(
    "text",
    ["@bob@example.com", "bob@example.com", "file.txt", "version 1.5", "javascript:alert(1)"],
)
def test_addresses_files_and_numbers_stay_text(text):
    assert "<a" not in render_description(text)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["contact", "company"])
def test_a_description_over_the_limit_is_refused_and_kept_in_the_form(
    client_for, bob, kind, unscoped
):
    data = contact_data if kind == "contact" else company_data
    long = "x" * 20_000 + "END"

    response = client_for(bob).post(url(f"{kind}_create"), data(description=long))

    page = text(response)
    assert response.status_code == 400
    assert f"{LIMIT_MESSAGE}; this one has 20,003." in page
    assert long in page
    assert not Contact.objects.exists() and not Company.objects.exists()


@pytest.mark.django_db
def test_a_description_at_the_limit_is_accepted(client_for, bob, unscoped):
    response = client_for(bob).post(url("contact_create"), contact_data(description="x" * 20_000))

    assert response.status_code == 302
    assert len(Contact.objects.get().description) == 20_000


@pytest.mark.django_db
@override_settings(DESCRIPTION_MAX_LENGTH=10)
def test_the_limit_is_a_setting_and_an_old_longer_description_can_stay(client_for, bob, acme):
    contact = factories.ContactFactory(organization=acme, description="written before the limit")
    client = client_for(bob)

    kept = client.post(url("contact_edit", pk=contact.pk), contact_edit_data(contact, role="CEO"))
    changed = client.post(
        url("contact_edit", pk=contact.pk), contact_edit_data(contact, description="x" * 11)
    )

    assert kept.status_code == 302 and reload(contact).role == "CEO"
    assert changed.status_code == 400
    assert "at most 10 characters; this one has 11" in text(changed)


@pytest.mark.django_db
def test_projects_tasks_and_tickets_have_the_same_limit(acme, alice):
    data = {"description": "x" * 20_001}
    forms = [
        ProjectForm(data, organization=acme, user=alice),
        TaskForm(data, organization=acme),
        TicketForm(data, organization=acme, user=alice),
    ]
    for form in forms:
        assert not form.is_valid()
        assert LIMIT_MESSAGE in str(form.errors["description"])


@pytest.mark.django_db
def test_a_copy_keeps_the_html_and_drops_the_at_of_people_it_cannot_mention(acme, alice, bob):
    target = factories.OrganizationFactory()
    factories.MembershipFactory(organization=target, user=alice, role="owner")
    contact = factories.ContactFactory(
        organization=acme, description="**Ask** @bob@example.com or @alice@example.com"
    )

    directory_duplicate(
        source=acme, target=target, user=alice, contact_ids=[contact.pk], company_ids=[]
    )

    with scopes_disabled():
        copy = Contact.objects.get(organization=target)
    assert copy.description == "**Ask** bob@example.com or @alice@example.com"
    assert copy.description_html == render_description(copy.description)


@pytest.mark.django_db
def test_render_descriptions_renders_every_organization_again_in_batches(acme, globex):
    ours = factories.ContactFactory(organization=acme, description="*one*")
    theirs = factories.CompanyFactory(organization=globex, description="*two*")
    factories.ContactFactory(organization=globex, description="*three*")
    with scopes_disabled():
        Contact.objects.update(description_html="stale")
        Company.objects.filter(pk=theirs.pk).update(description_html="")

    out = _run("render_descriptions", "--batch-size", "1")

    assert reload(ours).description_html == "<p><em>one</em></p>"
    assert reload(theirs).description_html == "<p><em>two</em></p>"
    assert "contacts: 2/2 rendered, 2 changed" in out
    assert "companies: done, 1 of 1 changed." in out
    assert "contacts: done, 0 of 2 changed." in _run("render_descriptions")


@pytest.mark.django_db
@pytest.mark.parametrize("app, model", [("contacts", "Contact"), ("companies", "Company")])
def test_the_migration_fills_the_html_of_existing_descriptions(acme, app, model):
    factory = factories.ContactFactory if model == "Contact" else factories.CompanyFactory
    records = [factory(organization=acme, description=f"*{n}*") for n in range(3)]
    blank = factory(organization=acme, description="")
    rows = apps.get_model(app, model)._base_manager
    rows.update(description_html="")
    migration = importlib.import_module(f"{app}.migrations.0006_description_html")

    migration.render_descriptions(apps, None)

    for n, record in enumerate(records):
        assert rows.get(pk=record.pk).description_html == f"<p><em>{n}</em></p>"
    assert rows.get(pk=blank.pk).description_html == ""


@pytest.mark.django_db
def test_demo_data_is_stored_rendered(unscoped):
    call_command("seed_demo", stdout=_Sink())

    records = [*Contact.objects.all(), *Company.objects.all()]
    assert any(record.description for record in records)
    for record in records:
        assert record.description_html == render_description(record.description)


class _Sink:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, text: str) -> None:
        self.lines.append(text)

    def flush(self) -> None:
        pass


def _run(*args: str) -> str:
    sink = _Sink()
    call_command(*args, stdout=sink)
    return "".join(sink.lines)
