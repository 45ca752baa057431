"""benchmarks/import_export.py at a small scale: it imports its rows, then exports them."""

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def load_benchmark():
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "import_export.py"
    spec = importlib.util.spec_from_file_location("import_export_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_import_benchmark_imports_every_row_then_exports_them():
    figures = load_benchmark().measure(rows=40)

    job = figures["job"]
    assert job.checked["create"] == 40 and job.checked["error"] == 0
    assert job.counts["create"] == 40 and job.counts["error"] == 0
    assert figures["exported"] == 40
