"""Shared shape of directory records (contacts, companies) and their detail rows.

Contacts and companies each subclass these: the tables stay separate and simple, the
rules (labels, limits, normalization, visibility) are written once.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.markup import render_description
from directory.validators import format_phone, validate_description_length
from organizations.countries import country_choices, country_name
from organizations.mentions import sync_mentions
from organizations.scoping import TenantModel
from organizations.visibility import MentionBase, Visibility, VisibleManager

# PRODUCT §2: up to three of each, enforced by the form, the service and the database
# (positions 0-2, unique per record).
MAX_DETAILS = 3


class DirectoryRecord(TenantModel):
    """Fields every contact and company has."""

    description = models.TextField(_("description"), blank=True)
    # The description rendered to sanitized HTML when it is saved (mentions are marked
    # when shown, from the members of that moment); `render_descriptions` renders
    # every record again after a change of the renderer.
    description_html = models.TextField(_("description as HTML"), blank=True, editable=False)
    pec = models.EmailField(
        _("certified email (PEC)"),
        blank=True,
        help_text=_("Optional certified email address (PEC)."),
    )
    vat_number = models.CharField(_("VAT number"), max_length=32, blank=True)
    tax_country = models.CharField(
        _("tax country"),
        max_length=2,
        choices=country_choices,
        blank=True,
        help_text=_("Country used to check the VAT number and fiscal code (default: yours)."),
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility, default=Visibility.PUBLIC
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Provenance of a copy made from another organization (PRODUCT §6): where it came
    # from, so that a later copy can recognise it and the page can say so. The source
    # id is a plain number, not a foreign key: the original lives in another tenant and
    # may be deleted without touching its copies.
    copied_from_organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("copied from organization"),
    )
    copied_from_id = models.PositiveBigIntegerField(_("copied from record"), null=True, blank=True)
    copied_at = models.DateTimeField(_("copied on"), null=True, blank=True)

    objects = VisibleManager()

    class Meta:
        abstract = True

    @property
    def is_private(self) -> bool:
        return self.visibility == Visibility.PRIVATE

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._saved_description = instance.__dict__.get("description")
        return instance

    def clean(self) -> None:
        """Refuse a description longer than DESCRIPTION_MAX_LENGTH when it is written.

        A description saved before the limit (or copied from another organization)
        stays as it is until someone edits it.
        """
        super().clean()
        if self.description != getattr(self, "_saved_description", None):
            try:
                validate_description_length(self.description)
            except ValidationError as error:
                raise ValidationError({"description": error}) from error

    def save(self, *args, **kwargs) -> None:
        """Save; when the description changed, render it and resolve its mentions (§3.7).

        Doing both here rather than in each service means every write path — forms,
        services, commands, the admin — keeps the page and access in step with the text.
        """
        update_fields = kwargs.get("update_fields")
        # Who this save mentions for the first time (directory.journal notifies them).
        self._new_mentions = set()
        changed = (update_fields is None or "description" in update_fields) and (
            self._state.adding or self.description != getattr(self, "_saved_description", None)
        )
        if changed:
            self.description_html = render_description(self.description)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "description_html"}
        super().save(*args, **kwargs)
        if changed:
            self._new_mentions = sync_mentions(self)
            self._saved_description = self.description


def list_entry_field(model: str, verbose_name: str) -> models.ForeignKey:
    """An optional entry of one of the organization's editable lists (types, sectors).

    Removing the entry from the list leaves the records that used it without a value.
    """
    return models.ForeignKey(
        model,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=verbose_name,
    )


class EmailLabel(models.TextChoices):
    WORK = "work", _("Work")
    HOME = "home", _("Home")
    OTHER = "other", _("Other")


class PhoneLabel(models.TextChoices):
    WORK = "work", _("Work")
    MOBILE = "mobile", _("Mobile")
    HOME = "home", _("Home")
    FAX = "fax", _("Fax")
    OTHER = "other", _("Other")


class AddressLabel(models.TextChoices):
    OFFICE = "office", _("Office")
    HEADQUARTERS = "headquarters", _("Headquarters")
    BILLING = "billing", _("Billing")
    SHIPPING = "shipping", _("Shipping")
    HOME = "home", _("Home")
    OTHER = "other", _("Other")


class DetailRow(TenantModel):
    """One of up to three labelled emails, phones or addresses of a record."""

    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position"]


class EmailBase(DetailRow):
    label = models.CharField(_("label"), max_length=10, choices=EmailLabel, default=EmailLabel.WORK)
    email = models.EmailField(_("email"))

    class Meta(DetailRow.Meta):
        abstract = True

    def __str__(self) -> str:
        return self.email


class PhoneBase(DetailRow):
    label = models.CharField(_("label"), max_length=10, choices=PhoneLabel, default=PhoneLabel.WORK)
    number = models.CharField(_("number"), max_length=20, help_text=_("Stored in E.164."))

    class Meta(DetailRow.Meta):
        abstract = True

    def __str__(self) -> str:
        return self.formatted

    @property
    def formatted(self) -> str:
        return format_phone(self.number)


class AddressBase(DetailRow):
    label = models.CharField(
        _("label"), max_length=12, choices=AddressLabel, default=AddressLabel.OFFICE
    )
    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=country_choices, blank=True)

    class Meta(DetailRow.Meta):
        abstract = True

    def __str__(self) -> str:
        return ", ".join(self.lines)

    @property
    def lines(self) -> list[str]:
        locality = " ".join(part for part in [self.postal_code, self.city] if part)
        if self.region:
            locality = f"{locality} ({self.region})" if locality else self.region
        return [part for part in [self.street, locality, country_name(self.country)] if part]


def detail_constraints(prefix: str, owner: str) -> list[models.BaseConstraint]:
    """At most three rows per record: positions 0..2, each used once."""
    return [
        models.UniqueConstraint(
            fields=["organization", owner, "position"], name=f"{prefix}_unique_position"
        ),
        models.CheckConstraint(
            condition=models.Q(position__lt=MAX_DETAILS), name=f"{prefix}_at_most_three"
        ),
    ]


def contact_point_models(
    record: type[DirectoryRecord], *, addresses_plural: str
) -> tuple[type[EmailBase], type[PhoneBase], type[AddressBase], type[MentionBase]]:
    """Declare a record's emails, phones, addresses and mentions, alike for both records.

    Call it in the record's own models module: `ContactEmail, ContactPhone,
    ContactAddress, ContactMention = contact_point_models(Contact, ...)`. Each model
    gets a foreign key named after the record (`contact`, `company`) with the related
    names `emails`, `phones`, `addresses` and `mentions`, and the same tables,
    constraints and index names as when each was written out by hand.
    """
    owner = record._meta.model_name
    module = record.__module__

    def declare(kind: str, base: type, meta: dict, related_name: str, **attrs) -> type:
        name = f"{record.__name__}{kind}"
        # An abstract base's Meta is inherited by subclassing it; MentionBase's is not.
        meta_bases = (base.Meta,) if base is not MentionBase else ()
        return type(
            name,
            (base,),
            {
                "__module__": module,
                owner: models.ForeignKey(
                    record, on_delete=models.CASCADE, related_name=related_name
                ),
                "Meta": type("Meta", meta_bases, meta),
                **attrs,
            },
        )

    def index(*fields: str, name: str) -> models.Index:
        return models.Index(fields=["organization", *fields], name=f"{owner}{name}")

    email = declare(
        "Email",
        EmailBase,
        {
            "constraints": detail_constraints(f"{owner}email", owner),
            "indexes": [index("email", name="email_email")],
        },
        "emails",
    )
    phone = declare(
        "Phone",
        PhoneBase,
        {
            "constraints": detail_constraints(f"{owner}phone", owner),
            "indexes": [index("number", name="phone_number")],
        },
        "phones",
    )
    address = declare(
        "Address",
        AddressBase,
        {
            "verbose_name_plural": addresses_plural,
            "constraints": detail_constraints(f"{owner}address", owner),
        },
        "addresses",
    )
    mention = declare(
        "Mention",
        MentionBase,
        {
            "constraints": [
                models.UniqueConstraint(
                    fields=["organization", owner, "user"], name=f"{owner}mention_unique"
                )
            ],
            "indexes": [index("user", owner, name="mention_user")],
        },
        "mentions",
        __doc__=f"A member mentioned in a {owner}'s description.",
        target_field=owner,
    )
    return email, phone, address, mention


__all__ = [
    "MAX_DETAILS",
    "AddressBase",
    "DirectoryRecord",
    "EmailBase",
    "MentionBase",
    "PhoneBase",
    "contact_point_models",
    "detail_constraints",
    "list_entry_field",
]
