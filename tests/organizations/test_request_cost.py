"""A page's fixed cost: the session, then the user with their memberships, in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def queries_of(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_the_user_and_all_their_memberships_come_in_one_query(client_for, acme, bob, globex):
    factories.MembershipFactory(organization=globex, user=bob, role=Role.GUEST)
    sql = queries_of(client_for(bob), reverse("dashboard", kwargs={"slug": "acme"}))
    reading_user = [q for q in sql if 'FROM "organizations_user"' in q]
    # The switcher's read: all of the user's memberships, by organization name.
    reading_memberships = [
        q
        for q in sql
        if q.startswith('SELECT "organizations_membership"')
        and 'ORDER BY "organizations_organization"."name"' in q
    ]
    assert reading_user == []
    assert len(reading_memberships) == 1
    assert 'INNER JOIN "organizations_user"' in reading_memberships[0]
    assert 'INNER JOIN "organizations_organization"' in reading_memberships[0]


def test_a_user_without_memberships_is_still_logged_in(client_for, db):
    loner = factories.UserFactory(email="loner@example.com")
    response = client_for(loner).get(reverse("organization_list"))
    assert response.status_code == 200
    assert response.context["user"] == loner


def test_a_deactivated_user_is_logged_out(client_for, acme, bob):
    client = client_for(bob)
    bob.is_active = False
    bob.save()
    response = client.get(reverse("dashboard", kwargs={"slug": "acme"}))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_switcher_lists_every_organization_of_the_user(client_for, acme, bob, globex):
    factories.MembershipFactory(organization=globex, user=bob, role=Role.GUEST)
    page = client_for(bob).get(reverse("dashboard", kwargs={"slug": "acme"})).content.decode()
    assert "Globex" in page and "Acme" in page
