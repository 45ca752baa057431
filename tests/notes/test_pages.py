"""The Notes section on record pages, adding in place (htmx) and without JavaScript, XSS."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from notes.models import Note
from organizations.scoping import scopes_disabled
from tests.factories import CompanyFactory, ContactFactory, NoteFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def giulia(acme, alice):
    return ContactFactory(
        organization=acme, created_by=alice, first_name="Giulia", last_name="Rossi"
    )


def page(client, record, kind):
    return client.get(reverse(f"{kind}_detail", kwargs={"slug": "acme", "pk": record.pk}))


def notes_of(record):
    with scopes_disabled():
        return list(Note.objects.filter(**{record._meta.model_name: record}).order_by("id"))


def test_the_contact_page_shows_its_notes_with_author_and_anchor(client_for, giulia, alice, bob):
    note = NoteFactory(contact=giulia, author=alice, body="Call **tomorrow**.")

    response = page(client_for(bob), giulia, "contact")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="note-{note.pk}"' in html
    assert "<strong>tomorrow</strong>" in html
    assert "Alice Owner" in html
    assert 'id="notes"' in html


def test_company_and_project_pages_have_a_notes_section(client_for, acme, alice, bob):
    company = CompanyFactory(organization=acme, created_by=alice)
    project = ProjectFactory(organization=acme, created_by=alice)
    NoteFactory(company=company, author=alice, body="On the company.")
    NoteFactory(project=project, author=alice, body="On the project.")
    client = client_for(bob)

    assert "On the company." in page(client, company, "company").content.decode()
    assert "On the project." in page(client, project, "project").content.decode()


def test_a_member_adds_a_note_in_place_with_htmx(client_for, giulia, bob):
    url = reverse("note_create", kwargs={"slug": "acme"}) + f"?contact={giulia.pk}"

    response = client_for(bob).post(url, {"body": "First call done."}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<section class="card notes" id="notes">')
    assert "First call done." in html
    [note] = notes_of(giulia)
    assert note.author == bob
    assert f'id="note-{note.pk}"' in html


def test_without_javascript_adding_a_note_redirects_to_its_anchor(client_for, giulia, bob):
    url = reverse("note_create", kwargs={"slug": "acme"}) + f"?contact={giulia.pk}"

    response = client_for(bob).post(url, {"body": "Sent the offer."})

    [note] = notes_of(giulia)
    assert response.status_code == 302
    assert response.url == f"/o/acme/contacts/{giulia.pk}/#note-{note.pk}"


class Tags(HTMLParser):
    """Every tag and its attributes in an HTML text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_harmless(html: str) -> None:
    for tag, attrs in Tags(html).tags:
        assert tag not in {"script", "img", "iframe", "svg", "style"}, tag
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        href = (attrs.get("href") or "").strip().lower()
        assert not href.startswith(("javascript:", "data:", "vbscript:")), href


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        '<img src=x onerror="alert(1)">',
        '<a href="#" onclick="alert(1)">x</a>',
        "![pic](x.png)",
        "<javascript:alert(1)>",
    ],
)
def test_note_bodies_are_rendered_safely(client_for, giulia, bob, body):
    url = reverse("note_create", kwargs={"slug": "acme"}) + f"?contact={giulia.pk}"
    client = client_for(bob)
    client.post(url, {"body": body})

    html = page(client, giulia, "contact").content.decode()
    [note] = notes_of(giulia)
    start = html.index(f'id="note-{note.pk}"')
    body_html = html[html.index('class="description note-body">', start) :]
    body_html = body_html[: body_html.index("</div>")]

    assert_harmless(body_html)
    assert_harmless(note.body_html)


def test_mentions_are_marked_with_the_members_name(client_for, giulia, alice, bob):
    url = reverse("note_create", kwargs={"slug": "acme"}) + f"?contact={giulia.pk}"
    client_for(alice).post(url, {"body": "@bob@example.com please call her."})

    html = page(client_for(alice), giulia, "contact").content.decode()

    assert '<span class="mention" title="bob@example.com">@Bob Member</span>' in html


def test_the_section_costs_one_query_with_thirty_notes_as_with_one(
    client_for, giulia, alice, bob, django_assert_max_num_queries
):
    NoteFactory(contact=giulia, author=alice)
    client = client_for(bob)
    client.get(reverse("contact_detail", kwargs={"slug": "acme", "pk": giulia.pk}))  # warm up
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        page(client, giulia, "contact")
    for index in range(29):
        note = NoteFactory(contact=giulia, author=bob if index % 2 else alice)
        if index < 3:
            with scopes_disabled():
                Note.objects.filter(pk=note.pk).update(pinned_at=note.created_at)

    with django_assert_max_num_queries(len(one)):
        response = page(client, giulia, "contact")

    assert response.content.decode().count('<li class="note') == 13
    assert "More notes" in response.content.decode()
    note_queries = [q for q in one.captured_queries if "notes_note" in q["sql"]]
    assert len(note_queries) == 1
