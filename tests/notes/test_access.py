"""Who gets what on every notes URL: anonymous, outsider, guest, member, owner × record × note.

The world: carol (a member) created a public contact, a private contact, a public company
and a project; gina (the guest) has a task in that project, so she sees the project and
nothing of the directory. carol wrote a shared note on each record, a private note on the
public contact that mentions nobody, and a private note that mentions bob. bob acts as
the member (not the author: he may read and pin, not edit or delete); alice is the owner.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from notes.models import Note
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    NoteFactory,
    ProjectFactory,
    TaskFactory,
    note_mention,
)

pytestmark = pytest.mark.django_db

URL_NAMES = {
    "note_create",
    "note_edit",
    "note_delete",
    "note_pin",
    "note_revisions",
    "contact_notes",
    "company_notes",
    "project_notes",
}
ROLES = {"guest": "gina", "member": "bob", "owner": "alice"}


@pytest.fixture
def world(acme, cast):
    carol = cast["carol"]
    public = ContactFactory(organization=acme, created_by=carol)
    private = ContactFactory(organization=acme, created_by=carol, visibility="private")
    company = CompanyFactory(organization=acme, created_by=carol)
    project = ProjectFactory(organization=acme, created_by=carol)
    other_project = ProjectFactory(organization=acme, created_by=carol)
    TaskFactory(organization=acme, project=project, assignee=cast["gina"])
    mentioning_bob = NoteFactory(contact=public, author=carol, is_private=True)
    note_mention(mentioning_bob, cast["bob"])
    return {
        "public_contact": public,
        "private_contact": private,
        "company": company,
        "project": project,
        "other_project": other_project,
        "shared_note": NoteFactory(contact=public, author=carol),
        "private_note": NoteFactory(contact=public, author=carol, is_private=True),
        "note_mentioning_bob": mentioning_bob,
        "note_on_private_contact": NoteFactory(contact=private, author=carol),
        "company_note": NoteFactory(company=company, author=carol),
        "project_note": NoteFactory(project=project, author=carol),
        "other_project_note": NoteFactory(project=other_project, author=carol),
    }


@dataclass(frozen=True)
class Case:
    name: str
    target: str
    method: str
    expect: tuple[int, int, int]  # guest, member, owner
    data: tuple = ()

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name} {self.target}"


def url_of(case: Case, world: dict, slug: str = "acme") -> str:
    target = world[case.target]
    if case.name == "note_create":
        return reverse("note_create", kwargs={"slug": slug}) + (
            f"?{target._meta.model_name}={target.pk}"
        )
    return reverse(case.name, kwargs={"slug": slug, "pk": target.pk})


BODY = (("body", "Hello"),)
CASES = [
    # Adding a note: the record decides (404 when the member cannot see it).
    Case("note_create", "public_contact", "get", (403, 200, 200)),
    Case("note_create", "public_contact", "post", (403, 302, 302), BODY),
    Case("note_create", "private_contact", "get", (403, 404, 404)),
    Case("note_create", "private_contact", "post", (403, 404, 404), BODY),
    Case("note_create", "company", "post", (403, 302, 302), BODY),
    Case("note_create", "project", "get", (403, 200, 200)),
    Case("note_create", "project", "post", (403, 302, 302), BODY),
    # Editing and deleting: the author (carol) or an owner who sees the note.
    *[
        Case(name, target, method, expect, BODY if name == "note_edit" and method == "post" else ())
        for name in ("note_edit", "note_delete")
        for method in ("get", "post")
        for target, expect in [
            ("shared_note", (403, 403, 200 if method == "get" else 302)),
            ("company_note", (403, 403, 200 if method == "get" else 302)),
            ("project_note", (403, 403, 200 if method == "get" else 302)),
            ("private_note", (403, 404, 404)),
            ("note_mentioning_bob", (403, 403, 404)),
            ("note_on_private_contact", (403, 404, 404)),
        ]
    ],
    # Pinning: owners and members who see a shared note.
    Case("note_pin", "shared_note", "post", (403, 302, 302)),
    Case("note_pin", "project_note", "post", (403, 302, 302)),
    Case("note_pin", "private_note", "post", (403, 404, 404)),
    Case("note_pin", "note_mentioning_bob", "post", (403, 403, 404)),
    Case("note_pin", "note_on_private_contact", "post", (403, 404, 404)),
    # Reading: whoever sees the note (a guest only on a project they see).
    Case("note_revisions", "shared_note", "get", (404, 200, 200)),
    Case("note_revisions", "company_note", "get", (404, 200, 200)),
    Case("note_revisions", "project_note", "get", (200, 200, 200)),
    Case("note_revisions", "other_project_note", "get", (404, 200, 200)),
    Case("note_revisions", "private_note", "get", (404, 404, 404)),
    Case("note_revisions", "note_mentioning_bob", "get", (404, 200, 404)),
    Case("note_revisions", "note_on_private_contact", "get", (404, 404, 404)),
    Case("contact_notes", "public_contact", "get", (403, 200, 200)),
    Case("contact_notes", "private_contact", "get", (403, 404, 404)),
    Case("company_notes", "company", "get", (403, 200, 200)),
    Case("project_notes", "project", "get", (200, 200, 200)),
    Case("project_notes", "other_project", "get", (404, 200, 200)),
]


def test_every_notes_url_has_cases():
    assert {case.name for case in CASES} == URL_NAMES


@pytest.mark.parametrize("case", CASES, ids=str)
def test_anonymous_visitors_are_sent_to_log_in(client, world, case):
    response = getattr(client, case.method)(url_of(case, world), dict(case.data))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=/o/acme/")


@pytest.mark.parametrize("case", CASES, ids=str)
def test_an_outsider_gets_404_everywhere(client_for, world, cast, case):
    client = client_for(cast["mallory"])

    response = getattr(client, case.method)(url_of(case, world), dict(case.data))
    # Nor can mallory reach Acme's notes through her own organization's URLs.
    inside = getattr(client, case.method)(url_of(case, world, slug="globex"), dict(case.data))

    assert response.status_code == 404
    assert inside.status_code == 404


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("role", ["guest", "member", "owner"])
def test_each_role_gets_what_the_record_and_the_note_allow(
    client_for, world, cast, case, role, unscoped
):
    before = {note.pk: note.body for note in Note.objects.all()}
    client = client_for(cast[ROLES[role]])

    response = getattr(client, case.method)(url_of(case, world), dict(case.data))

    expected = case.expect[["guest", "member", "owner"].index(role)]
    assert response.status_code == expected
    if expected in (403, 404):
        # A refusal changes nothing.
        assert {note.pk: note.body for note in Note.objects.all()} == before
