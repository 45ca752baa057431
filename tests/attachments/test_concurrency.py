"""Concurrent uploads against a nearly full quota, each thread on its own connection.

PostgreSQL only: SQLite serializes every writing transaction, so there is no race to
lose there. The threads start together on a barrier; loop counts and waits are bounded.
"""

import threading

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from attachments import selectors, services
from attachments.models import Attachment, StorageUsage
from organizations.models import PLAN_QUOTAS, Plan
from organizations.scoping import scope
from tests.factories import ContactFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent writing transactions (PostgreSQL); SQLite runs them one by one",
    ),
]

QUOTA = 20_000
FILE_SIZE = 1_000
THREADS = 16
WAIT = 60  # seconds, for the barrier and for each thread to finish


def run_together(jobs) -> list[str]:
    """Run each job in its own thread (and database connection); return their outcomes."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []

    def worker(job) -> None:
        try:
            barrier.wait(timeout=WAIT)
            outcomes.append(job())
        except services.QuotaExceeded:
            outcomes.append("refused")
        except Exception as error:  # reported in the assertion below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish in time"
    return outcomes


@pytest.fixture
def nearly_full(acme, monkeypatch):
    """Acme's quota is 20,000 bytes, 15,000 of which its files already take."""
    monkeypatch.setitem(PLAN_QUOTAS, Plan.FREE, QUOTA)
    contact = ContactFactory(organization=acme)
    with scope(organization=acme):
        services.attachments_upload(
            organization=acme,
            record=contact,
            uploaded_by=None,
            files=[ContentFile(b"x" * FILE_SIZE, name=f"old-{n}.bin") for n in range(15)],
        )
    return contact


def upload_job(organization, contact, n: int):
    def job() -> str:
        with scope(organization=organization):
            services.attachments_upload(
                organization=organization,
                record=contact,
                uploaded_by=None,
                files=[ContentFile(b"y" * FILE_SIZE, name=f"new-{n}.bin")],
            )
        return "stored"

    return job


def totals(organization, local) -> tuple[int, int, int]:
    """(real sum of file sizes, usage counter, number of stored objects)."""
    with scope(organization=organization):
        real = selectors.file_bytes(organization)
        counter = StorageUsage.objects.get(organization=organization).used_bytes
    return real, counter, len(local.keys(str(organization.pk)))


def test_simultaneous_uploads_never_push_usage_past_the_quota(acme, nearly_full, local):
    outcomes = run_together([upload_job(acme, nearly_full, n) for n in range(THREADS)])

    assert sorted(set(outcomes)) == ["refused", "stored"], outcomes
    assert outcomes.count("stored") == 5
    real, counter, objects = totals(acme, local)
    assert real == counter == QUOTA
    assert objects == 20


def test_uploads_and_deletions_together_keep_the_counter_equal_to_the_real_sum(
    acme, nearly_full, local
):
    with scope(organization=acme):
        old = list(Attachment.objects.filter(organization=acme).order_by("pk")[:8])

    def delete_job(attachment):
        def job() -> str:
            with scope(organization=acme):
                services.attachment_delete(attachment=attachment)
            return "deleted"

        return job

    jobs = [upload_job(acme, nearly_full, n) for n in range(THREADS)]
    jobs += [delete_job(attachment) for attachment in old]
    outcomes = run_together(jobs)

    assert set(outcomes) <= {"stored", "refused", "deleted"}, outcomes
    assert outcomes.count("deleted") == 8
    real, counter, objects = totals(acme, local)
    assert counter == real <= QUOTA
    assert objects * FILE_SIZE == real
