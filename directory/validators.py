"""Phone numbers, VAT numbers and fiscal codes: validated and normalized (PRODUCT §2)."""

import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from stdnum import get_cc_module
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale, iva

EU_VAT_PREFIXES = {code.upper() for code in eu_vat.MEMBER_STATES} | {"EL"}
# Longer input is refused before any parser sees it: no phone number, VAT number or
# fiscal code comes near these lengths, and the parsers' cost grows with the input.
MAX_PHONE_INPUT = 64
MAX_TAX_NUMBER_INPUT = 64


def validate_description_length(value: str) -> None:
    """Refuse a description longer than DESCRIPTION_MAX_LENGTH characters."""
    limit = settings.DESCRIPTION_MAX_LENGTH
    if len(value) > limit:
        raise ValidationError(
            _(
                "A description can have at most %(limit)s characters; this one has "
                "%(count)s. Shorten it and save again."
            ),
            code="max_length",
            params={
                "limit": number_format(limit, force_grouping=True),
                "count": number_format(len(value), force_grouping=True),
            },
        )


def normalize_phone(value: str, default_country: str) -> str:
    """Return `value` in E.164, reading national numbers in `default_country`."""
    if len(value) > MAX_PHONE_INPUT:
        raise ValidationError(
            _("A phone number has at most %(max)d characters."),
            code="invalid_phone",
            params={"max": MAX_PHONE_INPUT},
        )
    try:
        number = phonenumbers.parse(value, (default_country or "").upper() or None)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            _("“%(value)s” is not a phone number."), code="invalid_phone", params={"value": value}
        ) from error
    if not phonenumbers.is_valid_number(number):
        example = phone_example(default_country)
        if example:
            message = _("“%(value)s” is not a valid phone number (such as %(example)s).")
        else:
            message = _(
                "“%(value)s” is not a valid phone number (start it with + and the country prefix)."
            )
        raise ValidationError(
            message, code="invalid_phone", params={"value": value, "example": example}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_example(country: str) -> str:
    """An example phone number of `country`, written with its prefix ("" when none is known).

    The hint of the phone fields and of their errors: "+49 30 123456" for an organization
    in Germany, instead of an Italian "+39" shown to everyone.
    """
    number = phonenumbers.example_number((country or "").upper()) if country else None
    if number is None:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def format_phone(e164: str) -> str:
    """Return a stored E.164 number formatted for people."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


PHONE_QUERY_RE = re.compile(r"^\+?[\d\s().\-/]+$")


def phone_search_keys(text: str, default_country: str) -> list[str]:
    """Return digit strings one of which a stored E.164 number contains to match `text`.

    Only text that looks like (part of) a phone number and has three digits or more
    searches phones: its digits as typed, and the whole number in E.164 when it parses
    as one (so "020 7946 0000" finds +442079460000 in the UK).
    """
    text = text.strip()
    if not PHONE_QUERY_RE.match(text):
        return []
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) < 3:
        return []
    keys = [digits]
    try:
        e164 = normalize_phone(text, default_country)
    except ValidationError:
        return keys
    if e164[1:] not in keys:
        keys.append(e164[1:])
    return keys


def _compact(value: str) -> str:
    return "".join(ch for ch in value.upper() if ch.isalnum())


def normalize_vat(value: str, country: str) -> str:
    """Return a validated, compact VAT number.

    An EU number is checked with its own country prefix (IT12345678901); a number
    without prefix is read in `country` and, inside the EU, stored with the prefix.
    Outside the countries python-stdnum knows, the number is stored compact, unchecked.
    """
    if len(value) > MAX_TAX_NUMBER_INPUT:
        raise _invalid(_("VAT number"), value)
    compact = _compact(value)
    if not compact:
        return ""
    prefix = compact[:2]
    if prefix.isalpha() and prefix in EU_VAT_PREFIXES:
        try:
            return eu_vat.validate(compact)
        except StdnumError as error:
            raise _invalid(_("VAT number"), value) from error
    country = (country or "").lower()
    module = get_cc_module(country, "vat") if country else None
    if module is None:
        return compact
    try:
        number = module.validate(compact)
    except StdnumError as error:
        raise _invalid(_("VAT number"), value) from error
    number = _compact(number)
    if country.upper() in EU_VAT_PREFIXES and not number.startswith(country.upper()):
        number = country.upper() + number
    return number


def normalize_fiscal_code(value: str, country: str) -> str:
    """Return a validated, compact fiscal code (Italian codice fiscale or partita IVA)."""
    if len(value) > MAX_TAX_NUMBER_INPUT:
        raise _invalid(_("fiscal code"), value)
    compact = _compact(value)
    if not compact:
        return ""
    if (country or "").upper() != "IT":
        return compact
    try:
        if compact.isdigit():
            # Companies and sole traders use their 11-digit partita IVA as fiscal code.
            return iva.validate(compact)
        return codicefiscale.validate(compact)
    except StdnumError as error:
        raise _invalid(_("fiscal code"), value) from error


def _invalid(field: str, value: str) -> ValidationError:
    return ValidationError(
        _("“%(value)s” is not a valid %(field)s."),
        code="invalid_tax_number",
        # Shortened: the message repeats what was typed, which may be anything.
        params={"value": Truncator(value).chars(40), "field": field},
    )
