"""Who gets what on every duplicates and merge URL: anonymous, mallory (outsider), gina
(guest), bob (member), alice (owner) × records they can or cannot see.

carol made every record. A merge of records one of which the reader cannot see (carol's
private contact) is a 404, like a missing one; a merge is listed and undone only by who
sees its survivor, and undone only by its author or an owner (carol made the merges here,
so bob gets 403). A refused request changes nothing.
"""

import pytest
from django.urls import reverse

from contacts.models import Contact
from merging.models import Merge
from merging.services import merge_records
from organizations.scoping import scope, scopes_disabled
from tests import factories
from tests.merging.helpers import default_data

# Every duplicates and merge URL under /o/<slug>/ (tests/organizations/test_access.py).
URL_NAMES = {"duplicate_list", "merge_records", "merge_list", "merge_undo"}

PEOPLE = ["anonymous", "mallory", "gina", "bob", "alice"]


def client_as(client_for, cast, who):
    return client_for(None if who == "anonymous" else cast[who])


def expected(person: str, sees: bool, allowed: bool, ok: int) -> int:
    if person == "anonymous":
        return 302
    if person == "mallory":
        return 404
    if person == "gina":
        return 403
    if not sees:
        return 404
    return ok if allowed else 403


def contact_pair(acme, carol, visibility):
    with scope(organization=acme):
        first = factories.ContactFactory(organization=acme, created_by=carol, last_name="One")
        second = factories.ContactFactory(
            organization=acme, created_by=carol, last_name="Two", visibility=visibility
        )
        first.emails.create(organization=acme, email="same@example.com", position=0)
        second.emails.create(organization=acme, email="same@example.com", position=0)
    return first, second


def carol_merges(acme, carol, visibility):
    first, second = contact_pair(acme, carol, visibility)
    with scope(organization=acme):
        records = [first, second]
        for record in records:
            record.refresh_from_db()
        return merge_records(
            survivor=second,
            losers=[first],
            values={"visibility": visibility},
            emails=[{"label": "work", "email": "same@example.com"}],
            phones=[],
            addresses=[],
            user=carol,
        )


@pytest.mark.django_db
@pytest.mark.parametrize("person", PEOPLE)
def test_duplicates_and_merges_lists(acme, cast, client_for, person):
    contact_pair(acme, cast["carol"], "public")
    client = client_as(client_for, cast, person)
    for name in ("duplicate_list", "merge_list"):
        response = client.get(reverse(name, kwargs={"slug": "acme"}))
        assert response.status_code == expected(person, True, True, 200)


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", ["public", "private"])
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("person", PEOPLE)
def test_merge_page(acme, cast, client_for, person, method, visibility):
    first, second = contact_pair(acme, cast["carol"], visibility)
    client = client_as(client_for, cast, person)
    path = reverse("merge_records", kwargs={"slug": "acme", "kind": "contacts"})
    path += f"?ids={first.pk},{second.pk}"
    data = default_data([first, second], "contact", cast["carol"]) if method == "post" else None
    response = getattr(client, method)(path, data)
    sees = visibility == "public"
    assert response.status_code == expected(person, sees, True, 200 if method == "get" else 302)
    with scopes_disabled():
        merged = Merge.objects.exists()
        assert merged == (response.status_code == 302 and person in ("bob", "alice"))
        assert Contact.objects.count() == (1 if merged else 2)


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", ["public", "private"])
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("person", PEOPLE)
def test_merge_undo(acme, cast, client_for, person, method, visibility):
    merge = carol_merges(acme, cast["carol"], visibility)
    client = client_as(client_for, cast, person)
    path = reverse("merge_undo", kwargs={"slug": "acme", "pk": merge.pk})
    response = getattr(client, method)(path)
    sees = visibility == "public"
    allowed = person == "alice"  # an owner; bob is a member who did not make it
    assert response.status_code == expected(person, sees, allowed, 200 if method == "get" else 302)
    with scopes_disabled():
        undone = Merge.objects.get().undone_at is not None
    assert undone == (method == "post" and sees and allowed)


@pytest.mark.django_db
def test_a_merge_with_one_record_the_reader_cannot_see_is_a_404(acme, cast, client_for):
    with scope(organization=acme):
        mine = factories.ContactFactory(organization=acme, created_by=cast["bob"])
        hidden = factories.ContactFactory(
            organization=acme, created_by=cast["carol"], visibility="private"
        )
    path = reverse("merge_records", kwargs={"slug": "acme", "kind": "contacts"})
    client = client_for(cast["bob"])
    assert client.get(f"{path}?ids={mine.pk},{hidden.pk}").status_code == 404
    assert client.get(f"{path}?ids={mine.pk},999999").status_code == 404
    assert client.get(f"{path}?ids={mine.pk}").status_code == 404
    assert client.get(f"{path}?ids=abc").status_code == 404
    bad_kind = reverse("merge_records", kwargs={"slug": "acme", "kind": "projects"})
    assert client.get(f"{bad_kind}?ids={mine.pk},{hidden.pk}").status_code == 404
    duplicates = reverse("duplicate_list", kwargs={"slug": "acme"})
    assert client.get(f"{duplicates}?kind=x").status_code == 404
