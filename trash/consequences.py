"""What a delete takes along, in words, for the confirmation page and the trash.

Counted for the reader: contact persons, companies and clients they may not see are not
counted (nor named). With `user=None` (what the trash keeps for every later reader) only
public records are counted.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from attachments.files import decimal_size
from attachments.models import Attachment, AttachmentKind
from companies.models import Affiliation, Company
from connections.models import Connection, Project, Task, Ticket
from contacts.models import Contact
from organizations.visibility import Visibility
from trash.audience import kind_of


def _visible(model, user, organization):
    if user is None:
        return model.objects.filter(organization=organization, visibility=Visibility.PUBLIC)
    return model.objects.visible_to(user, organization)


def _money(amount: Decimal) -> str:
    places = 0 if amount == amount.to_integral_value() else 2
    return number_format(amount, decimal_pos=places, force_grouping=True)


def _client_of(record, field: str) -> list[str]:
    projects = Project.objects.filter(organization_id=record.organization_id, **{field: record})
    budgets = defaultdict(Decimal)
    count = 0
    for currency, budget, number in (
        projects.values("currency")
        .annotate(total=Sum("budget"), n=Count("id"))
        .values_list("currency", "total", "n")
        .order_by("currency")
    ):
        budgets[currency] += budget or 0
        count += number
    if not count:
        return []
    money = ", ".join(f"{_money(total)} {currency}" for currency, total in budgets.items() if total)
    if money:
        return [
            ngettext(
                "Client of %(count)d project (budget %(money)s): it will have no client.",
                "Client of %(count)d projects (budget %(money)s): they will have no client.",
                count,
            )
            % {"count": count, "money": money}
        ]
    return [
        ngettext(
            "Client of %(count)d project: it will have no client.",
            "Client of %(count)d projects: they will have no client.",
            count,
        )
        % {"count": count}
    ]


def _files(record) -> list[str]:
    rows = Attachment.objects.filter(
        organization_id=record.organization_id, **{kind_of(record): record}
    ).aggregate(
        files=Count("id", filter=Q(kind=AttachmentKind.FILE)),
        links=Count("id", filter=Q(kind=AttachmentKind.LINK)),
        size=Sum("size"),
    )
    lines = []
    if rows["files"]:
        lines.append(
            ngettext("%(count)d file, %(size)s", "%(count)d files, %(size)s", rows["files"])
            % {"count": rows["files"], "size": decimal_size(rows["size"] or 0)}
        )
    if rows["links"]:
        lines.append(
            ngettext("%(count)d cloud link", "%(count)d cloud links", rows["links"])
            % {"count": rows["links"]}
        )
    return lines


def _connections(count: int) -> list[str]:
    if not count:
        return []
    return [ngettext("%(count)d connection", "%(count)d connections", count) % {"count": count}]


def _party_connections(record, user) -> list[str]:
    kind = kind_of(record)
    return _connections(
        Connection.objects.filter(organization_id=record.organization_id, **{kind: record}).count()
    )


def _item_connections(item, user) -> list[str]:
    organization = item.organization_id
    connections = Connection.objects.filter(organization_id=organization, **{item.kind: item})
    visible = Q(contact__isnull=True) | Q(
        contact__in=_visible(Contact, user, organization).values("pk")
    )
    visible &= Q(company__isnull=True) | Q(
        company__in=_visible(Company, user, organization).values("pk")
    )
    return _connections(connections.filter(visible).count())


def consequences(record, *, user) -> list[str]:
    """Lines saying what deleting `record` takes along or changes, for `user` to read."""
    kind = kind_of(record)
    organization = record.organization_id
    lines: list[str] = []
    if kind == "company":
        lines += _client_of(record, "client_company")
        persons = Affiliation.objects.filter(
            organization_id=organization,
            company=record,
            contact__in=_visible(Contact, user, organization).values("pk"),
        ).count()
        if persons:
            lines.append(
                ngettext(
                    "%(count)d contact person loses this company (the person stays).",
                    "%(count)d contact persons lose this company (the persons stay).",
                    persons,
                )
                % {"count": persons}
            )
        lines += _files(record) + _party_connections(record, user)
    elif kind == "contact":
        lines += _client_of(record, "client_contact")
        companies = Affiliation.objects.filter(
            organization_id=organization,
            contact=record,
            company__in=_visible(Company, user, organization).values("pk"),
        ).count()
        if companies:
            lines.append(
                ngettext(
                    "Contact person of %(count)d company.",
                    "Contact person of %(count)d companies.",
                    companies,
                )
                % {"count": companies}
            )
        lines += _files(record) + _party_connections(record, user)
    elif kind == "project":
        tasks = Task.objects.filter(organization_id=organization, project=record).count()
        if tasks:
            lines.append(ngettext("%(count)d task", "%(count)d tasks", tasks) % {"count": tasks})
        tickets = Ticket.objects.filter(organization_id=organization, project=record).count()
        if tickets:
            lines.append(
                ngettext(
                    "%(count)d ticket will have no project.",
                    "%(count)d tickets will have no project.",
                    tickets,
                )
                % {"count": tickets}
            )
        lines += _item_connections(record, user)
        task_connections = Connection.objects.filter(
            organization_id=organization, task__project=record
        ).count()
        if task_connections:
            lines.append(
                ngettext(
                    "%(count)d connection of its tasks",
                    "%(count)d connections of its tasks",
                    task_connections,
                )
                % {"count": task_connections}
            )
    elif kind in ("task", "ticket"):
        lines += _item_connections(record, user)
    elif kind == "attachment" and record.is_file:
        lines.append(
            _("%(name)s, %(size)s") % {"name": record.name, "size": decimal_size(record.size)}
        )
    return lines
