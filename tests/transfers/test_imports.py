"""Importing contacts and companies (issue 17): upload, mapping, check, run, report, revert.

alice owns Acme (and is a member of Globex, for the round trip), bob and carol are
members, gina a guest. Files are posted through the pages, as a browser would; the
small imports run in the request (IMPORT_INLINE_ROWS), larger ones in the worker (run
immediately in tests).
"""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from companies.models import Affiliation, Company
from contacts.models import Contact, ContactEmail, ContactPhone
from history.models import Change
from organizations.models import RecordType, Role
from organizations.scoping import scope, scopes_disabled
from tests import factories
from tests.transfers.test_duplication import new_company, new_contact
from transfers.models import ImportJob, ImportMapping, ImportRow, ImportStatus

pytestmark = pytest.mark.django_db

HEADER = "First name,Last name,Email,Phone,Company,Role\n"


def upload(client, text, *, kind="contacts", name="people.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        reverse("import_list", kwargs={"slug": "acme"}),
        {"kind": kind, "file": SimpleUploadedFile(name, data)},
    )


def last_job() -> ImportJob:
    with scopes_disabled():  # the test's own assertions
        return ImportJob.objects.order_by("-pk").first()


def confirm_mapping(client, job, mapping=None):
    mapping = job.mapping if mapping is None else mapping
    data = {f"column_{i}": key for i, key in enumerate(mapping)}
    return client.post(reverse("import_detail", kwargs={"slug": "acme", "pk": job.pk}), data)


def run(client, job, mode="valid"):
    return client.post(reverse("import_run", kwargs={"slug": "acme", "pk": job.pk}), {"mode": mode})


def import_file(client, text, *, kind="contacts", name="people.csv", mode="valid"):
    """Upload, keep the guessed mapping, check, run: the import as it ended."""
    response = upload(client, text, kind=kind, name=name)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = last_job()
    assert confirm_mapping(client, job).status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED, job.error
    run(client, job, mode)
    job.refresh_from_db()
    return job


def contacts(org) -> list[Contact]:
    with scopes_disabled():  # the test's own assertions
        return list(
            Contact.objects.filter(organization=org)
            .prefetch_related("emails", "phones", "addresses")
            .order_by("pk")
        )


def test_upload_guesses_the_columns_and_the_check_counts_each_row(client_for, alice, acme):
    client = client_for(alice)
    new_contact(acme, alice, "Ada", "Lovelace", emails=[{"email": "ada@example.com"}])
    text = (
        "Nome;Cognome;E-mail;Telefono\n"
        "Ada;Lovelace;ADA@example.com;\n"
        "Grace;Hopper;grace@example.com;02 1234 5678\n"
        "Bad;Phone;bad@example.com;12\n"
        ";;;\n"
        "Alan;Turing;not-an-email;\n"
    )
    assert upload(client, text).status_code == 302
    job = last_job()
    assert job.mapping == ["first_name", "last_name", "email_1", "phone_1"]
    assert job.rows_total == 4  # the empty line is no row
    page = client.get(reverse("import_detail", kwargs={"slug": "acme", "pk": job.pk}))
    assert b"import-mapping" in page.content
    confirm_mapping(client, job)
    job.refresh_from_db()
    assert job.checked["create"] == 1
    assert job.checked["update"] == 0
    assert job.checked["skip"] == 1  # Ada: matched by email, nothing new
    assert job.checked["error"] == 2
    page = client.get(reverse("import_detail", kwargs={"slug": "acme", "pk": job.pk}))
    text_page = page.content.decode()
    assert "not-an-email" in text_page and "is not a valid email address" in text_page
    assert "is not a valid phone number" in text_page
    assert len(contacts(acme)) == 1  # the check wrote nothing
    with scopes_disabled():
        assert ImportMapping.objects.get(organization=acme, kind="contacts").columns["Nome"] == (
            "first_name"
        )


def test_valid_rows_are_imported_normalized_and_errors_come_back_as_a_csv(client_for, alice, acme):
    client = client_for(alice)
    text = (
        HEADER
        + "Grace,Hopper,Grace@Example.com,02 1234 5678,Navy,Admiral\n"
        + "Bad,Row,bad@,,,\n"
        + "Linus,Torvalds,linus@example.com,+1 650 253 0000,,\n"
    )
    job = import_file(client, text)
    assert job.status == ImportStatus.DONE
    assert job.counts["create"] == 2 and job.counts["error"] == 1
    grace, linus = contacts(acme)
    assert [e.email for e in grace.emails.all()] == ["grace@example.com"]
    assert [p.number for p in grace.phones.all()] == ["+390212345678"]
    assert grace.created_by == alice and grace.role == "Admiral"
    with scopes_disabled():
        navy = Affiliation.objects.get(contact=grace)
        assert navy.company.name == "Navy" and navy.is_primary
        # history says where the changes came from
        assert set(Change.objects.filter(contact_id=grace.pk).values_list("source", flat=True)) == {
            "import"
        }
    response = client.get(reverse("import_errors", kwargs={"slug": "acme", "pk": job.pk}))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == [*HEADER.strip().split(","), "Errors"]
    assert rows[1][:2] == ["Bad", "Row"]
    assert "bad@" in rows[1][-1]
    # The fixed error file imports as it is (its Errors column is ignored).
    fixed = body.replace("bad@", "bad@example.com")
    again = import_file(client, fixed, name="people-errors.csv")
    assert again.counts["create"] == 1 and again.counts["error"] == 0
    assert len(contacts(acme)) == 3


def test_all_or_nothing_imports_nothing_when_a_row_is_wrong(client_for, alice, acme):
    client = client_for(alice)
    response = upload(client, HEADER + "Ok,Row,ok@example.com,,,\nBad,Row,bad@,,,\n")
    assert response.status_code == 302
    job = last_job()
    confirm_mapping(client, job)
    response = run(client, job, mode="all")
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED  # refused before it starts: the check found an error
    assert contacts(acme) == []
    page = client.get(response.url, follow=True)
    assert "all-or-nothing" in page.content.decode()


def test_all_or_nothing_rolls_back_a_run_that_meets_an_error(client_for, alice, acme):
    # The file was checked clean, but a row is wrong by the time it runs: nothing stays.
    client = client_for(alice)
    upload(client, HEADER + "Ok,Row,ok@example.com,,Navy,\nBad,Row,bad@,,,\n")
    job = last_job()
    confirm_mapping(client, job)
    with scopes_disabled():
        ImportJob.objects.filter(pk=job.pk).update(checked={"error": 0})
    run(client, job, mode="all")
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "nothing was imported" in job.error
    assert contacts(acme) == []
    with scopes_disabled():
        assert not Company.objects.filter(organization=acme).exists()
        assert list(ImportRow.objects.filter(job=job).values_list("action", flat=True)) == ["error"]
    response = client.get(reverse("import_errors", kwargs={"slug": "acme", "pk": job.pk}))
    assert response.status_code == 200


def test_all_or_nothing_imports_everything_when_every_row_is_right(client_for, alice, acme):
    job = import_file(
        client_for(alice), HEADER + "A,One,a@example.com,,,\nB,Two,b@example.com,,,\n", mode="all"
    )
    assert job.status == ImportStatus.DONE and job.counts["create"] == 2
    assert len(contacts(acme)) == 2


def test_an_update_by_email_keeps_the_other_values_and_adds_up_to_three(client_for, alice, acme):
    ada = new_contact(
        acme,
        alice,
        "Ada",
        "Lovelace",
        role="Analyst",
        emails=[{"email": "ada@example.com"}, {"email": "ada@home.example"}],
        phones=[{"number": "+390212345678"}],
    )
    text = (
        "First name,Last name,Email 1,Email 2,Email 3,Phone,Role\n"
        "Ada,Lovelace,ada@example.com,new@example.com,extra@example.com,+390212345678,\n"
    )
    job = import_file(client_for(alice), text)
    assert job.counts["update"] == 1
    ada.refresh_from_db()
    assert ada.role == "Analyst"  # an empty cell changes nothing
    with scopes_disabled():
        emails = list(ada.emails.order_by("position").values_list("email", flat=True))
        phones = list(ada.phones.values_list("number", flat=True))
        row = ImportRow.objects.get(job=job, action="update")
    assert emails == ["ada@example.com", "ada@home.example", "new@example.com"]
    assert phones == ["+390212345678"]
    assert any("extra@example.com" in message for message in row.messages)  # did not fit
    page = client_for(alice).get(reverse("import_detail", kwargs={"slug": "acme", "pk": job.pk}))
    assert "extra@example.com" in page.content.decode()  # the report lists the notes


def test_companies_update_by_vat_number(client_for, alice, acme):
    initech = new_company(acme, alice, "Initech", vat_number="IT00743110157", pec="old@pec.it")
    text = "Name,VAT number,PEC,Sector\nInitech Spa,00743110157,,ICT\nNew Co,,new@pec.it,\n"
    job = import_file(client_for(alice), text, kind="companies", name="companies.csv")
    assert job.counts == {**job.counts, "update": 1, "create": 1, "error": 0}
    initech.refresh_from_db()
    assert initech.name == "Initech Spa" and initech.pec == "old@pec.it"
    assert initech.sector.name == "ICT"
    with scopes_disabled():
        assert Company.objects.filter(organization=acme).count() == 2


def test_an_import_never_updates_a_record_the_importer_cannot_see(client_for, bob, carol, acme):
    hidden = new_contact(
        acme, carol, "Secret", "Person", visibility="private", emails=[{"email": "s@example.com"}]
    )
    job = import_file(client_for(bob), HEADER + "Other,Name,s@example.com,,,\n")
    assert job.counts["create"] == 1 and job.counts["update"] == 0
    hidden.refresh_from_db()
    assert hidden.first_name == "Secret"
    assert len(contacts(acme)) == 2


def test_only_the_creator_changes_the_visibility(client_for, alice, bob, acme):
    ada = new_contact(acme, alice, "Ada", "Lovelace", emails=[{"email": "ada@example.com"}])
    text = "Email,Visibility,Role\nada@example.com,private,Countess\n"
    job = import_file(client_for(bob), text)
    ada.refresh_from_db()
    assert ada.visibility == "public" and ada.role == "Countess"
    with scopes_disabled():
        row = ImportRow.objects.get(job=job, action="update")
    assert any("visibility" in message for message in row.messages)


def test_duplicates_inside_the_file_are_errors(client_for, alice, acme):
    job = import_file(
        client_for(alice), HEADER + "A,One,same@example.com,,,\nB,Two,SAME@example.com,,,\n"
    )
    assert job.counts["create"] == 1 and job.counts["error"] == 1


def test_revert_trashes_what_it_created_and_puts_back_what_it_changed(client_for, alice, acme):
    ada = new_contact(
        acme, alice, "Ada", "Lovelace", role="Analyst", emails=[{"email": "ada@example.com"}]
    )
    client = client_for(alice)
    text = (
        "First name,Last name,Email 1,Email 2,Role,Company\n"
        "Ada,Lovelace,ada@example.com,second@example.com,Countess,\n"
        "Grace,Hopper,grace@example.com,,Admiral,Navy\n"
    )
    job = import_file(client, text)
    assert job.counts["create"] == 1 and job.counts["update"] == 1
    response = client.post(reverse("import_revert", kwargs={"slug": "acme", "pk": job.pk}))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.REVERTED
    assert job.revert_report["trashed"] == 1 and job.revert_report["restored"] == 1
    ada.refresh_from_db()
    assert ada.role == "Analyst"
    with scopes_disabled():
        assert list(ada.emails.values_list("email", flat=True)) == ["ada@example.com"]
        assert not Company.objects.filter(organization=acme, name="Navy").exists()
        from trash.models import TrashBatch

        assert TrashBatch.objects.filter(organization=acme).count() == 2  # Grace, and Navy
    assert [c.first_name for c in contacts(acme)] == ["Ada"]
    # A second revert is refused.
    client.post(reverse("import_revert", kwargs={"slug": "acme", "pk": job.pk}))
    job.refresh_from_db()
    assert job.status == ImportStatus.REVERTED


def test_a_vcard_with_a_photo_and_odd_encodings(client_for, alice, acme):
    vcf = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Müller;Jürgen;;;\r\nFN:Jürgen Müller\r\n"
        "ORG:Straße GmbH\r\nTITLE:Geschäftsführer\r\n"
        "EMAIL;TYPE=INTERNET,WORK:juergen@example.de\r\nTEL;TYPE=CELL:+49 30 12345678\r\n"
        "ADR;TYPE=WORK:;;Hauptstraße 1;Berlin;;10115;Germany\r\n"
        "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////\r\n"
        "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:caf=C3=A9\r\n"
        "END:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Zoë Ånström\r\nEMAIL:zoe@example.se\r\nEND:VCARD\r\n"
    ).encode()
    job = import_file(client_for(alice), vcf, name="cards.vcf")
    assert job.counts["create"] == 2, job.counts
    juergen, zoe = contacts(acme)
    assert (juergen.first_name, juergen.last_name, juergen.role) == (
        "Jürgen",
        "Müller",
        "Geschäftsführer",
    )
    assert [p.number for p in juergen.phones.all()] == ["+493012345678"]
    assert [(a.city, a.country) for a in juergen.addresses.all()] == [("Berlin", "DE")]
    assert (zoe.first_name, zoe.last_name) == ("Zoë", "Ånström")


def test_a_broken_file_is_refused_with_a_message(client_for, alice, acme):
    response = upload(client_for(alice), b"PK\x03\x04garbage", name="people.xlsx")
    assert response.status_code == 400
    assert "Excel" in response.content.decode()
    response = upload(client_for(alice), b"", name="empty.csv")
    assert response.status_code == 400
    with scopes_disabled():
        assert not ImportJob.objects.exists()


def test_a_wrong_mapping_is_refused(client_for, alice, acme):
    client = client_for(alice)
    upload(client, "A,B\nx,y\n")
    job = last_job()
    response = confirm_mapping(client, job, ["role", "role"])
    assert response.status_code == 400
    job.refresh_from_db()
    assert job.status == ImportStatus.MAPPING


def test_xlsx_import(client_for, alice, acme):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["First name", "Last name", "Email", "Phone"])
    sheet.append(["Ada", "Lovelace", "ada@example.com", "+39 02 1234 5678"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = import_file(client_for(alice), buffer.getvalue(), name="people.xlsx")
    assert job.counts["create"] == 1
    (ada,) = contacts(acme)
    assert [p.number for p in ada.phones.all()] == ["+390212345678"]


def test_a_large_import_runs_in_the_worker(
    client_for, alice, acme, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_ROWS = 2
    client = client_for(alice)
    text = HEADER + "".join(f"P{i},L{i},p{i}@example.com,,,\n" for i in range(5))
    upload(client, text)
    job = last_job()
    with django_capture_on_commit_callbacks(execute=True):
        confirm_mapping(client, job)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED and job.checked["create"] == 5
    with django_capture_on_commit_callbacks(execute=True):
        run(client, job)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.counts["create"] == 5
    assert job.rows_done == 5


def test_another_users_import_is_a_404(client_for, alice, bob, acme):
    client = client_for(alice)
    upload(client, HEADER + "A,B,a@example.com,,,\n")
    job = last_job()
    client = client_for(bob)
    for name in ("import_detail", "import_errors"):
        assert client.get(reverse(name, kwargs={"slug": "acme", "pk": job.pk})).status_code == 404
    for name in ("import_run", "import_revert"):
        assert client.post(reverse(name, kwargs={"slug": "acme", "pk": job.pk})).status_code == 404
    assert confirm_mapping(client, job).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportStatus.MAPPING


def test_a_guest_cannot_import(client_for, gina, acme):
    response = upload(client_for(gina), HEADER + "A,B,a@example.com,,,\n")
    assert response.status_code == 403
    with scopes_disabled():
        assert not ImportJob.objects.exists()


def test_the_progress_fragment_polls_while_busy(client_for, alice, acme):
    client = client_for(alice)
    upload(client, HEADER + "A,B,a@example.com,,,\n")
    job = last_job()
    with scopes_disabled():
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, rows_done=0)
    response = client.get(
        reverse("import_detail", kwargs={"slug": "acme", "pk": job.pk}),
        headers={"HX-Request": "true", "HX-Target": "import-job"},
    )
    assert b'hx-trigger="every 1s"' in response.content
    assert b"<html" not in response.content


def test_guessed_mapping_remembers_the_organizations_last_choice(client_for, alice, acme):
    client = client_for(alice)
    upload(client, "Cellulare privato,Nome,Cognome\n333 1234567,A,B\n")
    job = last_job()
    assert job.mapping[0] == ""
    confirm_mapping(client, job, ["phone_1", "first_name", "last_name"])
    upload(client, "Nome,Cellulare privato,Cognome\nC,333 7654321,D\n")
    assert last_job().mapping == ["first_name", "phone_1", "last_name"]


def test_a_member_of_both_organizations_sees_types_created_by_name(client_for, alice, acme):
    with scopes_disabled():
        RecordType.objects.get_or_create(organization=acme, name="Client")
    job = import_file(client_for(alice), "First name,Last name,Type\nA,B,client\nC,D,Reseller\n")
    assert job.counts["create"] == 2
    a, c = contacts(acme)
    with scope(organization=acme):
        assert a.type.name == "Client" and c.type.name == "Reseller"


@pytest.mark.parametrize("role", [Role.MEMBER, Role.OWNER])
def test_members_and_owners_may_import(client_for, acme, role):
    user = factories.member(acme, role)
    job = import_file(client_for(user), HEADER + "A,B,a@example.com,,,\n")
    assert job.counts["create"] == 1
    with scopes_disabled():
        assert ContactEmail.objects.filter(organization=acme).count() == 1
        assert ContactPhone.objects.filter(organization=acme).count() == 0


def test_repeated_email_and_phone_headers_fill_the_next_slots(client_for, alice, acme):
    upload(client_for(alice), "Name,Email,Email,Phone,Phone,Email,Email\nA,a@x.it,b@x.it,,,,\n")
    assert last_job().mapping == [
        "",
        "email_1",
        "email_2",
        "phone_1",
        "phone_2",
        "email_3",
        "",
    ]


def test_what_a_revert_trashed_comes_back_from_the_trash(client_for, alice, acme):
    from trash.models import TrashBatch
    from trash.services import restore

    client = client_for(alice)
    text = HEADER + "".join(f"P{n},L{n},p{n}@example.com,02 1234 56{n:02d},,\n" for n in range(4))
    job = import_file(client, text)
    client.post(reverse("import_revert", kwargs={"slug": "acme", "pk": job.pk}))
    assert contacts(acme) == []
    with scopes_disabled():
        (batch,) = TrashBatch.objects.filter(organization=acme)  # one batch for the four
    with scope(organization=acme):
        restore(batch)
    back = contacts(acme)
    assert [c.last_name for c in back] == ["L0", "L1", "L2", "L3"]
    assert [e.email for c in back for e in c.emails.all()] == [
        f"p{n}@example.com" for n in range(4)
    ]


@pytest.mark.parametrize(
    ("busy", "after"),
    [
        (ImportStatus.CHECKING, ImportStatus.MAPPING),
        (ImportStatus.RUNNING, ImportStatus.FAILED),
        (ImportStatus.REVERTING, ImportStatus.DONE),
    ],
)
def test_a_step_whose_worker_died_is_ended_by_its_page(client_for, alice, acme, busy, after):
    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "postgresql":
        pytest.skip("advisory locks: PostgreSQL")
    client = client_for(alice)
    upload(client, HEADER + "A,B,a@example.com,,,\n")
    job = last_job()
    url = reverse("import_detail", kwargs={"slug": "acme", "pk": job.pk})
    with scopes_disabled():
        # Waiting for the worker (not started yet): left alone.
        ImportJob.objects.filter(pk=job.pk).update(status=busy, started_at=None)
    client.get(url)
    job.refresh_from_db()
    assert job.status == busy
    with scopes_disabled():
        # Started, but nobody holds its lock: its worker is gone.
        ImportJob.objects.filter(pk=job.pk).update(status=busy, started_at=timezone.now())
    response = client.get(url)
    job.refresh_from_db()
    assert job.status == after
    assert "interrupted" in response.content.decode()
