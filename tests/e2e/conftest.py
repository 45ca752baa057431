"""Browser fixtures: Playwright driving Debian's Chromium against pytest-django's live_server.

Without Chromium or Playwright the browser tests are skipped with the reason shown;
with REQUIRE_E2E=1 (as .ci/run sets) they fail instead, so CI cannot pass silently.

Every page these fixtures open is watched: a Content-Security-Policy violation the browser
reports (an inline style or script, an eval, a resource from elsewhere) fails the test that
caused it, so each journey also proves the pages work under the policy.

Later journeys reuse the `browser`, `page`, `new_page` and `login` fixtures:

    @pytest.mark.e2e
    def test_something(page, login, live_server, alice):
        login(page, alice)
        page.goto(live_server.url + "/o/acme/")
"""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.factories import PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
TIMEOUT_MS = 15_000
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# How Chromium words a refusal by the Content-Security-Policy in the console, and what
# htmx logs when its allowEval setting (off in base.html) refuses an expression.
CSP_MESSAGES = (
    "Content Security Policy",
    "Content-Security-Policy",
    "Refused to",
    "evalDisallowed",
    "Permissions-Policy header",  # a feature name Chromium does not know
)


def csp_violation(text: str) -> bool:
    """Whether a console message or page error reports a refusal by the policy."""
    return any(marker in text for marker in CSP_MESSAGES)


def watch_for_csp_violations(context) -> list[str]:
    """Collect, from every page of `context`, what the policy refused; return the list."""
    violations: list[str] = []

    def on_console(message) -> None:
        if csp_violation(message.text):
            violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def on_error(error) -> None:
        text = str(error.error)
        if csp_violation(text):
            violations.append(f"{error.page.url if error.page else '?'}: {text}")

    context.on("console", on_console)
    context.on("weberror", on_error)
    return violations


def chromium_path() -> str | None:
    """Return the Chromium to drive: $CHROMIUM, Debian's /usr/bin/chromium, or one on PATH."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def unavailable(reason: str):
    """Skip with `reason`, or fail when the run requires browser tests (REQUIRE_E2E=1)."""
    if os.environ.get("REQUIRE_E2E") == "1":
        pytest.fail(f"Browser tests are required (REQUIRE_E2E=1) but {reason}.", pytrace=False)
    pytest.skip(f"Browser tests skipped: {reason} (set REQUIRE_E2E=1 to fail instead).")


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless Chromium for the whole run."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed")
    executable = chromium_path()
    if executable is None:
        unavailable("no Chromium was found (install Debian's 'chromium' package)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, request) -> Iterator[Callable]:
    """Return a factory of pages, each in its own context (its own cookies: its own user)."""
    contexts = []
    violations: list[str] = []

    def make():
        context = browser.new_context(locale="en-US")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append((context, watch_for_csp_violations(context)))
        return context.new_page()

    yield make
    for _context, found in contexts:
        violations.extend(found)
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for number, (context, _found) in enumerate(contexts):
        if failed or violations:
            # Keep what each browser showed when the test failed, for the CI log.
            ARTIFACTS.mkdir(exist_ok=True)
            for page in context.pages:
                page.screenshot(path=ARTIFACTS / f"{request.node.name}-{number}.png")
        context.close()
    if violations:
        pytest.fail(
            "The Content-Security-Policy refused something on the pages visited:\n"
            + "\n".join(violations),
            pytrace=False,
        )


@pytest.fixture
def page(new_page):
    """A page in a fresh browser context."""
    return new_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


def log_in(page, base_url: str, user, password: str = PASSWORD) -> None:
    """Log `user` in through the login form and wait until the app has let them in."""
    page.goto(f"{base_url}/accounts/login/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def login(live_server, transactional_db) -> Callable:
    """Return `login(page, user, password=PASSWORD)` against the live server."""

    def login(page, user, password: str = PASSWORD) -> None:
        log_in(page, live_server.url, user, password)

    return login
