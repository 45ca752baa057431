"""The Duplicates page: candidate pairs among visible records, with a score and reason."""

import pytest
from django.urls import reverse

from organizations.scoping import scope
from tests import factories

pytestmark = pytest.mark.django_db


def url(**params):
    path = reverse("duplicate_list", kwargs={"slug": "acme"})
    return path + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


@pytest.fixture
def records(acme, bob, carol):
    with scope(organization=acme):
        initech = factories.CompanyFactory(organization=acme, name="Initech")
        ada = factories.ContactFactory(organization=acme, first_name="Ada", last_name="Lovelace")
        ada2 = factories.ContactFactory(organization=acme, first_name="Ada", last_name="Lovelac")
        factories.AffiliationFactory(contact=ada, company=initech)
        factories.AffiliationFactory(contact=ada2, company=initech)
        mail1 = factories.ContactFactory(organization=acme, first_name="Mail", last_name="One")
        mail2 = factories.ContactFactory(organization=acme, first_name="Mail", last_name="Two")
        mail1.emails.create(organization=acme, email="same@mail.test", position=0)
        mail2.emails.create(organization=acme, email="same@mail.test", position=0)
        tel1 = factories.ContactFactory(organization=acme, first_name="Tel", last_name="One")
        tel2 = factories.ContactFactory(organization=acme, first_name="Tel", last_name="Two")
        tel1.phones.create(organization=acme, number="+390255555555", position=0)
        tel2.phones.create(organization=acme, number="+390255555555", position=0)
        vat1 = factories.ContactFactory(
            organization=acme, first_name="Vat", last_name="One", vat_number="IT00743110157"
        )
        vat2 = factories.ContactFactory(
            organization=acme, first_name="Vat", last_name="Two", vat_number="IT00743110157"
        )
        secret = factories.ContactFactory(
            organization=acme,
            first_name="Secret",
            last_name="Twin",
            visibility="private",
            created_by=carol,
        )
        secret.emails.create(organization=acme, email="same@mail.test", position=1)
        for name in ("Acme A", "Acme B"):
            factories.CompanyFactory(organization=acme, name=name, vat_number="IT00743110157")
    return locals()


def test_pairs_by_every_reason_with_a_merge_link(records, bob, client_for):
    response = client_for(bob).get(url())
    assert response.status_code == 200
    page = response.content.decode()
    for first, second, reason in [
        ("ada", "ada2", "similar name at the same company"),
        ("mail1", "mail2", "same email"),
        ("tel1", "tel2", "same phone"),
        ("vat1", "vat2", "same VAT number"),
    ]:
        a, b = records[first], records[second]
        row = page[page.index(f'id="pair-{a.pk}-{b.pk}"') :]
        row = row[: row.index("</tr>")]
        assert reason in row
        assert f"?ids={a.pk},{b.pk}" in row
    # carol's private contact shares the email: bob never sees it named.
    assert "Secret" not in page
    assert 'id="pair-' in page


def test_the_private_pair_shows_to_its_creator(records, carol, client_for):
    page = client_for(carol).get(url()).content.decode()
    assert "Secret Twin" in page


def test_companies_by_vat(records, bob, client_for):
    page = client_for(bob).get(url(kind="companies")).content.decode()
    assert "Acme A" in page and "Acme B" in page and "same VAT number" in page


def test_the_page_costs_the_same_queries_with_more_pairs(
    records, acme, bob, client_for, django_assert_max_num_queries
):
    client = client_for(bob)
    client.get(url())
    with django_assert_max_num_queries(14) as few:
        client.get(url())
    with scope(organization=acme):
        for n in range(30):
            a = factories.ContactFactory(organization=acme)
            b = factories.ContactFactory(organization=acme)
            a.emails.create(organization=acme, email=f"dup{n}@mail.test", position=0)
            b.emails.create(organization=acme, email=f"dup{n}@mail.test", position=0)
    with django_assert_max_num_queries(len(few)) as many:
        response = client.get(url())
    assert response.content.decode().count('id="pair-') == 25  # one page
    assert len(many) == len(few)
