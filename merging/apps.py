from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MergingConfig(AppConfig):
    """Duplicates and merges of contacts and companies (issue 17), above the trash."""

    name = "merging"
    verbose_name = _("Duplicates and merges")
