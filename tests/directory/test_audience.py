"""Only a private record's creator widens its audience (issue 20, PRODUCT §3.6).

carol creates private contacts and companies mentioning bob. bob (mentioned) and alice
(an owner, who sees it only when mentioned) may edit the description and keep or remove
mentions, but a new mention they write is refused with a message, nothing saved, their
text kept; carol may add anyone. dave is a fourth member nobody has mentioned yet.
"""

import pytest
from django.urls import reverse

from companies import services as company_services
from companies.models import Company, CompanyMention
from contacts import services as contact_services
from contacts.models import Contact, ContactMention
from organizations.models import Role
from tests import factories
from tests.contacts.helpers import company_edit_data, contact_data, reload

REFUSAL = "Only the person who created this private record can share it"


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"slug": "acme", **kwargs})


@pytest.fixture
def dave(acme):
    user = factories.UserFactory(email="dave@example.com", full_name="Dave Doe")
    factories.MembershipFactory(user=user, organization=acme, role=Role.MEMBER)
    return user


@pytest.fixture
def contact(acme, carol, bob, unscoped):
    return factories.ContactFactory(
        organization=acme,
        created_by=carol,
        last_name="Secret",
        visibility="private",
        description="Call @bob@example.com first.",
    )


@pytest.fixture
def company(acme, carol, bob, unscoped):
    return factories.CompanyFactory(
        organization=acme,
        created_by=carol,
        name="Hush Ltd",
        visibility="private",
        description="Ask @bob@example.com.",
    )


def mentioned(record) -> set[str]:
    model = ContactMention if isinstance(record, Contact) else CompanyMention
    rows = model.objects.filter(**{model.target_field: record})
    return set(rows.values_list("user__email", flat=True))


def status_for(client_for, user, record) -> int:
    name = "contact_detail" if isinstance(record, Contact) else "company_detail"
    return client_for(user).get(url(name, pk=record.pk)).status_code


def edit_contact(client_for, user, contact, description):
    return client_for(user).post(
        url("contact_edit", pk=contact.pk),
        contact_data(last_name="Secret", visibility="private", description=description),
    )


def edit_company(client_for, user, company, description):
    return client_for(user).post(
        url("company_edit", pk=company.pk),
        company_edit_data(company, description=description),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("record_name", "edit"), [("contact", edit_contact), ("company", edit_company)]
)
def test_a_mentioned_member_cannot_mention_someone_new_on_a_private_record(
    request, client_for, cast, dave, record_name, edit
):
    record = request.getfixturevalue(record_name)
    before = reload(record).description
    response = edit(client_for, cast["bob"], record, "Call @bob@example.com and @dave@example.com.")

    assert response.status_code == 400
    page = response.content.decode()
    assert REFUSAL in page
    assert "Dave" in page
    assert "@dave@example.com" in page  # the typed text is kept in the form
    assert reload(record).description == before
    assert mentioned(record) == {"bob@example.com"}
    assert status_for(client_for, dave, record) == 404


@pytest.mark.django_db
def test_an_owner_who_sees_a_private_record_gains_no_power_to_share_it(
    client_for, cast, acme, dave, unscoped
):
    contact = factories.ContactFactory(
        organization=acme,
        created_by=cast["carol"],
        last_name="Secret",
        visibility="private",
        description="For @alice@example.com.",
    )
    response = edit_contact(
        client_for, cast["alice"], contact, "For @alice@example.com and @dave@example.com."
    )

    assert response.status_code == 400
    assert REFUSAL in response.content.decode()
    assert mentioned(contact) == {"alice@example.com"}


@pytest.mark.django_db
def test_a_mentioned_member_may_keep_or_remove_mentions(client_for, cast, contact, dave):
    kept = edit_contact(client_for, cast["bob"], contact, "Call @bob@example.com today.")
    assert kept.status_code == 302
    assert mentioned(contact) == {"bob@example.com"}

    # Mentioning the creator shares nothing: she sees her record already.
    creator = edit_contact(
        client_for, cast["bob"], contact, "Call @bob@example.com, cc @carol@example.com."
    )
    assert creator.status_code == 302

    removed = edit_contact(client_for, cast["bob"], contact, "Done.")
    assert removed.status_code == 302
    assert status_for(client_for, cast["bob"], contact) == 404


@pytest.mark.django_db
def test_the_creator_may_share_her_private_record_with_anyone(client_for, cast, contact, dave):
    response = edit_contact(
        client_for, cast["carol"], contact, "Call @bob@example.com and @dave@example.com."
    )

    assert response.status_code == 302
    assert mentioned(contact) == {"bob@example.com", "dave@example.com"}
    assert status_for(client_for, dave, contact) == 200


@pytest.mark.django_db
def test_anyone_may_mention_members_on_a_public_record(client_for, cast, acme, dave, unscoped):
    contact = factories.ContactFactory(
        organization=acme, created_by=cast["carol"], last_name="Open", visibility="public"
    )
    response = client_for(cast["bob"]).post(
        url("contact_edit", pk=contact.pk),
        contact_data(last_name="Open", visibility="public", description="cc @dave@example.com"),
    )

    assert response.status_code == 302
    assert mentioned(contact) == {"dave@example.com"}


@pytest.mark.django_db
def test_the_services_refuse_too(cast, contact, company, dave):
    """Every caller of the update services (commands, later imports) meets the same rule."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        contact_services.contact_update(
            contact=reload(contact),
            user=cast["bob"],
            fields={"description": "Call @dave@example.com."},
        )
    assert REFUSAL in str(refused.value.message_dict["description"])
    with pytest.raises(ValidationError):
        company_services.company_update(
            company=reload(company),
            user=cast["alice"],
            fields={"description": "Ask @bob@example.com and @dave@example.com."},
        )
    assert reload(contact).description == "Call @bob@example.com first."
    assert mentioned(company) == {"bob@example.com"}


@pytest.mark.django_db
def test_the_in_place_row_edit_leaves_the_audience_alone(client_for, cast, contact, dave):
    """The row edit has no description field: a description posted to it changes nothing."""
    response = client_for(cast["bob"]).post(
        url("contact_row", pk=contact.pk),
        {
            "first_name": "Ada",
            "last_name": "Secret",
            "role": "",
            "type": "",
            "description": "@dave@example.com",
        },
    )

    assert response.status_code == 200
    assert reload(contact).description == "Call @bob@example.com first."
    assert mentioned(contact) == {"bob@example.com"}
    assert Company.objects.count() == 0
