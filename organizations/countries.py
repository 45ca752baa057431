"""Country codes: only assigned ISO 3166-1 alpha-2 codes are accepted anywhere.

Countries are stored as their two-letter code and picked from a list of names in the
reader's language (django-countries' translations, issue 18): typing "Germany" once
stored GE, Georgia.
"""

import pycountry
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries


def normalize_country(value: str) -> str:
    """Return `value` as an ISO 3166-1 alpha-2 code in upper case ("" stays "").

    Only assigned codes pass (pycountry's list): "ÄÖ" or "XX" would otherwise be
    stored, and a VAT number read in such a "country" would skip its checksum.
    """
    code = (value or "").strip().upper()
    if code and (
        len(code) != 2 or not code.isascii() or pycountry.countries.get(alpha_2=code) is None
    ):
        raise ValidationError(
            _("“%(value)s” is not a two-letter country code (ISO 3166-1), such as IT, DE or GR."),
            code="invalid_country",
            params={"value": value.strip()[:10]},
        )
    return code


def country_choices() -> list[tuple[str, str]]:
    """Every country as (code, name), by name in the active language.

    A callable, so a model's `choices` is read at each use (in the reader's language)
    and migrations name the function instead of copying 249 names.
    """
    return [(code, name) for code, name in countries]


def country_name(code: str) -> str:
    """The name of the country `code` in the active language; an unknown code as it is."""
    return countries.name(code) or code if code else ""


class CountryField(forms.ChoiceField):
    """A country picked by name, cleaned to its upper-case code.

    A code sent in any case ("de") is accepted; anything that is not an assigned code
    gets `normalize_country`'s message, whatever the form that sent it.
    """

    def __init__(self, *, blank_label=None, **kwargs):
        blank_label = blank_label or _("Choose a country")

        def choices() -> list[tuple[str, str]]:
            return [("", blank_label), *country_choices()]

        kwargs.setdefault("choices", choices)
        super().__init__(**kwargs)

    def to_python(self, value) -> str:
        return super().to_python(value).strip().upper()

    def validate(self, value: str) -> None:
        if value:
            normalize_country(value)
        super().validate(value)
