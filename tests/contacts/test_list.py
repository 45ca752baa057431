"""The contact list: search, filters, sorting, keyset pages, and in-place row edits."""

import base64
import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from organizations.scoping import scopes_disabled
from tests import factories

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"slug": "acme", **kwargs})


def row_ids(response) -> list[int]:
    """The contacts of the page, in the order shown."""
    return [int(pk) for pk in re.findall(r'<tr id="contact-(\d+)"', response.content.decode())]


def link(response, rel: str) -> str | None:
    """The query string of the pager's `rel` (next/prev) link, if any."""
    match = re.search(rf'rel="{rel}" href="[^"?]*\?([^"]*)"', response.content.decode())
    return match.group(1).replace("&amp;", "&") if match else None


@pytest.fixture
def people(acme, carol):
    """Four contacts with every searchable detail, created by carol."""
    with scopes_disabled():
        client_type = factories.RecordTypeFactory(organization=acme, name="Client")
        supplier = factories.RecordTypeFactory(organization=acme, name="Supplier")
        ada = factories.ContactFactory(
            organization=acme,
            first_name="Ada",
            last_name="Lovelace",
            type=client_type,
            vat_number="IT00743110157",
            created_by=carol,
        )
        ada.emails.create(organization=acme, email="ada@analytical.example")
        ada.phones.create(organization=acme, number="+390212345678")
        grace = factories.ContactFactory(
            organization=acme,
            first_name="Grace",
            last_name="Hopper",
            type=supplier,
            created_by=carol,
            visibility="private",
        )
        grace.emails.create(organization=acme, email="grace@navy.example")
        alan = factories.ContactFactory(
            organization=acme, first_name="Alan", last_name="Turing", created_by=carol
        )
        alan.phones.create(organization=acme, number="+441234567890")
        edsger = factories.ContactFactory(
            organization=acme, first_name="Edsger", last_name="Dijkstra", created_by=carol
        )
        initech = factories.CompanyFactory(organization=acme, name="Initech")
        factories.AffiliationFactory(contact=edsger, company=initech, is_primary=True)
    return {
        "ada": ada,
        "grace": grace,
        "alan": alan,
        "edsger": edsger,
        "initech": initech,
        "client": client_type,
        "supplier": supplier,
    }


def search(client, **params) -> list[int]:
    return row_ids(client.get(url("contact_list"), params))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "who"),
    [
        ("lovelace", "ada"),
        ("Ada Love", "ada"),
        ("analytical.example", "ada"),
        ("2 1234 5678", "ada"),
        ("02 1234 5678", "ada"),
        ("+39 02 1234 5678", "ada"),
        ("0212345678", "ada"),
        ("IT00743110157", "ada"),
        ("00743110157", "ada"),
        ("initech", "edsger"),
        ("navy", "grace"),
        ("+44 1234 567890", "alan"),
    ],
)
def test_search_matches_names_emails_phones_vat_and_company(client_for, carol, people, q, who):
    assert search(client_for(carol), q=q) == [people[who].pk]


@pytest.mark.django_db
def test_search_terms_must_all_match(client_for, carol, people):
    assert search(client_for(carol), q="ada hopper") == []


@pytest.mark.django_db
def test_a_search_with_no_match_says_so(client_for, carol, people):
    response = client_for(carol).get(url("contact_list"), {"q": "zzz"})

    assert "No contact matches your search." in response.content.decode()
    assert "0 contacts" in response.content.decode()


@pytest.mark.django_db
def test_filters_by_type_visibility_and_company(client_for, carol, people):
    client = client_for(carol)

    assert search(client, type=people["client"].pk) == [people["ada"].pk]
    assert search(client, type=people["supplier"].pk) == [people["grace"].pk]
    assert search(client, visibility="private") == [people["grace"].pk]
    assert sorted(search(client, visibility="public")) == sorted(
        people[name].pk for name in ("ada", "alan", "edsger")
    )
    assert search(client, company=people["initech"].pk) == [people["edsger"].pk]
    assert search(client, q="a", type=people["client"].pk) == [people["ada"].pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params", [{"type": "abc"}, {"visibility": "secret"}, {"company": "-1"}, {"sort": "password"}]
)
def test_bad_filter_values_are_ignored(client_for, carol, people, params):
    response = client_for(carol).get(url("contact_list"), params)

    assert response.status_code == 200
    assert len(row_ids(response)) == 4


@pytest.mark.django_db
def test_the_filter_form_keeps_the_chosen_values(client_for, carol, people):
    page = (
        client_for(carol)
        .get(url("contact_list"), {"q": "ada", "type": people["client"].pk, "sort": "-created"})
        .content.decode()
    )

    assert 'value="ada"' in page
    assert f'<option value="{people["client"].pk}" selected>Client</option>' in page
    assert '<option value="-created" selected>' in page


@pytest.mark.django_db
def test_sorting_by_name_newest_and_recently_updated(client_for, carol, people, unscoped):
    now = timezone.now()
    for days, name in enumerate(["alan", "edsger", "ada", "grace"]):
        Contact.objects.filter(pk=people[name].pk).update(
            created_at=now - timedelta(days=days), updated_at=now - timedelta(days=10 - days)
        )
    client = client_for(carol)
    pks = {name: people[name].pk for name in ("ada", "grace", "alan", "edsger")}

    by_name = search(client)
    newest = search(client, sort="-created")
    updated = search(client, sort="-updated")

    assert by_name == [pks["edsger"], pks["grace"], pks["ada"], pks["alan"]]
    assert newest == [pks["alan"], pks["edsger"], pks["ada"], pks["grace"]]
    assert updated == list(reversed(newest))


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["name", "-created", "-updated"])
def test_keyset_pages_walk_forward_and_back_without_gaps_or_repeats(
    client_for, bob, acme, sort, unscoped
):
    now = timezone.now()
    for index in range(60):
        factories.ContactFactory(organization=acme, last_name=f"Person{index // 2:02d}")
    # Equal timestamps and names on purpose: the id breaks the ties.
    Contact.objects.update(created_at=now, updated_at=now)
    client = client_for(bob)

    first = client.get(url("contact_list"), {"sort": sort})
    second = client.get(url("contact_list") + "?" + link(first, "next"))
    third = client.get(url("contact_list") + "?" + link(second, "next"))
    back = client.get(url("contact_list") + "?" + link(third, "prev"))
    back_to_first = client.get(url("contact_list") + "?" + link(back, "prev"))

    pages = [row_ids(first), row_ids(second), row_ids(third)]
    assert [len(page) for page in pages] == [25, 25, 10]
    assert len(set(pages[0] + pages[1] + pages[2])) == 60
    assert link(first, "prev") is None and link(third, "next") is None
    assert row_ids(back) == pages[1]
    assert row_ids(back_to_first) == pages[0]
    assert f"sort={sort}" in link(first, "next")


@pytest.mark.django_db
def test_the_pager_keeps_the_search_and_filters(client_for, bob, acme):
    for index in range(30):
        factories.ContactFactory(organization=acme, last_name=f"Rossi{index:02d}")
    factories.ContactFactory(organization=acme, last_name="Bianchi")
    client = client_for(bob)

    first = client.get(url("contact_list"), {"q": "rossi", "visibility": "public"})
    following = link(first, "next")
    second = client.get(url("contact_list") + "?" + following)

    assert "q=rossi" in following and "visibility=public" in following
    assert len(row_ids(second)) == 5


def cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "forged",
    [
        "not-a-cursor",
        "!!!",
        "a" * 5000,
        cursor("just a string"),
        cursor(["Lastname", "First"]),
        cursor(["a", "b", 10**30]),
        cursor(["a", "b", -(10**30)]),
        cursor([None, None, None]),
        cursor(["\u0000", "b", 1]),
        cursor(["2020-13-45", 1]),
    ],
)
@pytest.mark.parametrize("direction", ["after", "before"])
def test_a_forged_cursor_shows_the_first_page(client_for, bob, acme, forged, direction):
    for _ in range(3):
        factories.ContactFactory(organization=acme)

    response = client_for(bob).get(url("contact_list"), {direction: forged})

    assert response.status_code == 200
    assert len(row_ids(response)) == 3


@pytest.mark.django_db
def test_a_cursor_of_the_wrong_types_does_not_crash(client_for, bob, acme):
    factories.ContactFactory(organization=acme)

    response = client_for(bob).get(url("contact_list"), {"after": cursor([{"x": 1}, [1], 1.5])})

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["\u0000", "a\u0000b"])
def test_a_nul_character_in_the_search_is_harmless(client_for, bob, people, q):
    client = client_for(bob)

    assert client.get(url("contact_list"), {"q": q}).status_code == 200
    assert client.get(url("contact_autocomplete"), {"q": q}).status_code == 200


@pytest.mark.django_db
def test_htmx_search_answers_with_the_results_only(client_for, bob, people):
    response = client_for(bob).get(
        url("contact_list"), {"q": "ada"}, HTTP_HX_TARGET="contact-results", **HTMX
    )

    page = response.content.decode()
    assert "<html" not in page
    assert row_ids(response) == [people["ada"].pk]


@pytest.mark.django_db
def test_a_row_opens_as_an_edit_form_in_place(client_for, bob, people):
    ada = people["ada"]

    response = client_for(bob).get(url("contact_row", pk=ada.pk), {"edit": "1"}, **HTMX)

    page = response.content.decode()
    assert page.startswith(f'<tr id="contact-{ada.pk}" class="editing">')
    assert f'hx-post="{url("contact_row", pk=ada.pk)}"' in page
    assert 'value="Lovelace"' in page
    assert "<html" not in page


@pytest.mark.django_db
def test_saving_a_row_in_place_answers_with_the_updated_row(client_for, bob, people, unscoped):
    ada = people["ada"]

    response = client_for(bob).post(
        url("contact_row", pk=ada.pk),
        {"first_name": "Augusta Ada", "last_name": "King", "role": "Countess", "type": ""},
        **HTMX,
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.startswith(f'<tr id="contact-{ada.pk}">')
    assert "<strong>King</strong> Augusta Ada" in page
    ada = Contact.objects.get(pk=ada.pk)
    assert (ada.first_name, ada.last_name, ada.role, ada.type) == (
        "Augusta Ada",
        "King",
        "Countess",
        None,
    )
    # The quick edit touches only its own fields.
    assert ada.vat_number == "IT00743110157"
    assert list(ada.emails.values_list("email", flat=True)) == ["ada@analytical.example"]


@pytest.mark.django_db
def test_a_bad_row_edit_answers_400_with_the_error_and_the_input(client_for, bob, people, unscoped):
    ada = people["ada"]

    response = client_for(bob).post(
        url("contact_row", pk=ada.pk), {"first_name": "Typed", "last_name": ""}, **HTMX
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in page
    assert 'value="Typed"' in page
    assert Contact.objects.get(pk=ada.pk).first_name == "Ada"


@pytest.mark.django_db
def test_cancelling_a_row_edit_shows_the_row_again(client_for, bob, people):
    ada = people["ada"]

    response = client_for(bob).get(url("contact_row", pk=ada.pk), **HTMX)

    assert response.content.decode().startswith(f'<tr id="contact-{ada.pk}">')
    assert "Lovelace" in response.content.decode()


@pytest.mark.django_db
def test_deleting_a_row_in_place_answers_the_undo_message_and_deletes(
    client_for, alice, people, unscoped
):
    ada = people["ada"]

    response = client_for(alice).post(url("contact_delete", pk=ada.pk), **HTMX)

    assert response.status_code == 200
    # The row is swapped for nothing; the flash message with its Undo comes out of band.
    assert "<tr" not in response.text
    assert 'id="messages"' in response.text and 'hx-swap-oob="true"' in response.text
    assert "Undo" in response.text
    assert not Contact.objects.filter(pk=ada.pk).exists()


@pytest.mark.django_db
def test_the_delete_button_shows_only_to_those_who_may_delete(client_for, bob, carol, people):
    ada = people["ada"]
    delete = f'hx-post="{url("contact_delete", pk=ada.pk)}"'

    assert delete not in client_for(bob).get(url("contact_list")).content.decode()
    assert delete in client_for(carol).get(url("contact_list")).content.decode()


@pytest.mark.django_db
def test_deleting_through_the_confirmation_page_redirects_to_the_list(
    client_for, carol, people, unscoped
):
    ada = people["ada"]
    client = client_for(carol)

    confirm = client.get(url("contact_delete", pk=ada.pk))
    response = client.post(url("contact_delete", pk=ada.pk), follow=True)

    assert "Delete Ada Lovelace?" in confirm.content.decode()
    assert response.redirect_chain == [(url("contact_list"), 302)]
    assert "Contact Ada Lovelace deleted." in response.content.decode()
    assert not Contact.objects.filter(pk=ada.pk).exists()


@pytest.mark.django_db
def test_an_empty_list_invites_to_add_the_first_contact(client_for, bob):
    page = client_for(bob).get(url("contact_list")).content.decode()

    assert "No contacts yet." in page
    assert f'href="{url("contact_create")}"' in page


@pytest.mark.django_db
def test_the_company_filter_can_be_cleared_keeping_the_other_filters(client_for, carol, people):
    page = (
        client_for(carol)
        .get(
            url("contact_list"), {"company": people["initech"].pk, "q": "a", "visibility": "public"}
        )
        .content.decode()
    )

    clear = re.search(r'<a href="\?([^"]*)"[^>]*>\(any company\)</a>', page).group(1)
    assert "Company: Initech" in page
    assert "company=" not in clear
    assert "q=a" in clear and "visibility=public" in clear


@pytest.mark.django_db
def test_column_headers_sort_both_ways_keeping_the_search_and_filters(acme, bob, client_for):
    kind = factories.RecordTypeFactory(organization=acme, name="Client")
    client = client_for(bob)

    response = client.get(url("contact_list"), {"q": "ro", "type": kind.pk, "sort": "-created"})

    links = response.context["sort_links"]
    assert links["created"].direction == "descending"
    assert links["created"].query == f"q=ro&sort=created&type={kind.pk}"
    assert links["name"].query == f"q=ro&sort=name&type={kind.pk}"
    assert links["updated"].query == f"q=ro&sort=-updated&type={kind.pk}"
    assert 'aria-sort="descending"' in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["contact_list", "company_list"])
def test_sorting_by_a_header_starts_from_the_first_page(acme, bob, client_for, name):
    client = client_for(bob)

    response = client.get(url(name), {"sort": "name", "after": "WyJ4IiwgMV0"})

    assert response.context["sort_links"]["name"].query == "sort=-name"
    assert response.context["sort_links"]["name"].direction == "ascending"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["contact_list", "company_list"])
@pytest.mark.parametrize("cursor", ["%00", "WyJ4Il0", "W251bGwsIG51bGxd", "x" * 500])
def test_a_forged_cursor_on_a_list_shows_the_first_page(acme, bob, client_for, name, cursor):
    with scopes_disabled():
        factories.ContactFactory(organization=acme, last_name="Aardvark")
        factories.CompanyFactory(organization=acme, name="Aardvark Ltd")

    for sort in ["name", "-name", "created", "-created", "updated", "-updated"]:
        response = client_for(bob).get(url(name), {"sort": sort, "after": cursor})
        assert response.status_code == 200
        assert "Aardvark" in response.text


def row_of(html: str, contact) -> str:
    start = html.index(f'<tr id="contact-{contact.pk}">')
    return html[start : html.index("</tr>", start)]


@pytest.mark.django_db
def test_a_row_shows_the_first_email_and_phone_type_primary_company_and_private_badge(
    client_for, alice, carol, acme, people
):
    ada, grace, edsger = people["ada"], people["grace"], people["edsger"]
    with scopes_disabled():
        # A later email and phone: the row shows the first by position.
        ada.emails.create(organization=acme, email="second@analytical.example", position=1)
        ada.phones.create(organization=acme, number="+390298765432", position=1)
        # A private primary company carol did not create: hidden from her.
        hidden = factories.CompanyFactory(organization=acme, name="Hushco", visibility="private")
        factories.AffiliationFactory(contact=ada, company=hidden, is_primary=True)
    html = client_for(carol).get(url("contact_list")).content.decode()

    ada_row = row_of(html, ada)
    assert (
        f'<a href="{url("contact_detail", pk=ada.pk)}"><strong>Lovelace</strong> Ada</a>' in ada_row
    )
    assert '<a href="mailto:ada@analytical.example">ada@analytical.example</a>' in ada_row
    assert "second@analytical.example" not in ada_row
    assert '<td class="phone">+39 02 1234 5678</td>' in ada_row and "9876" not in ada_row
    assert "<td>Client</td>" in ada_row
    assert "Hushco" not in html and "private" not in ada_row
    assert f'hx-get="{url("contact_row", pk=ada.pk)}?edit=1"' in ada_row
    assert f'hx-post="{url("contact_delete", pk=ada.pk)}"' in ada_row  # carol created it
    assert (
        'hx-confirm="Delete Ada Lovelace? It goes to the trash, from where it can be restored."'
        in ada_row
    )
    assert 'name="ids"' not in html  # no copy target: no checkbox

    grace_row = row_of(html, grace)
    assert '<span class="badge private">Private</span>' in grace_row
    edsger_row = row_of(html, edsger)
    initech = people["initech"]
    assert f'<a href="{url("company_detail", pk=initech.pk)}">Initech</a>' in edsger_row

    # The row view (after an in-place edit) renders the same row.
    single = client_for(carol).get(url("contact_row", pk=ada.pk), **HTMX).content.decode()
    assert row_of(single, ada) == ada_row

    # An owner may delete what others created; the private contact stays out of sight.
    as_owner = client_for(alice).get(url("contact_list")).content.decode()
    assert f'hx-post="{url("contact_delete", pk=edsger.pk)}"' in as_owner
    assert f'id="contact-{grace.pk}"' not in as_owner


@pytest.mark.django_db
def test_the_list_page_costs_nine_queries_however_many_rows(
    client_for, carol, acme, people, django_assert_max_num_queries
):
    client = client_for(carol)
    client.get(url("contact_list"))
    with django_assert_max_num_queries(9):
        client.get(url("contact_list"))
    with scopes_disabled():
        for index in range(30):
            contact = factories.ContactFactory(organization=acme, created_by=carol)
            contact.emails.create(organization=acme, email=f"more{index}@example.com")
            contact.phones.create(organization=acme, number="+390212345678")
            factories.AffiliationFactory(
                contact=contact, company=people["initech"], is_primary=True
            )
    with django_assert_max_num_queries(9):
        assert client.get(url("contact_list")).status_code == 200
