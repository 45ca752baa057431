"""The company list: search, filters, sorting, keyset pages, and in-place row edits."""

import re

import pytest
from django.urls import reverse

from companies.models import Company
from organizations.models import Sector
from organizations.scoping import scopes_disabled
from tests import factories

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"slug": "acme", **kwargs})


def row_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="company-(\d+)"', response.content.decode())]


def link(response, rel: str) -> str | None:
    match = re.search(rf'rel="{rel}" href="[^"?]*\?([^"]*)"', response.content.decode())
    return match.group(1).replace("&amp;", "&") if match else None


def search(client, **params) -> list[int]:
    return row_ids(client.get(url("company_list"), params))


@pytest.fixture
def companies(acme, carol):
    with scopes_disabled():
        client_type = factories.RecordTypeFactory(organization=acme, name="Client")
        energy = Sector.objects.create(organization=acme, name="Energy")
        ict = Sector.objects.create(organization=acme, name="ICT")
        enel = factories.CompanyFactory(
            organization=acme,
            name="Enel Green Power",
            type=client_type,
            sector=energy,
            vat_number="IT00743110157",
            created_by=carol,
        )
        enel.emails.create(organization=acme, email="info@enelgp.example")
        enel.phones.create(organization=acme, number="+39068305100")
        initech = factories.CompanyFactory(
            organization=acme, name="Initech", sector=ict, visibility="private", created_by=carol
        )
        hooli = factories.CompanyFactory(organization=acme, name="Hooli", created_by=carol)
    return {
        "enel": enel,
        "initech": initech,
        "hooli": hooli,
        "client": client_type,
        "energy": energy,
        "ict": ict,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q", ["green", "Enel power", "enelgp.example", "06 8305 100", "IT00743110157", "00743110157"]
)
def test_search_matches_name_email_phone_and_vat(client_for, carol, companies, q):
    assert search(client_for(carol), q=q) == [companies["enel"].pk]


@pytest.mark.django_db
def test_filters_by_type_sector_and_visibility(client_for, carol, companies):
    client = client_for(carol)

    assert search(client, type=companies["client"].pk) == [companies["enel"].pk]
    assert search(client, sector=companies["energy"].pk) == [companies["enel"].pk]
    assert search(client, sector=companies["ict"].pk) == [companies["initech"].pk]
    assert search(client, visibility="private") == [companies["initech"].pk]
    assert search(client, visibility="public", q="h") == [companies["hooli"].pk]


@pytest.mark.django_db
def test_sorted_by_name_by_default(client_for, carol, companies):
    assert search(client_for(carol)) == [
        companies["enel"].pk,
        companies["hooli"].pk,
        companies["initech"].pk,
    ]


@pytest.mark.django_db
def test_newest_first(client_for, carol, companies):
    assert search(client_for(carol), sort="-created") == [
        companies["hooli"].pk,
        companies["initech"].pk,
        companies["enel"].pk,
    ]


@pytest.mark.django_db
def test_keyset_pages_walk_forward_and_back(client_for, bob, acme):
    for index in range(30):
        factories.CompanyFactory(organization=acme, name=f"Company {index:02d}")
    client = client_for(bob)

    first = client.get(url("company_list"))
    second = client.get(url("company_list") + "?" + link(first, "next"))
    back = client.get(url("company_list") + "?" + link(second, "prev"))

    assert len(row_ids(first)) == 25 and len(row_ids(second)) == 5
    assert not set(row_ids(first)) & set(row_ids(second))
    assert row_ids(back) == row_ids(first)
    assert link(second, "next") is None


@pytest.mark.django_db
@pytest.mark.parametrize("forged", ["garbage", "W1tdXQ", "WyJhIiwgMTAwMDAwMDAwMDAwMDAwMDAwMDAwXQ"])
def test_a_forged_cursor_shows_the_first_page(client_for, bob, companies, forged):
    response = client_for(bob).get(url("company_list"), {"after": forged})

    assert response.status_code == 200
    assert len(row_ids(response)) == 2


@pytest.mark.django_db
def test_htmx_search_answers_with_the_results_only(client_for, carol, companies):
    response = client_for(carol).get(
        url("company_list"), {"q": "hooli"}, HTTP_HX_TARGET="company-results", **HTMX
    )

    assert "<html" not in response.content.decode()
    assert row_ids(response) == [companies["hooli"].pk]


@pytest.mark.django_db
def test_a_row_is_edited_in_place(client_for, bob, companies, unscoped):
    enel = companies["enel"]
    client = client_for(bob)

    form = client.get(url("company_row", pk=enel.pk), {"edit": "1"}, **HTMX).content.decode()
    response = client.post(
        url("company_row", pk=enel.pk),
        {"name": "Enel X", "type": "", "sector": companies["energy"].pk},
        **HTMX,
    )

    assert form.startswith(f'<tr id="company-{enel.pk}" class="editing">')
    assert response.status_code == 200
    assert response.content.decode().startswith(f'<tr id="company-{enel.pk}">')
    assert "<strong>Enel X</strong>" in response.content.decode()
    enel = Company.objects.get(pk=enel.pk)
    assert (enel.name, enel.type, enel.vat_number) == ("Enel X", None, "IT00743110157")


@pytest.mark.django_db
def test_a_bad_row_edit_answers_400_and_changes_nothing(client_for, bob, companies, unscoped):
    enel = companies["enel"]

    response = client_for(bob).post(
        url("company_row", pk=enel.pk), {"name": "", "sector": "999999"}, **HTMX
    )

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Company.objects.get(pk=enel.pk).name == "Enel Green Power"


@pytest.mark.django_db
def test_a_row_cannot_take_a_type_of_another_organization(
    client_for, bob, globex, companies, unscoped
):
    foreign = factories.RecordTypeFactory(organization=globex, name="Foreign")

    response = client_for(bob).post(
        url("company_row", pk=companies["hooli"].pk),
        {"name": "Hooli", "type": foreign.pk},
        **HTMX,
    )

    assert response.status_code == 400
    assert Company.objects.get(pk=companies["hooli"].pk).type is None


@pytest.mark.django_db
def test_a_row_is_deleted_in_place_by_its_creator(client_for, carol, companies, unscoped):
    response = client_for(carol).post(url("company_delete", pk=companies["hooli"].pk), **HTMX)

    assert response.status_code == 200
    assert "<tr" not in response.text and 'hx-swap-oob="true"' in response.text
    assert not Company.objects.filter(pk=companies["hooli"].pk).exists()


def row_of(html: str, company) -> str:
    start = html.index(f'<tr id="company-{company.pk}">')
    return html[start : html.index("</tr>", start)]


@pytest.mark.django_db
def test_a_row_shows_type_sector_first_email_and_phone_and_the_rights_of_the_reader(
    client_for, bob, carol, acme, companies
):
    enel, initech = companies["enel"], companies["initech"]
    with scopes_disabled():
        enel.emails.create(organization=acme, email="later@enelgp.example", position=1)
    html = client_for(carol).get(url("company_list")).content.decode()

    enel_row = row_of(html, enel)
    assert (
        f'<a href="{url("company_detail", pk=enel.pk)}"><strong>Enel Green Power</strong></a>'
        in enel_row
    )
    assert "<td>Client</td>" in enel_row and "<td>Energy</td>" in enel_row
    assert '<a href="mailto:info@enelgp.example">info@enelgp.example</a>' in enel_row
    assert "later@enelgp.example" not in enel_row
    assert '<td class="phone">+39 06 830 5100</td>' in enel_row
    assert f'hx-get="{url("company_row", pk=enel.pk)}?edit=1"' in enel_row
    assert f'hx-post="{url("company_delete", pk=enel.pk)}"' in enel_row
    assert '<span class="badge private">Private</span>' in row_of(html, initech)
    single = client_for(carol).get(url("company_row", pk=enel.pk), **HTMX).content.decode()
    assert row_of(single, enel) == enel_row

    # bob, a member who created nothing: no Delete, and the private company is not his.
    as_bob = client_for(bob).get(url("company_list")).content.decode()
    assert f'hx-post="{url("company_delete", pk=enel.pk)}"' not in as_bob
    assert f'hx-get="{url("company_row", pk=enel.pk)}?edit=1"' in as_bob
    assert f'id="company-{initech.pk}"' not in as_bob


@pytest.mark.django_db
def test_the_company_list_costs_nine_queries_however_many_rows(
    client_for, carol, acme, companies, django_assert_max_num_queries
):
    client = client_for(carol)
    client.get(url("company_list"))
    with django_assert_max_num_queries(9):
        client.get(url("company_list"))
    with scopes_disabled():
        for index in range(30):
            company = factories.CompanyFactory(organization=acme, created_by=carol)
            company.emails.create(organization=acme, email=f"more{index}@example.com")
            company.phones.create(organization=acme, number="+390212345678")
    with django_assert_max_num_queries(9):
        assert client.get(url("company_list")).status_code == 200
