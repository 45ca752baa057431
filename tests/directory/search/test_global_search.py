"""The global search at /o/<slug>/search/: who may use it, what it shows, what it costs."""

import pytest
from django.urls import reverse

from organizations.scoping import scopes_disabled
from tests import factories
from tests.directory.search.conftest import HTMX, contact_ids, found, url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("bob", 200), ("gina", 403)])
def test_members_and_owners_search_and_guests_are_refused(client_for, cast, directory, who, status):
    response = client_for(cast[who]).get(url("search"), {"q": "rossi"})

    assert response.status_code == status
    if status == 403:
        assert "Rossi" not in response.content.decode()


def test_an_outsider_gets_404(client_for, mallory, directory):
    assert client_for(mallory).get(url("search"), {"q": "rossi"}).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, directory):
    response = client.get(url("search"), {"q": "rossi"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_search_page_lists_contacts_and_companies_best_first(client_for, bob, directory):
    response = client_for(bob).get(url("search"), {"q": "initech"})
    page = response.content.decode()

    assert "<html" in page
    assert found(response, "contacts") == [directory["jose"].pk]
    assert found(response, "companies") == [directory["initech"].pk]
    assert "/o/acme/contacts/?q=initech" in page
    assert "/o/acme/companies/?q=initech" in page


def test_htmx_gets_only_the_dropdown(client_for, bob, directory):
    response = client_for(bob).get(url("search"), {"q": "rossi"}, **HTMX)
    page = response.content.decode()

    assert "<html" not in page
    assert found(response, "contacts") == [directory["marco"].pk, directory["rossini"].pk]


def test_an_empty_search_shows_no_results(client_for, bob, directory):
    assert client_for(bob).get(url("search"), {"q": "  "}, **HTMX).content.decode().strip() == ""
    assert found(client_for(bob).get(url("search")), "contacts") == []


def test_the_dropdown_shows_at_most_eight_of_each_kind(client_for, bob, acme):
    with scopes_disabled():
        for n in range(12):
            factories.ContactFactory(organization=acme, first_name="Anna", last_name=f"Verdi{n}")
    response = client_for(bob).get(url("search"), {"q": "verdi"}, **HTMX)

    assert len(found(response, "contacts")) == 8
    assert len(found(client_for(bob).get(url("search"), {"q": "verdi"}), "contacts")) == 12


@pytest.mark.parametrize("headers", [{}, HTMX])
@pytest.mark.parametrize("n", [1, 20])
def test_the_search_runs_a_fixed_number_of_queries(
    client_for, bob, acme, django_assert_max_num_queries, headers, n
):
    with scopes_disabled():
        for i in range(n):
            person = factories.ContactFactory(
                organization=acme, first_name="Anna", last_name=f"Verdi{i}"
            )
            factories.AffiliationFactory(
                contact=person,
                company=factories.CompanyFactory(organization=acme, name=f"Verdi {i} SpA"),
            )
    client = client_for(bob)
    with django_assert_max_num_queries(10):
        response = client.get(url("search"), {"q": "verdi"}, **headers)
    assert response.status_code == 200


def test_the_nav_search_box_is_offered_to_members_not_guests(client_for, bob, gina):
    dashboard = reverse("dashboard", kwargs={"slug": "acme"})
    search = url("search")

    assert f'hx-get="{search}"' in client_for(bob).get(dashboard).content.decode()
    assert f'hx-get="{search}"' not in client_for(gina).get(dashboard).content.decode()


def test_a_search_is_escaped_in_the_page(client_for, bob, directory):
    page = client_for(bob).get(url("search"), {"q": "<script>x</script>"}).content.decode()

    assert "<script>x</script>" not in page


def test_the_list_pages_through_relevance_without_repeating_anyone(client_for, bob, acme):
    with scopes_disabled():
        for n in range(30):
            factories.ContactFactory(organization=acme, first_name="Anna", last_name=f"Bianchi{n}")
        factories.ContactFactory(organization=acme, first_name="Bianchi", last_name="Bianchi")
    client = client_for(bob)
    seen, params = [], {"q": "bianchi"}
    for _ in range(5):
        response = client.get(url("contact_list"), params)
        seen += contact_ids(response)
        cursor = response.context["page"].next_cursor
        if cursor is None:
            break
        params = {"q": "bianchi", "after": cursor}

    assert len(seen) == 31 == len(set(seen))
    # The exact name first: "Bianchi Bianchi" read as "bianchi bianchi" is no exact
    # match, but its last name is.
    assert response.context["params"].sort == "relevance"
