"""The browser fixture's own rule: skip visibly without Chromium, fail when it is required."""

import pytest

from tests.e2e import conftest


def test_missing_browser_skips_with_the_reason(monkeypatch):
    monkeypatch.delenv("REQUIRE_E2E", raising=False)

    with pytest.raises(pytest.skip.Exception, match="no Chromium was found"):
        conftest.unavailable("no Chromium was found")


def test_missing_browser_fails_when_browser_tests_are_required(monkeypatch):
    monkeypatch.setenv("REQUIRE_E2E", "1")

    with pytest.raises(pytest.fail.Exception, match="REQUIRE_E2E=1"):
        conftest.unavailable("no Chromium was found")


def test_chromium_is_looked_up_in_the_chromium_variable_first(monkeypatch, tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("CHROMIUM", str(fake))

    assert conftest.chromium_path() == str(fake)
