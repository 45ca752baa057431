"""Who gets what on every activity URL: anonymous, mallory (outsider), gina (guest), bob
(member), alice (owner) × an activity linked to a public or a private contact.

carol (a member) created both contacts and both activities and is their assignee; the
private contact mentions nobody, so only carol sees it — and its activity. A refused
request changes nothing.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from activity.models import Activity, ActivityKind
from organizations.scoping import scopes_disabled
from tests import factories

# Every activity URL under /o/<slug>/ (tests/organizations/test_access.py reads this).
URL_NAMES = {
    "activity_list",
    "activity_create",
    "activity_detail",
    "activity_edit",
    "activity_delete",
    "activity_done",
    "activity_kind_list",
    "activity_kind_rename",
    "activity_kind_delete",
    "activity_calendar",
}

PEOPLE = ["anonymous", "mallory", "gina", "bob", "alice"]


@dataclass
class World:
    public: Activity
    private: Activity
    kind: ActivityKind


@pytest.fixture
def world(acme, cast) -> World:
    carol = cast["carol"]
    public = factories.ContactFactory(organization=acme, created_by=carol, first_name="Pia")
    private = factories.ContactFactory(
        organization=acme, created_by=carol, first_name="Secret", visibility="private"
    )
    return World(
        public=factories.activity(acme, created_by=carol, assignees=[carol], contacts=[public]),
        private=factories.activity(acme, created_by=carol, assignees=[carol], contacts=[private]),
        kind=factories.ActivityKindFactory(organization=acme, name="Meeting"),
    )


def client_as(client_for, cast, who):
    return client_for(None if who == "anonymous" else cast[who])


def outcome(person: str, sees: bool, allowed: bool, ok: int) -> int:
    if person == "anonymous":
        return 302
    if person == "mallory" or not sees:
        return 404
    return ok if allowed else 403


# url name, method, data, who may act on an activity they see, status on success
RECORD_ROUTES = [
    ("activity_detail", "get", {}, {"gina", "bob", "alice"}, 200),
    ("activity_edit", "get", {}, {"bob", "alice"}, 200),
    ("activity_done", "get", {}, {"bob", "alice"}, 200),
    ("activity_done", "post", {"outcome": "Reached"}, {"bob", "alice"}, 302),
    ("activity_delete", "get", {}, {"alice"}, 200),  # carol created it: an owner may
    ("activity_delete", "post", {}, {"alice"}, 302),
]


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", ["public", "private"])
@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize(
    ("name", "method", "data", "allowed", "ok"),
    RECORD_ROUTES,
    ids=[f"{m}-{n}" for n, m, *_ in RECORD_ROUTES],
)
def test_activity_urls_answer_by_role_and_by_the_linked_record(
    client_for, cast, world, visibility, person, name, method, data, allowed, ok
):
    activity = getattr(world, visibility)
    url = reverse(name, kwargs={"slug": "acme", "pk": activity.pk})

    response = getattr(client_as(client_for, cast, person), method)(url, data)

    # Only carol sees the private contact's activity; guests never see a contact's.
    sees = person in {"bob", "alice"} and visibility == "public"
    assert response.status_code == outcome(person, sees, person in allowed, ok)
    with scopes_disabled():
        row = Activity.objects.filter(pk=activity.pk).first()
    if response.status_code != 302 or person == "anonymous":
        assert row is not None and row.done_at is None  # nothing changed


ALL = {"gina": 200, "bob": 200, "alice": 200}
STAFF = {"gina": 403, "bob": 200, "alice": 200}
OWNER_PAGE = {"gina": 403, "bob": 403, "alice": 200}
OWNER_POST = {"gina": 403, "bob": 403, "alice": 302}
# url name, method, data, kwargs builder, status per person
PAGE_ROUTES = [
    ("activity_list", "get", {}, None, ALL),
    ("activity_create", "get", {}, None, STAFF),
    ("activity_calendar", "get", {}, None, ALL),
    ("activity_calendar", "post", {"action": "renew"}, None, ALL),
    ("activity_kind_list", "get", {}, None, OWNER_PAGE),
    ("activity_kind_list", "post", {"name": "Visit"}, None, OWNER_POST),
    ("activity_kind_rename", "post", {"name": "Demo"}, "kind", OWNER_POST),
    ("activity_kind_delete", "post", {}, "kind", OWNER_POST),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize(
    ("name", "method", "data", "pk", "expect"),
    PAGE_ROUTES,
    ids=[f"{m}-{n}" for n, m, *_ in PAGE_ROUTES],
)
def test_activity_pages_answer_by_role(
    client_for, cast, world, person, name, method, data, pk, expect
):
    kwargs = {"slug": "acme"}
    if pk:
        kwargs["pk"] = world.kind.pk
    response = getattr(client_as(client_for, cast, person), method)(
        reverse(name, kwargs=kwargs), data
    )

    expected = {"anonymous": 302, "mallory": 404, **expect}[person]
    assert response.status_code == expected
    if response.status_code in (403, 404):
        with scopes_disabled():
            assert ActivityKind.objects.get(pk=world.kind.pk).name == "Meeting"


@pytest.mark.django_db
def test_a_guest_sees_and_closes_an_activity_of_their_project_but_cannot_edit_it(
    client_for, acme, alice, gina
):
    project = factories.ProjectFactory(organization=acme)
    factories.TaskFactory(project=project, assignee=gina)  # gina sees the project
    mine = factories.activity(acme, created_by=alice, assignees=[gina], projects=[project])
    client = client_for(gina)

    assert client.get(reverse("activity_detail", args=["acme", mine.pk])).status_code == 200
    assert client.get(reverse("activity_edit", args=["acme", mine.pk])).status_code == 403
    assert client.post(reverse("activity_delete", args=["acme", mine.pk])).status_code == 403
    response = client.post(reverse("activity_done", args=["acme", mine.pk]), {"outcome": ""})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.done_by == gina


@pytest.mark.django_db
def test_a_guest_does_not_see_a_project_activity_of_a_project_they_cannot_see(
    client_for, acme, alice, gina
):
    project = factories.ProjectFactory(organization=acme)  # no task of gina's
    theirs = factories.activity(acme, created_by=alice, assignees=[gina], projects=[project])

    response = client_for(gina).get(reverse("activity_detail", args=["acme", theirs.pk]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_another_organizations_activity_is_404(client_for, acme, globex, alice, mallory):
    contact = factories.ContactFactory(organization=globex)
    theirs = factories.activity(globex, created_by=mallory, assignees=[mallory], contacts=[contact])

    for name in ("activity_detail", "activity_edit", "activity_done", "activity_delete"):
        response = client_for(alice).get(reverse(name, args=["acme", theirs.pk]))
        assert response.status_code == 404, name
