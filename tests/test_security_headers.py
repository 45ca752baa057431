"""Security headers on every response, and pages a strict Content-Security-Policy can run.

The policy (config/settings.py, SECURE_CSP) allows scripts and styles only from Rolo's own
files or with the response's nonce, so a page must carry no style attribute, no inline
<style> or <script> without that nonce, no event handler attribute and no javascript: URL:
the browser would refuse them (tests/e2e/test_csp.py watches the browser doing so).
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from config.middleware import permissions_policy
from organizations.models import Organization, Role
from tests import factories

# The policy of every page that needs nothing inline: no nonce is offered at all.
STRICT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
PERMISSIONS_POLICY = (
    "accelerometer=(), browsing-topics=(), camera=(), display-capture=(), "
    "geolocation=(), gyroscope=(), hid=(), idle-detection=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), publickey-credentials-get=(), "
    "screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()"
)
NONCE_RE = re.compile(r"'nonce-([A-Za-z0-9_\-]+)'")


def policy_nonce(response) -> str | None:
    """The nonce the response's policy allows, or None when it allows none."""
    nonces = set(NONCE_RE.findall(response["Content-Security-Policy"]))
    assert len(nonces) <= 1, nonces
    return nonces.pop() if nonces else None


def assert_security_headers(response) -> None:
    """The CSP (strict, or the same with this response's nonce) and Permissions-Policy."""
    nonce = policy_nonce(response)
    expected = STRICT_POLICY
    if nonce:
        expected = expected.replace(
            "script-src 'self'", f"script-src 'self' 'nonce-{nonce}'"
        ).replace("style-src 'self'", f"style-src 'self' 'nonce-{nonce}'")
    assert response["Content-Security-Policy"] == expected
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "Content-Security-Policy-Report-Only" not in response


def own(url: str) -> bool:
    """Whether `url` is a path on Rolo's own origin (not //elsewhere or https://...)."""
    return url.startswith("/") and not url.startswith("//")


class _PolicyAudit(HTMLParser):
    """Collect what in a page the policy would refuse, given the response's nonce."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}

    def __init__(self, nonce: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = {name: value or "" for name, value in attrs}
        nonced = self.nonce is not None and attributes.get("nonce") == self.nonce
        if tag == "style" and not nonced:
            self.found.append("<style> without the nonce")
        if tag == "script" and "src" not in attributes and not nonced:
            self.found.append("inline <script> without the nonce")
        if tag == "script" and "src" in attributes and not own(attributes["src"]):
            self.found.append(f"<script src={attributes['src']}> from elsewhere")
        stylesheet = tag == "link" and "stylesheet" in attributes.get("rel", "").split()
        if stylesheet and not own(attributes.get("href", "")):
            self.found.append(f"<link href={attributes.get('href')}> from elsewhere")
        for name, value in attributes.items():
            if name == "style":
                self.found.append(f"{tag}[style={value}]")
            if name.startswith(("on", "hx-on", "data-hx-on")):
                self.found.append(f"{tag}[{name}]")
            scheme = "".join(value.split()).lower()
            if name in self.URL_ATTRIBUTES and scheme.startswith("javascript:"):
                self.found.append(f"{tag}[{name}={value}]")
            if name in ("hx-vals", "hx-vars", "hx-headers") and scheme.startswith(
                ("js:", "javascript:")
            ):
                self.found.append(f"{tag}[{name}] evaluated")


def refused_markup(response) -> list[str]:
    """What the browser would refuse to run or apply in `response` under its own policy."""
    audit = _PolicyAudit(policy_nonce(response))
    audit.feed(response.content.decode())
    audit.close()
    return audit.found


@pytest.fixture
def records(acme, alice, bob, carol, gina, globex):
    """One of each record alice can open, with files, links and a Markdown description."""
    company = factories.CompanyFactory(organization=acme, name="Initech")
    contact = factories.ContactFactory(
        organization=acme,
        first_name="Peter",
        last_name="Gibbons",
        description="**Bold** and `code`, see https://example.com — ask @bob@example.com",
    )
    factories.AffiliationFactory(contact=contact, company=company, is_primary=True)
    factories.AttachmentFactory(contact=contact, name="notes.txt")
    factories.LinkFactory(contact=contact)
    factories.AttachmentFactory(company=company, name="offer.txt")
    project = factories.ProjectFactory(organization=acme, name="Migration")
    task = factories.TaskFactory(project=project, title="Move the data")
    ticket = factories.TicketFactory(organization=acme, subject="Printer", project=project)
    factories.connect(project, company)
    factories.connect(ticket, contact)
    factories.MembershipFactory(organization=globex, user=alice, role=Role.OWNER)
    # Queued, not running: on PostgreSQL a running job without a worker is marked failed.
    job = factories.CopyJobFactory(
        organization=acme, target=globex, requested_by=alice, status="queued", report={}
    )
    return {
        "company": company,
        "contact": contact,
        "project": project,
        "task": task,
        "ticket": ticket,
        "job": job,
    }


def main_pages(records) -> list[tuple[str, dict]]:
    """(url, headers) of the pages people use most, full pages and htmx fragments."""
    slug = "acme"
    contact, company = records["contact"], records["company"]
    project, task, ticket = records["project"], records["task"], records["ticket"]
    htmx = {"HX-Request": "true"}
    contact_results = {**htmx, "HX-Target": "contact-results"}
    company_results = {**htmx, "HX-Target": "company-results"}

    def url(name: str, **kwargs) -> str:
        return reverse(name, kwargs={"slug": slug, **kwargs})

    return [
        (reverse("organization_list"), {}),
        (reverse("password_change"), {}),
        (url("dashboard"), {}),
        (url("search") + "?q=Init", {}),
        (url("search") + "?q=Init", htmx),
        (url("contact_list"), {}),
        (url("contact_list") + "?q=Pet", contact_results),
        (url("contact_detail", pk=contact.pk), {}),
        (url("contact_create"), {}),
        (url("contact_edit", pk=contact.pk), {}),
        (url("contact_row", pk=contact.pk), htmx),
        (url("contact_autocomplete") + "?q=Pe", htmx),
        (url("company_list"), {}),
        (url("company_list") + "?q=Ini", company_results),
        (url("company_detail", pk=company.pk), {}),
        (url("company_create"), {}),
        (url("company_edit", pk=company.pk), {}),
        (url("company_autocomplete") + "?q=In", htmx),
        (url("member_autocomplete") + "?q=bo", htmx),
        (url("project_autocomplete") + "?q=Mig", htmx),
        (url("project_list"), {}),
        (url("project_detail", pk=project.pk), {}),
        (url("project_create"), {}),
        (url("task_detail", project_pk=project.pk, pk=task.pk), {}),
        (url("ticket_list"), {}),
        (url("ticket_detail", pk=ticket.pk), {}),
        (url("ticket_create"), {}),
        (url("member_list"), {}),
        (url("organization_settings"), {}),
        (url("storage"), {}),
        (url("copy_list"), {}),
        (url("copy_job_detail", pk=records["job"].pk), {}),
        (url("copy_job_detail", pk=records["job"].pk), htmx),
    ]


# The headers


def test_a_page_carries_the_strict_policy_and_the_permissions_policy(client_for, alice):
    response = client_for(alice).get(reverse("dashboard", kwargs={"slug": "acme"}))

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == STRICT_POLICY
    assert_security_headers(response)


def test_the_login_page_carries_the_policy(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert_security_headers(response)
    assert refused_markup(response) == []


def test_a_not_found_page_carries_the_policy(client_for, alice):
    response = client_for(alice).get("/o/acme/contacts/999999/")

    assert response.status_code == 404
    assert_security_headers(response)
    assert refused_markup(response) == []


def test_an_htmx_fragment_carries_the_policy(client_for, alice, records):
    response = client_for(alice).get(
        reverse("contact_list", kwargs={"slug": "acme"}),
        {"q": "Pet"},
        headers={"HX-Request": "true", "HX-Target": "contact-results"},
    )

    assert response.status_code == 200
    assert "<html" not in response.text  # the fragment, not the page
    assert "Gibbons" in response.text
    assert_security_headers(response)


def test_a_redirect_carries_the_policy(client):
    response = client.get(reverse("dashboard", kwargs={"slug": "acme"}))

    assert response.status_code == 302
    assert_security_headers(response)


def test_a_download_keeps_its_own_stricter_policy(client_for, alice, records):
    contact = records["contact"]
    attachment = factories.AttachmentFactory(contact=contact, name="page.html")
    url = reverse(
        "contact_attachment_download",
        kwargs={"slug": "acme", "pk": contact.pk, "attachment_pk": attachment.pk},
    )

    response = client_for(alice).get(url)

    assert response.status_code == 200
    # An uploaded HTML or SVG file opened from Rolo's origin can run nothing at all.
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_the_admin_gets_a_fresh_nonce_for_its_inline_code_on_each_response(client):
    first = client.get(reverse("admin:login"))
    second = client.get(reverse("admin:login"))

    nonces = [policy_nonce(first), policy_nonce(second)]
    assert None not in nonces
    assert nonces[0] != nonces[1]
    for response, nonce in zip((first, second), nonces, strict=True):
        assert_security_headers(response)
        assert f'nonce="{nonce}"' in response.text
        assert refused_markup(response) == []


def test_an_admin_changelist_runs_under_the_policy(client, records):
    operator = factories.UserFactory(email="operator@example.com", is_staff=True, is_superuser=True)
    client.force_login(operator)

    for name in ("organizations_organization", "organizations_user", "contacts_contact"):
        response = client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 200, name
        assert_security_headers(response)
        assert refused_markup(response) == [], name
    organization = Organization.objects.get(slug="acme")
    change = client.get(reverse("admin:organizations_organization_change", args=[organization.pk]))
    assert change.status_code == 200
    assert refused_markup(change) == []


def test_only_djangos_debug_error_pages_go_without_the_policy_and_only_under_debug(
    client_for, alice, settings
):
    client = client_for(alice)
    settings.DEBUG = True

    debug_not_found = client.get("/o/acme/contacts/999999/")
    debug_page = client.get(reverse("dashboard", kwargs={"slug": "acme"}))
    settings.DEBUG = False
    not_found = client.get("/o/acme/contacts/999999/")

    assert debug_not_found.status_code == 404
    assert "Content-Security-Policy" not in debug_not_found  # Django's technical 404
    assert debug_page["Content-Security-Policy"] == STRICT_POLICY
    assert not_found["Content-Security-Policy"] == STRICT_POLICY


def test_a_feature_can_be_allowed_to_rolo_itself():
    assert permissions_policy({"camera": [], "payment": ["self"]}) == "camera=(), payment=(self)"


# What the pages contain


def test_the_main_pages_contain_nothing_the_policy_refuses(client_for, alice, records):
    client = client_for(alice)

    for url, headers in main_pages(records):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        assert_security_headers(response)
        assert refused_markup(response) == [], url


def test_the_copy_progress_bar_is_styled_by_the_stylesheet(client_for, alice, records):
    response = client_for(alice).get(
        reverse("copy_job_detail", kwargs={"slug": "acme", "pk": records["job"].pk})
    )

    assert '<progress class="copy-progress"' in response.text


def test_pages_for_people_not_logged_in_contain_nothing_the_policy_refuses(client):
    for name in ("login", "signup", "password_reset"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert_security_headers(response)
        assert refused_markup(response) == [], name


def test_the_csrf_failure_page_styles_itself_with_the_nonce(db):
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x"})

    assert response.status_code == 403
    assert policy_nonce(response) is not None
    assert_security_headers(response)
    assert refused_markup(response) == []


def test_a_forbidden_page_contains_nothing_the_policy_refuses(client_for, gina):
    response = client_for(gina).get(reverse("member_list", kwargs={"slug": "acme"}))

    assert response.status_code == 403
    assert_security_headers(response)
    assert refused_markup(response) == []


def test_htmx_is_configured_to_need_no_eval_and_no_inline_style(client_for, alice):
    response = client_for(alice).get(reverse("dashboard", kwargs={"slug": "acme"}))

    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', response.text)
    assert config is not None
    assert config.group(1) == (
        '{"allowEval": false, "allowScriptTags": false, "includeIndicatorStyles": false}'
    )
    # The indicator rules htmx would have injected are in Rolo's stylesheet instead.
    stylesheet = Path(finders.find("css/rolo.css")).read_text()
    assert ".htmx-request .htmx-indicator" in stylesheet


def test_the_audit_finds_what_the_policy_would_refuse(client_for, alice):
    """The audit itself can fail: each kind of refused markup is reported."""
    response = client_for(alice).get(reverse("dashboard", kwargs={"slug": "acme"}))
    response.content = (
        b'<div style="color: red"></div><button onclick="go()"></button><style>p{}</style>'
        b'<script>alert(1)</script><a href="javascript:go()"></a><div hx-on:click="go()"></div>'
        b'<script src="https://cdn.example.com/x.js"></script>'
    )

    assert refused_markup(response) == [
        "div[style=color: red]",
        "button[onclick]",
        "<style> without the nonce",
        "inline <script> without the nonce",
        "a[href=javascript:go()]",
        "div[hx-on:click]",
        "<script src=https://cdn.example.com/x.js> from elsewhere",
    ]
