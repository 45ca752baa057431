"""Browser fixtures: Playwright driving Debian's Chromium against pytest-django's live_server.

Without Chromium or Playwright the browser tests are skipped with the reason shown;
with REQUIRE_E2E=1 (as .ci/run sets) they fail instead, so CI cannot pass silently.

Every page these fixtures open is watched: a Content-Security-Policy violation the browser
reports (an inline style or script, an eval, a resource from elsewhere) fails the test that
caused it, so each journey also proves the pages work under the policy; and axe-core checks
each page as it loads (and after each htmx swap): a serious or critical accessibility
violation fails the test too.

Later journeys reuse the `browser`, `page`, `new_page` and `login` fixtures:

    @pytest.mark.e2e
    def test_something(page, login, live_server, alice):
        login(page, alice)
        page.goto(live_server.url + "/o/acme/")
"""

import contextlib
import json
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


# axe-core (tests/e2e/vendor/, from npm; never fetched at run time) checks every page the
# browser tests open: it is injected into each document before the page's own scripts (an
# init script, which the Content-Security-Policy does not govern), runs as soon as the page
# has loaded and again after each htmx swap, and whatever it finds of serious or critical
# impact fails the test. `goto` waits for the check of the page it opened; a page left by a
# click before its check finished is checked when a test visits it again; the pages still
# open at the end of a test are checked once more in their last state.
AXE_VERSION = "4.14.1"
AXE_PATH = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_IMPACTS = ("serious", "critical")
# Django's own admin (for operators) is Django's markup, not Rolo's: its list_editable and
# inline formsets have unlabelled fields that Rolo cannot fix without forking its templates.
AXE_SKIPPED_PATHS = ("/admin/",)
AXE_RUNNER = """
(() => {
  if (window.top !== window || !window.axe || window.__roloAxe) return;
  const [impacts, skipped] = %s;
  let chain = Promise.resolve();
  const summary = (v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + ": " + n.failureSummary),
  });
  const check = () => {
    if (skipped.some((path) => location.pathname.startsWith(path))) return chain;
    chain = chain.then(() => axe.run(document, { resultTypes: ["violations"] }))
      .then((results) => window.__roloAxeReport(location.href,
        results.violations.filter((v) => impacts.includes(v.impact)).map(summary)))
      .catch((error) => window.__roloAxeReport(location.href, [
        { id: "axe-error", impact: "critical", help: String(error), nodes: [] }]));
    return chain;
  };
  window.__roloAxe = { check, settled: () => chain };
  window.addEventListener("load", check);
  let timer;
  document.addEventListener("htmx:afterSettle", () => {
    clearTimeout(timer);
    timer = setTimeout(check, 50);
  });
})();
"""


def watch_accessibility(context) -> list[str]:
    """Check every page of `context` with axe; return the list of serious/critical findings."""
    findings: list[str] = []
    seen: set[tuple[str, str]] = set()

    def report(_source, url: str, violations: list[dict]) -> None:
        for violation in violations:
            key = (url.split("?")[0].split("#")[0], violation["id"])
            if key in seen:
                continue
            seen.add(key)
            nodes = "".join(f"\n    {node}" for node in violation["nodes"])
            findings.append(
                f"{url}: [{violation['impact']}] {violation['id']}: {violation['help']}{nodes}"
            )

    context.expose_binding("__roloAxeReport", report)
    runner = AXE_RUNNER % json.dumps([AXE_IMPACTS, AXE_SKIPPED_PATHS])
    context.add_init_script(script=AXE_PATH.read_text(encoding="utf-8") + "\n" + runner)
    return findings


def axe_check(page, *, again: bool = False) -> None:
    """Wait for the checks of `page`'s document to finish; with `again`, run one more first."""
    if page.is_closed():
        return
    call = "check()" if again else "settled()"
    # A page that navigates away meanwhile is checked when its successor loads.
    with contextlib.suppress(Exception):
        page.evaluate(f"() => window.__roloAxe && window.__roloAxe.{call}")


def checked(page):
    """Make `page.goto` return only once axe has checked the page it opened."""
    goto = page.goto

    def goto_and_check(*args, **kwargs):
        response = goto(*args, **kwargs)
        missing = page.evaluate("() => document.contentType === 'text/html' && !window.__roloAxe")
        assert not missing, f"axe-core did not load into {page.url}"
        axe_check(page)
        return response

    page.goto = goto_and_check
    return page


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

    def make(**options):
        context = browser.new_context(**{"locale": "en-US", **options})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append((context, watch_for_csp_violations(context), watch_accessibility(context)))
        return checked(context.new_page())

    yield make
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if not failed:
        for context, _csp, _axe in contexts:
            for open_page in context.pages:
                axe_check(open_page, again=True)
    violations = [found for _context, csp, _axe in contexts for found in csp]
    inaccessible = [found for _context, _csp, axe in contexts for found in axe]
    for number, (context, _csp, _axe) in enumerate(contexts):
        if failed or violations or inaccessible:
            # Keep what each browser showed when the test failed, for the CI log.
            ARTIFACTS.mkdir(exist_ok=True)
            for open_page in context.pages:
                open_page.screenshot(path=ARTIFACTS / f"{request.node.name}-{number}.png")
        context.close()
    if violations:
        pytest.fail(
            "The Content-Security-Policy refused something on the pages visited:\n"
            + "\n".join(violations),
            pytrace=False,
        )
    if inaccessible:
        pytest.fail(
            f"axe-core {AXE_VERSION} found serious or critical accessibility violations on the "
            "pages visited:\n" + "\n".join(inaccessible),
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
    page.locator("#id_password").press("Enter")  # submits, in whatever language the page is
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def login(live_server, transactional_db) -> Callable:
    """Return `login(page, user, password=PASSWORD)` against the live server."""

    def login(page, user, password: str = PASSWORD) -> None:
        log_in(page, live_server.url, user, password)

    return login
