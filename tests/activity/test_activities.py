"""Planning, editing and closing activities; the record sections, the dashboard, kinds.

alice (owner) and bob, carol (members) work at Acme; gina is a guest; mallory belongs to
Globex only. Ada is a public contact; carol's private contact Secret mentions nobody.
"""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activity.models import Activity, ActivityKind, ActivityLink, Assignment
from activity.sections import section_of
from events.models import Event, EventKind, Notification, NotificationKind
from organizations.models import Membership
from organizations.scoping import scope, scopes_disabled
from organizations.services import organization_create
from tests import factories


@pytest.fixture
def ada(acme, alice):
    return factories.ContactFactory(organization=acme, created_by=alice, first_name="Ada")


@pytest.fixture
def secret(acme, carol):
    return factories.ContactFactory(
        organization=acme, created_by=carol, first_name="Secret", last_name="Person",
        visibility="private",
    )  # fmt: skip


@pytest.fixture
def call_kind(acme):
    return factories.ActivityKindFactory(organization=acme, name="Call")


def create_url() -> str:
    return reverse("activity_create", args=["acme"])


def tomorrow() -> str:
    return (timezone.localdate() + timedelta(days=1)).isoformat()


def form(call_kind, *, links, assignees, **over) -> dict:
    data = {
        "kind": call_kind.pk,
        "subject": "Call Ada about the offer",
        "due_date": tomorrow(),
        "due_time": "10:30",
        "assignees": [user.pk for user in assignees],
        "links": links,
        "notes": "Ask about **budget**.",
    }
    data.update(over)
    return data


def activities() -> list[Activity]:
    with scopes_disabled():
        return list(Activity.objects.order_by("id"))


# --- Planning --------------------------------------------------------------------------


@pytest.mark.django_db
def test_planning_without_javascript_goes_back_to_the_contact_with_events_and_notices(
    client_for, acme, alice, bob, ada, call_kind
):
    contact_url = reverse("contact_detail", args=["acme", ada.pk])
    data = form(call_kind, links=[f"contact:{ada.pk}"], assignees=[alice, bob], next=contact_url)

    response = client_for(alice).post(create_url(), data)

    assert response.status_code == 302 and response.url == contact_url
    (activity,) = activities()
    assert activity.subject == "Call Ada about the offer" and not activity.all_day
    assert timezone.localtime(activity.due_at).strftime("%H:%M") == "10:30"
    assert "<strong>budget</strong>" in activity.notes_html
    with scopes_disabled():
        assert set(Assignment.objects.values_list("user__email", flat=True)) == {
            "alice@example.com",
            "bob@example.com",
        }
        (event,) = Event.objects.all()
        notices = list(Notification.objects.all())
    assert event.kind == EventKind.ACTIVITY_CREATED and event.contact == ada
    assert event.activity_id == activity.pk and event.actor == alice
    assert event.data["subject"] == activity.subject and event.data["kind"] == "Call"
    assert event.data["due"] and event.data["outcome"] == ""
    # The assignees are told, never the one who assigned.
    assert [(n.recipient, n.kind) for n in notices] == [(bob, NotificationKind.ASSIGNED)]
    assert notices[0].url == activity.url_in("acme") and notices[0].text == activity.subject
    assert notices[0].activity_id == activity.pk
    assert Membership.objects.get(user=bob, organization=acme).unread_notifications == 1


@pytest.mark.django_db
def test_an_activity_without_a_time_is_all_day_due_at_nine(client_for, alice, ada, call_kind):
    data = form(call_kind, links=[f"contact:{ada.pk}"], assignees=[alice], due_time="")

    client_for(alice).post(create_url(), data)

    (activity,) = activities()
    assert activity.all_day
    assert timezone.localtime(activity.due_at).strftime("%H:%M") == "09:00"


@pytest.mark.django_db
def test_the_new_activity_form_in_place_is_prefilled_with_the_record_and_me(
    client_for, alice, ada, call_kind
):
    url = f"{create_url()}?contact={ada.pk}&section=contact:{ada.pk}"

    response = client_for(alice).get(url, headers={"HX-Request": "true"})

    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page  # a fragment
    assert f'value="contact:{ada.pk}"' in page and "checked" in page
    assert f'value="{alice.pk}"' in page
    assert 'hx-post="/o/acme/activities/new/"' in page


@pytest.mark.django_db
def test_planning_in_place_answers_the_refreshed_section(client_for, alice, ada, call_kind):
    data = form(
        call_kind, links=[f"contact:{ada.pk}"], assignees=[alice], section=f"contact:{ada.pk}"
    )

    response = client_for(alice).post(create_url(), data, headers={"HX-Request": "true"})

    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="activities-contact-{ada.pk}"' in page and "Call Ada about the offer" in page
    assert len(activities()) == 1


@pytest.mark.django_db
def test_a_guest_assignee_on_a_contact_activity_is_refused_with_a_message(
    client_for, alice, gina, ada, call_kind
):
    data = form(call_kind, links=[f"contact:{ada.pk}"], assignees=[gina])

    response = client_for(alice).post(create_url(), data)

    assert response.status_code == 400
    assert "guest" in response.content.decode()
    assert activities() == []


@pytest.mark.django_db
def test_a_guest_may_be_assigned_an_activity_linked_to_a_project_only(
    client_for, acme, alice, gina, call_kind
):
    project = factories.ProjectFactory(organization=acme)
    data = form(call_kind, links=[], assignees=[gina], project_id=project.pk, project_name="P")

    response = client_for(alice).post(create_url(), data)

    assert response.status_code == 302
    with scopes_disabled():
        (link,) = ActivityLink.objects.all()
    assert link.project == project


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"subject": ""}, "This field is required."),
        ({"due_date": "2026-13-45"}, "Enter a date, such as 2026-12-31."),
        ({"due_time": "25:99"}, "Enter a time, such as 14:30."),
        ({"links": []}, "Link the activity to a contact, company or project."),
        ({"assignees": []}, "Assign the activity to at least one member."),
        ({"links": ["contact:999999"]}, "Choose a contact, company or project from the list."),
    ],
)
def test_bad_input_says_what_is_wrong_keeps_the_input_and_saves_nothing(
    client_for, alice, ada, call_kind, change, message
):
    data = form(call_kind, links=[f"contact:{ada.pk}"], assignees=[alice])
    data.update(change, notes="Keep this text")

    response = client_for(alice).post(create_url(), data)

    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "Keep this text" in page
    assert activities() == []


@pytest.mark.django_db
def test_an_assignee_from_another_organization_is_refused(
    client_for, alice, mallory, ada, call_kind
):
    data = form(call_kind, links=[f"contact:{ada.pk}"], assignees=[mallory])

    response = client_for(alice).post(create_url(), data)

    assert response.status_code == 400
    assert "Choose members of this organization." in response.content.decode()
    assert activities() == []


@pytest.mark.django_db
def test_bad_input_in_place_comes_back_into_the_form_not_the_section(
    client_for, alice, ada, call_kind
):
    data = form(
        call_kind,
        links=[f"contact:{ada.pk}"],
        assignees=[alice],
        subject="",
        notes="Keep this text",
        section=f"contact:{ada.pk}",
    )

    response = client_for(alice).post(create_url(), data, headers={"HX-Request": "true"})

    assert response.status_code == 200  # htmx swaps 2xx only
    assert response["HX-Retarget"] == f"#activities-contact-{ada.pk}-form"
    assert "Keep this text" in response.content.decode()
    assert activities() == []


@pytest.mark.django_db
def test_a_private_contact_of_someone_else_cannot_be_linked(client_for, bob, secret, call_kind):
    data = form(call_kind, links=[], assignees=[bob], contact_id=secret.pk, contact_name="S")

    response = client_for(bob).post(create_url(), data)

    assert response.status_code == 400
    assert "Choose one from the list." in response.content.decode()
    assert "Secret" not in response.content.decode()
    assert activities() == []


# --- Editing ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_editing_keeps_links_the_editor_cannot_see_and_notifies_new_assignees_only(
    client_for, acme, alice, bob, carol, ada, secret, call_kind
):
    activity = factories.activity(
        acme, created_by=carol, assignees=[carol, bob], contacts=[ada, secret]
    )
    url = reverse("activity_edit", args=["acme", activity.pk])
    page = client_for(bob).get(url).content.decode()
    assert "Secret" not in page

    data = form(call_kind, links=[f"contact:{ada.pk}"], assignees=[bob, carol, alice])
    response = client_for(bob).post(url, data)

    assert response.status_code == 302
    with scopes_disabled():
        linked = set(ActivityLink.objects.values_list("contact_id", flat=True))
        notices = list(Notification.objects.values_list("recipient__email", "kind"))
    assert linked == {ada.pk, secret.pk}
    assert notices == [("alice@example.com", NotificationKind.ASSIGNED)]


@pytest.mark.django_db
def test_a_new_due_time_sends_the_reminders_again(client_for, acme, alice, ada, call_kind):
    activity = factories.activity(acme, created_by=alice, assignees=[alice], contacts=[ada])
    with scopes_disabled():
        Assignment.objects.update(reminder_sent_at=timezone.now())

    data = form(call_kind, links=[f"contact:{ada.pk}"], assignees=[alice], due_time="16:00")
    client_for(alice).post(reverse("activity_edit", args=["acme", activity.pk]), data)

    with scopes_disabled():
        (assignment,) = Assignment.objects.all()
    assert assignment.reminder_sent_at is None
    assert timezone.localtime(assignment.due_at).strftime("%H:%M") == "16:00"


# --- Done ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_done_in_place_records_who_when_and_the_outcome_and_refreshes_the_section(
    client_for, acme, alice, bob, ada
):
    activity = factories.activity(acme, created_by=alice, assignees=[bob], contacts=[ada])
    url = reverse("activity_done", args=["acme", activity.pk])

    response = client_for(bob).post(
        url,
        {"outcome": "Agreed on a demo", "section": f"contact:{ada.pk}"},
        headers={"HX-Request": "true"},
    )

    page = response.content.decode()
    assert response.status_code == 200 and f'id="activities-contact-{ada.pk}"' in page
    assert activity.subject not in page  # done: no longer upcoming
    activity.refresh_from_db()
    assert activity.done_by == bob and activity.done_at is not None
    assert activity.outcome == "Agreed on a demo"
    with scopes_disabled():
        (event,) = Event.objects.all()
        assert list(Assignment.objects.values_list("done", flat=True)) == [True]
    assert event.kind == EventKind.ACTIVITY_DONE and event.contact == ada
    assert event.data["outcome"] == "Agreed on a demo" and event.activity_id == activity.pk


@pytest.mark.django_db
def test_done_without_javascript_goes_back_to_next_and_twice_records_once(
    client_for, acme, alice, ada
):
    activity = factories.activity(acme, created_by=alice, assignees=[alice], contacts=[ada])
    url = reverse("activity_done", args=["acme", activity.pk])
    back = reverse("contact_detail", args=["acme", ada.pk])

    first = client_for(alice).post(url, {"outcome": "", "next": back})
    second = client_for(alice).post(url, {"outcome": "", "next": back})

    assert first.url == back and second.url == back
    with scopes_disabled():
        assert Event.objects.count() == 1


@pytest.mark.django_db
def test_an_activity_on_a_project_records_the_event_on_its_client(
    client_for, acme, alice, bob, call_kind
):
    client = factories.CompanyFactory(organization=acme, name="Client Co")
    project = factories.ProjectFactory(organization=acme, client_company=client)
    data = form(call_kind, links=[f"project:{project.pk}"], assignees=[bob])

    client_for(alice).post(create_url(), data)

    with scopes_disabled():
        (event,) = Event.objects.all()
    assert event.project == project and event.company == client and event.contact is None


# --- The record section ----------------------------------------------------------------


@pytest.mark.django_db
def test_an_overdue_activity_is_marked_in_words_not_colour_only(client_for, acme, alice, ada):
    factories.activity(
        acme,
        created_by=alice,
        assignees=[alice],
        contacts=[ada],
        subject="Late call",
        due_at=timezone.now() - timedelta(days=1),
    )
    factories.activity(acme, created_by=alice, assignees=[alice], contacts=[ada], subject="Soon")

    page = client_for(alice).get(reverse("contact_detail", args=["acme", ada.pk])).content.decode()

    section = page[page.index(f'id="activities-contact-{ada.pk}"') :]
    late, soon = section.index("Late call"), section.index("Soon")
    assert late < soon  # by due time
    assert section.count('<span class="badge overdue">Overdue</span>') == 1
    assert section.index("Overdue") < late


@pytest.mark.django_db
def test_the_section_lists_the_next_five_open_ones_only(client_for, acme, alice, ada):
    now = timezone.now()
    for day in range(1, 8):
        factories.activity(
            acme, created_by=alice, contacts=[ada], subject=f"Item {day}",
            due_at=now + timedelta(days=day),
        )  # fmt: skip
    factories.activity(acme, created_by=alice, contacts=[ada], subject="Closed", done=True)

    page = client_for(alice).get(reverse("contact_detail", args=["acme", ada.pk])).content.decode()

    assert [f"Item {d}" in page for d in range(1, 8)] == [True] * 5 + [False] * 2
    assert "Closed" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["contact", "company", "project"])
def test_the_section_costs_one_query_with_50_activities_as_with_1(rf, acme, alice, kind):
    factory = {
        "contact": factories.ContactFactory,
        "company": factories.CompanyFactory,
        "project": factories.ProjectFactory,
    }[kind]
    few, many = factory(organization=acme), factory(organization=acme)
    links = {"contact": "contacts", "company": "companies", "project": "projects"}[kind]
    factories.activity(acme, created_by=alice, **{links: [few]})
    for _ in range(50):
        factories.activity(acme, created_by=alice, assignees=[alice], **{links: [many]})
    request = rf.get("/")
    request.user, request.organization = alice, acme
    request.membership = Membership.objects.get(user=alice, organization=acme)

    counts = []
    with scope(organization=acme):
        for record in (few, many):
            with CaptureQueriesContext(connection) as queries:
                section = section_of(request, record)
            counts.append((len(queries), len(section.activities)))

    assert counts == [(1, 1), (1, 5)]


@pytest.mark.django_db
def test_the_contact_page_costs_the_same_with_50_activities_as_with_1(
    client_for, acme, alice, django_assert_max_num_queries
):
    few, many = (
        factories.ContactFactory(organization=acme),
        factories.ContactFactory(organization=acme),
    )
    factories.activity(acme, created_by=alice, contacts=[few])
    for _ in range(50):
        factories.activity(acme, created_by=alice, contacts=[many])
    client = client_for(alice)
    client.get(reverse("contact_detail", args=["acme", few.pk]))  # warm the session

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("contact_detail", args=["acme", few.pk]))
    with CaptureQueriesContext(connection) as fifty:
        client.get(reverse("contact_detail", args=["acme", many.pk]))

    assert len(one) == len(fifty)


# --- The dashboard and the list ----------------------------------------------------------


@pytest.mark.django_db
def test_the_dashboard_groups_my_activities_and_caps_each_group(
    client_for, acme, bob, ada, django_assert_max_num_queries
):
    now = timezone.now()
    for n in range(12):
        factories.activity(
            acme, assignees=[bob], contacts=[ada], subject=f"Late {n}",
            due_at=now - timedelta(days=1, minutes=n),
        )  # fmt: skip
    factories.activity(
        acme, assignees=[bob], contacts=[ada], subject="Later this week",
        due_at=timezone.localtime(now).replace(hour=12) + timedelta(days=3),
    )  # fmt: skip
    factories.activity(acme, assignees=[bob], contacts=[ada], subject="Done one", done=True,
                       due_at=now - timedelta(days=1))  # fmt: skip
    client = client_for(bob)
    client.get(reverse("dashboard", args=["acme"]))

    with django_assert_max_num_queries(15):
        page = client.get(reverse("dashboard", args=["acme"])).content.decode()

    overdue = page[
        page.index('id="my-activities-overdue"') : page.index('id="my-activities-today"')
    ]
    assert overdue.count("Late ") == 10 and "Late 11" in overdue  # the oldest first
    assert "?when=overdue" in overdue
    assert "Later this week" in page[page.index('id="my-activities-week"') :]
    assert "Done one" not in page


@pytest.mark.django_db
def test_the_dashboard_costs_the_same_whatever_the_number_of_activities(client_for, acme, bob, ada):
    client = client_for(bob)
    factories.activity(acme, assignees=[bob], contacts=[ada])
    client.get(reverse("dashboard", args=["acme"]))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dashboard", args=["acme"]))
    now = timezone.now()
    for n in range(40):
        factories.activity(
            acme, assignees=[bob], contacts=[ada], due_at=now + timedelta(hours=n - 20)
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("dashboard", args=["acme"]))

    assert len(few) == len(many)


@pytest.mark.django_db
def test_the_list_shows_a_members_activities_that_the_reader_may_see(
    client_for, acme, bob, carol, ada, secret
):
    factories.activity(acme, created_by=carol, assignees=[carol], contacts=[ada], subject="Open")
    factories.activity(
        acme, created_by=carol, assignees=[carol], contacts=[secret], subject="Hidden one"
    )

    page = (
        client_for(bob)
        .get(reverse("activity_list", args=["acme"]), {"assignee": carol.pk})
        .content.decode()
    )

    assert "Open" in page and "Hidden one" not in page


# --- Kinds -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_organization_gets_the_default_kinds(alice):
    organization = organization_create(name="Initech", owner=alice)

    with scope(organization=organization):
        names = list(ActivityKind.objects.values_list("name", flat=True))
    assert names == ["Call", "Meeting", "Email", "To-do", "Deadline"]


@pytest.mark.django_db
def test_owners_add_rename_and_remove_kinds_and_activities_keep_the_rest(
    client_for, acme, alice, ada
):
    client = client_for(alice)
    client.post(reverse("activity_kind_list", args=["acme"]), {"name": "  Site   visit "})
    with scope(organization=acme):
        kind = ActivityKind.objects.get(name="Site visit")
    activity = factories.activity(acme, contacts=[ada], kind="Site visit")

    client.post(reverse("activity_kind_rename", args=["acme", kind.pk]), {"name": "Visit"})
    duplicate = client.post(reverse("activity_kind_list", args=["acme"]), {"name": "Visit"})
    client.post(reverse("activity_kind_delete", args=["acme", kind.pk]))

    assert "already in the list" in client.get(duplicate.url).content.decode()
    activity.refresh_from_db()
    assert activity.kind is None and activity.subject


# --- Demo and admin --------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_demo_plans_an_overdue_a_today_and_a_tomorrow_activity_once():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    rows = activities()
    assert len(rows) == 3
    today = timezone.localdate()
    days = sorted((timezone.localtime(a.due_at).date() - today).days for a in rows)
    assert days == [-2, 0, 1]


@pytest.mark.django_db
def test_operators_see_activities_in_the_admin(client, acme, alice, ada):
    operator = factories.UserFactory(email="op@example.com", is_staff=True, is_superuser=True)
    activity = factories.activity(acme, created_by=alice, assignees=[alice], contacts=[ada])
    client.force_login(operator)

    for url in [
        reverse("admin:activity_activity_changelist"),
        reverse("admin:activity_activity_change", args=[activity.pk]),
        reverse("admin:activity_activitykind_changelist"),
        reverse("admin:activity_calendarfeed_changelist"),
    ]:
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_the_data_migration_gives_existing_organizations_the_default_kinds(acme, globex):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("activity.migrations.0002_seed_kinds")
    factories.ActivityKindFactory(organization=acme, name="Call")

    migration.seed_kinds(apps, None)
    migration.seed_kinds(apps, None)  # again: nothing doubled

    with scopes_disabled():
        for organization in (acme, globex):
            names = sorted(
                ActivityKind.objects.filter(organization=organization).values_list(
                    "name", flat=True
                )
            )
            assert names == ["Call", "Deadline", "Email", "Meeting", "To-do"]


@pytest.mark.django_db
def test_an_all_day_activity_is_for_today_all_day_and_overdue_from_tomorrow(acme, bob, ada):
    from activity.selectors import all_day_due, dashboard_groups

    today = timezone.localdate()
    factories.activity(
        acme, assignees=[bob], contacts=[ada], all_day=True, subject="Today's",
        due_at=all_day_due(today),
    )  # fmt: skip
    factories.activity(
        acme, assignees=[bob], contacts=[ada], all_day=True, subject="Yesterday's",
        due_at=all_day_due(today - timedelta(days=1)),
    )  # fmt: skip
    afternoon = all_day_due(today) + timedelta(hours=6)  # 15:00, after its 09:00

    with scope(organization=acme):
        groups = {
            g.key: [a.subject for a in g.activities] for g in dashboard_groups(bob, acme, afternoon)
        }
        rows = {a.subject: a for a in Activity.objects.all()}

    assert groups == {"overdue": ["Yesterday's"], "today": ["Today's"], "week": []}
    assert not rows["Today's"].is_overdue and rows["Yesterday's"].is_overdue


@pytest.mark.django_db
def test_notes_subject_and_outcome_cannot_run_scripts(client_for, acme, alice, ada, call_kind):
    from tests.contacts.helpers import dangerous_markup

    evil = "<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))"
    data = form(call_kind, links=[f"contact:{ada.pk}"], assignees=[alice], notes=evil)
    data["subject"] = evil[:60]
    client = client_for(alice)
    client.post(create_url(), data)
    (activity,) = activities()
    client.post(reverse("activity_done", args=["acme", activity.pk]), {"outcome": evil})

    for url in [
        reverse("activity_detail", args=["acme", activity.pk]),
        reverse("contact_detail", args=["acme", ada.pk]),
        reverse("activity_list", args=["acme"]) + "?when=done",
        reverse("dashboard", args=["acme"]),
    ]:
        assert dangerous_markup(client.get(url).content.decode()) == [], url
