"""Who may see the trash, restore (or undo) and delete permanently.

anonymous → login; mallory (outsider) → 404; gina (guest) → 403; bob and carol (members)
see and restore; only alice (owner) deletes permanently. A private record's batch is
seen only by those who could see the record: a 404 for everyone else, owners included.
"""

import pytest
from django.urls import reverse

from contacts.models import Contact
from organizations.scoping import scope, scopes_disabled
from tests import factories
from trash.models import TrashBatch

URL_NAMES = {"trash_list", "trash_restore", "trash_delete"}

ROLES = ["anonymous", "mallory", "gina", "bob", "alice"]


@pytest.fixture
def public_batch(acme, cast, client_for):
    """carol's public contact, deleted by carol."""
    with scope(organization=acme):
        contact = factories.ContactFactory(
            organization=acme, first_name="Pat", last_name="Public", created_by=cast["carol"]
        )
    client_for(cast["carol"]).post(
        reverse("contact_delete", kwargs={"slug": "acme", "pk": contact.pk})
    )
    with scopes_disabled():
        return TrashBatch.objects.get(root_pk=contact.pk)


@pytest.fixture
def private_batch(acme, cast, client_for):
    """bob's private contact mentioning carol, deleted by bob."""
    with scope(organization=acme):
        contact = factories.ContactFactory(
            organization=acme,
            first_name="Sid",
            last_name="Secret",
            visibility="private",
            created_by=cast["bob"],
            description="Ask @carol@example.com",
        )
    client_for(cast["bob"]).post(
        reverse("contact_delete", kwargs={"slug": "acme", "pk": contact.pk})
    )
    with scopes_disabled():
        return TrashBatch.objects.get(root_pk=contact.pk)


def as_user(cast, client_for, who):
    return client_for(None if who == "anonymous" else cast[who])


def url(name, batch=None):
    kwargs = {"slug": "acme"}
    if batch is not None:
        kwargs["pk"] = batch.pk
    return reverse(name, kwargs=kwargs)


def batch_exists(batch) -> bool:
    with scopes_disabled():
        return TrashBatch.objects.filter(pk=batch.pk).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("mallory", 404), ("gina", 403), ("bob", 200), ("alice", 200)],
)
def test_trash_list(public_batch, cast, client_for, who, status):
    response = as_user(cast, client_for, who).get(url("trash_list"))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))
    if status == 200:
        assert "Pat Public" in response.text


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("mallory", 404), ("gina", 403), ("bob", 302), ("alice", 302)],
)
def test_restore(public_batch, cast, client_for, who, status):
    client = as_user(cast, client_for, who)
    response = client.post(url("trash_restore", public_batch))
    assert response.status_code == status
    restored = status == 302 and who != "anonymous"
    assert batch_exists(public_batch) is not restored
    with scopes_disabled():
        assert Contact.objects.filter(pk=public_batch.root_pk).exists() is restored


def test_restore_is_post_only(public_batch, cast, client_for):
    response = client_for(cast["alice"]).get(url("trash_restore", public_batch))
    assert response.status_code == 405
    assert batch_exists(public_batch)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("mallory", 404), ("gina", 403), ("bob", 403), ("alice", None)],
)
def test_delete_permanently(public_batch, cast, client_for, who, status, method):
    client = as_user(cast, client_for, who)
    response = getattr(client, method)(url("trash_delete", public_batch))
    if status is None:
        status = 200 if method == "get" else 302
    assert response.status_code == status
    assert batch_exists(public_batch) is not (who == "alice" and method == "post")


@pytest.mark.parametrize("who", ["alice", "gina", "mallory"])
def test_a_private_batch_is_hidden_from_who_could_not_see_the_record(
    private_batch, cast, client_for, who
):
    client = client_for(cast[who])
    listing = client.get(url("trash_list"))
    assert "Secret" not in listing.text
    assert client.post(url("trash_restore", private_batch)).status_code in (403, 404)
    assert client.get(url("trash_delete", private_batch)).status_code in (403, 404)
    assert client.post(url("trash_delete", private_batch)).status_code in (403, 404)
    assert batch_exists(private_batch)


def test_owner_who_could_not_see_it_gets_404_like_a_missing_batch(private_batch, cast, client_for):
    client = client_for(cast["alice"])
    assert client.post(url("trash_restore", private_batch)).status_code == 404
    assert client.get(url("trash_delete", private_batch)).status_code == 404


@pytest.mark.parametrize("who", ["bob", "carol"])
def test_a_private_batch_shows_to_its_creator_and_who_it_mentions(
    private_batch, cast, client_for, who
):
    client = client_for(cast[who])
    assert "Sid Secret" in client.get(url("trash_list")).text
    assert client.post(url("trash_restore", private_batch)).status_code == 302
    with scopes_disabled():
        assert Contact.objects.filter(pk=private_batch.root_pk).exists()


def test_another_organization_cannot_reach_a_batch_by_its_id(
    public_batch, cast, client_for, globex
):
    client = client_for(cast["mallory"])
    other = reverse("trash_restore", kwargs={"slug": "globex", "pk": public_batch.pk})
    assert client.post(other).status_code == 404
    other = reverse("trash_delete", kwargs={"slug": "globex", "pk": public_batch.pk})
    assert client.post(other).status_code == 404
    assert "Pat Public" not in client.get(reverse("trash_list", kwargs={"slug": "globex"})).text
    assert batch_exists(public_batch)


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("mallory", 404), ("gina", 403), ("bob", 302), ("carol", 302)],
)
def test_undo_from_the_flash_message(acme, cast, client_for, who, status):
    """carol deletes a project; the Undo button in her flash message restores it. The
    same POST from someone else follows the trash's rules."""
    with scope(organization=acme):
        project = factories.ProjectFactory(organization=acme, created_by=cast["carol"])
    carol = client_for(cast["carol"])
    response = carol.post(
        reverse("project_delete", kwargs={"slug": "acme", "pk": project.pk}), follow=True
    )
    with scopes_disabled():
        batch = TrashBatch.objects.get()
    undo = url("trash_restore", batch)
    assert f'action="{undo}"' in response.text
    assert "Undo" in response.text
    assert 'class="message message-success"' in response.text  # styled like any success
    client = as_user(cast, client_for, who)
    assert client.post(undo).status_code == status
    assert batch_exists(batch) is (status != 302 or who == "anonymous")
