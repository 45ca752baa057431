"""Owners edit the organization's type and sector lists and its default country."""

import pytest
from django.urls import reverse

from organizations.models import RecordType, Sector
from organizations.services import organization_seed_lists


@pytest.fixture
def lists(acme):
    organization_seed_lists(organization=acme)
    return acme


def _settings_url(org):
    return reverse("organization_settings", kwargs={"slug": org.slug})


@pytest.mark.django_db
def test_a_new_organization_starts_with_the_default_types_and_sectors(lists, unscoped):
    assert list(RecordType.objects.filter(organization=lists).values_list("name", flat=True)) == [
        "Client",
        "Supplier",
        "Partner",
        "Lead",
        "Collaborator",
    ]
    assert Sector.objects.filter(organization=lists, name="Energy").exists()


@pytest.mark.django_db
def test_seeding_the_lists_twice_adds_nothing(lists, unscoped):
    before = RecordType.objects.count(), Sector.objects.count()
    organization_seed_lists(organization=lists)
    assert (RecordType.objects.count(), Sector.objects.count()) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"), [("alice", 200), ("bob", 403), ("gina", 403), ("mallory", 404)]
)
def test_only_owners_open_the_settings_page(lists, cast, client_for, who, status):
    response = client_for(cast[who]).get(_settings_url(lists))
    assert response.status_code == status


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in(lists, client):
    response = client.get(_settings_url(lists))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_owner_adds_renames_and_removes_a_type(lists, alice, client_for, unscoped):
    client = client_for(alice)
    client.post(
        reverse("list_entry_add", kwargs={"slug": "acme", "kind": "types"}), {"name": " Reseller "}
    )
    reseller = RecordType.objects.get(organization=lists, name="Reseller")
    client.post(
        reverse("list_entry_rename", kwargs={"slug": "acme", "kind": "types", "pk": reseller.pk}),
        {"name": "Distributor"},
    )
    reseller.refresh_from_db()
    assert reseller.name == "Distributor"
    client.post(
        reverse("list_entry_delete", kwargs={"slug": "acme", "kind": "types", "pk": reseller.pk})
    )
    assert not RecordType.objects.filter(pk=reseller.pk).exists()


@pytest.mark.django_db
def test_a_duplicate_entry_is_refused_with_a_message(lists, alice, client_for, unscoped):
    response = client_for(alice).post(
        reverse("list_entry_add", kwargs={"slug": "acme", "kind": "sectors"}),
        {"name": "Energy"},
        follow=True,
    )
    assert "already in the list" in response.content.decode()
    assert Sector.objects.filter(organization=lists, name="Energy").count() == 1


@pytest.mark.django_db
def test_removing_a_type_keeps_the_records_that_used_it(lists, alice, client_for, unscoped):
    from tests.factories import ContactFactory

    client_type = RecordType.objects.get(organization=lists, name="Client")
    contact = ContactFactory(organization=lists, type=client_type)
    client_for(alice).post(
        reverse("list_entry_delete", kwargs={"slug": "acme", "kind": "types", "pk": client_type.pk})
    )
    contact.refresh_from_db()
    assert contact.type is None


@pytest.mark.django_db
def test_an_entry_of_another_organization_cannot_be_touched(
    lists, globex, alice, client_for, unscoped
):
    organization_seed_lists(organization=globex)
    theirs = RecordType.objects.get(organization=globex, name="Client")
    response = client_for(alice).post(
        reverse("list_entry_delete", kwargs={"slug": "acme", "kind": "types", "pk": theirs.pk})
    )
    assert response.status_code == 404
    assert RecordType.objects.filter(pk=theirs.pk).exists()


@pytest.mark.django_db
def test_members_cannot_change_the_lists(lists, bob, client_for, unscoped):
    response = client_for(bob).post(
        reverse("list_entry_add", kwargs={"slug": "acme", "kind": "types"}), {"name": "Reseller"}
    )
    assert response.status_code == 403
    assert not RecordType.objects.filter(name="Reseller").exists()


@pytest.mark.django_db
def test_owner_changes_the_default_country_and_bad_codes_are_refused(lists, alice, client_for):
    client = client_for(alice)
    response = client.post(_settings_url(lists), {"name": "Acme", "default_country": "1x"})
    assert response.status_code == 400
    assert "two-letter country code" in response.content.decode()
    assert '<select name="default_country"' in response.content.decode()
    client.post(_settings_url(lists), {"name": "Acme", "default_country": "de"})
    lists.refresh_from_db()
    assert lists.default_country == "DE"
