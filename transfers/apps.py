from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    """Moving records in and out of an organization: copies, imports and exports."""

    name = "transfers"
    verbose_name = _("Transfers")
