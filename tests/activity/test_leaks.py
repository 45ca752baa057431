"""Nothing about a record leaks through activities: dashboard, record sections, the
activity page, the list, the calendar feed.

carol (member) keeps a private contact, "Secret Person", that mentions nobody: only she
sees it. bob (member) and alice (owner) must never read its name, nor an activity linked
to it alone. gina (guest) never sees an activity linked to any contact or company.
"""

import pytest
import vobject
from django.urls import reverse
from django.utils import timezone

from activity.models import Activity
from activity.services import (
    ActivityData,
    activity_create,
    activity_done,
    calendar_feed_renew,
)
from organizations.scoping import scope
from tests import factories

SECRET = "Secret"


@pytest.fixture
def secret(acme, carol):
    return factories.ContactFactory(
        organization=acme,
        created_by=carol,
        first_name=SECRET,
        last_name="Person",
        visibility="private",
    )


@pytest.fixture
def company(acme, alice):
    return factories.CompanyFactory(organization=acme, name="Open Company")


@pytest.fixture
def hidden(acme, carol, secret):
    """An activity linked only to carol's private contact, assigned to carol."""
    return factories.activity(
        acme, created_by=carol, assignees=[carol], contacts=[secret], subject="Hidden plan"
    )


@pytest.fixture
def shared(acme, carol, bob, secret, company):
    """Linked to the private contact and a public company; bob is an assignee."""
    return factories.activity(
        acme,
        created_by=carol,
        assignees=[carol, bob],
        contacts=[secret],
        companies=[company],
        subject="Shared plan",
    )


def page(client, name, *args, **params) -> tuple[int, str]:
    response = client.get(reverse(name, args=["acme", *args]), params)
    return response.status_code, response.content.decode()


@pytest.mark.django_db
def test_visible_to_follows_the_linked_records_assignees_and_creator(
    acme, alice, bob, carol, gina, mallory, hidden, shared
):
    def visible(user):
        with scope(organization=acme):
            return set(Activity.objects.visible_to(user, acme).values_list("subject", flat=True))

    assert visible(carol) == {"Hidden plan", "Shared plan"}
    assert visible(bob) == {"Shared plan"}  # the company, and he is assigned
    assert visible(alice) == {"Shared plan"}  # the company; owners get no more
    assert visible(gina) == set()
    assert visible(mallory) == set()


@pytest.mark.django_db
def test_an_activity_linked_only_to_a_private_contact_is_404_to_other_members(
    client_for, alice, bob, hidden
):
    for user in (alice, bob):
        status, _ = page(client_for(user), "activity_detail", hidden.pk)
        assert status == 404


@pytest.mark.django_db
def test_the_activity_page_does_not_name_a_linked_record_the_reader_cannot_see(
    client_for, bob, carol, shared
):
    status, html = page(client_for(bob), "activity_detail", shared.pk)
    assert status == 200 and "Shared plan" in html and "Open Company" in html
    assert SECRET not in html

    _, html = page(client_for(carol), "activity_detail", shared.pk)
    assert SECRET in html  # the creator of the contact sees it named


@pytest.mark.django_db
def test_the_company_section_lists_only_what_the_reader_may_see(
    client_for, acme, alice, company, shared, hidden
):
    status, html = page(client_for(alice), "company_detail", company.pk)

    assert status == 200 and "Shared plan" in html
    assert SECRET not in html and "Hidden plan" not in html


@pytest.mark.django_db
def test_the_dashboard_and_the_list_show_nothing_the_member_may_not_see(
    client_for, acme, bob, secret, hidden
):
    # Assigned to bob on carol's private contact: he sees the activity, never the name.
    assigned = factories.activity(
        acme, assignees=[bob], contacts=[secret], subject="Bob's private-contact call"
    )
    client = client_for(bob)

    _, dashboard = page(client, "dashboard")
    _, listing = page(client, "activity_list")
    _, other = page(client, "activity_list", assignee=hidden.created_by.pk)

    assert assigned.subject.replace("'", "&#x27;") in dashboard
    for html in (dashboard, listing, other):
        assert SECRET not in html and "Hidden plan" not in html


@pytest.mark.django_db
def test_a_guest_sees_no_activity_about_a_contact_even_when_assigned(client_for, acme, gina, alice):
    contact = factories.ContactFactory(organization=acme, first_name="Visible")
    project = factories.ProjectFactory(organization=acme, name="Guest project")
    factories.TaskFactory(project=project, assignee=gina)
    about_contact = factories.activity(
        acme, assignees=[gina], contacts=[contact], subject="About a contact"
    )
    both = factories.activity(
        acme, assignees=[gina], contacts=[contact], projects=[project], subject="Both"
    )
    mine = factories.activity(acme, assignees=[gina], projects=[project], subject="Project only")
    client = client_for(gina)

    _, dashboard = page(client, "dashboard")
    _, listing = page(client, "activity_list")
    _, project_page = page(client, "project_detail", project.pk)
    token = calendar_feed_renew(organization=acme, user=gina)
    feed = client.get(reverse("activity_feed", args=[token])).content.decode()

    for html in (dashboard, listing, project_page, feed):
        assert "Project only" in html
        assert "About a contact" not in html and "Both" not in html and "Visible" not in html
    assert page(client, "activity_detail", about_contact.pk)[0] == 404
    assert page(client, "activity_detail", both.pk)[0] == 404
    assert page(client, "activity_detail", mine.pk)[0] == 200


@pytest.mark.django_db
def test_the_calendar_feed_lists_my_assigned_activities_without_hidden_names(
    client_for, acme, bob, carol, secret, hidden, shared
):
    token = calendar_feed_renew(organization=acme, user=bob)

    response = client_for(None).get(reverse("activity_feed", args=[token]))

    text = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = vobject.readOne(text)
    summaries = [event.summary.value for event in calendar.vevent_list]
    assert summaries == ["Call: Shared plan"]
    assert SECRET not in text and "Hidden plan" not in text


@pytest.mark.django_db
def test_the_timeline_tells_planned_and_done_and_the_bell_hides_what_went_out_of_sight(
    client_for, acme, alice, bob, carol, company
):
    with scope(organization=acme):
        activity = activity_create(
            organization=acme,
            created_by=alice,
            data=ActivityData(
                kind=None,
                subject="Visit the plant",
                due_at=timezone.now(),
                assignees=[bob],
                companies=[company],
            ),
        )
        activity_done(activity=activity, user=bob, outcome="Went well")
    timeline = (
        client_for(alice)
        .get(reverse("company_timeline", args=["acme", company.pk]))
        .content.decode()
    )
    assert "planned" in timeline and "marked an activity done" in timeline
    assert "Went well" in timeline
    bell = client_for(bob).get(reverse("notification_list", args=["acme"])).content.decode()
    assert "Visit the plant" in bell

    # bob is no longer an assignee and the company turns private (carol's): out of sight.
    with scope(organization=acme):
        activity.assignments.all().delete()
    company.visibility, company.created_by = "private", carol
    company.save()

    bell = client_for(bob).get(reverse("notification_list", args=["acme"])).content.decode()
    assert "Visit the plant" not in bell
