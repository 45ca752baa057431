"""Form data for the contact and company pages, as a browser would post it."""

from html.parser import HTMLParser

from organizations.scoping import scopes_disabled

# Four of each detail (one too many) and the payloads every text field is tried with.
EMAILS = ["a@example.com", "b@example.com", "c@example.com", "d@example.com"]
PHONES = ["+39 02 1234 5671", "+39 02 1234 5672", "+39 02 1234 5673", "+39 02 1234 5674"]
ADDRESSES = [{"label": "office", "city": city} for city in ("Milano", "Roma", "Torino", "Bari")]
FOUR = {"emails": EMAILS, "phones": PHONES, "addresses": ADDRESSES}
XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "javascript:1",
    "' onmouseover='alert(1)",
]


def formset_data(prefix: str, rows: list[dict], *, total: int | None = None) -> dict:
    """The management form plus `rows` for the detail formset named `prefix`."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows) if total is None else total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "10",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{index}-{name}"] = value
    return data


def details_data(emails=(), phones=(), addresses=()) -> dict:
    """All three detail formsets; plain strings stand for an email or a phone number."""
    emails = [{"label": "work", "email": e} if isinstance(e, str) else e for e in emails]
    phones = [{"label": "work", "number": p} if isinstance(p, str) else p for p in phones]
    return {
        **formset_data("emails", emails),
        **formset_data("phones", phones),
        **formset_data("addresses", list(addresses)),
    }


def contact_data(emails=(), phones=(), addresses=(), **fields) -> dict:
    """A complete contact form post; `fields` override the defaults."""
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "role": "",
        "type": "",
        "company_name": "",
        "company_id": "",
        "description": "",
        "pec": "",
        "vat_number": "",
        "fiscal_code": "",
        "tax_country": "",
        "visibility": "public",
    }
    data.update(fields)
    data.update(details_data(emails, phones, addresses))
    return data


def company_data(emails=(), phones=(), addresses=(), **fields) -> dict:
    """A complete company form post; `fields` override the defaults."""
    data = {
        "name": "Initech",
        "type": "",
        "sector": "",
        "description": "",
        "pec": "",
        "vat_number": "",
        "tax_country": "",
        "visibility": "public",
    }
    data.update(fields)
    data.update(details_data(emails, phones, addresses))
    return data


def contact_edit_data(contact, **fields) -> dict:
    """The edit form of `contact` posted back as it stands, with `fields` changed."""
    data = {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "role": contact.role,
        "type": contact.type_id or "",
        "description": contact.description,
        "pec": contact.pec,
        "vat_number": contact.vat_number,
        "fiscal_code": contact.fiscal_code,
        "tax_country": contact.tax_country,
        "visibility": contact.visibility,
    }
    data.update(fields)
    return data


def company_edit_data(company, **fields) -> dict:
    """The edit form of `company` posted back as it stands, with `fields` changed."""
    data = {
        "name": company.name,
        "type": company.type_id or "",
        "sector": company.sector_id or "",
        "description": company.description,
        "pec": company.pec,
        "vat_number": company.vat_number,
        "tax_country": company.tax_country,
        "visibility": company.visibility,
    }
    data.update(fields)
    return data


def reload(record):
    """Return `record` as stored now, or None when it is gone."""
    with scopes_disabled():
        return type(record).objects.filter(pk=record.pk).first()


class _MarkupAudit(HTMLParser):
    """Collect what in a page could run script: tags, event handlers, script URLs."""

    DANGEROUS_TAGS = {"script", "img", "iframe", "svg", "object", "embed", "style", "base"}
    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        # The page's own scripts are files under /static/.
        own_script = tag == "script" and (dict(attrs).get("src") or "").startswith("/static/")
        if tag in self.DANGEROUS_TAGS and not own_script:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            scheme = "".join((value or "").split()).lower()
            if name in self.URL_ATTRIBUTES and scheme.startswith(("javascript:", "data:")):
                self.found.append(f"{tag}[{name}={value}]")


def dangerous_markup(page: str) -> list[str]:
    """Return the script-running markup in `page` (the page's own scripts aside)."""
    audit = _MarkupAudit()
    audit.feed(page)
    audit.close()
    return audit.found


class _FormValues(HTMLParser):
    """Collect what a browser would submit from a form: inputs, selects, textareas."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = {name: value or "" for name, value in attrs}
        name = attributes.get("name")
        if tag == "input" and name and "disabled" not in attributes:
            kind = attributes.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in attributes:
                    self.values[name] = attributes.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self.values[name] = attributes.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attributes:
            self.values[self._select] = attributes.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def form_values(page: str, marker: str = "record-form") -> dict[str, str]:
    """What submitting the form whose tag contains `marker` unchanged would post."""
    start = page.index(marker)
    form = page[page.rindex("<form", 0, start) : page.index("</form>", start)]
    parser = _FormValues()
    parser.feed(form)
    parser.close()
    # A browser drops the single newline that opens a textarea's content.
    return {
        name: value[1:] if value.startswith("\n") and name == "description" else value
        for name, value in parser.values.items()
    }
