"""Who gets what on every URL under /o/<slug>/ (after pretix's test_permissions.py).

One table, ROUTES, names every organization URL with the status each role gets. A new
URL under /o/<slug>/ must be added here: `test_every_organization_url_is_in_the_table`
fails until it is. Whoever is not a member (mallory), or asks for a slug that does not
exist, gets the same 404 on every URL; anonymous visitors are sent to log in.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from events.models import Notification, NotificationKind
from organizations.models import Invitation, Membership, Role
from tests import factories


@dataclass(frozen=True)
class World:
    """The rows a route may need beyond the organization.

    carol (a member) created a public contact and a public company, and linked them;
    bob, the acting member, did not create them, so he may edit but not delete them.
    """

    acme: Any
    carol_membership: Membership
    invitation: Invitation
    contact: Any
    company: Any
    affiliation: Any
    record_type: Any


@dataclass(frozen=True)
class Route:
    name: str
    kwargs: Callable[[World], dict]
    method: str
    expect: dict[str, int]
    data: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name}"


def no_kwargs(world: World) -> dict:
    return {}


def carol(world: World) -> dict:
    return {"pk": world.carol_membership.pk}


def pending_invitation(world: World) -> dict:
    return {"pk": world.invitation.pk}


def contact(world: World) -> dict:
    return {"pk": world.contact.pk}


def company(world: World) -> dict:
    return {"pk": world.company.pk}


def company_person(world: World) -> dict:
    return {"pk": world.company.pk, "affiliation_pk": world.affiliation.pk}


def someone_elses(world: World) -> dict:
    """A notification of carol's: nobody else may open it or mark it read."""
    notification = Notification.objects.create(
        organization=world.acme,
        recipient=world.carol_membership.user,
        kind=NotificationKind.MENTION,
        contact=world.contact,
        url=world.contact.get_absolute_url(),
    )
    return {"pk": notification.pk}


def types_list(world: World) -> dict:
    return {"kind": "types"}


def type_entry(world: World) -> dict:
    return {"kind": "types", "pk": world.record_type.pk}


OWNER_ONLY_PAGE = {"guest": 403, "member": 403, "owner": 200}
OWNER_ONLY_POST = {"guest": 403, "member": 403, "owner": 302}
DIRECTORY_PAGE = {"guest": 403, "member": 200, "owner": 200}
DIRECTORY_POST = {"guest": 403, "member": 302, "owner": 302}
# Only the creator (carol, not acting here) or an owner may delete.
DELETE_PAGE = {"guest": 403, "member": 403, "owner": 200}

# Every URL under /o/<slug>/: (url name, kwargs builder, method, status per role).
ROUTES = [
    Route("dashboard", no_kwargs, "get", {"guest": 200, "member": 200, "owner": 200}),
    Route("search", no_kwargs, "get", DIRECTORY_PAGE, data={"q": "a"}),
    Route("member_list", no_kwargs, "get", {"guest": 403, "member": 200, "owner": 200}),
    Route(
        "member_list",
        no_kwargs,
        "post",
        {"guest": 403, "member": 403, "owner": 302},
        data={"email": "dora@example.com", "role": Role.MEMBER},
    ),
    Route("member_change_role", carol, "post", OWNER_ONLY_POST, data={"role": Role.GUEST}),
    Route("member_remove", carol, "post", OWNER_ONLY_POST),
    Route("invitation_revoke", pending_invitation, "post", OWNER_ONLY_POST),
    Route("member_autocomplete", no_kwargs, "get", DIRECTORY_PAGE, data={"q": "bo"}),
    Route("organization_settings", no_kwargs, "get", OWNER_ONLY_PAGE),
    Route("list_entry_add", types_list, "post", OWNER_ONLY_POST, data={"name": "Reseller"}),
    Route("list_entry_rename", type_entry, "post", OWNER_ONLY_POST, data={"name": "Customer"}),
    Route("list_entry_delete", type_entry, "post", OWNER_ONLY_POST),
    # Contacts and companies (public records; the visibility rules have their own tests).
    Route("contact_list", no_kwargs, "get", DIRECTORY_PAGE),
    Route("contact_create", no_kwargs, "get", DIRECTORY_PAGE),
    Route("contact_autocomplete", no_kwargs, "get", DIRECTORY_PAGE, data={"q": "a"}),
    Route("contact_detail", contact, "get", DIRECTORY_PAGE),
    Route("contact_edit", contact, "get", DIRECTORY_PAGE),
    Route("contact_row", contact, "get", DIRECTORY_PAGE),
    Route("contact_delete", contact, "get", DELETE_PAGE),
    Route("contact_delete", contact, "post", OWNER_ONLY_POST),
    # The timeline (issue 13) and the bell; a notification is only ever its recipient's.
    Route("contact_timeline", contact, "get", DIRECTORY_PAGE),
    Route("company_timeline", company, "get", DIRECTORY_PAGE),
    Route("notification_list", no_kwargs, "get", {"guest": 200, "member": 200, "owner": 200}),
    Route("notification_read_all", no_kwargs, "post", {"guest": 302, "member": 302, "owner": 302}),
    Route("notification_open", someone_elses, "post", {"guest": 404, "member": 404, "owner": 404}),
    Route("notification_read", someone_elses, "post", {"guest": 404, "member": 404, "owner": 404}),
    Route("company_list", no_kwargs, "get", DIRECTORY_PAGE),
    Route("company_create", no_kwargs, "get", DIRECTORY_PAGE),
    Route("company_autocomplete", no_kwargs, "get", DIRECTORY_PAGE, data={"q": "a"}),
    Route("company_detail", company, "get", DIRECTORY_PAGE),
    Route("company_edit", company, "get", DIRECTORY_PAGE),
    Route("company_row", company, "get", DIRECTORY_PAGE),
    Route("company_delete", company, "get", DELETE_PAGE),
    Route("company_delete", company, "post", OWNER_ONLY_POST),
    Route("company_person_add", company, "post", DIRECTORY_POST, data={"contact_id": ""}),
    Route("company_person_remove", company_person, "post", DIRECTORY_POST),
]

ROLE_PEOPLE = {"guest": "gina", "member": "bob", "owner": "alice"}


@pytest.fixture
def world(acme, cast) -> World:
    affiliation = factories.AffiliationFactory(
        contact__organization=acme,
        contact__created_by=cast["carol"],
        company__created_by=cast["carol"],
    )
    return World(
        acme=acme,
        carol_membership=Membership.objects.get(user=cast["carol"], organization=acme),
        invitation=factories.InvitationFactory(organization=acme, invited_by=cast["alice"]),
        contact=affiliation.contact,
        company=affiliation.company,
        affiliation=affiliation,
        record_type=factories.RecordTypeFactory(organization=acme, name="Client"),
    )


def request(client, route: Route, world: World, slug: str = "acme"):
    url = reverse(route.name, kwargs={"slug": slug, **route.kwargs(world)})
    return getattr(client, route.method)(url, route.data)


def with_roles(routes: list[Route]) -> list:
    return [
        pytest.param(route, role, id=f"{route}-{role}")
        for route in routes
        for role in ("guest", "member", "owner")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonymous_visitors_are_sent_to_log_in(client, world, route):
    response = request(client, route, world)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=/o/acme/")


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_user_of_another_organization_gets_404(client_for, world, cast, route):
    response = request(client_for(cast["mallory"]), route, world)

    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_an_unknown_organization_is_404_like_one_you_do_not_belong_to(
    client_for, world, cast, route
):
    response = request(client_for(cast["alice"]), route, world, slug="no-such-org")

    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "role"), with_roles(ROUTES))
def test_each_role_gets_the_status_of_the_table(client_for, world, cast, route, role):
    response = request(client_for(cast[ROLE_PEOPLE[role]]), route, world)

    assert response.status_code == route.expect[role]


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in ROUTES if r.method == "post"], ids=str)
def test_a_post_without_a_csrf_token_is_refused(world, cast, route):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["alice"])

    response = request(client, route, world)

    assert response.status_code == 403
    assert b"CSRF" in response.content


def organization_url_names(patterns=None, prefix: str = "") -> set[str]:
    """Return the names of every URL pattern whose route starts with o/<slug:slug>/."""
    names: set[str] = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            names |= organization_url_names(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and route.startswith("o/<slug:slug>/") and entry.name:
            names.add(entry.name)
    return names


def test_every_organization_url_is_in_the_table():
    # Projects, tasks, tickets and connections have their own matrix (a richer world).
    from tests.connections.test_access import ROUTES as CONNECTION_ROUTES

    covered = {route.name for route in [*ROUTES, *CONNECTION_ROUTES]}
    # So do the files of contacts and companies (roles × record visibility).
    from tests.attachments.test_access import URL_NAMES as ATTACHMENT_URL_NAMES

    covered |= ATTACHMENT_URL_NAMES
    # And activities (roles × an activity linked to a public or a private contact).
    from tests.activity.test_access import URL_NAMES as ACTIVITY_URL_NAMES

    covered |= ACTIVITY_URL_NAMES
    # And the notes (roles × record visibility × private notes).
    from tests.notes.test_access import URL_NAMES as NOTE_URL_NAMES

    covered |= NOTE_URL_NAMES
    # And the history pages (roles × record visibility, restore).
    from tests.history.test_access import URL_NAMES as HISTORY_URL_NAMES

    covered |= HISTORY_URL_NAMES
    # And the trash (roles × a public and a private batch).
    from tests.trash.test_access import URL_NAMES as TRASH_URL_NAMES

    covered |= TRASH_URL_NAMES
    # And the opportunities (roles × public and private opportunities).
    from tests.opportunities.test_access import URL_NAMES as OPPORTUNITY_URL_NAMES

    covered |= OPPORTUNITY_URL_NAMES
    # And duplicates and merges (roles × records one may or may not see).
    from tests.merging.test_access import URL_NAMES as MERGING_URL_NAMES

    covered |= MERGING_URL_NAMES
    # And imports and exports (roles × own and someone else's import).
    from tests.transfers.test_import_access import URL_NAMES as IMPORT_URL_NAMES

    covered |= IMPORT_URL_NAMES
    # And the sales documents (roles × a document of a public company or private contact).
    from tests.sales.test_access import URL_NAMES as SALES_URL_NAMES

    covered |= SALES_URL_NAMES
    missing = organization_url_names() - covered

    assert not missing, f"Add these URLs to ROUTES in {__name__}: {sorted(missing)}"
