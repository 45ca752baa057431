from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    """Moving records in and out of an organization: copies (later import, export, merge)."""

    name = "transfers"
    verbose_name = _("Transfers")
