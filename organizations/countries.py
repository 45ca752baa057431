"""Country codes: only assigned ISO 3166-1 alpha-2 codes are accepted anywhere."""

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


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
