"""@mentions: who a description names sees a private record, and only while it names them.

carol writes private contacts and companies; bob is the member she mentions, alice the
owner she does not; gina (a guest) and mallory (an outsider) gain nothing by a mention.
"""

import pytest
from django.urls import reverse

from companies.models import Company, CompanyMention
from contacts.models import Contact, ContactMention
from organizations.models import Membership, Role
from organizations.services import membership_remove
from tests import factories
from tests.contacts.helpers import company_data, company_edit_data, contact_data, reload


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"slug": "acme", **kwargs})


def carol_writes_contact(client_for, carol, description: str) -> Contact:
    """carol creates a private contact with `description` through the form."""
    response = client_for(carol).post(
        url("contact_create"),
        contact_data(last_name="Mentioned", visibility="private", description=description),
    )
    assert response.status_code == 302, response.content[:2000]
    return Contact.objects.get(last_name="Mentioned")


def mentioned_users(contact) -> set[str]:
    return set(ContactMention.objects.filter(contact=contact).values_list("user__email", flat=True))


def status_for(client_for, user, contact) -> int:
    return client_for(user).get(url("contact_detail", pk=contact.pk)).status_code


@pytest.fixture
def private_for_bob(client_for, cast, unscoped):
    """carol's private contact whose description mentions bob by hand-typed address."""
    return carol_writes_contact(client_for, cast["carol"], "Call @bob@example.com first.")


@pytest.mark.django_db
def test_a_private_contact_is_visible_to_its_creator_and_the_member_it_mentions(
    client_for, cast, private_for_bob
):
    assert mentioned_users(private_for_bob) == {"bob@example.com"}
    assert status_for(client_for, cast["carol"], private_for_bob) == 200
    assert status_for(client_for, cast["bob"], private_for_bob) == 200
    assert status_for(client_for, cast["alice"], private_for_bob) == 404


@pytest.mark.django_db
def test_a_hand_typed_mention_matches_the_address_whatever_its_case(client_for, cast, unscoped):
    contact = carol_writes_contact(client_for, cast["carol"], "cc @Bob@Example.COM.")

    assert mentioned_users(contact) == {"bob@example.com"}
    assert status_for(client_for, cast["bob"], contact) == 200


@pytest.mark.django_db
def test_editing_the_description_to_drop_a_mention_takes_the_access_away(
    client_for, cast, private_for_bob
):
    response = client_for(cast["carol"]).post(
        url("contact_edit", pk=private_for_bob.pk),
        contact_data(
            last_name="Mentioned", visibility="private", description="Call @alice@example.com."
        ),
    )

    assert response.status_code == 302
    assert mentioned_users(private_for_bob) == {"alice@example.com"}
    assert status_for(client_for, cast["bob"], private_for_bob) == 404
    assert status_for(client_for, cast["alice"], private_for_bob) == 200


@pytest.mark.django_db
def test_a_mentioned_member_who_edits_the_mention_away_loses_the_record(
    client_for, cast, private_for_bob
):
    response = client_for(cast["bob"]).post(
        url("contact_edit", pk=private_for_bob.pk),
        contact_data(last_name="Mentioned", visibility="private", description="No one."),
    )

    assert response.status_code == 302
    assert status_for(client_for, cast["bob"], private_for_bob) == 404
    assert status_for(client_for, cast["carol"], private_for_bob) == 200


@pytest.mark.django_db
def test_removing_a_member_removes_the_access_their_mentions_gave(
    client_for, cast, acme, private_for_bob
):
    bob = cast["bob"]
    membership_remove(membership=Membership.objects.get(organization=acme, user=bob))

    assert mentioned_users(private_for_bob) == set()
    assert status_for(client_for, bob, private_for_bob) == 404
    # Invited back, bob is a member again, but the old mention does not come back.
    factories.MembershipFactory(organization=acme, user=bob, role=Role.MEMBER)
    assert status_for(client_for, bob, private_for_bob) == 404


@pytest.mark.django_db
def test_removing_a_member_removes_their_company_mentions_too(client_for, cast, acme, unscoped):
    client = client_for(cast["carol"])
    client.post(
        url("company_create"),
        company_data(name="Mentionco", visibility="private", description="@bob@example.com"),
    )
    company = Company.objects.get(name="Mentionco")
    assert client_for(cast["bob"]).get(url("company_detail", pk=company.pk)).status_code == 200

    membership_remove(membership=Membership.objects.get(organization=acme, user=cast["bob"]))
    factories.MembershipFactory(organization=acme, user=cast["bob"], role=Role.MEMBER)

    assert not CompanyMention.objects.filter(company=company).exists()
    assert client_for(cast["bob"]).get(url("company_detail", pk=company.pk)).status_code == 404


@pytest.mark.django_db
def test_a_mention_of_a_non_member_gives_nothing_even_after_they_join(
    client_for, cast, acme, unscoped
):
    contact = carol_writes_contact(
        client_for, cast["carol"], "Ask @mallory@example.com or @nobody@example.com."
    )

    assert mentioned_users(contact) == set()
    assert status_for(client_for, cast["mallory"], contact) == 404
    # Mentions are resolved when the description is saved, to members only.
    factories.MembershipFactory(organization=acme, user=cast["mallory"], role=Role.MEMBER)
    assert status_for(client_for, cast["mallory"], contact) == 404


@pytest.mark.django_db
def test_a_mention_of_a_guest_gives_nothing(client_for, cast, unscoped):
    contact = carol_writes_contact(client_for, cast["carol"], "Ask @gina@example.com.")

    assert mentioned_users(contact) == set()
    assert status_for(client_for, cast["gina"], contact) == 403


@pytest.mark.django_db
def test_a_mention_renders_highlighted_with_the_members_name(client_for, cast, private_for_bob):
    page = client_for(cast["carol"]).get(url("contact_detail", pk=private_for_bob.pk))

    assert (
        '<span class="mention" title="bob@example.com">@Bob Member</span>' in page.content.decode()
    )


@pytest.mark.django_db
def test_a_mention_of_someone_who_is_not_a_member_stays_plain_text(client_for, cast, unscoped):
    contact = carol_writes_contact(client_for, cast["carol"], "Ask @mallory@example.com.")

    page = client_for(cast["carol"]).get(url("contact_detail", pk=contact.pk)).content.decode()

    assert "Ask @mallory@example.com." in page
    assert "Mallory Outsider" not in page
    assert 'class="mention"' not in page


@pytest.mark.django_db
def test_a_members_name_in_a_mention_is_escaped(client_for, acme, carol, unscoped):
    factories.member(acme, Role.MEMBER, email="eve@example.com", full_name="<img src=x onerror=1>")
    contact = carol_writes_contact(client_for, carol, "Ask @eve@example.com.")

    page = client_for(carol).get(url("contact_detail", pk=contact.pk)).content.decode()

    assert "<img src=x" not in page
    assert "@&lt;img src=x onerror=1&gt;</span>" in page


@pytest.mark.django_db
def test_a_private_company_is_visible_to_the_member_it_mentions_until_the_mention_goes(
    client_for, cast, unscoped
):
    carol = client_for(cast["carol"])
    carol.post(
        url("company_create"),
        company_data(name="Mentionco", visibility="private", description="Owner: @bob@example.com"),
    )
    company = Company.objects.get(name="Mentionco")
    assert client_for(cast["bob"]).get(url("company_detail", pk=company.pk)).status_code == 200
    assert client_for(cast["alice"]).get(url("company_detail", pk=company.pk)).status_code == 404

    carol = client_for(cast["carol"])
    carol.post(url("company_edit", pk=company.pk), company_edit_data(company, description="Mine."))

    assert reload(company).description == "Mine."
    assert client_for(cast["bob"]).get(url("company_detail", pk=company.pk)).status_code == 404


@pytest.mark.django_db
def test_the_mention_picker_offers_owners_and_members_but_not_guests(client_for, cast):
    response = client_for(cast["carol"]).get(reverse("member_autocomplete", args=["acme"]))
    options = response.content.decode()

    assert 'data-value="bob@example.com"' in options
    assert 'data-value="alice@example.com"' in options
    assert "gina@example.com" not in options
    assert "mallory@example.com" not in options


@pytest.mark.django_db
def test_a_member_made_guest_loses_their_mentions_for_good(client_for, cast, private_for_bob):
    from organizations.services import membership_change_role

    bob_membership = Membership.objects.get(user=cast["bob"])
    membership_change_role(membership=bob_membership, role=Role.GUEST)
    assert mentioned_users(private_for_bob) == set()
    membership_change_role(membership=bob_membership, role=Role.MEMBER)
    assert status_for(client_for, cast["bob"], private_for_bob) == 404
