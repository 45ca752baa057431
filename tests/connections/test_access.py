"""Who gets what on every URL of projects, tasks, tickets and connections.

The cast (tests/conftest.py): alice owns Acme, bob is a member, gina is a guest, mallory
belongs to Globex only. carol (a member, not acting here) created the project, its
tasks and tickets, so bob may edit them but not delete them. gina has one task and one
ticket assigned to her in that project; "other" items are assigned to bob.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import factories


@dataclass(frozen=True)
class World:
    project: Any
    other_project: Any
    gina_task: Any
    other_task: Any
    gina_ticket: Any
    other_ticket: Any
    company: Any
    connection: Any
    copy_job: Any


@dataclass(frozen=True)
class Route:
    name: str
    kwargs: Callable[[World], dict]
    method: str
    expect: dict[str, int]
    data: Callable[[World], dict] = field(default=lambda world: {})
    label: str = ""

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name}{'-' + self.label if self.label else ''}"


def none(world: World) -> dict:
    return {}


def project(world: World) -> dict:
    return {"pk": world.project.pk}


def other_project(world: World) -> dict:
    return {"pk": world.other_project.pk}


def in_project(world: World) -> dict:
    return {"project_pk": world.project.pk}


def gina_task(world: World) -> dict:
    return {"project_pk": world.project.pk, "pk": world.gina_task.pk}


def other_task(world: World) -> dict:
    return {"project_pk": world.project.pk, "pk": world.other_task.pk}


def gina_ticket(world: World) -> dict:
    return {"pk": world.gina_ticket.pk}


def other_ticket(world: World) -> dict:
    return {"pk": world.other_ticket.pk}


def connection(world: World) -> dict:
    return {"pk": world.connection.pk}


def copy_job(world: World) -> dict:
    return {"pk": world.copy_job.pk}


def copy_data(world: World) -> dict:
    return {"kind": "companies", "target": "globex", "ids": [world.company.pk]}


EVERYONE = {"guest": 200, "member": 200, "owner": 200}
WORKERS = {"guest": 403, "member": 200, "owner": 200}
WORKERS_POST = {"guest": 403, "member": 302, "owner": 302}
ASSIGNED_ONLY = {"guest": 404, "member": 200, "owner": 200}
# carol created everything: only an owner may delete it (bob is a member, gina a guest).
DELETE_PAGE = {"guest": 403, "member": 403, "owner": 200}
DELETE_POST = {"guest": 403, "member": 403, "owner": 302}
OWNER_ONLY = {"guest": 403, "member": 403, "owner": 200}
REQUESTER_ONLY = {"guest": 404, "member": 404, "owner": 200}
STATUS_OWN = {"guest": 302, "member": 302, "owner": 302}
STATUS_OTHERS = {"guest": 404, "member": 302, "owner": 302}

PROJECT_DATA = {"name": "Renamed", "status": "active", "budget": "10", "currency": "EUR"}
TASK_DATA = {"title": "Check", "status": "todo"}
TICKET_DATA = {"subject": "Help", "status": "open", "priority": "normal"}

ROUTES = [
    Route("project_list", none, "get", EVERYONE),
    Route("project_create", none, "get", WORKERS),
    Route("project_create", none, "post", WORKERS_POST, lambda w: PROJECT_DATA),
    Route(
        "project_assign_client",
        none,
        "post",
        WORKERS_POST,
        lambda w: {"projects": [w.project.pk], "client_company_id": w.company.pk},
    ),
    Route("project_autocomplete", none, "get", WORKERS, lambda w: {"q": "a"}),
    Route("project_detail", project, "get", EVERYONE),
    Route("project_detail", other_project, "get", ASSIGNED_ONLY, label="unassigned"),
    Route("project_edit", project, "get", WORKERS),
    Route("project_edit", project, "post", WORKERS_POST, lambda w: PROJECT_DATA),
    Route("project_delete", project, "get", DELETE_PAGE),
    Route("project_delete", project, "post", DELETE_POST),
    Route("task_create", in_project, "get", WORKERS),
    Route("task_create", in_project, "post", WORKERS_POST, lambda w: TASK_DATA),
    Route("task_detail", gina_task, "get", EVERYONE),
    Route("task_detail", other_task, "get", ASSIGNED_ONLY, label="unassigned"),
    Route("task_edit", gina_task, "get", WORKERS),
    Route("task_edit", gina_task, "post", WORKERS_POST, lambda w: TASK_DATA),
    Route("task_delete", gina_task, "get", DELETE_PAGE),
    Route("task_delete", gina_task, "post", DELETE_POST),
    Route("task_status", gina_task, "post", STATUS_OWN, lambda w: {"status": "done"}),
    Route(
        "task_status",
        other_task,
        "post",
        STATUS_OTHERS,
        lambda w: {"status": "done"},
        label="unassigned",
    ),
    Route("ticket_list", none, "get", EVERYONE),
    Route("ticket_create", none, "get", WORKERS),
    Route("ticket_create", none, "post", WORKERS_POST, lambda w: TICKET_DATA),
    Route("ticket_detail", gina_ticket, "get", EVERYONE),
    Route("ticket_detail", other_ticket, "get", ASSIGNED_ONLY, label="unassigned"),
    Route("ticket_edit", gina_ticket, "get", WORKERS),
    Route("ticket_edit", gina_ticket, "post", WORKERS_POST, lambda w: TICKET_DATA),
    Route("ticket_delete", gina_ticket, "get", DELETE_PAGE),
    Route("ticket_delete", gina_ticket, "post", DELETE_POST),
    Route("ticket_status", gina_ticket, "post", STATUS_OWN, lambda w: {"status": "resolved"}),
    Route(
        "ticket_status",
        other_ticket,
        "post",
        STATUS_OTHERS,
        lambda w: {"status": "resolved"},
        label="unassigned",
    ),
    Route("connection_autocomplete", none, "get", WORKERS, lambda w: {"q": "a"}),
    Route(
        "connection_add",
        none,
        "post",
        WORKERS_POST,
        lambda w: {"item": f"ticket:{w.other_ticket.pk}", "company_id": w.company.pk},
    ),
    Route("connection_remove", connection, "post", WORKERS_POST),
    # Copying to another organization (alice is also a member of Globex): owners only;
    # a copy job is seen by its requester alone (tests/transfers/test_copy_jobs.py).
    Route("copy_preview", none, "post", OWNER_ONLY, copy_data),
    Route("copy_list", none, "get", OWNER_ONLY),
    Route("copy_list", none, "post", DELETE_POST, copy_data),
    Route("copy_job_detail", copy_job, "get", REQUESTER_ONLY),
]

ROLE_PEOPLE = {"guest": "gina", "member": "bob", "owner": "alice"}


@pytest.fixture
def world(acme, globex, cast) -> World:
    carol, gina, bob, alice = cast["carol"], cast["gina"], cast["bob"], cast["alice"]
    factories.MembershipFactory(organization=globex, user=alice, role="member")
    project = factories.ProjectFactory(organization=acme, name="Apollo", created_by=carol)
    company = factories.CompanyFactory(organization=acme, name="Acme Client", created_by=carol)
    return World(
        project=project,
        other_project=factories.ProjectFactory(organization=acme, created_by=carol),
        gina_task=factories.TaskFactory(project=project, assignee=gina, created_by=carol),
        other_task=factories.TaskFactory(project=project, assignee=bob, created_by=carol),
        gina_ticket=factories.TicketFactory(
            organization=acme, project=project, assignee=gina, created_by=carol
        ),
        other_ticket=factories.TicketFactory(organization=acme, assignee=bob, created_by=carol),
        company=company,
        connection=factories.connect(project, company),
        copy_job=factories.CopyJobFactory(organization=acme, target=globex, requested_by=alice),
    )


def request(client, route: Route, world: World, slug: str = "acme"):
    url = reverse(route.name, kwargs={"slug": slug, **route.kwargs(world)})
    return getattr(client, route.method)(url, route.data(world))


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
@pytest.mark.parametrize(
    ("route", "role"),
    [
        pytest.param(route, role, id=f"{route}-{role}")
        for route in ROUTES
        for role in ("guest", "member", "owner")
    ],
)
def test_each_role_gets_the_status_of_the_table(client_for, world, cast, route, role):
    response = request(client_for(cast[ROLE_PEOPLE[role]]), route, world)

    assert response.status_code == route.expect[role]


@pytest.mark.django_db
def test_a_task_is_404_under_another_project_than_its_own(client_for, world, alice):
    url = reverse(
        "task_detail",
        kwargs={"slug": "acme", "project_pk": world.other_project.pk, "pk": world.gina_task.pk},
    )

    assert client_for(alice).get(url).status_code == 404


@pytest.mark.django_db
def test_another_organizations_project_is_404_even_for_its_own_owner_under_acme(
    client_for, world, globex, mallory, alice
):
    theirs = factories.ProjectFactory(organization=globex, created_by=mallory)
    url = reverse("project_detail", kwargs={"slug": "acme", "pk": theirs.pk})

    assert client_for(alice).get(url).status_code == 404


def connection_url_names(patterns=None) -> set[str]:
    """Names of the URL patterns that the connections app adds."""
    from connections import urls

    names: set[str] = set()
    for entry in patterns if patterns is not None else urls.urlpatterns:
        if isinstance(entry, URLResolver):
            names |= connection_url_names(entry.url_patterns)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(entry.name)
    return names


def test_every_connections_url_is_in_the_table():
    missing = connection_url_names() - {route.name for route in ROUTES}

    assert not missing, f"Add these URLs to ROUTES in {__name__}: {sorted(missing)}"
    assert connection_url_names() <= {
        getattr(p, "name", None) for p in _all_patterns(get_resolver().url_patterns)
    }


def _all_patterns(patterns):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _all_patterns(entry.url_patterns)
        else:
            yield entry
