"""Every contact URL × {anonymous, mallory, gina, bob, alice} × four kinds of contact.

The statuses are PRODUCT §3's (see tests/contacts/access.py); each action also checks
that a refused request changed nothing and that an allowed one did what it says.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

import pytest
from django.urls import reverse

from companies.models import Affiliation
from contacts.models import Contact
from organizations.scoping import scopes_disabled
from tests import factories
from tests.contacts.access import (
    Action,
    assert_status,
    expected_status,
    make_record,
    matrix,
    sees,
)
from tests.contacts.helpers import contact_data, contact_edit_data, reload

NAME = "Targetperson"
HTMX = {"HTTP_HX_REQUEST": "true"}


@dataclass(frozen=True)
class World:
    """The contact under test, and two public companies carol created.

    The contact is a person of `linked_company` (through `affiliation`); `other_company`
    is where the actor tries to add it as a person.
    """

    acme: Any
    contact: Contact
    linked_company: Any
    other_company: Any
    affiliation: Any


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"slug": "acme", **kwargs})


def contact_url(name: str, world: World) -> str:
    return url(name, pk=world.contact.pk)


def unchanged_or(world: World, allowed: bool, **changed) -> None:
    """The contact has the `changed` values if the request was allowed, else its old ones."""
    stored = reload(world.contact)
    for field, value in changed.items():
        expected = value if allowed else getattr(world.contact, field)
        assert getattr(stored, field) == expected, field


def shows_name_iff_visible(world, response, *, allowed, sees):
    """The page names the contact exactly when the actor sees it (the search box aside)."""
    if allowed:
        # The search text comes back in the box and in the sort links: not a leak.
        content = (
            response.content.decode()
            .replace(f'value="{NAME}"', "")
            .replace(f"q={quote_plus(NAME)}", "")
        )
        assert (NAME in content) == sees


def renamed(world, response, *, allowed, sees):
    unchanged_or(world, allowed, last_name="Renamed")


def renamed_and_flipped(world, response, *, allowed, sees):
    flipped = "public" if world.contact.visibility == "private" else "private"
    unchanged_or(world, allowed, last_name="Renamed", visibility=flipped)


def still_there(world, response, *, allowed, sees):
    assert reload(world.contact) is not None


def deleted(world, response, *, allowed, sees):
    assert (reload(world.contact) is None) == allowed


def deleted_in_place(world, response, *, allowed, sees):
    deleted(world, response, allowed=allowed, sees=sees)
    if allowed:
        # Only the flash message (with its Undo), swapped out of band: no row comes back.
        assert 'hx-swap-oob="true"' in response.text and "Undo" in response.text
        assert "<tr" not in response.text


def created(world, response, *, allowed, sees):
    with scopes_disabled():
        assert Contact.objects.filter(last_name="Newcomer").exists() == allowed


def added_as_person(world, response, *, allowed, sees):
    with scopes_disabled():
        linked = Affiliation.objects.filter(
            company=world.other_company, contact=world.contact
        ).exists()
    assert linked == (allowed and sees)


def removed_as_person(world, response, *, allowed, sees):
    with scopes_disabled():
        assert Affiliation.objects.filter(pk=world.affiliation.pk).exists() != allowed


def flip(world: World) -> str:
    return "public" if world.contact.visibility == "private" else "private"


ACTIONS = [
    Action(
        "list",
        lambda c, w: c.get(url("contact_list")),
        200,
        on_record=False,
        verify=shows_name_iff_visible,
    ),
    Action(
        "list_search",
        lambda c, w: c.get(url("contact_list"), {"q": NAME}),
        200,
        on_record=False,
        verify=shows_name_iff_visible,
    ),
    Action(
        "autocomplete",
        lambda c, w: c.get(url("contact_autocomplete"), {"q": NAME[:6]}),
        200,
        on_record=False,
        verify=shows_name_iff_visible,
    ),
    Action("new_get", lambda c, w: c.get(url("contact_create")), 200, on_record=False),
    Action(
        "new_post",
        lambda c, w: c.post(url("contact_create"), contact_data(last_name="Newcomer")),
        302,
        on_record=False,
        verify=created,
    ),
    Action(
        "detail",
        lambda c, w: c.get(contact_url("contact_detail", w)),
        200,
        verify=shows_name_iff_visible,
    ),
    Action("edit_get", lambda c, w: c.get(contact_url("contact_edit", w)), 200),
    Action(
        "edit_post",
        lambda c, w: c.post(
            contact_url("contact_edit", w), contact_edit_data(w.contact, last_name="Renamed")
        ),
        302,
        verify=renamed,
    ),
    Action(
        "edit_post_changing_visibility",
        lambda c, w: c.post(
            contact_url("contact_edit", w),
            contact_edit_data(w.contact, last_name="Renamed", visibility=flip(w)),
        ),
        302,
        right="visibility",
        verify=renamed_and_flipped,
    ),
    Action(
        "delete_get",
        lambda c, w: c.get(contact_url("contact_delete", w)),
        200,
        right="delete",
        verify=still_there,
    ),
    Action(
        "delete_post",
        lambda c, w: c.post(contact_url("contact_delete", w)),
        302,
        right="delete",
        verify=deleted,
    ),
    Action(
        "delete_post_in_place",
        lambda c, w: c.post(contact_url("contact_delete", w), **HTMX),
        200,
        right="delete",
        verify=deleted_in_place,
    ),
    Action(
        "row_get",
        lambda c, w: c.get(contact_url("contact_row", w), **HTMX),
        200,
        verify=shows_name_iff_visible,
    ),
    Action(
        "row_edit_get",
        lambda c, w: c.get(contact_url("contact_row", w), {"edit": "1"}, **HTMX),
        200,
    ),
    Action(
        "row_post",
        lambda c, w: c.post(
            contact_url("contact_row", w),
            {"first_name": w.contact.first_name, "last_name": "Renamed"},
            **HTMX,
        ),
        200,
        verify=renamed,
    ),
    Action(
        "row_post_changing_visibility",
        lambda c, w: c.post(
            contact_url("contact_row", w),
            {"first_name": w.contact.first_name, "last_name": "Renamed", "visibility": flip(w)},
            **HTMX,
        ),
        200,
        right="visibility",
        # The quick edit has no visibility field: the creator's rename goes through.
        verify=renamed,
    ),
    Action(
        # The company is visible to all; the contact must be, to be added to it.
        "add_as_person_of_a_public_company",
        lambda c, w: c.post(
            url("company_person_add", pk=w.other_company.pk), {"contact_id": w.contact.pk}
        ),
        302,
        on_record=False,
        verify=added_as_person,
    ),
    Action(
        "remove_as_person_of_a_public_company",
        lambda c, w: c.post(
            url(
                "company_person_remove",
                pk=w.linked_company.pk,
                affiliation_pk=w.affiliation.pk,
            )
        ),
        302,
        verify=removed_as_person,
    ),
    Action(
        "company_page_lists_the_person",
        lambda c, w: c.get(url("company_detail", pk=w.linked_company.pk)),
        200,
        on_record=False,
        verify=shows_name_iff_visible,
    ),
]


@pytest.fixture
def people(cast):
    return {"anonymous": None, **cast}


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "actor", "kind"), matrix(ACTIONS))
def test_contact_url_answers_as_product_section_3_says(
    client_for, acme, people, action, actor, kind
):
    contact = make_record(
        factories.ContactFactory,
        kind=kind,
        actor=people[actor],
        carol=people["carol"],
        acme=acme,
        first_name="Quentin",
        last_name=NAME,
    )
    linked_company = factories.CompanyFactory(
        organization=acme, name="Linked Ltd", created_by=people["carol"]
    )
    world = World(
        acme=acme,
        contact=contact,
        linked_company=linked_company,
        other_company=factories.CompanyFactory(
            organization=acme, name="Other Ltd", created_by=people["carol"]
        ),
        affiliation=factories.AffiliationFactory(contact=contact, company=linked_company),
    )
    expected = expected_status(action, actor, kind)

    response = action.send(client_for(people[actor]), world)

    assert_status(response, expected)
    if action.verify is not None:
        allowed = expected == action.success
        action.verify(world, response, allowed=allowed, sees=sees(actor, kind))
