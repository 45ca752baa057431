"""Copying from the lists in the browser: preview, confirm, the job's page, the worker.

alice owns Acme and is a member of Globex (owned by mallory); bob and carol are members of
Acme, gina a guest. Records are created through the services (tests/connections/
test_duplication.py covers what a copy writes; here, who may do what, and the jobs).
"""

import signal
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.urls import reverse

from contacts.models import Contact
from organizations.models import PLAN_QUOTAS, Plan, Role
from organizations.scoping import scopes_disabled
from tests import factories
from tests.conftest import use_task_backend
from tests.transfers.test_duplication import new_company, new_contact, rows, upload
from transfers.jobs import LOCK_NAMESPACE, copy_job_execute
from transfers.models import CopyJob, CopyStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(globex, mallory, alice):
    factories.MembershipFactory(organization=globex, user=alice, role=Role.MEMBER)
    return globex


def preview_url() -> str:
    return reverse("copy_preview", kwargs={"slug": "acme"})


def confirm_url() -> str:
    return reverse("copy_list", kwargs={"slug": "acme"})


def choice(*records, **extra) -> dict:
    return {
        "kind": "contacts",
        "target": "globex",
        "ids": [r.pk for r in records],
        "skip_existing": "1",
        **extra,
    }


def jobs() -> list[CopyJob]:
    with scopes_disabled():  # the test's own assertions
        return list(CopyJob.objects.order_by("pk"))


# --- Preview -------------------------------------------------------------------------------


def test_the_preview_counts_what_would_be_copied_and_writes_nothing(
    client_for, acme, target, alice
):
    ada, bea = new_contact(acme, alice), new_contact(acme, alice, first="Bea")
    initech = new_company(acme, alice)
    factories.AffiliationFactory(contact=ada, company=initech)
    upload(acme, ada, b"12345")
    new_contact(target, alice, first="Bea")  # not the same person: no VAT, no email

    page = client_for(alice).post(preview_url(), choice(ada, bea, with_attachments="1"))

    text = page.content.decode()
    assert page.status_code == 200
    assert "2 copied, 0 skipped as existing" in text  # contacts
    assert "1 copied, 0 skipped as existing" in text  # Initech comes with Ada
    assert '<dd id="preview-affiliations">1</dd>' in text
    assert "1 files (5 bytes), 0 links" in text
    assert len(rows(Contact, target)) == 1 and jobs() == []


def test_the_preview_counts_records_skipped_as_existing(client_for, acme, target, alice):
    ada = new_contact(acme, alice, emails=[{"email": "ada@example.com"}])
    new_contact(target, alice, emails=[{"email": "ADA@example.com"}])

    page = client_for(alice).post(preview_url(), choice(ada))

    assert "0 copied, 1 skipped as existing" in page.content.decode()


def test_going_back_from_the_preview_keeps_the_choices(client_for, acme, target, alice):
    ada, bea = new_contact(acme, alice), new_contact(acme, alice, first="Bea")
    client = client_for(alice)

    page = client.post(preview_url(), choice(ada, q="Love", with_attachments="1"))
    back = page.context["back_url"]
    listed = client.get(back).content.decode()

    assert back.startswith("/o/acme/contacts/?q=Love&copy=")
    assert f'name="ids" value="{ada.pk}" checked' in listed
    assert f'name="ids" value="{bea.pk}" checked' not in listed
    assert '<option value="globex" selected>' in listed
    assert 'name="with_attachments" value="1" checked' in listed
    assert 'name="skip_existing" value="1" checked' in listed


def test_nothing_ticked_and_not_all_matching_is_refused_with_a_message(
    client_for, acme, target, alice
):
    response = client_for(alice).post(
        preview_url(), {"kind": "contacts", "target": "globex"}, follow=True
    )

    assert "Tick the records to copy" in response.content.decode()


def test_a_hidden_record_ticked_by_id_is_refused_and_nothing_is_copied(
    client_for, acme, target, alice, carol
):
    hidden = new_contact(acme, carol, visibility="private")

    for url in (preview_url(), confirm_url()):
        response = client_for(alice).post(url, choice(hidden), follow=True)
        assert f"No contacts with these ids in acme: {hidden.pk}." in response.content.decode()
    assert rows(Contact, target) == [] and jobs() == []


@pytest.mark.parametrize("slug", ["acme", "no-such-org"])
def test_a_target_the_owner_cannot_write_to_is_403(client_for, acme, globex, alice, slug):
    factories.MembershipFactory(organization=globex, user=alice, role=Role.GUEST)
    ada = new_contact(acme, alice)

    for url in (preview_url(), confirm_url()):
        response = client_for(alice).post(url, choice(ada, target=slug))
        assert response.status_code == 403
    response = client_for(alice).post(preview_url(), choice(ada, target="globex"))
    assert response.status_code == 403  # a guest of Globex may not copy into it
    assert rows(Contact, globex) == []


def test_members_and_guests_are_refused_and_outsiders_see_nothing(
    client_for, acme, target, bob, gina, mallory
):
    factories.MembershipFactory(organization=target, user=bob, role=Role.MEMBER)
    ada = new_contact(acme, bob)

    for user, status in [(bob, 403), (gina, 403), (mallory, 404)]:
        for url in (preview_url(), confirm_url()):
            assert client_for(user).post(url, choice(ada)).status_code == status
    assert client_for(None).post(confirm_url(), choice(ada)).status_code == 302
    assert rows(Contact, target) == [] and jobs() == []


# --- Confirm: the job ---------------------------------------------------------------------


def test_confirming_copies_and_shows_the_report(client_for, acme, target, alice):
    ada, bea = new_contact(acme, alice), new_contact(acme, alice, first="Bea")

    response = client_for(alice).post(confirm_url(), choice(ada, bea), follow=True)

    (job,) = jobs()
    assert response.redirect_chain == [(job.get_absolute_url(), 302)]
    assert job.status == CopyStatus.DONE and job.requested_by == alice
    assert (job.contacts_done, job.contacts_total) == (2, 2)
    assert "2 copied, 0 skipped as existing" in response.content.decode()
    assert 'hx-trigger="every 1s"' not in response.content.decode()
    assert sorted(c.first_name for c in rows(Contact, target)) == ["Ada", "Bea"]


def test_all_that_match_the_filter_are_copied(client_for, acme, target, alice, carol):
    new_contact(acme, alice, first="Ada", last="Lovelace")
    new_contact(acme, alice, first="Grace", last="Hopper")
    new_contact(acme, carol, first="Hidden", last="Hopper", visibility="private")

    client_for(alice).post(
        confirm_url(), {"kind": "contacts", "target": "globex", "all_matching": "1", "q": "hopper"}
    )

    assert [c.first_name for c in rows(Contact, target)] == ["Grace"]
    assert jobs()[0].ids is None and jobs()[0].filters == {"q": "hopper"}


def test_companies_that_match_a_sector_are_copied(client_for, acme, target, alice):
    energy = factories.SectorFactory(organization=acme, name="Energy")
    new_company(acme, alice, name="Power Srl", sector=energy)
    new_company(acme, alice, name="Bits Srl")

    client_for(alice).post(
        confirm_url(),
        {"kind": "companies", "target": "globex", "all_matching": "1", "sector": energy.pk},
    )

    from companies.models import Company

    assert [c.name for c in rows(Company, target)] == ["Power Srl"]


def test_a_large_copy_runs_as_a_background_task(
    client_for, acme, target, alice, settings, django_capture_on_commit_callbacks
):
    settings.COPY_INLINE_LIMIT = 1
    ada, bea = new_contact(acme, alice), new_contact(acme, alice, first="Bea")

    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        client_for(alice).post(confirm_url(), choice(ada, bea))

    assert jobs()[0].status == CopyStatus.QUEUED and rows(Contact, target) == []
    assert len(enqueued) == 1
    enqueued[0]()  # the immediate backend runs the task at once

    assert jobs()[0].status == CopyStatus.DONE
    assert len(rows(Contact, target)) == 2


def test_a_copy_that_does_not_fit_fails_with_the_missing_space(
    client_for, acme, target, alice, monkeypatch
):
    ada = new_contact(acme, alice)
    upload(acme, ada, b"x" * 30)
    monkeypatch.setitem(PLAN_QUOTAS, Plan.FREE, 10)

    page = client_for(alice).post(confirm_url(), choice(ada, with_attachments="1"), follow=True)

    assert "Nothing was copied" in page.content.decode()
    assert "20 bytes of storage is missing" in page.content.decode()
    assert rows(Contact, target) == []


# --- The job's page ------------------------------------------------------------------------


@contextmanager
def a_runner_of(job: CopyJob):
    """Another session running `job`: on PostgreSQL it holds the job's runner lock."""
    if connection.vendor != "postgresql":
        yield
        return
    runner = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with runner.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_NAMESPACE, job.pk])
        yield
    finally:
        runner.close()


def test_a_running_job_polls_for_its_progress(client_for, acme, target, alice):
    job = factories.CopyJobFactory(
        organization=acme,
        target=target,
        requested_by=alice,
        status=CopyStatus.RUNNING,
        report=None,
        contacts_total=10,
        contacts_done=4,
    )
    url = job.get_absolute_url()

    with a_runner_of(job):
        page = client_for(alice).get(url).content.decode()
        fragment = client_for(alice).get(
            url, headers={"HX-Request": "true", "HX-Target": "copy-job"}
        )

    assert 'hx-trigger="every 1s"' in page and "contacts 4 of 10" in page
    assert "<html" not in fragment.content.decode()
    assert 'value="40"' in fragment.content.decode()


def test_a_job_is_404_for_everyone_but_its_requester(client_for, acme, target, alice, bob, gina):
    another_owner = factories.member(acme, Role.OWNER)
    job = factories.CopyJobFactory(organization=acme, target=target, requested_by=alice)

    for user in (another_owner, bob, gina):
        assert client_for(user).get(job.get_absolute_url()).status_code == 404
    assert client_for(alice).get(job.get_absolute_url()).status_code == 200


def test_the_recent_copies_list_shows_only_the_users_own(client_for, acme, target, alice):
    mine = factories.CopyJobFactory(organization=acme, target=target, requested_by=alice)
    theirs = factories.CopyJobFactory(
        organization=acme, target=target, requested_by=factories.member(acme, Role.OWNER)
    )

    page = client_for(alice).get(confirm_url()).content.decode()

    assert mine.get_absolute_url() in page and theirs.get_absolute_url() not in page


# --- The real worker -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_a_queued_copy(client_for, acme, target, alice, settings):
    use_task_backend(settings, "django_tasks_db.DatabaseBackend")
    settings.COPY_INLINE_LIMIT = 0
    ada = new_contact(acme, alice)

    response = client_for(alice).post(confirm_url(), choice(ada))

    (job,) = jobs()
    assert response.url == job.get_absolute_url()
    assert job.status == CopyStatus.QUEUED and rows(Contact, target) == []
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    finally:
        for number, handler in handlers.items():  # the worker installs its own
            signal.signal(number, handler)

    (job,) = jobs()
    assert job.status == CopyStatus.DONE, job.error
    assert [c.first_name for c in rows(Contact, target)] == ["Ada"]
    page = client_for(alice).get(job.get_absolute_url()).content.decode()
    assert "1 copied, 0 skipped as existing" in page


# --- Provenance on the copy's page ----------------------------------------------------------


@pytest.mark.parametrize("kind", ["contact", "company"])
def test_a_copy_says_where_it_came_from_to_members_of_both_organizations(
    client_for, acme, target, alice, mallory, kind
):
    original = new_contact(acme, alice) if kind == "contact" else new_company(acme, alice)
    client_for(alice).post(
        confirm_url(),
        {
            "kind": {"contact": "contacts", "company": "companies"}[kind],
            "target": "globex",
            "ids": [original.pk],
        },
    )
    model = type(original)
    (copy,) = rows(model, target)
    url = reverse(f"{kind}_detail", kwargs={"slug": "globex", "pk": copy.pk})

    as_alice = client_for(alice).get(url).content.decode()
    as_mallory = client_for(mallory).get(url).content.decode()

    assert "Copied from Acme on" in as_alice
    assert "Copied from" not in as_mallory and "Acme" not in as_mallory


def test_a_record_that_is_not_a_copy_costs_no_provenance_query(client_for, acme, target, alice):
    ada = new_contact(acme, alice)
    client_for(alice).post(confirm_url(), choice(ada))
    (copy,) = rows(Contact, target)
    client = client_for(alice)
    copied = reverse("contact_detail", kwargs={"slug": "globex", "pk": copy.pk})
    plain = reverse("contact_detail", kwargs={"slug": "acme", "pk": ada.pk})
    client.get(copied), client.get(plain)  # warm up sessions and caches

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as on_copy:
        client.get(copied)
    with CaptureQueriesContext(connection) as on_original:
        client.get(plain)

    provenance = [q for q in on_copy.captured_queries if "organizations_membership" in q["sql"]]
    assert len(on_copy.captured_queries) == len(on_original.captured_queries) + 1
    assert (
        len(provenance)
        == len([q for q in on_original.captured_queries if "organizations_membership" in q["sql"]])
        + 1
    )


def test_operators_see_copy_jobs_read_only_in_the_admin(acme, target, alice, client):
    from django.contrib.auth import get_user_model

    operator = get_user_model().objects.create_superuser(email="op@example.com", password="x")
    job = factories.CopyJobFactory(organization=acme, target=target, requested_by=alice)
    client.force_login(operator)

    listing = client.get(reverse("admin:transfers_copyjob_changelist"), {"q": "alice"})
    page = client.get(reverse("admin:transfers_copyjob_change", args=[job.pk]))

    assert listing.status_code == 200 and page.status_code == 200
    assert "Acme" in listing.content.decode() and "Globex" in listing.content.decode()
    assert client.get(reverse("admin:transfers_copyjob_add")).status_code == 403


@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks: PostgreSQL")
def test_a_job_whose_worker_died_shows_as_failed_and_can_be_started_again(
    client_for, acme, target, alice
):
    ada = new_contact(acme, alice)
    job = factories.CopyJobFactory(
        organization=acme, target=target, requested_by=alice, status=CopyStatus.RUNNING
    )
    # No session holds the job's runner lock: its worker is gone (killed mid-copy).

    listed = client_for(alice).get(confirm_url()).content.decode()
    page = client_for(alice).get(job.get_absolute_url()).content.decode()

    job.refresh_from_db()
    assert job.status == CopyStatus.FAILED
    assert "worker was interrupted" in job.error and "nothing was copied" in job.error
    assert "worker was interrupted" in page
    assert "every 1s" not in page  # the page stops polling
    assert "Running" not in listed
    assert rows(Contact, target) == []
    assert ada.pk  # the source is untouched


@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks: PostgreSQL")
def test_a_job_another_worker_is_running_is_not_run_twice(acme, target, alice):
    ada = new_contact(acme, alice)
    job = factories.CopyJobFactory(
        organization=acme,
        target=target,
        requested_by=alice,
        status=CopyStatus.QUEUED,
        ids=[ada.pk],
        filters={},
    )

    with a_runner_of(job):
        copy_job_execute(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == CopyStatus.QUEUED
    assert rows(Contact, target) == []
