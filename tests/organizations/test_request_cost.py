"""What every /o/<slug>/ request costs before the view runs: session, user, memberships."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def _statements(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.django_db
def test_a_second_visit_to_the_same_organization_does_not_write_the_session(client_for, bob):
    client = client_for(bob)
    dashboard = reverse("dashboard", kwargs={"slug": "acme"})
    client.get(dashboard)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(dashboard).status_code == 200
    assert not [sql for sql in _statements(captured) if sql.startswith("UPDATE")]
    assert client.session["last_organization"] == "acme"


@pytest.mark.django_db
def test_moving_to_another_organization_remembers_it_in_the_session(client_for, bob, globex):
    from organizations.models import Membership

    Membership.objects.create(organization=globex, user=bob)
    client = client_for(bob)
    client.get(reverse("dashboard", kwargs={"slug": "acme"}))
    client.get(reverse("dashboard", kwargs={"slug": "globex"}))
    assert client.session["last_organization"] == "globex"


@pytest.mark.django_db
def test_memberships_are_read_once_for_the_page_the_switcher_and_the_copy_targets(
    client_for, alice, globex
):
    from organizations.models import Membership, Role

    Membership.objects.create(organization=globex, user=alice, role=Role.MEMBER)
    client = client_for(alice)
    contacts = reverse("contact_list", kwargs={"slug": "acme"})
    client.get(contacts)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(contacts)
    # visible_to's EXISTS on memberships is part of the list's own query, not a read.
    membership_reads = [
        sql for sql in _statements(captured) if sql.startswith('SELECT "organizations_membership"')
    ]
    assert len(membership_reads) == 1
    assert [m.organization.slug for m in response.context["my_memberships"]] == ["acme", "globex"]
    assert b'id="copy-form"' in response.content  # alice may copy into Globex
