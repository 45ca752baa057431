"""Companies and their contact persons (PRODUCT §2)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory.models import (
    DirectoryRecord,
    MentionBase,
    contact_point_models,
    list_entry_field,
)
from organizations.scoping import TenantModel


class Company(DirectoryRecord):
    """An organization of the network; read it through `Company.objects.visible_to(...)`."""

    name = models.CharField(_("name"), max_length=200)
    type = list_entry_field("organizations.RecordType", _("type"))
    sector = list_entry_field("organizations.Sector", _("sector"))

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["organization", "name", "id"], name="company_by_name"),
            models.Index(fields=["organization", "-created_at", "-id"], name="company_by_created"),
            models.Index(fields=["organization", "-updated_at", "-id"], name="company_by_updated"),
            models.Index(fields=["organization", "visibility", "created_by"], name="company_vis"),
            models.Index(fields=["organization", "vat_number"], name="company_vat"),
            models.Index(fields=["organization", "type"], name="company_type"),
            models.Index(
                fields=["organization", "copied_from_organization", "copied_from_id"],
                name="company_copied_from",
            ),
            models.Index(fields=["organization", "sector"], name="company_sector"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("company_detail", kwargs={"slug": self.organization.slug, "pk": self.pk})

    @classmethod
    def mention_model(cls) -> "type[MentionBase]":
        return CompanyMention


CompanyEmail, CompanyPhone, CompanyAddress, CompanyMention = contact_point_models(
    Company, addresses_plural=_("company addresses")
)


class Affiliation(TenantModel):
    """A contact's link to a company: their role there, and whether it is their primary one."""

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="affiliations"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="affiliations")
    role = models.CharField(_("role at the company"), max_length=120, blank=True)
    is_primary = models.BooleanField(_("primary company"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        ordering = ["-is_primary", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "contact", "company"], name="affiliation_unique"
            ),
            models.UniqueConstraint(
                fields=["organization", "contact"],
                condition=models.Q(is_primary=True),
                name="affiliation_one_primary",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "company", "contact"], name="affiliation_company")
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} @ {self.company_id}"
