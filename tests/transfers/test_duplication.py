"""Copying contacts and companies between organizations (PRODUCT §6).

alice owns Acme (the source) and is a member of Globex (the target, owned by mallory);
bob and carol are members of Acme; gina is a guest of Acme. Records are created through
the services, so details are normalized and mentions resolved as in real use.
"""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attachments import services as attachment_services
from attachments.models import Attachment, StorageUsage
from companies.models import Affiliation, Company
from companies.services import company_create
from contacts.models import Contact, ContactMention
from contacts.services import contact_create
from organizations.models import PLAN_QUOTAS, Plan, RecordType, Role
from organizations.scoping import scope, scopes_disabled
from tests import factories
from transfers import duplication
from transfers.duplication import DuplicationError, DuplicationForbidden, directory_duplicate

pytestmark = pytest.mark.django_db

VAT_A = "IT01234560017"
VAT_B = "IT07654320154"


@pytest.fixture
def target(globex, mallory, alice):
    """Globex, where alice is a member (mallory owns it)."""
    factories.MembershipFactory(organization=globex, user=alice, role=Role.MEMBER)
    return globex


def new_contact(org, user, first="Ada", last="Lovelace", **fields):
    """A contact of `org` created by `user` through the service (details normalized)."""
    details = {key: fields.pop(key) for key in ("emails", "phones", "addresses") if key in fields}
    with scope(organization=org):
        return contact_create(
            organization=org,
            created_by=user,
            fields={"first_name": first, "last_name": last, **fields},
            **details,
        )


def new_company(org, user, name="Initech", **fields):
    details = {key: fields.pop(key) for key in ("emails", "phones", "addresses") if key in fields}
    with scope(organization=org):
        return company_create(
            organization=org, created_by=user, fields={"name": name, **fields}, **details
        )


def copy(source, target, user, **options):
    return directory_duplicate(source=source, target=target, user=user, **options)


def rows(model, org) -> list:
    with scopes_disabled():  # the test's own assertions, across organizations
        return list(model.objects.filter(organization=org).order_by("pk"))


def target_counts(org) -> dict:
    with scopes_disabled():  # the test's own assertions, across organizations
        return {
            model.__name__: model.objects.filter(organization=org).count()
            for model in (Contact, Company, Affiliation, Attachment, ContactMention, RecordType)
        }


# --- Roles -------------------------------------------------------------------------------


def test_a_member_of_the_source_may_not_copy_from_it(acme, target, bob, alice):
    factories.MembershipFactory(organization=target, user=bob, role=Role.MEMBER)
    new_contact(acme, bob)

    with pytest.raises(DuplicationForbidden, match="Only an owner of acme"):
        copy(acme, target, bob)

    assert rows(Contact, target) == []


def test_a_guest_of_the_target_may_not_copy_into_it(acme, globex, alice):
    factories.MembershipFactory(organization=globex, user=alice, role=Role.GUEST)
    new_contact(acme, alice)

    with pytest.raises(DuplicationForbidden, match="owner or member of globex"):
        copy(acme, globex, alice)

    assert rows(Contact, globex) == []


def test_an_owner_may_not_copy_into_an_organization_they_do_not_belong_to(acme, globex, alice):
    new_contact(acme, alice)

    with pytest.raises(DuplicationForbidden):
        copy(acme, globex, alice)


def test_copying_an_organization_into_itself_is_refused(acme, alice):
    new_contact(acme, alice)

    with pytest.raises(DuplicationError, match="another organization"):
        copy(acme, acme, alice)

    assert len(rows(Contact, acme)) == 1


# --- What is copied ----------------------------------------------------------------------


def test_a_copy_keeps_fields_details_type_and_visibility_and_names_the_copier(
    acme, target, alice, carol
):
    client_type = factories.RecordTypeFactory(organization=acme, name="Client")
    energy = factories.SectorFactory(organization=acme, name="Energy")
    new_contact(
        acme,
        carol,
        role="CEO",
        type=client_type,
        vat_number=VAT_A,
        pec="ada@pec.example.com",
        description="Met at the fair.",
        emails=[
            {"label": "work", "email": "Ada@Example.com"},
            {"label": "home", "email": "a@h.it"},
        ],
        phones=[{"label": "mobile", "number": "+390212345678"}],
        addresses=[{"label": "office", "street": "Via Roma 1", "city": "Milano", "country": "it"}],
    )
    new_company(acme, carol, type=client_type, sector=energy, visibility="public")

    report = copy(acme, target, alice)

    (contact,) = rows(Contact, target)
    (company,) = rows(Company, target)
    with scopes_disabled():  # the test's own assertions, across organizations
        assert (contact.first_name, contact.last_name, contact.role) == ("Ada", "Lovelace", "CEO")
        assert contact.vat_number == VAT_A and contact.pec == "ada@pec.example.com"
        assert contact.description == "Met at the fair."
        assert contact.created_by == alice and contact.visibility == "public"
        assert contact.type.organization_id == target.pk and contact.type.name == "Client"
        assert [(e.label, e.email) for e in contact.emails.all()] == [
            ("work", "ada@example.com"),
            ("home", "a@h.it"),
        ]
        assert [p.number for p in contact.phones.all()] == ["+390212345678"]
        assert [(a.street, a.city) for a in contact.addresses.all()] == [("Via Roma 1", "Milano")]
        assert company.sector.organization_id == target.pk and company.sector.name == "Energy"
        assert company.type == contact.type
    assert (report.contacts_copied, report.companies_copied) == (1, 1)


def test_an_existing_type_of_the_target_is_reused_by_name(acme, target, alice):
    factories.RecordTypeFactory(organization=acme, name="Supplier")
    existing = factories.RecordTypeFactory(organization=target, name="Supplier")
    with scopes_disabled():  # the test's own setup
        supplier = RecordType.objects.get(organization=acme, name="Supplier")
    new_contact(acme, alice, type=supplier)

    copy(acme, target, alice)

    assert rows(Contact, target)[0].type_id == existing.pk
    assert len(rows(RecordType, target)) == 1


def test_private_records_of_others_are_never_copied(acme, target, alice, carol):
    new_contact(acme, carol, first="Secret", visibility="private")
    new_contact(acme, carol, first="Shared", visibility="private", description="@alice@example.com")
    new_company(acme, carol, name="Hidden Ltd", visibility="private")

    report = copy(acme, target, alice)

    assert [c.first_name for c in rows(Contact, target)] == ["Shared"]
    assert rows(Company, target) == []
    assert (report.contacts_copied, report.companies_copied) == (1, 0)


@pytest.mark.parametrize("kind", ["contact_ids", "company_ids"])
def test_a_chosen_record_the_user_cannot_see_is_refused_like_a_missing_one(
    acme, target, alice, carol, kind
):
    if kind == "contact_ids":
        hidden = new_contact(acme, carol, visibility="private")
        visible = new_contact(acme, alice)
    else:
        hidden = new_company(acme, carol, visibility="private")
        visible = new_company(acme, alice)

    with pytest.raises(DuplicationError) as invisible:
        copy(acme, target, alice, **{kind: [visible.pk, hidden.pk]})
    with pytest.raises(DuplicationError) as missing:
        copy(acme, target, alice, **{kind: [visible.pk, 999_999]})

    assert str(invisible.value).replace(str(hidden.pk), "N") == str(missing.value).replace(
        "999999", "N"
    )
    assert target_counts(target)["Contact"] == target_counts(target)["Company"] == 0


def test_links_between_copied_contacts_and_companies_are_kept(acme, target, alice):
    ada, bea = new_contact(acme, alice), new_contact(acme, alice, first="Bea")
    initech, umbrella = new_company(acme, alice), new_company(acme, alice, name="Umbrella")
    factories.AffiliationFactory(contact=ada, company=initech, role="CTO", is_primary=True)
    factories.AffiliationFactory(contact=ada, company=umbrella, role="Advisor")
    factories.AffiliationFactory(contact=bea, company=umbrella)

    report = copy(acme, target, alice, contact_ids=[ada.pk], company_ids=[initech.pk, umbrella.pk])

    with scopes_disabled():  # the test's own assertions, across organizations
        links = {
            (a.contact.first_name, a.company.name, a.role, a.is_primary)
            for a in Affiliation.objects.filter(organization=target).select_related(
                "contact", "company"
            )
        }
    assert links == {("Ada", "Initech", "CTO", True), ("Ada", "Umbrella", "Advisor", False)}
    assert report.affiliations == 2


def test_mentions_keep_only_members_of_the_target(acme, target, alice, bob, carol):
    factories.MembershipFactory(organization=target, user=bob, role=Role.MEMBER)
    note = "Ask @bob@example.com and @carol@example.com."
    new_contact(acme, alice, visibility="private", description=note)

    copy(acme, target, alice)

    (contact,) = rows(Contact, target)
    # carol's token becomes plain text: editing the copy later cannot make it a mention.
    assert contact.description == "Ask @bob@example.com and carol@example.com."
    assert {m.user for m in rows(ContactMention, target)} == {bob}
    assert list(Contact.objects.visible_to(bob, target)) == [contact]
    assert not Contact.objects.visible_to(carol, target).exists()
    assert not Contact.objects.visible_to(factories.member(target), target).exists()


def test_a_private_record_mentioning_a_non_member_stays_hidden_from_the_target(
    acme, target, alice, bob
):
    new_contact(acme, alice, visibility="private", description="@bob@example.com")

    copy(acme, target, alice)

    assert rows(ContactMention, target) == []
    assert not Contact.objects.visible_to(bob, target).exists()


# --- Attachments -------------------------------------------------------------------------


def upload(org, record, *contents: bytes):
    with scope(organization=org):
        return attachment_services.attachments_upload(
            organization=org,
            record=record,
            uploaded_by=None,
            files=[ContentFile(c, name=f"f{i}.txt") for i, c in enumerate(contents)],
        )


def stored_keys(org) -> list[str]:
    from attachments.audit import stored_keys as keys

    return keys(f"{org.pk}/")


def test_attachments_are_not_copied_without_the_flag(acme, target, alice):
    upload(acme, new_contact(acme, alice), b"hello")

    report = copy(acme, target, alice)

    assert rows(Attachment, target) == [] and stored_keys(target) == []
    assert report.files == 0


def test_files_and_links_are_copied_with_the_flag_within_the_quota(acme, target, alice):
    from django.core.files.storage import default_storage

    ada = new_contact(acme, alice)
    upload(acme, ada, b"hello", b"world!")
    company = new_company(acme, alice)
    factories.LinkFactory(company=company, name="Drive", url="https://drive.google.com/x")

    report = copy(acme, target, alice, with_attachments=True)

    files = [a for a in rows(Attachment, target) if a.kind == "file"]
    links = [a for a in rows(Attachment, target) if a.kind == "link"]
    assert sorted(default_storage.open(a.storage_key).read() for a in files) == [
        b"hello",
        b"world!",
    ]
    assert all(a.storage_key.startswith(f"{target.pk}/") for a in files)
    assert [(link.name, link.url) for link in links] == [("Drive", "https://drive.google.com/x")]
    with scopes_disabled():  # the test's own assertions
        assert StorageUsage.objects.get(organization=target).used_bytes == 11
    assert (report.files, report.file_bytes, report.links) == (2, 11, 1)
    assert len(stored_keys(acme)) == 2  # the originals are untouched


def test_a_copy_whose_files_exceed_the_quota_is_refused_whole(acme, target, alice, monkeypatch):
    upload(acme, new_contact(acme, alice), b"more than ten bytes")
    new_company(acme, alice)
    monkeypatch.setitem(PLAN_QUOTAS, Plan.FREE, 10)

    with pytest.raises(DuplicationError, match="storage"):
        copy(acme, target, alice, with_attachments=True)

    assert target_counts(target) == dict.fromkeys(target_counts(target), 0)
    assert stored_keys(target) == []


def test_objects_stored_before_a_failure_are_deleted_again(acme, target, alice, monkeypatch):
    upload(acme, new_contact(acme, alice), b"one")
    upload(acme, new_contact(acme, alice, first="Bea"), b"two")

    def fail(*args, **kwargs):
        raise OSError("database went away")

    # The files are stored, then writing their rows fails.
    monkeypatch.setattr(Attachment.objects, "bulk_create", fail)

    with pytest.raises(OSError, match="went away"):
        copy(acme, target, alice, with_attachments=True)

    assert stored_keys(target) == []
    assert target_counts(target) == dict.fromkeys(target_counts(target), 0)
    with scopes_disabled():  # the test's own assertions
        assert not StorageUsage.objects.filter(organization=target, used_bytes__gt=0).exists()


# --- Skipping what the target has --------------------------------------------------------


def test_skip_existing_skips_records_with_the_same_vat_number_or_email(acme, target, alice):
    new_contact(acme, alice, first="ByVat", vat_number=VAT_A)
    new_contact(acme, alice, first="ByEmail", emails=[{"email": "x@example.com"}])
    new_contact(acme, alice, first="New", vat_number=VAT_B, emails=[{"email": "n@example.com"}])
    new_company(acme, alice, name="Same VAT Srl", vat_number=VAT_B)
    new_contact(target, alice, first="Old", vat_number=VAT_A)
    new_contact(
        target,
        alice,
        first="Other",
        emails=[{"email": "z@example.com"}, {"email": "X@example.com"}],
    )

    report = copy(acme, target, alice, skip_existing=True)

    assert [c.first_name for c in rows(Contact, target)] == ["Old", "Other", "New"]
    assert [c.name for c in rows(Company, target)] == ["Same VAT Srl"]
    assert {(s.kind, s.name, s.reason) for s in report.skipped} == {
        ("contact", "ByVat Lovelace", f"same VAT number {VAT_A}"),
        ("contact", "ByEmail Lovelace", "same email x@example.com"),
    }
    assert (report.contacts_copied, report.contacts_skipped) == (1, 2)


def test_without_skip_existing_duplicates_are_copied(acme, target, alice):
    new_contact(acme, alice, vat_number=VAT_A)
    new_contact(target, alice, vat_number=VAT_A)

    copy(acme, target, alice)

    assert len(rows(Contact, target)) == 2


def test_records_of_the_target_the_user_cannot_see_are_not_reported_as_existing(
    acme, target, alice, mallory
):
    new_contact(acme, alice, vat_number=VAT_A)
    new_contact(target, mallory, vat_number=VAT_A, visibility="private")

    report = copy(acme, target, alice, skip_existing=True)

    assert report.skipped == [] and report.contacts_copied == 1


# --- All or nothing, dry runs ------------------------------------------------------------


def test_dry_run_reports_and_writes_nothing(acme, target, alice):
    ada = new_contact(acme, alice, type=factories.RecordTypeFactory(organization=acme))
    company = new_company(acme, alice)
    factories.AffiliationFactory(contact=ada, company=company)
    upload(acme, ada, b"12345")
    before = target_counts(target)

    report = copy(acme, target, alice, with_attachments=True, dry_run=True)

    assert (report.contacts_copied, report.companies_copied, report.affiliations) == (1, 1, 1)
    assert (report.files, report.file_bytes) == (1, 5)
    assert target_counts(target) == before
    assert stored_keys(target) == []


def test_an_error_in_the_last_batch_leaves_the_target_unchanged(
    acme, target, alice, monkeypatch, settings
):
    settings.COPY_BATCH_SIZE = 2
    for name in ["A", "B", "C", "D", "E"]:
        new_contact(acme, alice, first=name, type=factories.RecordTypeFactory(organization=acme))
    new_contact(target, alice, first="Kept")
    before = target_counts(target)
    real_insert, batches = duplication._Run._insert, []

    def insert_then_fail(run, kind, rows):
        batches.append(kind.name)
        if batches.count("contact") == 3:  # the last batch: E alone
            raise RuntimeError("database went away")
        return real_insert(run, kind, rows)

    monkeypatch.setattr(duplication._Run, "_insert", insert_then_fail)

    with pytest.raises(RuntimeError):
        copy(acme, target, alice)

    assert batches.count("contact") == 3
    assert target_counts(target) == before
    assert [c.first_name for c in rows(Contact, target)] == ["Kept"]


# --- The command -------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(*args, stderr=None) -> str:
    out = io.StringIO()
    call_command("duplicate_directory", *args, stdout=out, stderr=stderr or io.StringIO())
    return out.getvalue()


def test_the_command_copies_and_prints_a_summary(acme, target, alice):
    ada, bea = new_contact(acme, alice), new_contact(acme, alice, first="Bea")
    company = new_company(acme, alice)
    factories.AffiliationFactory(contact=ada, company=company)

    output = run(
        "acme",
        "globex",
        "--user",
        "Alice@Example.com",
        "--contacts",
        f"{ada.pk}",
        "--companies",
        f"{company.pk}",
    )

    assert "Copied from acme to globex:" in output
    assert "contacts: 1 copied, 0 skipped" in output
    assert "companies: 1 copied, 0 skipped" in output
    assert "affiliations: 1" in output
    assert "attachments: 0 files (0 bytes), 0 links" in output
    assert [c.first_name for c in rows(Contact, target)] == ["Ada"]
    assert bea.pk not in {c.pk for c in rows(Contact, target)}


def test_choosing_only_contacts_copies_no_company(acme, target, alice):
    ada = new_contact(acme, alice)
    new_company(acme, alice)

    run("acme", "globex", "--user", "alice@example.com", "--contacts", str(ada.pk))

    assert len(rows(Contact, target)) == 1 and rows(Company, target) == []


def test_the_command_shows_progress_on_a_terminal_only(acme, target, alice):
    for name in ["A", "B", "C"]:
        new_contact(acme, alice, first=name)
    terminal, log = Terminal(), io.StringIO()

    run("acme", "globex", "--user", "alice@example.com", "--dry-run", stderr=log)
    run("acme", "globex", "--user", "alice@example.com", stderr=terminal)

    assert log.getvalue() == ""
    assert "contacts: 100%" in terminal.getvalue() and "3/3" in terminal.getvalue()


def test_the_command_dry_run_says_so_and_writes_nothing(acme, target, alice):
    new_contact(acme, alice, vat_number=VAT_A)
    new_contact(target, alice, vat_number=VAT_A)

    output = run("acme", "globex", "--user", "alice@example.com", "--dry-run", "--skip-existing")

    assert output.startswith("Dry run: nothing was written.")
    assert "skipped contact #" in output and f"same VAT number {VAT_A}" in output
    assert len(rows(Contact, target)) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["acme", "globex", "--user", "bob@example.com"], "Only an owner of acme"),
        (["acme", "globex", "--user", "nobody@example.com"], "No user"),
        (["acme", "nowhere", "--user", "alice@example.com"], "No organization"),
        (["acme", "globex", "--user", "alice@example.com", "--contacts", "1,x"], "ids"),
        (["acme", "acme", "--user", "alice@example.com"], "another organization"),
    ],
)
def test_the_command_refuses_with_a_clear_message(acme, target, alice, bob, args, message):
    new_contact(acme, alice)

    with pytest.raises(CommandError, match=message):
        run(*args)

    assert rows(Contact, target) == []


def test_the_command_refuses_files_beyond_the_quota(acme, target, alice, monkeypatch):
    upload(acme, new_contact(acme, alice), b"four")
    monkeypatch.setitem(PLAN_QUOTAS, Plan.FREE, 3)

    with pytest.raises(CommandError, match="storage"):
        run("acme", "globex", "--user", "alice@example.com", "--with-attachments")

    assert rows(Contact, target) == [] and stored_keys(target) == []


# --- The list offers the action --------------------------------------------------------


@pytest.mark.parametrize("kind", ["contacts", "companies"])
def test_the_list_offers_copying_to_owners_with_another_organization(
    client_for, acme, target, alice, bob, kind
):
    record = new_contact(acme, alice) if kind == "contacts" else new_company(acme, alice)
    checkbox = f'form="copy-form" name="ids" value="{record.pk}"'
    url = reverse({"contacts": "contact_list", "companies": "company_list"}[kind], args=["acme"])

    as_owner = client_for(alice).get(url).content.decode()
    as_member = client_for(bob).get(url).content.decode()

    assert checkbox in as_owner and 'id="copy-form"' in as_owner
    assert '<option value="globex">Globex</option>' in as_owner
    assert checkbox not in as_member and "copy-form" not in as_member


def test_the_list_hides_copying_from_an_owner_without_another_organization(client_for, acme, alice):
    new_contact(acme, alice)

    page = client_for(alice).get(reverse("contact_list", kwargs={"slug": "acme"}))

    assert "copy-form" not in page.content.decode()


def test_the_list_asks_for_copy_targets_once_whatever_the_rows(
    client_for, acme, target, alice, django_assert_max_num_queries
):
    client = client_for(alice)
    url = reverse("contact_list", kwargs={"slug": "acme"})
    new_contact(acme, alice, first="First")
    client.get(url)
    with django_assert_max_num_queries(20) as one_row:
        client.get(url)
    for name in "ABCDEFGH":
        new_contact(acme, alice, first=name)

    with django_assert_max_num_queries(20) as nine_rows:
        page = client.get(url)

    assert page.content.decode().count('form="copy-form" name="ids"') == 9
    assert len(nine_rows.captured_queries) == len(one_row.captured_queries)


# --- Set-based semantics -----------------------------------------------------------------


def test_a_copied_contact_brings_its_visible_companies_and_its_links(acme, target, alice, carol):
    ada = new_contact(acme, alice)
    initech = new_company(acme, alice)
    hidden = new_company(acme, carol, name="Carol's secret", visibility="private")
    new_company(acme, alice, name="Unrelated")
    factories.AffiliationFactory(contact=ada, company=initech, role="CTO", is_primary=True)
    factories.AffiliationFactory(contact=ada, company=hidden)

    report = copy(acme, target, alice, contact_ids=[ada.pk], company_ids=[])

    assert [c.name for c in rows(Company, target)] == ["Initech"]
    (link,) = rows(Affiliation, target)
    assert (link.role, link.is_primary) == ("CTO", True)
    assert (report.contacts_copied, report.companies_copied, report.affiliations) == (1, 1, 1)


def test_every_copy_remembers_its_source_record_and_date(acme, target, alice):
    ada, initech = new_contact(acme, alice), new_company(acme, alice)

    copy(acme, target, alice)

    (contact,), (company,) = rows(Contact, target), rows(Company, target)
    assert (contact.copied_from_organization_id, contact.copied_from_id) == (acme.pk, ada.pk)
    assert (company.copied_from_organization_id, company.copied_from_id) == (acme.pk, initech.pk)
    assert contact.copied_at is not None and contact.copied_at == company.copied_at


def test_skipped_records_are_linked_to_the_one_the_target_already_has(acme, target, alice):
    ada = new_contact(acme, alice, emails=[{"email": "ada@example.com"}])
    initech = new_company(acme, alice, vat_number=VAT_A)
    factories.AffiliationFactory(contact=ada, company=initech, role="CTO", is_primary=True)
    theirs = new_company(target, alice, name="Initech (theirs)", vat_number=VAT_A)

    report = copy(acme, target, alice, skip_existing=True)

    (contact,) = rows(Contact, target)
    (link,) = rows(Affiliation, target)
    assert (link.contact_id, link.company_id, link.is_primary) == (contact.pk, theirs.pk, True)
    assert (report.companies_skipped, report.companies_copied) == (1, 0)


def test_a_contact_the_target_has_gets_links_to_new_companies_without_a_second_primary(
    acme, target, alice
):
    ada = new_contact(acme, alice, emails=[{"email": "Ada@Example.com"}])
    initech = new_company(acme, alice)
    factories.AffiliationFactory(contact=ada, company=initech, is_primary=True)
    theirs = new_contact(target, alice, emails=[{"email": "ada@example.com"}])
    their_company = new_company(target, alice, name="Theirs")
    factories.AffiliationFactory(contact=theirs, company=their_company, is_primary=True)

    copy(acme, target, alice, skip_existing=True)

    with scopes_disabled():  # the test's own assertions
        links = set(
            Affiliation.objects.filter(organization=target, contact=theirs).values_list(
                "company__name", "is_primary"
            )
        )
    assert links == {("Theirs", True), ("Initech", False)}


def test_running_twice_with_skip_existing_creates_nothing_new(acme, target, alice):
    ada = new_contact(acme, alice)  # no VAT, no email: recognised by where it came from
    company = new_company(acme, alice)
    factories.AffiliationFactory(contact=ada, company=company)
    copy(acme, target, alice, skip_existing=True)
    before = target_counts(target)

    report = copy(acme, target, alice, skip_existing=True)

    assert target_counts(target) == before
    assert (report.contacts_skipped, report.companies_skipped) == (1, 1)
    assert report.skipped[0].reason == "copied there before"


def test_all_that_match_a_list_filter_are_copied(acme, target, alice):
    new_contact(acme, alice, first="Ada", last="Lovelace")
    new_contact(acme, alice, first="Grace", last="Hopper")

    copy(acme, target, alice, contact_filter={"q": "hopper"}, company_ids=[])

    assert [c.first_name for c in rows(Contact, target)] == ["Grace"]


def test_all_that_match_a_search_are_copied_beyond_the_search_candidate_cap(
    acme, target, alice, settings
):
    """A list page ranks at most SEARCH_CANDIDATES matches; a copy of them all takes every one."""
    settings.SEARCH_CANDIDATES = 2
    for n in range(5):
        new_contact(acme, alice, first=f"Grace{n}", last="Hopper")
    new_contact(acme, alice, first="Ada", last="Lovelace")

    copy(acme, target, alice, contact_filter={"q": "hopper"}, company_ids=[])

    assert sorted(c.first_name for c in rows(Contact, target)) == [f"Grace{n}" for n in range(5)]


def test_all_companies_that_match_a_search_are_copied_beyond_the_cap(acme, target, alice, settings):
    settings.SEARCH_CANDIDATES = 2
    for n in range(6):
        new_company(acme, alice, name=f"Initech {n}")

    copy(acme, target, alice, contact_ids=[], company_filter={"q": "initech"})

    assert len(rows(Company, target)) == 6


def test_a_copy_runs_in_batches_not_one_query_per_record(
    acme, target, alice, settings, django_assert_max_num_queries
):
    settings.COPY_BATCH_SIZE = 100
    kind = factories.RecordTypeFactory(organization=acme)
    for n in range(3):
        new_contact(acme, alice, first=f"A{n}", type=kind, emails=[{"email": f"a{n}@x.com"}])
    with CaptureQueriesContext(connection) as few:
        copy(acme, target, alice)
    for n in range(30):
        new_contact(acme, alice, first=f"B{n}", type=kind, emails=[{"email": f"b{n}@x.com"}])
    other = factories.OrganizationFactory(slug="initech")
    factories.MembershipFactory(organization=other, user=alice, role=Role.MEMBER)

    with django_assert_max_num_queries(len(few.captured_queries)):
        report = copy(acme, other, alice)

    assert report.contacts_copied == 33


def test_the_quota_message_says_how_much_space_is_missing(acme, target, alice, monkeypatch):
    upload(acme, new_contact(acme, alice), b"x" * 1500)
    monkeypatch.setitem(PLAN_QUOTAS, Plan.FREE, 1000)

    with pytest.raises(DuplicationError) as refused:
        copy(acme, target, alice, with_attachments=True)

    assert "500 bytes of storage is missing" in str(refused.value)
    assert target_counts(target) == dict.fromkeys(target_counts(target), 0)


# --- The command's exit status -------------------------------------------------------------


def run_as_operator(*args) -> int:
    """Run the command as `manage.py` does; return its exit status."""
    from unittest import mock

    from transfers.management.commands.duplicate_directory import Command

    # run_from_argv closes the database connections when it ends; the test still needs its own.
    with mock.patch("django.core.management.base.connections.close_all"):
        try:
            Command().run_from_argv(["manage.py", "duplicate_directory", *args])
        except SystemExit as exit:
            return exit.code
    return 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["acme", "nowhere", "--user", "alice@example.com"], "No organization"),
        (["acme", "globex", "--user", "nobody@example.com"], "No user"),
        (["acme", "globex", "--user", "bob@example.com"], "Only an owner of acme"),
        (["acme", "acme", "--user", "alice@example.com"], "another organization"),
        (["acme", "globex", "--user", "alice@example.com", "--contacts", "999999"], "999999"),
    ],
)
def test_a_refused_command_exits_non_zero_with_a_one_line_reason(
    acme, target, alice, bob, capsys, args, message
):
    status = run_as_operator(*args)

    err = capsys.readouterr().err.strip()
    assert status != 0
    assert message in err and len(err.splitlines()) == 1


def test_a_member_of_the_source_cannot_copy_a_hidden_record_by_its_id(acme, target, alice, carol):
    hidden = new_contact(acme, carol, visibility="private")

    status = run_as_operator(
        "acme", "globex", "--user", "alice@example.com", "--contacts", str(hidden.pk)
    )

    assert status != 0 and rows(Contact, target) == []


def test_a_successful_command_exits_zero(acme, target, alice):
    new_contact(acme, alice)

    assert run_as_operator("acme", "globex", "--user", "alice@example.com") == 0
    assert len(rows(Contact, target)) == 1


def test_a_quota_taken_meanwhile_aborts_the_copy_before_anything_is_written(
    acme, target, alice, monkeypatch
):
    from attachments.selectors import Usage

    upload(acme, new_contact(acme, alice), b"x" * 50)
    monkeypatch.setitem(PLAN_QUOTAS, Plan.FREE, 40)
    # The plan saw room (as if another upload freed it), the reservation inside the copy
    # finds none.
    monkeypatch.setattr(duplication, "storage_usage", lambda org: Usage(used=0, quota=10**9))

    with pytest.raises(DuplicationError, match="storage is missing"):
        copy(acme, target, alice, with_attachments=True)

    assert target_counts(target) == dict.fromkeys(target_counts(target), 0)
    assert stored_keys(target) == []
