"""The doors decide the reader's role in Python when the request read the memberships.

`MembershipBackend.get_user` reads a user's memberships with the user; `known_role` then
tells each door the role, and the door builds only that role's condition. Without them
(a user loaded elsewhere) the role is checked in SQL. Either way the same rows come back.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activity.models import Activity
from companies.models import Company
from connections.selectors import projects_visible_to, tasks_visible_to, tickets_visible_to
from contacts.models import Contact
from notes.models import Note
from opportunities.models import Opportunity
from organizations.backends import MembershipBackend
from organizations.models import Membership, Role
from organizations.scoping import scope
from organizations.visibility import NOT_A_MEMBER, known_role
from tests import factories

pytestmark = pytest.mark.django_db


def as_request_reads(user):
    """The user as a request has it: read by the backend with their memberships."""
    return MembershipBackend().get_user(user.pk)


def doors(user, organization) -> dict[str, set[int]]:
    return {
        "contacts": set(
            Contact.objects.visible_to(user, organization).values_list("pk", flat=True)
        ),
        "companies": set(
            Company.objects.visible_to(user, organization).values_list("pk", flat=True)
        ),
        "projects": set(projects_visible_to(user, organization).values_list("pk", flat=True)),
        "tasks": set(tasks_visible_to(user, organization).values_list("pk", flat=True)),
        "tickets": set(tickets_visible_to(user, organization).values_list("pk", flat=True)),
        "activities": set(
            Activity.objects.visible_to(user, organization).values_list("pk", flat=True)
        ),
        "notes": set(Note.objects.visible_to(user, organization).values_list("pk", flat=True)),
        "opportunities": set(
            Opportunity.objects.visible_to(user, organization).values_list("pk", flat=True)
        ),
    }


@pytest.fixture
def world(acme, alice, bob, carol, gina):
    """Public and private records, work for the guest, notes and activities of each kind."""
    with scope(organization=acme):
        public = factories.ContactFactory(organization=acme, created_by=alice)
        secret = factories.ContactFactory(organization=acme, created_by=carol, visibility="private")
        factories.CompanyFactory(organization=acme, created_by=carol, visibility="private")
        project = factories.ProjectFactory(organization=acme)
        other = factories.ProjectFactory(organization=acme)
        factories.TaskFactory(project=project, assignee=gina)
        factories.TaskFactory(project=other, assignee=bob)
        factories.NoteFactory(contact=public, author=alice, body="Open")
        factories.NoteFactory(contact=public, author=carol, is_private=True, body="Carol's")
        factories.NoteFactory(contact=secret, author=carol, body="On a secret")
        factories.NoteFactory(project=project, author=alice, body="Project note")
        factories.activity(acme, created_by=carol, contacts=[secret], subject="Secret call")
        factories.activity(acme, created_by=alice, projects=[project], subject="Kickoff")
        factories.activity(acme, created_by=alice, contacts=[public], subject="Public call")
        factories.opportunity(acme, created_by=carol, title="Quiet", visibility="private")
        factories.opportunity(acme, created_by=alice, title="Open deal")
    return acme


@pytest.mark.parametrize("who", ["alice", "bob", "gina", "mallory"])
def test_every_door_gives_the_same_rows_with_the_role_known_or_checked_in_sql(request, world, who):
    user = request.getfixturevalue(who)
    loaded = as_request_reads(user)

    with scope(organization=world):
        in_sql = doors(get_user_model().objects.get(pk=user.pk), world)
        in_python = doors(loaded, world)

    assert in_python == in_sql
    if who in ("gina", "mallory"):
        assert not in_python["contacts"] and not in_python["companies"]
    if who == "gina":  # the guest's branch: her project, its activity and its note
        assert len(in_python["projects"]) == len(in_python["activities"]) == 1
        assert len(in_python["notes"]) == 1
    if who == "bob":  # a member: not carol's private contact, note or opportunity
        assert len(in_python["contacts"]) == 1 and len(in_python["opportunities"]) == 1


def test_the_role_comes_from_the_memberships_read_with_the_user(acme, globex, bob, gina):
    assert known_role(as_request_reads(bob), acme) == Role.MEMBER
    assert known_role(as_request_reads(gina), acme) == Role.GUEST
    assert known_role(as_request_reads(bob), globex) == NOT_A_MEMBER
    # A user read without them (the worker, a test): unknown, the doors ask SQL.
    assert known_role(get_user_model().objects.get(pk=bob.pk), acme) is None


def test_a_known_member_role_leaves_the_membership_check_out_of_the_query(acme, bob):
    loaded = as_request_reads(bob)
    with scope(organization=acme), CaptureQueriesContext(connection) as queries:
        list(Contact.objects.visible_to(loaded, acme))
        list(Contact.objects.visible_to(get_user_model().objects.get(pk=bob.pk), acme))

    known, checked = (q["sql"] for q in queries.captured_queries if "contacts_contact" in q["sql"])
    assert "organizations_membership" not in known
    assert "organizations_membership" in checked


def test_a_member_removed_during_the_request_is_refused_on_the_next(client_for, acme, bob):
    """The role is the request's own reading: the next request reads it again."""
    with scope(organization=acme):
        contact = factories.ContactFactory(organization=acme)
    client = client_for(bob)
    assert client.get(f"/o/acme/contacts/{contact.pk}/").status_code == 200

    Membership.objects.filter(organization=acme, user=bob).delete()

    assert client.get(f"/o/acme/contacts/{contact.pk}/").status_code == 404
