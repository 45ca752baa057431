"""benchmarks/copy.py at a small scale: it builds its source and copies it (PostgreSQL)."""

import importlib.util
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def load_benchmark():
    # Loaded by path: as a module named `copy` it would hide the standard library's.
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "copy.py"
    spec = importlib.util.spec_from_file_location("copy_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_copy_benchmark_copies_its_whole_source_then_skips_it_all():
    if connection.vendor != "postgresql":
        pytest.skip("The copy benchmark measures PostgreSQL, as in production.")
    benchmark = load_benchmark()

    figures = benchmark.measure(contacts=60, companies=12)

    report, again = figures["report"], figures["again"]
    assert (report.contacts_copied, report.companies_copied, report.affiliations) == (60, 12, 60)
    assert (again.contacts_copied, again.companies_copied) == (0, 0)
    assert (again.contacts_skipped, again.companies_skipped) == (60, 12)
