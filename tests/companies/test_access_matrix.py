"""Every company URL × {anonymous, mallory, gina, bob, alice} × four kinds of company.

The statuses are PRODUCT §3's (see tests/contacts/access.py); each action also checks
that a refused request changed nothing and that an allowed one did what it says.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

import pytest
from django.urls import reverse

from companies.models import Affiliation, Company
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
from tests.contacts.helpers import company_data, company_edit_data, reload

NAME = "Targetcorp"
HTMX = {"HTTP_HX_REQUEST": "true"}


@dataclass(frozen=True)
class World:
    """The company under test and two public contacts carol created.

    `person` is a contact person of the company (through `affiliation`); `newcomer` is
    the contact the actor tries to add to it.
    """

    acme: Any
    company: Company
    person: Any
    newcomer: Any
    affiliation: Any


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"slug": "acme", **kwargs})


def company_url(name: str, world: World) -> str:
    return url(name, pk=world.company.pk)


def unchanged_or(world: World, allowed: bool, **changed) -> None:
    """The company has the `changed` values if the request was allowed, else its old ones."""
    stored = reload(world.company)
    for field, value in changed.items():
        expected = value if allowed else getattr(world.company, field)
        assert getattr(stored, field) == expected, field


def shows_name_iff_visible(world, response, *, allowed, sees):
    """The page names the company exactly when the actor sees it (the search text aside)."""
    if allowed:
        # The search text comes back in the box and in the sort links: not a leak.
        content = (
            response.content.decode()
            .replace(f'value="{NAME}"', "")
            .replace(f"q={quote_plus(NAME)}", "")
        )
        assert (NAME in content) == sees


def renamed(world, response, *, allowed, sees):
    unchanged_or(world, allowed, name="Renamed Ltd")


def renamed_and_flipped(world, response, *, allowed, sees):
    unchanged_or(world, allowed, name="Renamed Ltd", visibility=flip(world))


def still_there(world, response, *, allowed, sees):
    assert reload(world.company) is not None


def deleted(world, response, *, allowed, sees):
    assert (reload(world.company) is None) == allowed


def deleted_in_place(world, response, *, allowed, sees):
    deleted(world, response, allowed=allowed, sees=sees)
    if allowed:
        # Only the flash message (with its Undo), swapped out of band: no row comes back.
        assert 'hx-swap-oob="true"' in response.text and "Undo" in response.text
        assert "<tr" not in response.text


def created(world, response, *, allowed, sees):
    with scopes_disabled():
        assert Company.objects.filter(name="Newco").exists() == allowed


def person_added(world, response, *, allowed, sees):
    with scopes_disabled():
        linked = Affiliation.objects.filter(company=world.company, contact=world.newcomer).exists()
    assert linked == allowed


def person_removed(world, response, *, allowed, sees):
    with scopes_disabled():
        assert Affiliation.objects.filter(pk=world.affiliation.pk).exists() != allowed


def filtered_by_company(world, response, *, allowed, sees):
    """Filtering by an invisible company shows neither it nor its persons."""
    shows_name_iff_visible(world, response, allowed=allowed, sees=sees)
    if allowed:
        assert (world.person.last_name in response.content.decode()) == sees


def flip(world: World) -> str:
    return "public" if world.company.visibility == "private" else "private"


ACTIONS = [
    Action(
        "list",
        lambda c, w: c.get(url("company_list")),
        200,
        on_record=False,
        verify=shows_name_iff_visible,
    ),
    Action(
        "list_search",
        lambda c, w: c.get(url("company_list"), {"q": NAME}),
        200,
        on_record=False,
        verify=shows_name_iff_visible,
    ),
    Action(
        "autocomplete",
        lambda c, w: c.get(url("company_autocomplete"), {"q": NAME[:6]}),
        200,
        on_record=False,
        verify=shows_name_iff_visible,
    ),
    Action("new_get", lambda c, w: c.get(url("company_create")), 200, on_record=False),
    Action(
        "new_post",
        lambda c, w: c.post(url("company_create"), company_data(name="Newco")),
        302,
        on_record=False,
        verify=created,
    ),
    Action(
        "detail",
        lambda c, w: c.get(company_url("company_detail", w)),
        200,
        verify=shows_name_iff_visible,
    ),
    Action("edit_get", lambda c, w: c.get(company_url("company_edit", w)), 200),
    Action(
        "edit_post",
        lambda c, w: c.post(
            company_url("company_edit", w), company_edit_data(w.company, name="Renamed Ltd")
        ),
        302,
        verify=renamed,
    ),
    Action(
        "edit_post_changing_visibility",
        lambda c, w: c.post(
            company_url("company_edit", w),
            company_edit_data(w.company, name="Renamed Ltd", visibility=flip(w)),
        ),
        302,
        right="visibility",
        verify=renamed_and_flipped,
    ),
    Action(
        "delete_get",
        lambda c, w: c.get(company_url("company_delete", w)),
        200,
        right="delete",
        verify=still_there,
    ),
    Action(
        "delete_post",
        lambda c, w: c.post(company_url("company_delete", w)),
        302,
        right="delete",
        verify=deleted,
    ),
    Action(
        "delete_post_in_place",
        lambda c, w: c.post(company_url("company_delete", w), **HTMX),
        200,
        right="delete",
        verify=deleted_in_place,
    ),
    Action(
        "row_get",
        lambda c, w: c.get(company_url("company_row", w), **HTMX),
        200,
        verify=shows_name_iff_visible,
    ),
    Action(
        "row_edit_get",
        lambda c, w: c.get(company_url("company_row", w), {"edit": "1"}, **HTMX),
        200,
    ),
    Action(
        "row_post",
        lambda c, w: c.post(company_url("company_row", w), {"name": "Renamed Ltd"}, **HTMX),
        200,
        verify=renamed,
    ),
    Action(
        "row_post_changing_visibility",
        lambda c, w: c.post(
            company_url("company_row", w),
            {"name": "Renamed Ltd", "visibility": flip(w)},
            **HTMX,
        ),
        200,
        right="visibility",
        # The quick edit has no visibility field: the creator's rename goes through.
        verify=renamed,
    ),
    Action(
        "persons_add",
        lambda c, w: c.post(
            company_url("company_person_add", w),
            {"contact_id": w.newcomer.pk, "role": "Buyer"},
        ),
        302,
        verify=person_added,
    ),
    Action(
        "persons_remove",
        lambda c, w: c.post(
            url("company_person_remove", pk=w.company.pk, affiliation_pk=w.affiliation.pk)
        ),
        302,
        verify=person_removed,
    ),
    Action(
        "contact_page_lists_the_company",
        lambda c, w: c.get(url("contact_detail", pk=w.person.pk)),
        200,
        on_record=False,
        verify=shows_name_iff_visible,
    ),
    Action(
        "contact_list_shows_the_primary_company",
        lambda c, w: c.get(url("contact_list")),
        200,
        on_record=False,
        verify=shows_name_iff_visible,
    ),
    Action(
        "contact_list_filtered_by_the_company",
        lambda c, w: c.get(url("contact_list"), {"company": w.company.pk}),
        200,
        on_record=False,
        verify=filtered_by_company,
    ),
]


@pytest.fixture
def people(cast):
    return {"anonymous": None, **cast}


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "actor", "kind"), matrix(ACTIONS))
def test_company_url_answers_as_product_section_3_says(
    client_for, acme, people, action, actor, kind
):
    company = make_record(
        factories.CompanyFactory,
        kind=kind,
        actor=people[actor],
        carol=people["carol"],
        acme=acme,
        name=NAME,
    )
    person = factories.ContactFactory(
        organization=acme, first_name="Paula", last_name="Person", created_by=people["carol"]
    )
    world = World(
        acme=acme,
        company=company,
        person=person,
        newcomer=factories.ContactFactory(
            organization=acme, first_name="Nina", last_name="Newcomer", created_by=people["carol"]
        ),
        affiliation=factories.AffiliationFactory(contact=person, company=company, is_primary=True),
    )
    expected = expected_status(action, actor, kind)

    response = action.send(client_for(people[actor]), world)

    assert_status(response, expected)
    if action.verify is not None:
        allowed = expected == action.success
        action.verify(world, response, allowed=allowed, sees=sees(actor, kind))
