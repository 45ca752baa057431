"""Exporting what a list shows (issue 17): CSV, XLSX and vCard, the list's filter, nothing
the reader cannot see, formulas neutralized, and a round trip into another organization."""

import csv
import io

import pytest
import vobject
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from companies.models import Affiliation
from contacts.models import Contact
from organizations.models import RecordType, Role
from organizations.scoping import scope, scopes_disabled
from tests import factories
from tests.transfers.test_duplication import new_company, new_contact
from transfers import exports
from transfers.models import ImportJob, ImportStatus

pytestmark = pytest.mark.django_db


def export_url(kind="contacts", fmt="csv", slug="acme") -> str:
    return reverse("directory_export", kwargs={"slug": slug, "kind": kind, "fmt": fmt})


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_a_csv_export_has_what_the_list_shows_and_nothing_private(
    client_for, alice, bob, carol, acme
):
    new_contact(acme, alice, "Ada", "Lovelace", emails=[{"email": "ada@example.com"}])
    new_contact(acme, alice, "Alan", "Turing")
    new_contact(acme, carol, "Secret", "Person", visibility="private")
    response = client_for(bob).get(export_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="contacts-acme-')
    rows = csv_rows(response)
    assert rows[0][:2] == ["First name", "Last name"]
    assert sorted(row[1] for row in rows[1:]) == ["Lovelace", "Turing"]
    # The list's search and filters apply.
    rows = csv_rows(client_for(bob).get(export_url() + "?q=lovelace"))
    assert [row[1] for row in rows[1:]] == ["Lovelace"]
    # carol, who created the private contact, gets it.
    rows = csv_rows(client_for(carol).get(export_url() + "?visibility=private"))
    assert [row[1] for row in rows[1:]] == ["Person"]


def test_guests_outsiders_and_visitors_get_no_export(client_for, gina, mallory, acme, alice):
    new_contact(acme, alice, "Ada", "Lovelace")
    for kind in ("contacts", "companies"):
        for fmt in ("csv", "xlsx", "vcf"):
            assert client_for(gina).get(export_url(kind, fmt)).status_code == 403
            assert client_for(mallory).get(export_url(kind, fmt)).status_code == 404
            assert client_for(None).get(export_url(kind, fmt)).status_code == 302
    assert client_for(alice).get(export_url("people", "csv")).status_code == 404
    assert client_for(alice).get(export_url("contacts", "pdf")).status_code == 404


def test_formulas_are_neutralized(client_for, alice, acme):
    new_contact(
        acme,
        alice,
        '=HYPERLINK("http://evil")',
        "+SUM(A1)",
        role="@cmd",
        description="-2+3",
    )
    rows = csv_rows(client_for(alice).get(export_url()))
    header, row = rows[0], rows[1]
    values = dict(zip(header, row, strict=True))
    assert values["First name"] == '\'=HYPERLINK("http://evil")'
    assert values["Last name"] == "'+SUM(A1)"
    assert values["Role"] == "'@cmd"
    assert values["Description"] == "'-2+3"
    assert exports.neutralize("\tx") == "'\tx" and exports.neutralize("\rx") == "'\rx"
    assert exports.neutralize("plain") == "plain"


def test_the_xlsx_export_opens_with_the_same_columns(client_for, alice, acme):
    from openpyxl import load_workbook

    new_company(acme, alice, "Initech", phones=[{"number": "+390212345678"}])
    response = client_for(alice).get(export_url("companies", "xlsx"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    assert rows[0][0] == "Name"
    values = dict(zip(rows[0], rows[1], strict=True))
    assert values["Name"] == "Initech"
    assert values["Phone 1"] == "'+390212345678"


def test_the_vcard_export_reads_back(client_for, alice, acme):
    company = new_company(acme, alice, "Initech")
    ada = new_contact(
        acme,
        alice,
        "Ada",
        "Lovelace",
        role="Analyst",
        emails=[{"email": "ada@example.com", "label": "home"}],
        phones=[{"number": "+390212345678", "label": "mobile"}],
        addresses=[{"street": "Via Roma 1", "city": "Milano", "country": "IT"}],
    )
    with scope(organization=acme):
        Affiliation.objects.create(organization=acme, contact=ada, company=company, is_primary=True)
    response = client_for(alice).get(export_url("contacts", "vcf"))
    text = b"".join(response.streaming_content).decode()
    (card,) = list(vobject.readComponents(text))
    assert card.n.value.family == "Lovelace" and card.fn.value == "Ada Lovelace"
    assert card.org.value == ["Initech"] and card.title.value == "Analyst"
    assert card.email.value == "ada@example.com"
    assert card.tel.value == "+390212345678"
    assert card.adr.value.city == "Milano"


def test_an_export_walks_the_selection_in_chunks(client_for, alice, acme, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_CHUNK", 2)
    for n in range(5):
        new_contact(acme, alice, f"P{n}", f"L{n}", emails=[{"email": f"p{n}@example.com"}])
    rows = csv_rows(client_for(alice).get(export_url()))
    assert sorted(row[1] for row in rows[1:]) == [f"L{n}" for n in range(5)]


def snapshot(org) -> list[tuple]:
    """Every contact of `org` with its fields and contact points, without ids."""
    with scopes_disabled():  # the test's own assertions
        found = []
        for contact in (
            Contact.objects.filter(organization=org)
            .select_related("type")
            .prefetch_related("emails", "phones", "addresses", "affiliations__company")
            .order_by("last_name")
        ):
            found.append(
                (
                    contact.first_name,
                    contact.last_name,
                    contact.role,
                    contact.fiscal_code,
                    contact.vat_number,
                    contact.tax_country,
                    contact.pec,
                    contact.visibility,
                    contact.description,
                    contact.type.name if contact.type else None,
                    [(e.position, e.label, e.email) for e in contact.emails.all()],
                    [(p.position, p.label, p.number) for p in contact.phones.all()],
                    [
                        (a.position, a.label, a.street, a.postal_code, a.city, a.region, a.country)
                        for a in contact.addresses.all()
                    ],
                    sorted((a.company.name, a.is_primary) for a in contact.affiliations.all()),
                )
            )
        return found


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_into_another_organization_gives_identical_records(
    client_for, alice, acme, globex, mallory, fmt
):
    factories.MembershipFactory(organization=globex, user=alice, role=Role.MEMBER)
    with scopes_disabled():
        client_type, _created = RecordType.objects.get_or_create(organization=acme, name="Client")
    company = new_company(acme, alice, "Initech")
    ada = new_contact(
        acme,
        alice,
        "Ada",
        "Lovelace",
        role="Analyst",
        fiscal_code="RCCMNL83S18D969H",
        pec="ada@pec.it",
        description="Wrote the first program.\n-- note",
        type=client_type,
        emails=[
            {"email": "ada@example.com", "label": "work"},
            {"email": "ada@home.example", "label": "home"},
            {"email": "a@other.example", "label": "other"},
        ],
        phones=[
            {"number": "+390212345678", "label": "work"},
            {"number": "+393331234567", "label": "mobile"},
            {"number": "+442079460000", "label": "fax"},
        ],
        addresses=[
            {
                "label": "home",
                "street": "Via Roma 1",
                "postal_code": "20100",
                "city": "Milano",
                "region": "MI",
                "country": "IT",
            },
            {"label": "billing", "street": "1 Main St", "city": "London", "country": "GB"},
        ],
    )
    with scope(organization=acme):
        Affiliation.objects.create(organization=acme, contact=ada, company=company, is_primary=True)
    new_contact(
        acme,
        alice,
        "Grace",
        "Hopper",
        visibility="private",
        vat_number="IT00743110157",
        description="- wrote the first compiler",
        role="=Admiral",
    )
    client = client_for(alice)
    response = client.get(export_url("contacts", fmt))
    data = b"".join(response.streaming_content)
    response = client.post(
        reverse("import_list", kwargs={"slug": "globex"}),
        {"kind": "contacts", "file": SimpleUploadedFile(f"export.{fmt}", data)},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    with scopes_disabled():
        job = ImportJob.objects.get(organization=globex)
    assert "" not in job.mapping  # every exported column is recognised
    client.post(
        reverse("import_detail", kwargs={"slug": "globex", "pk": job.pk}),
        {f"column_{i}": key for i, key in enumerate(job.mapping)},
    )
    client.post(reverse("import_run", kwargs={"slug": "globex", "pk": job.pk}), {"mode": "all"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, (job.error, job.checked)
    assert job.counts["create"] == 2
    assert snapshot(globex) == snapshot(acme)


def test_an_export_costs_a_fixed_number_of_queries_per_chunk(
    client_for, alice, acme, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(exports, "EXPORT_CHUNK", 10)
    company = new_company(acme, alice, "Initech")
    for n in range(30):
        contact = new_contact(
            acme,
            alice,
            f"P{n}",
            f"L{n}",
            emails=[{"email": f"p{n}@example.com"}],
            phones=[{"number": "+390212345678"}],
        )
        with scope(organization=acme):
            Affiliation.objects.create(
                organization=acme, contact=contact, company=company, is_primary=True
            )
    client = client_for(alice)
    # The session (read, then saved: three statements) and the membership, the types and
    # sectors, then per chunk of 10: the records, three kinds of contact points, primary
    # companies; and the empty chunk that ends it.
    with django_assert_max_num_queries(5 + 2 + 3 * 5 + 1):
        rows = csv_rows(client.get(export_url()))
    assert len(rows) == 31


def test_companies_round_trip_into_another_organization(client_for, alice, acme, globex, mallory):
    factories.MembershipFactory(organization=globex, user=alice, role=Role.MEMBER)
    new_company(
        acme,
        alice,
        "Initech",
        vat_number="IT00743110157",
        pec="initech@pec.it",
        description="+ software",
        emails=[{"email": "info@initech.example", "label": "work"}],
        phones=[{"number": "+390212345678", "label": "fax"}],
        addresses=[{"label": "headquarters", "street": "Via Roma 1", "city": "Milano"}],
    )
    client = client_for(alice)
    data = b"".join(client.get(export_url("companies", "csv")).streaming_content)
    client.post(
        reverse("import_list", kwargs={"slug": "globex"}),
        {"kind": "companies", "file": SimpleUploadedFile("companies.csv", data)},
    )
    with scopes_disabled():
        job = ImportJob.objects.get(organization=globex)
    client.post(
        reverse("import_detail", kwargs={"slug": "globex", "pk": job.pk}),
        {f"column_{i}": key for i, key in enumerate(job.mapping)},
    )
    client.post(reverse("import_run", kwargs={"slug": "globex", "pk": job.pk}), {"mode": "all"})
    job.refresh_from_db()
    assert job.counts["create"] == 1, (job.error, job.checked)

    def companies(org):
        from companies.models import Company

        with scopes_disabled():
            return [
                (
                    c.name,
                    c.vat_number,
                    c.pec,
                    c.description,
                    c.visibility,
                    [(e.position, e.label, e.email) for e in c.emails.all()],
                    [(p.position, p.label, p.number) for p in c.phones.all()],
                    [(a.position, a.label, a.street, a.city) for a in c.addresses.all()],
                )
                for c in Company.objects.filter(organization=org)
            ]

    assert companies(globex) == companies(acme)
