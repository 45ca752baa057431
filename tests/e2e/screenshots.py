"""Screenshots of the main pages for docs/screenshots/ (issue 18): `make screenshots`.

Not part of the test run (its name does not start with test_): `make screenshots` runs it
through pytest with the browser tests' fixtures, the live server and the demo data of
`manage.py seed_demo`, and saves, for Italian and German, at 1280 and 390 px wide: the
dashboard, the contact list, a contact, a company, the project list and the login page.
axe checks each page on the way, as in every browser test. The PNGs are reduced to 256
colours so that the whole set stays small enough to commit.
"""

from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

from companies.models import Company
from contacts.models import Contact
from organizations.management.commands.seed_demo import DEMO_PASSWORD
from organizations.models import User
from organizations.scoping import scopes_disabled
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

OUTPUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LANGUAGES = ("it", "de")
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def save(page, name: str) -> None:
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=path)
    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(
            path, optimize=True
        )


def choose_language(page, language: str) -> None:
    page.locator("#language-select").select_option(language)
    page.locator(".language-switch button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("device", VIEWPORTS)
def test_screenshots(new_page, live_server, transactional_db, language, device):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with scopes_disabled():
        contact = Contact.objects.filter(organization__slug="acme").order_by("last_name").first()
        company = (
            Company.objects.filter(organization__slug="acme", name="Enel Green Power").first()
            or Company.objects.filter(organization__slug="acme").first()
        )
    prefix = f"{language}-{VIEWPORTS[device]['width']}"

    visitor = new_page(viewport=VIEWPORTS[device], locale=language)
    visitor.goto(f"{live_server.url}/accounts/login/")
    choose_language(visitor, language)
    save(visitor, f"{prefix}-login")

    page = new_page(viewport=VIEWPORTS[device], locale=language)
    log_in(page, live_server.url, User.objects.get(email="alice@example.com"), DEMO_PASSWORD)
    choose_language(page, language)  # saved on alice's profile
    base = f"{live_server.url}/o/acme"
    for name, path in (
        ("dashboard", "/"),
        ("contacts", "/contacts/"),
        ("contact", f"/contacts/{contact.pk}/"),
        ("company", f"/companies/{company.pk}/"),
        ("projects", "/projects/"),
    ):
        page.goto(base + path)
        assert page.locator("html").get_attribute("lang") == language
        save(page, f"{prefix}-{name}")
