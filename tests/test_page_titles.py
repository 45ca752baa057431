"""Every page has its own <title> (issue 18): each template extending base.html names one,
and the main pages, walked as an owner, all have different titles."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from organizations.scoping import scopes_disabled
from tests import factories

TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def page_templates() -> list[Path]:
    roots = [Path(settings.BASE_DIR) / "templates"] + [
        path for path in Path(settings.BASE_DIR).glob("*/templates") if ".venv" not in path.parts
    ]
    return sorted(path for root in roots for path in root.rglob("*.html"))


def test_every_page_template_names_its_own_title():
    extending = [
        path
        for path in page_templates()
        if re.search(r'{%\s*extends\s+"base\.html"', path.read_text())
    ]
    assert len(extending) > 40
    untitled = [str(path) for path in extending if "{% block title %}" not in path.read_text()]
    assert untitled == []


@pytest.mark.django_db
def test_the_main_pages_have_distinct_titles(client_for, acme, alice):
    with scopes_disabled():
        company = factories.CompanyFactory(organization=acme, name="Initech", created_by=alice)
        contact = factories.ContactFactory(
            organization=acme, first_name="Peter", last_name="Gibbons", created_by=alice
        )
        project = factories.ProjectFactory(organization=acme, name="Migration", created_by=alice)
        ticket = factories.TicketFactory(organization=acme, subject="Printer jam", project=project)
    org = ["acme"]
    urls = [
        reverse("dashboard", args=org),
        reverse("contact_list", args=org),
        reverse("contact_detail", args=[*org, contact.pk]),
        reverse("contact_create", args=org),
        reverse("contact_delete", args=[*org, contact.pk]),
        reverse("company_list", args=org),
        reverse("company_detail", args=[*org, company.pk]),
        reverse("company_delete", args=[*org, company.pk]),
        reverse("project_list", args=org),
        reverse("project_detail", args=[*org, project.pk]),
        reverse("ticket_list", args=org),
        reverse("ticket_detail", args=[*org, ticket.pk]),
        reverse("activity_list", args=org),
        reverse("storage", args=org),
        reverse("member_list", args=org),
        reverse("organization_settings", args=org),
        reverse("notification_list", args=org),
        reverse("search", args=org) + "?q=Init",
        reverse("organization_list"),
        reverse("profile"),
        reverse("password_change"),
    ]
    client = client_for(alice)
    titles = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        found = TITLE.findall(response.content.decode())
        assert len(found) == 1, url
        titles[url] = " ".join(found[0].split())
    client = client_for(None)
    for name in ("login", "signup", "password_reset"):
        response = client.get(reverse(name))
        titles[reverse(name)] = " ".join(TITLE.findall(response.content.decode())[0].split())

    repeated = {
        title: [url for url, other in titles.items() if other == title]
        for title in titles.values()
        if list(titles.values()).count(title) > 1
    }
    assert repeated == {}
    assert all(title.strip() for title in titles.values())
