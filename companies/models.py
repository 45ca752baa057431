"""Companies and their contact persons (PRODUCT §2)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organizations.directory import (
    AddressBase,
    DirectoryRecord,
    EmailBase,
    MentionBase,
    PhoneBase,
    detail_constraints,
)
from organizations.scoping import TenantModel


class Company(DirectoryRecord):
    """An organization of the network; read it through `Company.objects.visible_to(...)`."""

    name = models.CharField(_("name"), max_length=200)
    type = models.ForeignKey(
        "organizations.RecordType",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("type"),
    )
    sector = models.ForeignKey(
        "organizations.Sector",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sector"),
    )

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


class CompanyEmail(EmailBase):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="emails")

    class Meta(EmailBase.Meta):
        constraints = detail_constraints("companyemail", "company")
        indexes = [models.Index(fields=["organization", "email"], name="companyemail_email")]


class CompanyPhone(PhoneBase):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="phones")

    class Meta(PhoneBase.Meta):
        constraints = detail_constraints("companyphone", "company")
        indexes = [models.Index(fields=["organization", "number"], name="companyphone_number")]


class CompanyAddress(AddressBase):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="addresses")

    class Meta(AddressBase.Meta):
        verbose_name_plural = _("company addresses")
        constraints = detail_constraints("companyaddress", "company")


class CompanyMention(MentionBase):
    """A member mentioned in a company's description."""

    target_field = "company"

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="mentions")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "company", "user"], name="companymention_unique"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "user", "company"], name="companymention_user")
        ]


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
