"""The "Upcoming activities" section of contact, company and project pages."""

from dataclasses import dataclass, field

from django.http import Http404, HttpRequest
from django.urls import reverse

from activity import selectors
from companies.models import Company
from connections.models import Project
from connections.selectors import projects_visible_to
from contacts.models import Contact

KINDS = {Contact: "contact", Company: "company", Project: "project"}


@dataclass
class Section:
    """One record's section: `record` came through its `visible_to` door."""

    request: HttpRequest
    record: object
    kind: str
    activities: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"activities-{self.kind}-{self.record.pk}"

    @property
    def value(self) -> str:
        return f"{self.kind}:{self.record.pk}"

    @property
    def record_url(self) -> str:
        return reverse(
            f"{self.kind}_detail",
            kwargs={"slug": self.request.organization.slug, "pk": self.record.pk},
        )

    @property
    def can_create(self) -> bool:
        return self.request.membership.sees_directory

    def load(self) -> "Section":
        """Read the record's next open activities the reader may see: one query."""
        self.activities = selectors.record_upcoming(
            self.request.user, self.request.membership, **{self.kind: self.record}
        )
        return self


def section_of(request: HttpRequest, record) -> Section:
    return Section(request=request, record=record, kind=KINDS[type(record)]).load()


def section_for(request: HttpRequest, value: str) -> Section:
    """The section named by "contact:12" (from a form), its record read through visible_to."""
    kind, _sep, pk = value.partition(":")
    if not pk.isdigit() or len(pk) > 18:
        raise Http404
    user, organization = request.user, request.organization
    doors = {
        "contact": lambda: Contact.objects.visible_to(user, organization),
        "company": lambda: Company.objects.visible_to(user, organization),
        "project": lambda: projects_visible_to(user, organization),
    }
    if kind not in doors:
        raise Http404
    record = doors[kind]().filter(pk=int(pk)).first()
    if record is None:
        raise Http404
    return Section(request=request, record=record, kind=kind)
