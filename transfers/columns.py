"""The columns of imports and exports: one list per kind, so an export imports back as it is.

A column has a key (the field it fills), a label (the header an export writes, in the
reader's language) and the other headers an import recognises it by (English, the
active language, and common names in Italian, Spanish, French and German).
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.models import MAX_DETAILS

# The parts of an address, in the order an export writes them.
ADDRESS_PARTS = ("street", "postal_code", "city", "region", "country", "label")


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy translation, or a function of the slot number
    synonyms: tuple[str, ...] = ()

    def header(self) -> str:
        return str(self.label)


def _slot_label(template, number: int):
    return lambda: template % {"n": number}


RECORD_COLUMNS = {
    "contacts": [
        Column(
            "first_name",
            gettext_lazy("First name"),
            ("firstname", "given name", "nome", "prénom", "prenom", "vorname", "nombre"),
        ),
        Column(
            "last_name",
            gettext_lazy("Last name"),
            ("lastname", "surname", "family name", "cognome", "nom", "nachname", "apellidos"),
        ),
        Column(
            "role",
            gettext_lazy("Role"),
            ("job title", "title", "ruolo", "cargo", "poste", "position", "funktion"),
        ),
        Column(
            "company",
            gettext_lazy("Company"),
            ("organization", "organisation", "azienda", "società", "empresa", "entreprise"),
        ),
        Column("type", gettext_lazy("Type"), ("tipo", "typ")),
        Column(
            "fiscal_code",
            gettext_lazy("Fiscal code"),
            ("codice fiscale", "cf", "tax code", "tax id"),
        ),
    ],
    "companies": [
        Column(
            "name",
            gettext_lazy("Name"),
            ("company", "company name", "ragione sociale", "razón social", "raison sociale"),
        ),
        Column("type", gettext_lazy("Type"), ("tipo", "typ")),
        Column("sector", gettext_lazy("Sector"), ("settore", "industry", "branche", "secteur")),
    ],
}

SHARED_COLUMNS = [
    Column(
        "vat_number",
        gettext_lazy("VAT number"),
        ("vat", "partita iva", "p iva", "piva", "nif", "cif", "tva", "ust idnr", "vat id"),
    ),
    Column("tax_country", gettext_lazy("Tax country"), ("paese fiscale",)),
    Column("pec", gettext_lazy("PEC"), ("certified email", "posta certificata")),
    Column("visibility", gettext_lazy("Visibility"), ("visibilità", "visibilidad", "visibilité")),
    Column(
        "description",
        gettext_lazy("Description"),
        ("notes", "note", "descrizione", "descripción", "beschreibung"),
    ),
]

FIRST_SLOT_SYNONYMS = {
    "email": ("email", "e-mail", "mail", "correo", "courriel", "posta elettronica"),
    "phone": ("phone", "telephone", "tel", "telefono", "téléphone", "telefon", "mobile"),
    "address_street": ("address", "street", "indirizzo", "via", "dirección", "adresse"),
    "address_postal_code": ("zip", "postcode", "cap", "código postal", "code postal", "plz"),
    "address_city": ("city", "town", "città", "ciudad", "ville", "stadt", "ort"),
    "address_region": ("province", "state", "provincia", "région", "bundesland"),
    "address_country": ("country", "paese", "nazione", "país", "pays", "land"),
}


def _detail_columns() -> list[Column]:
    columns = []
    for n in range(1, MAX_DETAILS + 1):
        first = n == 1
        columns += [
            Column(
                f"email_{n}",
                _slot_label(gettext_lazy("Email %(n)s"), n),
                FIRST_SLOT_SYNONYMS["email"] if first else (),
            ),
            Column(f"email_{n}_label", _slot_label(gettext_lazy("Email %(n)s label"), n)),
        ]
    for n in range(1, MAX_DETAILS + 1):
        first = n == 1
        columns += [
            Column(
                f"phone_{n}",
                _slot_label(gettext_lazy("Phone %(n)s"), n),
                FIRST_SLOT_SYNONYMS["phone"] if first else (),
            ),
            Column(f"phone_{n}_label", _slot_label(gettext_lazy("Phone %(n)s label"), n)),
        ]
    labels = {
        "street": gettext_lazy("Address %(n)s street"),
        "postal_code": gettext_lazy("Address %(n)s postal code"),
        "city": gettext_lazy("Address %(n)s city"),
        "region": gettext_lazy("Address %(n)s region"),
        "country": gettext_lazy("Address %(n)s country"),
        "label": gettext_lazy("Address %(n)s label"),
    }
    for n in range(1, MAX_DETAILS + 1):
        for part in ADDRESS_PARTS:
            synonyms = FIRST_SLOT_SYNONYMS.get(f"address_{part}", ()) if n == 1 else ()
            columns.append(Column(f"address_{n}_{part}", _slot_label(labels[part], n), synonyms))
    return columns


DETAIL_COLUMNS = _detail_columns()


class _Label:
    """A slot's label, translated when shown (the template is lazy, the number fixed)."""

    def __init__(self, make) -> None:
        self.make = make

    def __str__(self) -> str:
        return str(self.make())


def columns(kind: str) -> list[Column]:
    """Every column of `kind` ("contacts" or "companies"), in the order an export writes them."""
    found = []
    for column in [*RECORD_COLUMNS[kind], *SHARED_COLUMNS, *DETAIL_COLUMNS]:
        label = column.label
        if callable(label):
            label = _Label(label)
        found.append(Column(column.key, label, column.synonyms))
    return found


def column_keys(kind: str) -> set[str]:
    return {column.key for column in columns(kind)}


def field_choices(kind: str) -> list[tuple[str, str]]:
    """The mapping form's choices: "" (ignore the column), then every field of `kind`."""
    return [("", _("— ignore this column —"))] + [
        (column.key, column.header()) for column in columns(kind)
    ]


def _plain(text: str) -> str:
    """A header reduced for comparison: lower case, no accents, letters and digits only."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _names_by_plain(kind: str) -> dict[str, str]:
    names: dict[str, str] = {}
    cols = columns(kind)
    language = translation.get_language() or "en"
    # Later entries win: synonyms, then English labels, then the reader's language, then keys.
    for column in cols:
        for synonym in column.synonyms:
            names.setdefault(_plain(synonym), column.key)
    for lang in ("en", language):
        with translation.override(lang):
            for column in cols:
                names[_plain(column.header())] = column.key
    for column in cols:
        names[_plain(column.key)] = column.key
    return names


def _next_slot(key: str, used: set[str], keys: set[str]) -> str:
    """A repeated "Email" or "Phone" header fills the next free slot ("" if none is free)."""
    match = re.fullmatch(r"(email|phone)_(\d)", key)
    if not match:
        return ""
    for n in range(1, MAX_DETAILS + 1):
        candidate = f"{match.group(1)}_{n}"
        if candidate in keys and candidate not in used:
            return candidate
    return ""


def guess_mapping(kind: str, headers: list[str], remembered: dict | None = None) -> list[str]:
    """The field each header fills: the organization's last choice for that header first,
    then a header that names a field (in any of the languages), else nothing."""
    remembered = remembered or {}
    keys = column_keys(kind)
    names = _names_by_plain(kind)
    mapping: list[str] = []
    used: set[str] = set()
    for header in headers:
        key = remembered.get(header)
        if key is None or (key and key not in keys):
            key = names.get(_plain(header), "")
        if key and key in used:
            key = _next_slot(key, used, keys)
        if key:
            used.add(key)
        mapping.append(key)
    return mapping
