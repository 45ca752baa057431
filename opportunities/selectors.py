"""Reading opportunities: every read starts at `Opportunity.objects.visible_to`.

The board's totals, the forecast, the list and the record panel are built from the same
visible queryset, so a private opportunity the reader may not see is in none of them.
A contact or company is shown on an opportunity only when the reader may see it too
(`parties_visible`).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import RowNumber, TruncMonth
from django.shortcuts import get_object_or_404
from django.utils.html import format_html_join

from companies.models import Company
from contacts.models import Contact
from opportunities.models import (
    Opportunity,
    OpportunityMention,
    Pipeline,
    Stage,
    StageKind,
    StageTotal,
    close_key,
)
from organizations.models import Membership, Organization, Role, User
from organizations.visibility import Visibility

CARDS_PER_STAGE = 10
CENT = Decimal("0.01")
PANEL_ROWS = 10

MONEY = DecimalField(max_digits=20, decimal_places=2)
WEIGHTED = ExpressionWrapper(F("value") * F("probability") / Value(100), output_field=MONEY)
# Sorts of the list (keyset: the last term is unique). Undated opportunities sort last.
SORTS = {
    "-created": ["-created_at", "-id"],
    "created": ["created_at", "id"],
    "title": ["title", "id"],
    "-title": ["-title", "-id"],
    "value": ["value", "id"],
    "-value": ["-value", "-id"],
    "close": ["close_key", "id"],
    "-close": ["-close_key", "-id"],
}


def visible(user: User, organization: Organization) -> QuerySet:
    return Opportunity.objects.visible_to(user, organization)


def opportunity_for_user(user: User, organization: Organization, pk: int) -> Opportunity:
    """One opportunity through the door, or 404 (missing and not yours are the same)."""
    return get_object_or_404(
        visible(user, organization).select_related("stage__pipeline", "owner", "created_by"),
        pk=pk,
    )


def parties_visible(user: User, organization: Organization, opportunities) -> None:
    """Set `shown_company` / `shown_contact` on each opportunity: its party, if the reader
    may see it, else None. Two queries at most, whatever the number of opportunities."""
    rows = list(opportunities)
    company_ids = {row.company_id for row in rows if row.company_id}
    contact_ids = {row.contact_id for row in rows if row.contact_id}
    companies = (
        {
            c.pk: c
            for c in Company.objects.visible_to(user, organization)
            .filter(pk__in=company_ids)
            .only("pk", "name")
        }
        if company_ids
        else {}
    )
    contacts = (
        {
            c.pk: c
            for c in Contact.objects.visible_to(user, organization)
            .filter(pk__in=contact_ids)
            .only("pk", "first_name", "last_name")
        }
        if contact_ids
        else {}
    )
    for row in rows:
        row.shown_company = companies.get(row.company_id)
        row.shown_contact = contacts.get(row.contact_id)


def pipelines(organization: Organization) -> QuerySet:
    return Pipeline.objects.filter(organization=organization).order_by("order", "id")


def stages(organization: Organization, pipeline: Pipeline | None = None) -> QuerySet:
    rows = Stage.objects.filter(organization=organization).select_related("pipeline")
    if pipeline is not None:
        rows = rows.filter(pipeline=pipeline)
    return rows.order_by("pipeline__order", "pipeline_id", "order", "id")


def members(organization: Organization) -> list[User]:
    """Who may own an opportunity: the organization's owners and members."""
    return [
        m.user
        for m in Membership.objects.filter(
            organization=organization, role__in=[Role.OWNER, Role.MEMBER]
        )
        .select_related("user")
        .order_by("user__full_name", "user__email")
    ]


@dataclass
class Filters:
    """The list's and board's filters, read from the query string (bad values ignored)."""

    owner: int | None = None
    close_from: date | None = None
    close_to: date | None = None

    @property
    def active(self) -> bool:
        return any(value is not None for value in (self.owner, self.close_from, self.close_to))

    def apply(self, queryset: QuerySet) -> QuerySet:
        if self.owner is not None:
            queryset = queryset.filter(owner_id=self.owner)
        if self.close_from is not None:
            queryset = queryset.filter(expected_close__gte=self.close_from)
        if self.close_to is not None:
            queryset = queryset.filter(expected_close__lte=self.close_to)
        return queryset

    def as_query(self) -> dict:
        return {
            "owner": self.owner or "",
            "close_from": self.close_from.isoformat() if self.close_from else "",
            "close_to": self.close_to.isoformat() if self.close_to else "",
        }


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value and len(value) <= 10 else None
    except ValueError:
        return None


def read_filters(query) -> Filters:
    owner = query.get("owner", "")
    return Filters(
        owner=int(owner) if owner.isdigit() and len(owner) <= 18 else None,
        close_from=_date(query.get("close_from", "")),
        close_to=_date(query.get("close_to", "")),
    )


def listed(user: User, organization: Organization, filters: Filters) -> QuerySet:
    """The list's rows: visible, filtered, with what a row shows (one query per page)."""
    return (
        filters.apply(visible(user, organization))
        .annotate(close_key=close_key())
        .select_related("stage", "owner")
    )


@dataclass
class Total:
    currency: str
    count: int = 0
    value: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)


@dataclass
class Column:
    stage: Stage
    cards: list = field(default_factory=list)
    totals: list[Total] = field(default_factory=list)
    # The <option>s of its cards' stage selects, rendered once (every card of a column
    # is in its stage): the board's largest loop otherwise.
    stage_options: str = ""

    @property
    def count(self) -> int:
        return sum(total.count for total in self.totals)


def _first_cards(rows: QuerySet, stage_ids: list[int]) -> QuerySet:
    """The first CARDS_PER_STAGE opportunities of each stage by expected close, one query.

    PostgreSQL: one LIMITed branch per stage, glued by UNION ALL, each a short range of
    the (organization, stage, expected_close, id) index however many rows a stage has.
    Elsewhere (SQLite, the tests): the rows numbered per stage by a window function.
    """
    order = [F("expected_close").asc(nulls_last=True), F("id").asc()]
    if connection.features.supports_slicing_ordering_in_compound and stage_ids:
        branches = [rows.filter(stage_id=pk).order_by(*order)[:CARDS_PER_STAGE] for pk in stage_ids]
        return branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    return (
        rows.annotate(position=Window(RowNumber(), partition_by=[F("stage_id")], order_by=order))
        .filter(position__lte=CARDS_PER_STAGE)
        .order_by("stage_id", "position")
    )


def _aggregate(rows: QuerySet) -> QuerySet:
    return (
        rows.order_by()
        .values("stage_id", "currency")
        .annotate(count=Count("id"), total=Sum("value"), weighted=Sum(WEIGHTED))
    )


def _totals(user, organization, rows: QuerySet, stage_ids: list[int], filters) -> list[dict]:
    """Each stage's count, value and weighted value per currency, over `rows` (visible).

    Filtered: added up from the rows. Unfiltered (the board as it opens): the public
    opportunities' totals are StageTotal's few rows, and only what else the reader may
    see — their own private ones, those that mention them — is added up, so the cost
    does not grow with the organization's opportunities. Two queries.
    """
    if filters.active:
        return sorted(_aggregate(rows), key=lambda row: (row["stage_id"], row["currency"]))
    summed: dict = {}
    public = StageTotal.objects.filter(organization=organization, stage_id__in=stage_ids)
    mentions = OpportunityMention.objects.filter(organization=organization, user=user)
    private = rows.filter(visibility=Visibility.PRIVATE).filter(
        Q(created_by=user) | Q(pk__in=mentions.values("opportunity_id"))
    )
    found = [
        {"stage_id": t.stage_id, "currency": t.currency, "count": t.count, "total": t.value,
         "weighted": t.weighted}
        for t in public if t.count
    ] + list(_aggregate(private))  # fmt: skip
    for row in found:
        key = (row["stage_id"], row["currency"])
        if key in summed:
            for name in ("count", "total", "weighted"):
                summed[key][name] += row[name] or 0
        else:
            summed[key] = dict(row)
    return [summed[key] for key in sorted(summed)]


def board(
    user: User, organization: Organization, pipeline: Pipeline, filters: Filters, owners: list
):
    """The board's columns: each stage's first cards and its totals per currency.

    Three queries whatever the size: the stages, the totals (grouped by stage and
    currency over the visible opportunities), and the cards (the first CARDS_PER_STAGE
    of each stage by expected close, numbered by a window function).
    """
    columns = [Column(stage=stage) for stage in stages(organization, pipeline)]
    by_stage = {column.stage.pk: column for column in columns}
    rows = filters.apply(visible(user, organization)).filter(stage__in=list(by_stage))
    for row in _totals(user, organization, rows, list(by_stage), filters):
        by_stage[row["stage_id"]].totals.append(
            Total(
                currency=row["currency"],
                count=row["count"],
                value=(row["total"] or Decimal(0)).quantize(CENT),
                weighted=(row["weighted"] or Decimal(0)).quantize(CENT),
            )
        )
    cards = list(_first_cards(rows, list(by_stage)))
    parties_visible(user, organization, cards)
    owners = {member.pk: member for member in owners}
    for card in sorted(cards, key=lambda c: (c.expected_close is None, c.expected_close, c.pk)):
        card.owner = owners.get(card.owner_id)  # owners and members: read once for the filter
        by_stage[card.stage_id].cards.append(card)
    for column in columns:
        column.stage_options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (other.stage.pk, " selected" if other is column else "", other.stage.name)
                for other in columns
            ),
        )
    return columns


@dataclass
class Month:
    month: date | None
    totals: list[Total] = field(default_factory=list)


def forecast(user: User, organization: Organization, filters: Filters) -> list[Month]:
    """Per month of expected close, the open pipeline's value and weighted value per
    currency (visible opportunities only; undated ones in a month of their own, last)."""
    rows = (
        filters.apply(visible(user, organization))
        .filter(state=StageKind.OPEN)
        .annotate(month=TruncMonth("expected_close"))
        .order_by()
        .values("month", "currency")
        .annotate(count=Count("id"), total=Sum("value"), weighted=Sum(WEIGHTED))
        .order_by(F("month").asc(nulls_last=True), "currency")
    )
    months: dict = {}
    for row in rows:
        month = months.setdefault(row["month"], Month(month=row["month"]))
        month.totals.append(
            Total(
                currency=row["currency"],
                count=row["count"],
                value=(row["total"] or Decimal(0)).quantize(CENT),
                weighted=(row["weighted"] or Decimal(0)).quantize(CENT),
            )
        )
    return list(months.values())


def record_open(user: User, organization: Organization, *, contact=None, company=None):
    """A record's open opportunities the reader may see, soonest close first (one query).

    `contact` / `company` came through their own door (the panel's 404).
    """
    rows = visible(user, organization).filter(state=StageKind.OPEN)
    rows = rows.filter(contact=contact) if contact is not None else rows.filter(company=company)
    return list(
        rows.select_related("stage").order_by(F("expected_close").asc(nulls_last=True), "id")[
            :PANEL_ROWS
        ]
    )
