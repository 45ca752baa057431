"""The load script's parts, and a tiny fault run end to end so that it cannot rot.

No timing is asserted: the figures belong to benchmarks/README.md, not to a test.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from benchmarks import cluster
from benchmarks.load import DEFAULT_MIX, FAULT_MIX, FormFields, percentile, split_connections
from contacts.models import Contact

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("total", [4, 10, 50, 51])
@pytest.mark.parametrize("mix", [DEFAULT_MIX, FAULT_MIX])
def test_connections_are_split_between_every_kind(total, mix):
    split = split_connections(total, mix)
    assert sum(split.values()) == total
    assert set(split) == set(mix) and min(split.values()) >= 1


def test_percentiles_are_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile([3.0], 99) == 3.0
    assert percentile([], 50) is None


@pytest.mark.django_db
def test_the_body_the_writes_post_is_the_contact_form_a_browser_sends(
    acme, bob, client_for, unscoped
):
    """The load's writes post what FormFields read from the form: it must create a contact."""
    client = client_for(bob)
    url = reverse("contact_create", kwargs={"slug": "acme"})
    parser = FormFields()
    parser.feed(client.get(url).content.decode())
    form = next(f for f in parser.forms if any(name == "last_name" for name, _ in f))
    data = dict(form) | {"first_name": "Load", "last_name": "Loadrun000001"}
    response = client.post(url, data)
    contact = Contact.objects.get(last_name="Loadrun000001")
    # The redirect to the new contact is what the load counts as an acknowledged write.
    assert response.status_code == 302
    assert re.search(r"/contacts/\d+/$", response["Location"])
    assert response["Location"].endswith(f"/contacts/{contact.pk}/")


needs_tools = pytest.mark.skipif(
    connection.vendor != "postgresql" or not shutil.which("wrk") or not cluster.tools_available(),
    reason="the fault run needs wrk, PostgreSQL's initdb and pg_ctl; CI runs it on PostgreSQL",
)


@needs_tools
def test_a_tiny_fault_run_loses_no_acknowledged_write(tmp_path):
    result = subprocess.run(
        [sys.executable, "benchmarks/load.py", "--restart-db", "--copy", "--scale", "0.002",
         "--connections", "5", "--duration", "6", "--warmup", "1", "--outage", "1",
         "--out", str(tmp_path)],
        cwd=ROOT, env={**os.environ, "DEBUG": "false"}, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads((tmp_path / "load-restart-db.json").read_text())
    fault = report["fault"]
    assert fault["writes_acknowledged"] > 0
    assert fault["acknowledged_missing"] == []
    assert fault["server_errors_500"] == 0
    assert fault["outage_page_friendly"] and fault["outage_retry_after"] == "5"
    assert fault["worker_boots"] == 0
    assert fault["workers_before"] == fault["workers_after"]
    assert fault["recovery_seconds_probe"] is not None
    copy = report["copy"]
    assert copy["worker_alive"] and not copy["half_written"]
    assert copy["started_again_status"] == "done"
    assert (tmp_path / "load-restart-db.md").exists()
