"""The benchmark code at a few hundred rows, so it cannot rot. No timing is asserted here."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from activity.models import ActivityLink, Assignment
from benchmarks import environment, generate
from companies.models import Affiliation, Company, CompanyMention
from connections.models import Connection
from contacts.models import Contact, ContactEmail, ContactMention, ContactPhone
from directory.markup import render_description
from directory.validators import normalize_phone, normalize_vat
from events.models import Event
from notes.models import Note
from opportunities.models import Opportunity
from organizations.mentions import mentioned_emails
from organizations.models import Membership, Organization, Role, User
from sales.models import Document, DocumentLine

ROOT = Path(__file__).resolve().parents[2]
PLAN = generate.Plan.at(0.0003)

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the benchmark generator writes PostgreSQL SQL (generate_series, hash functions); "
    "CI runs this module on PostgreSQL",
)


def _quiet(message: str) -> None:
    """Swallow progress lines."""


def _index_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s)",
            [generate.LOADED_TABLES],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def generated(db):
    summary = generate.generate(plan=PLAN, log=_quiet)
    return summary


def test_sqlite_is_refused_with_a_clear_message(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py")],
        env={**os.environ, "BENCH_DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "benchmarks need PostgreSQL" in result.stderr
    assert not (tmp_path / "bench.sqlite3").exists()


def test_postgres_urls_are_accepted():
    environment.require_postgres("postgres://postgres@127.0.0.1:5432/rolo_bench")
    environment.require_postgres("postgresql://u@db/x")


@postgres_only
def test_generator_creates_the_planned_rows(generated, unscoped):
    assert generated.created
    assert Contact.objects.count() == PLAN.total_contacts
    assert Company.objects.count() == PLAN.total_companies
    assert Organization.objects.filter(slug__startswith="bench").count() == 101
    bench = Organization.objects.get(slug=generate.BIG_SLUG)
    assert Contact.objects.filter(organization=bench).count() == PLAN.contacts
    assert Company.objects.filter(organization=bench).count() == PLAN.companies
    reader = User.objects.get(email=generate.READER_EMAIL)
    assert Membership.objects.get(organization=bench, user=reader).role == Role.MEMBER
    assert generated.counts["contacts_contact"] == PLAN.total_contacts


@postgres_only
def test_generator_writes_no_history_and_keeps_its_triggers(generated, unscoped):
    from history import triggers
    from history.models import Change

    assert not Change.objects.exists()
    assert triggers.installed() == 3 * len(triggers.WATCHED)


@postgres_only
def test_generator_builds_the_measured_records(generated, unscoped):
    bench = Organization.objects.get(slug=generate.BIG_SLUG)
    flagship = Company.objects.filter(organization=bench).order_by("id").first()
    assert Affiliation.objects.filter(company=flagship).count() == PLAN.flagship_persons
    hub = Contact.objects.filter(organization=bench).order_by("id").first()
    assert Affiliation.objects.filter(contact=hub).count() == 3
    assert Affiliation.objects.filter(contact=hub, is_primary=True).count() == 1
    assert Connection.objects.filter(contact=hub).count() == 20
    assert hub.visibility == flagship.visibility == "public"
    # The contact panel's load (issue 13).
    assert Event.objects.filter(contact=hub).count() == 500
    assert ActivityLink.objects.filter(contact=hub).count() == 50
    assert Note.objects.filter(contact=hub).count() == 30
    reader = User.objects.get(email=generate.READER_EMAIL)
    assert Assignment.objects.filter(user=reader).count() == PLAN.reader_activities
    assert Event.objects.filter(organization=bench).count() == 3 * PLAN.contacts + 497 + 300
    # The pipeline's load (issue 19): 30 open opportunities on the hub and the flagship.
    assert Opportunity.objects.filter(organization=bench).count() == PLAN.opportunities
    assert Opportunity.objects.filter(contact=hub, state="open").count() == 30
    assert Opportunity.objects.filter(company=flagship, state="open").count() >= 30
    # Sales documents (issue 15): three lines each, the flagship's first ones.
    assert Document.objects.filter(organization=bench).count() == PLAN.documents
    assert DocumentLine.objects.filter(organization=bench).count() == 3 * PLAN.documents
    assert Document.objects.filter(company=flagship).count() >= PLAN.flagship_documents
    numbered = Document.objects.exclude(status="draft")
    assert numbered.values("number").distinct().count() == numbered.count()


@postgres_only
def test_generated_details_are_stored_as_the_app_stores_them(generated, unscoped):
    for number in ContactPhone.objects.values_list("number", flat=True)[:200]:
        assert normalize_phone(number, "IT") == number
    vat_numbers = list(Company.objects.values_list("vat_number", flat=True)[:200])
    vat_numbers += Contact.objects.exclude(vat_number="").values_list("vat_number", flat=True)
    assert vat_numbers
    for vat in vat_numbers:
        assert normalize_vat(vat, "IT") == vat
    per_contact = ContactEmail.objects.values_list("contact_id", flat=True)
    assert len(set(per_contact)) == Contact.objects.count()
    assert ContactEmail.objects.filter(position__gt=2).count() == 0
    assert Contact.objects.filter(first_name__regex=r"[àèéìòùäöüßçñáíóúâêîôûëïœ]").exists()


@postgres_only
def test_mention_rows_match_the_mentions_in_descriptions(generated, unscoped):
    mentions = list(ContactMention.objects.select_related("contact", "user"))
    mentions += CompanyMention.objects.select_related("company", "user")
    assert mentions
    for mention in mentions:
        record = getattr(mention, mention.target_field)
        assert mentioned_emails(record.description) == {mention.user.email}
    reader = User.objects.get(email=generate.READER_EMAIL)
    assert ContactMention.objects.filter(user=reader, contact__visibility="private").exists()
    assert Contact.objects.filter(visibility="private").exists()


@postgres_only
def test_generated_descriptions_are_stored_rendered_as_the_app_renders_them(generated, unscoped):
    records = list(Contact.objects.values_list("description", "description_html"))
    records += Company.objects.values_list("description", "description_html")
    assert any("@" in description for description, _html in records)
    for description, html in records:
        assert html == render_description(description), description


@postgres_only
def test_a_second_run_adds_nothing_and_keeps_every_index(generated, unscoped):
    indexes = _index_names()
    again = generate.generate(plan=PLAN, log=_quiet)
    assert not again.created
    assert again.counts == generated.counts
    assert _index_names() == indexes
    assert "contact_by_name" in indexes


@postgres_only
def test_a_run_at_another_scale_is_refused(generated):
    with pytest.raises(RuntimeError, match="BENCH_RESET"):
        generate.generate(plan=generate.Plan.at(0.0005), log=_quiet)


@postgres_only
def test_every_measured_page_answers_and_results_are_written(generated, tmp_path):
    from benchmarks import measure, report

    results = measure.run(repeat=2, warmup=1, log=_quiet)
    names = [result.name for result in results]
    assert "contacts: list by name, first page" in names
    assert f"company page with {PLAN.flagship_persons} persons" in names
    assert "contact page with 3 companies, 20 connections" in names
    assert any(name.startswith("contacts: search") for name in names)
    assert any(name.startswith("opportunity board") for name in names)
    assert "open opportunities of the contact (panel section)" in names
    assert all(result.requests == 2 and result.queries > 0 for result in results)
    assert all(result.target for result in results)
    meta = {
        "measured_at": "now",
        "scale": PLAN.scale,
        "slug": generate.BIG_SLUG,
        "requests": 2,
        "warmup": 1,
        "data": generated.counts,
        "generation": None,
        "machine": measure.machine(),
    }
    paths = report.write(results, meta, tmp_path)
    written = json.loads(paths["json"].read_text())
    assert [row["name"] for row in written["results"]] == names
    assert all(name in paths["markdown"].read_text() for name in names)
    assert paths["chart"].read_bytes().startswith(b"\x89PNG")
    readme = tmp_path / "README.md"
    readme.write_text(f"before\n{report.README_START}\nold\n{report.README_END}\nafter\n")
    report.update_readme(readme, results, meta)
    assert "old" not in readme.read_text()
    assert names[0] in readme.read_text()


@postgres_only
def test_query_plans_are_written_between_the_markers(generated, tmp_path):
    from benchmarks import explain

    document = tmp_path / "performance.md"
    document.write_text(f"# Plans\n{explain.START}\nold\n{explain.END}\nend\n")
    explain.write_plans(document)
    text = document.read_text()
    assert "old" not in text
    assert "Execution Time" in text
    assert text.endswith(f"{explain.END}\nend\n")
