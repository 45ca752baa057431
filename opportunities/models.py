"""Opportunities: a sales pipeline beside the contact panel (issue 19).

Each organization has pipelines (`Pipeline`) of ordered stages (`Stage`: a probability
and a kind, open, won or lost). An `Opportunity` sits on one stage, with a company and/or
a contact, a value in a currency and an expected close date. Who may see one is answered
by the directory's door, `Opportunity.objects.visible_to(user, organization)`
(organizations/visibility.py): owners and members see the public ones, a private one is
seen by its creator and the members its notes mention, guests see none.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from connections.models import currency_validator
from directory.markup import render_description
from organizations.mentions import sync_mentions
from organizations.scoping import TenantModel
from organizations.visibility import MentionBase, Visibility, VisibleManager

# The currency an organization's opportunities start in, from its default country.
COUNTRY_CURRENCIES = {
    "GB": "GBP", "US": "USD", "CH": "CHF", "SE": "SEK", "NO": "NOK", "DK": "DKK",
    "PL": "PLN", "CZ": "CZK", "HU": "HUF", "RO": "RON", "CA": "CAD", "AU": "AUD",
    "JP": "JPY", "MX": "MXN", "BR": "BRL", "IN": "INR", "CN": "CNY",
}  # fmt: skip


def default_currency(organization) -> str:
    """The organization's currency (from its country), or EUR."""
    return COUNTRY_CURRENCIES.get(getattr(organization, "default_country", ""), "EUR")


DEFAULT_PIPELINE = gettext_noop("Sales")
# Undated opportunities sort after every date.
FAR = date(9999, 12, 31)


def close_key() -> Coalesce:
    """The expected close, or FAR: the list's sort key, and an index on it."""
    return Coalesce("expected_close", Value(FAR), output_field=models.DateField())


class Pipeline(TenantModel):
    """An ordered list of stages an opportunity goes through."""

    name = models.CharField(_("name"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="pipeline_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class StageKind(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class Stage(TenantModel):
    """A column of a pipeline: its probability feeds the opportunities' weighted value."""

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("name"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("probability %"), default=0, validators=[MaxValueValidator(100)]
    )
    kind = models.CharField(_("kind"), max_length=4, choices=StageKind, default=StageKind.OPEN)

    # Lead → Qualified → Proposal → Negotiation → Won / Lost (peers.md §C.3).
    DEFAULTS = [
        (gettext_noop("Lead"), 10, StageKind.OPEN),
        (gettext_noop("Qualified"), 25, StageKind.OPEN),
        (gettext_noop("Proposal"), 50, StageKind.OPEN),
        (gettext_noop("Negotiation"), 75, StageKind.OPEN),
        (gettext_noop("Won"), 100, StageKind.WON),
        (gettext_noop("Lost"), 0, StageKind.LOST),
    ]

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "pipeline", "name"], name="stage_unique_name"
            ),
            models.CheckConstraint(condition=Q(probability__lte=100), name="stage_probability"),
        ]

    def __str__(self) -> str:
        return self.name


class Opportunity(TenantModel):
    """A possible sale to a company and/or a contact, on one stage of a pipeline.

    `probability` is always the effective one: the stage's, copied when the stage changes,
    unless someone set it (`probability_custom`), so the weighted value of many rows is a
    plain sum. `state` repeats the stage's kind so the open pipeline is one index range.
    `description` holds the notes (Markdown; rendered and sanitized on save, its @mentions
    give sight of a private opportunity, exactly as a contact's description does).
    """

    title = models.CharField(_("title"), max_length=200)
    company = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("company"),
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("contact"),
    )
    value = models.DecimalField(
        _("value"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="EUR", validators=[currency_validator]
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("stage")
    )
    state = models.CharField(max_length=4, choices=StageKind, default=StageKind.OPEN)
    probability = models.PositiveSmallIntegerField(
        _("probability %"), default=0, validators=[MaxValueValidator(100)]
    )
    probability_custom = models.BooleanField(default=False)
    expected_close = models.DateField(_("expected close"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    source = models.CharField(_("source"), max_length=120, blank=True)
    description = models.TextField(_("notes"), blank=True)
    description_html = models.TextField(blank=True, editable=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(_("reason"), max_length=300, blank=True)
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
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = VisibleManager()

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__lte=100), name="opportunity_probability"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="opportunity_value"),
        ]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="opp_created"),
            models.Index(fields=["organization", "expected_close", "id"], name="opp_close"),
            # The list sorted by expected close, undated last (selectors.SORTS "close").
            models.Index(F("organization"), close_key(), F("id"), name="opp_close_key"),
            models.Index(fields=["organization", "value", "id"], name="opp_value"),
            models.Index(fields=["organization", "title", "id"], name="opp_title"),
            models.Index(
                fields=["organization", "stage", "expected_close", "id"], name="opp_stage"
            ),
            models.Index(fields=["organization", "state", "expected_close"], name="opp_open"),
            models.Index(fields=["organization", "contact", "state"], name="opp_contact"),
            models.Index(fields=["organization", "company", "state"], name="opp_company"),
            models.Index(fields=["organization", "owner"], name="opp_owner"),
            models.Index(fields=["organization", "visibility", "created_by"], name="opp_vis"),
        ]

    def __str__(self) -> str:
        return self.title

    def url_in(self, slug: str) -> str:
        """The page's path, without reading the organization row."""
        return reverse("opportunity_detail", kwargs={"slug": slug, "pk": self.pk})

    def get_absolute_url(self) -> str:
        return self.url_in(self.organization.slug)

    @classmethod
    def mention_model(cls) -> "type[MentionBase]":
        return OpportunityMention

    @property
    def is_private(self) -> bool:
        return self.visibility == Visibility.PRIVATE

    @property
    def pk_text(self) -> str:
        return str(self.pk)

    @property
    def is_open(self) -> bool:
        return self.state == StageKind.OPEN

    @property
    def weighted_value(self):
        return self.value * self.probability / 100

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._saved_description = instance.__dict__.get("description")
        instance._counted = instance._contribution()
        # What the services compare an edit with: a new stage is a move, a new party is
        # checked against the editor's sight.
        instance._saved_stage_id = instance.__dict__.get("stage_id")
        instance._saved_parties = (
            instance.__dict__.get("company_id"),
            instance.__dict__.get("contact_id"),
        )
        return instance

    def save(self, *args, **kwargs) -> None:
        """Save; when the notes changed, render them and resolve their mentions.

        As `directory.models.DirectoryRecord.save`: every write path keeps the page and
        who may see a private opportunity in step with the text.
        """
        update_fields = kwargs.get("update_fields")
        self._new_mentions = set()
        changed = (update_fields is None or "description" in update_fields) and (
            self._state.adding or self.description != getattr(self, "_saved_description", None)
        )
        if changed:
            self.description_html = render_description(self.description)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "description_html"}
        super().save(*args, **kwargs)
        # Keep the board's public totals in step (StageTotal), whatever the write path.
        counted, now = getattr(self, "_counted", None), self._contribution()
        if counted != now:
            StageTotal.add(self.organization_id, counted, -1)
            StageTotal.add(self.organization_id, now, +1)
            self._counted = now
        if changed:
            self._new_mentions = sync_mentions(self)
            self._saved_description = self.description

    def delete(self, *args, **kwargs):
        StageTotal.add(self.organization_id, getattr(self, "_counted", None), -1)
        self._counted = None
        return super().delete(*args, **kwargs)

    @classmethod
    def restored_from_trash(cls, opportunities: list["Opportunity"]) -> None:
        """The trash inserted these rows again, raw: count them in their stages' totals."""
        for opportunity in opportunities:
            StageTotal.add(opportunity.organization_id, opportunity._contribution(), +1)

    def _contribution(self) -> tuple | None:
        """What this opportunity adds to its stage's public totals (None if private or
        not all loaded)."""
        names = ("visibility", "stage_id", "currency", "value", "probability")
        if any(name not in self.__dict__ for name in names):
            return None
        if self.visibility != Visibility.PUBLIC or self.stage_id is None:
            return None
        return (self.stage_id, self.currency, self.value, self.probability)


class StageTotal(TenantModel):
    """The count, value and weighted value of a stage's PUBLIC opportunities in a currency.

    The board reads these few rows instead of adding up every opportunity; what a reader
    sees beyond the public ones (their own private ones, those mentioning them) is added
    from the opportunities themselves. `Opportunity.save` and `delete` apply their change
    as increments (concurrent writes add up, they do not overwrite); writes that bypass
    them (a stage's new probability, a bulk load) call `rebuild`.
    """

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+")
    currency = models.CharField(max_length=3)
    count = models.IntegerField(default=0)
    value = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    weighted = models.DecimalField(max_digits=24, decimal_places=6, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "stage", "currency"], name="stagetotal_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stage_id} · {self.currency}"

    @classmethod
    def add(cls, organization_id: int, contribution: tuple | None, sign: int) -> None:
        if contribution is None:
            return
        stage_id, currency, value, probability = contribution
        value = Decimal(value)
        cls.objects.bulk_create(
            [cls(organization_id=organization_id, stage_id=stage_id, currency=currency)],
            ignore_conflicts=True,
        )
        cls.objects.filter(
            organization_id=organization_id, stage_id=stage_id, currency=currency
        ).update(
            count=F("count") + sign,
            value=F("value") + sign * value,
            weighted=F("weighted") + sign * value * probability / 100,
        )

    @classmethod
    def rebuild(cls, organization_id: int, stage_ids=None) -> None:
        """Count the stages' public opportunities again (all stages when None)."""
        totals = cls.objects.filter(organization_id=organization_id)
        rows = Opportunity.objects.filter(
            organization_id=organization_id, visibility=Visibility.PUBLIC
        )
        if stage_ids is not None:
            totals = totals.filter(stage_id__in=stage_ids)
            rows = rows.filter(stage_id__in=stage_ids)
        totals.delete()
        cls.objects.bulk_create(
            cls(
                organization_id=organization_id,
                stage_id=row["stage_id"],
                currency=row["currency"],
                count=row["count"],
                value=row["total"],
                weighted=row["weighted"],
            )
            for row in rows.order_by()
            .values("stage_id", "currency")
            .annotate(
                count=models.Count("id"),
                total=models.Sum("value"),
                weighted=models.Sum(
                    models.ExpressionWrapper(
                        F("value") * F("probability") / models.Value(100),
                        output_field=models.DecimalField(max_digits=24, decimal_places=6),
                    )
                ),
            )
        )


class OpportunityMention(MentionBase):
    """A member an opportunity's notes mention: they see it when it is private."""

    target_field = "opportunity"
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="mentions")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "opportunity", "user"], name="opportunitymention_once"
            )
        ]
        indexes = [models.Index(fields=["organization", "user", "opportunity"], name="oppm_user")]
