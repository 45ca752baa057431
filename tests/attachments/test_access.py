"""Who gets what on every attachment URL: roles × record visibility × action.

carol (a member) created the records. A public record is seen by every owner and
member; a private one only by carol and whoever its description mentions (here bob).
alice owns Acme but that gives her no view of carol's private records. gina is a guest
(403 everywhere), mallory belongs to Globex only (404 everywhere), anonymous visitors
are sent to log in. An attachment is exactly as visible as its record.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attachments.models import Attachment
from organizations.models import Plan
from tests.attachments.conftest import files_url
from tests.factories import (
    AttachmentFactory,
    CompanyFactory,
    ContactFactory,
    LinkFactory,
    mention,
)

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": None,
    "outsider": "mallory",
    "guest": "gina",
    "member": "bob",
    "owner": "alice",
}
# What each action answers when it is allowed.
ALLOWED = {"upload": 302, "link": 302, "download": 200, "delete": 302}
METHODS = {"upload": "post", "link": "post", "download": "get", "delete": "post"}


def request_data(action: str) -> dict:
    """A valid form for the action (a fresh file each time: uploads consume it)."""
    if action == "upload":
        return {"files": [SimpleUploadedFile("new.txt", b"new")]}
    if action == "link":
        return {"url": "https://drive.google.com/file/d/x", "title": "Contract"}
    return {}


def make_record(kind: str, visibility: str, acme, cast):
    factory = ContactFactory if kind == "contact" else CompanyFactory
    record = factory(
        organization=acme,
        created_by=cast["carol"],
        visibility="public" if visibility == "public" else "private",
    )
    if visibility == "private-mentioning-bob":
        mention(record, cast["bob"])
    return record


def sees(role: str, visibility: str) -> bool:
    if visibility == "public":
        return role in ("member", "owner")
    if visibility == "private-mentioning-bob":
        return role == "member"
    return False


def expected(role: str, visibility: str, action: str) -> int:
    if role == "outsider":
        return 404
    if role == "guest":
        return 403
    if not sees(role, visibility):
        return 404
    if action == "delete" and role == "member":
        return 403  # bob neither uploaded the file nor created the record: carol did
    return ALLOWED[action]


CASES = [
    pytest.param(kind, visibility, action, role, id=f"{kind}-{visibility}-{action}-{role}")
    for kind in ("contact", "company")
    for visibility in ("public", "private", "private-mentioning-bob")
    for action in ALLOWED
    for role in ROLES
]
# Every URL this module walks; tests/organizations/test_access.py counts them as covered.
URL_NAMES = {f"{kind}_attachment_{action}" for kind in ("contact", "company") for action in ALLOWED}
URL_NAMES.add("storage")


@pytest.mark.parametrize(("kind", "visibility", "action", "role"), CASES)
def test_each_role_gets_what_the_record_visibility_allows(
    client_for, acme, cast, kind, visibility, action, role, unscoped
):
    record = make_record(kind, visibility, acme, cast)
    attachment = AttachmentFactory(**{kind: record}, content=b"secret")
    url = files_url(record, action, attachment if action in ("download", "delete") else None)
    client = client_for(cast[ROLES[role]] if ROLES[role] else None)

    response = getattr(client, METHODS[action])(url, request_data(action))

    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=/o/acme/")
    else:
        assert response.status_code == expected(role, visibility, action)
    changed = Attachment.objects.filter(organization=acme).count() != 1
    assert changed == (expected(role, visibility, action) == ALLOWED[action] != 200)


@pytest.mark.parametrize("action", ["download", "delete"])
def test_an_attachment_of_another_record_is_404_through_a_visible_record(
    client_for, acme, bob, action, unscoped
):
    mine = ContactFactory(organization=acme)
    other = ContactFactory(organization=acme)
    attachment = AttachmentFactory(contact=other)

    response = getattr(client_for(bob), METHODS[action])(files_url(mine, action, attachment))

    assert response.status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()


@pytest.mark.parametrize("action", ["download", "delete"])
def test_a_file_of_another_organization_is_404_by_guessing_its_id(
    client_for, acme, globex, bob, mallory, action, unscoped
):
    mine = ContactFactory(organization=acme)
    theirs = AttachmentFactory(contact=ContactFactory(organization=globex, created_by=mallory))

    response = getattr(client_for(bob), METHODS[action])(files_url(mine, action, theirs))

    assert response.status_code == 404
    assert Attachment.objects.filter(pk=theirs.pk).exists()


def test_a_record_of_another_organization_is_404_in_your_own_organization(
    client_for, acme, globex, bob, mallory, unscoped
):
    theirs = ContactFactory(organization=globex, created_by=mallory)
    url = reverse("contact_attachment_upload", kwargs={"slug": "acme", "pk": theirs.pk})

    response = client_for(bob).post(url, request_data("upload"))

    assert response.status_code == 404
    assert not Attachment.objects.exists()


def test_a_guest_gets_403_even_for_a_record_that_does_not_exist(client_for, gina):
    url = reverse(
        "contact_attachment_download", kwargs={"slug": "acme", "pk": 999_999, "attachment_pk": 1}
    )

    assert client_for(gina).get(url).status_code == 403


def test_a_cloud_link_opens_through_the_same_door(client_for, acme, bob, cast, unscoped):
    hidden = make_record("contact", "private", acme, cast)
    public = make_record("contact", "public", acme, cast)
    hidden_link = LinkFactory(contact=hidden)
    public_link = LinkFactory(contact=public)
    client = client_for(bob)

    assert client.get(files_url(hidden, "download", hidden_link)).status_code == 404
    opened = client.get(files_url(public, "download", public_link))
    assert (opened.status_code, opened.url) == (302, public_link.url)


@pytest.mark.parametrize("action", ["upload", "link", "delete"])
def test_reading_methods_cannot_write_and_writing_methods_need_post(
    client_for, acme, bob, action, unscoped
):
    record = ContactFactory(organization=acme)
    attachment = AttachmentFactory(contact=record)

    response = client_for(bob).get(
        files_url(record, action, attachment if action == "delete" else None)
    )

    assert response.status_code == 405
    assert Attachment.objects.filter(organization=acme).count() == 1


# Who may delete a file (issue 14): its uploader, the record's creator, owners


@pytest.mark.parametrize(
    ("deleter", "uploader", "creator", "status"),
    [
        ("bob", "bob", "carol", 302),  # his own upload on carol's record
        ("bob", "carol", "bob", 302),  # carol's upload on his record
        ("bob", "carol", "carol", 403),  # a colleague's file on a colleague's record
        ("bob", None, "carol", 403),  # a former member's file
        ("alice", "carol", "carol", 302),  # an owner
    ],
)
def test_a_file_is_deleted_by_its_uploader_the_record_creator_or_an_owner(
    client_for, acme, cast, deleter, uploader, creator, status, unscoped
):
    record = ContactFactory(organization=acme, created_by=cast[creator])
    attachment = AttachmentFactory(
        contact=record, uploaded_by=cast[uploader] if uploader else None, content=b"kept"
    )
    client = client_for(cast[deleter])

    page = client.get(reverse("contact_detail", kwargs={"slug": "acme", "pk": record.pk}))
    response = client.post(files_url(record, "delete", attachment))

    assert response.status_code == status
    assert Attachment.objects.filter(pk=attachment.pk).exists() == (status == 403)
    # The Delete button is offered exactly to those the server lets delete.
    assert (files_url(record, "delete", attachment) in page.content.decode()) == (status == 302)


# The storage page


STORAGE_GET = {"outsider": 404, "guest": 403, "member": 200, "owner": 200}
STORAGE_POST = {"outsider": 404, "guest": 403, "member": 403, "owner": 302}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_storage_page_is_for_members_and_the_plan_for_owners(
    client_for, acme, cast, role, method
):
    client = client_for(cast[ROLES[role]] if ROLES[role] else None)

    response = getattr(client, method)(
        reverse("storage", kwargs={"slug": "acme"}), {"plan": Plan.PREMIUM_1GB}
    )

    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == (STORAGE_GET if method == "get" else STORAGE_POST)[role]
    acme.refresh_from_db()
    assert acme.plan == (Plan.PREMIUM_1GB if (role, method) == ("owner", "post") else Plan.FREE)


def test_the_storage_link_is_in_the_navigation_of_members_not_guests(client_for, bob, gina):
    storage = reverse("storage", kwargs={"slug": "acme"})

    assert storage in client_for(bob).get(reverse("dashboard", kwargs={"slug": "acme"})).text
    assert storage not in client_for(gina).get(reverse("dashboard", kwargs={"slug": "acme"})).text
