"""Writes on opportunities, pipelines and stages.

Each write on an opportunity records its timeline events (`events.services.record_event`,
one per linked contact and company) in the same transaction as the change, and notifies
the members its notes mention for the first time.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Company
from contacts.models import Contact
from directory.services import check_audience
from events.models import EventKind, NotificationKind
from events.services import notify, record_event
from opportunities.models import (
    DEFAULT_PIPELINE,
    Opportunity,
    Pipeline,
    Stage,
    StageKind,
    StageTotal,
)
from organizations.models import Membership, Organization, Role, User
from organizations.scoping import scope

# --- Pipelines and stages ----------------------------------------------------------------


def pipeline_seed(*, organization: Organization) -> Pipeline:
    """Give `organization` its default pipeline, unless it has a pipeline already."""
    with scope(organization=organization):
        pipeline = Pipeline.objects.filter(organization=organization).first()
        if pipeline is not None:
            return pipeline
        pipeline = Pipeline.objects.create(
            organization=organization, name=_(DEFAULT_PIPELINE), order=0
        )
        Stage.objects.bulk_create(
            Stage(
                organization=organization,
                pipeline=pipeline,
                name=_(name),
                order=index,
                probability=probability,
                kind=kind,
            )
            for index, (name, probability, kind) in enumerate(Stage.DEFAULTS)
        )
        return pipeline


def stage_update(*, stage: Stage) -> Stage:
    """Save a stage; its opportunities follow a new probability (unless set) and kind."""
    with transaction.atomic():
        stage.save()
        Opportunity.objects.filter(
            organization=stage.organization, stage=stage, probability_custom=False
        ).exclude(probability=stage.probability).update(probability=stage.probability)
        Opportunity.objects.filter(organization=stage.organization, stage=stage).exclude(
            state=stage.kind
        ).update(state=stage.kind)
        # The updates above bypass Opportunity.save: count the stage again.
        StageTotal.rebuild(stage.organization_id, [stage.pk])
    return stage


def stage_delete(*, stage: Stage) -> None:
    """Delete a stage no opportunity is on (moving them is the user's decision)."""
    if Opportunity.objects.filter(organization=stage.organization, stage=stage).exists():
        raise ValidationError(_("Move the opportunities of this stage before removing it."))
    if stage.pipeline.stages.count() <= 1:
        raise ValidationError(_("A pipeline keeps at least one stage."))
    stage.delete()


def pipeline_delete(*, pipeline: Pipeline) -> None:
    """Delete an empty pipeline; the organization keeps at least one."""
    organization = pipeline.organization
    if Pipeline.objects.filter(organization=organization).count() <= 1:
        raise ValidationError(_("The organization keeps at least one pipeline."))
    if Opportunity.objects.filter(organization=organization, stage__pipeline=pipeline).exists():
        raise ValidationError(_("Move or delete the opportunities of this pipeline first."))
    pipeline.delete()


# --- Opportunities -----------------------------------------------------------------------


def check_parties(*, opportunity: Opportunity, user: User) -> None:
    """Refuse a company or contact the user cannot see, or one of another organization.

    An unchanged party (kept on an edit by someone who cannot see it) is not checked:
    the form never shows it, so it was not set by this user.
    """
    organization = opportunity.organization
    saved = getattr(opportunity, "_saved_parties", (None, None))
    for field, model, before in (
        ("company", Company, saved[0]),
        ("contact", Contact, saved[1]),
    ):
        pk = getattr(opportunity, f"{field}_id")
        if pk is None or pk == before:
            continue
        if not model.objects.visible_to(user, organization).filter(pk=pk).exists():
            raise ValidationError({field: _("Choose a record you can see from the list.")})
    if opportunity.company_id is None and opportunity.contact_id is None:
        raise ValidationError(_("Choose the company or the contact of the opportunity."))


def check_owner(*, opportunity: Opportunity) -> None:
    """The owner is an owner or a member of the organization (guests never see one)."""
    if opportunity.owner_id is None:
        return
    if not Membership.objects.filter(
        organization=opportunity.organization,
        user_id=opportunity.owner_id,
        role__in=[Role.OWNER, Role.MEMBER],
    ).exists():
        raise ValidationError({"owner": _("Choose a member of this organization.")})


def check_stage(*, opportunity: Opportunity) -> None:
    if opportunity.stage.organization_id != opportunity.organization_id:
        raise ValidationError({"stage": _("Choose a value from this organization.")})


def _follow_stage(opportunity: Opportunity) -> None:
    """Copy the stage's probability (unless set) and kind; date a close, clear a reopen."""
    stage = opportunity.stage
    if not opportunity.probability_custom:
        opportunity.probability = stage.probability
    opportunity.state = stage.kind
    if stage.kind == StageKind.OPEN:
        opportunity.closed_on = None
        opportunity.close_reason = ""
    elif opportunity.closed_on is None:
        opportunity.closed_on = timezone.localdate()


def _record(opportunity: Opportunity, kind: EventKind, actor: User, **extra) -> None:
    """One event on the linked contact's timeline and one on the company's."""
    data = {
        "title": opportunity.title,
        "stage": opportunity.stage.name,
        "private": opportunity.is_private,
        **extra,
    }
    common = {
        "organization": opportunity.organization,
        "kind": kind,
        "actor": actor,
        "opportunity_id": opportunity.pk,
        "data": data,
    }
    if opportunity.contact_id:
        record_event(contact=opportunity.contact, **common)
    if opportunity.company_id:
        record_event(company=opportunity.company, **common)


def _notify_mentions(opportunity: Opportunity, actor: User) -> None:
    new = getattr(opportunity, "_new_mentions", set())
    if not new:
        return
    notify(
        organization=opportunity.organization,
        recipients=list(User.objects.filter(pk__in=new)),
        kind=NotificationKind.MENTION,
        actor=actor,
        text=opportunity.title,
        url=opportunity.url_in(opportunity.organization.slug),
    )


def _check(opportunity: Opportunity, user: User) -> None:
    check_stage(opportunity=opportunity)
    check_parties(opportunity=opportunity, user=user)
    check_owner(opportunity=opportunity)
    check_audience(opportunity, editor=user)


@transaction.atomic
def opportunity_create(*, opportunity: Opportunity, created_by: User) -> Opportunity:
    """Save a new opportunity (built by the form), record it on its contact and company."""
    opportunity.created_by = created_by
    _check(opportunity, created_by)
    _follow_stage(opportunity)
    opportunity.full_clean(exclude=["stage", "company", "contact", "owner"])
    opportunity.save()
    _record(opportunity, EventKind.OPPORTUNITY_CREATED, created_by)
    _close_events(opportunity, created_by)
    _notify_mentions(opportunity, created_by)
    return opportunity


def _close_events(opportunity: Opportunity, actor: User) -> None:
    if opportunity.state == StageKind.WON:
        _record(opportunity, EventKind.OPPORTUNITY_WON, actor, reason=opportunity.close_reason)
    elif opportunity.state == StageKind.LOST:
        _record(opportunity, EventKind.OPPORTUNITY_LOST, actor, reason=opportunity.close_reason)


@transaction.atomic
def opportunity_update(*, opportunity: Opportunity, user: User) -> Opportunity:
    """Save an edited opportunity; a new stage is recorded as a move (and a close)."""
    _check(opportunity, user)
    before = getattr(opportunity, "_saved_stage_id", opportunity.stage_id)
    moved = before != opportunity.stage_id
    if moved or not opportunity.probability_custom:
        _follow_stage(opportunity)
    opportunity.full_clean(exclude=["stage", "company", "contact", "owner"])
    opportunity.save()
    if moved:
        origin = Stage.objects.filter(organization=opportunity.organization, pk=before).first()
        _record(
            opportunity,
            EventKind.OPPORTUNITY_MOVED,
            user,
            origin=origin.name if origin else "",
        )
        _close_events(opportunity, user)
    _notify_mentions(opportunity, user)
    return opportunity


@transaction.atomic
def opportunity_move(
    *, opportunity: Opportunity, stage: Stage, user: User, reason: str = ""
) -> Opportunity:
    """Put the opportunity on `stage` (of its organization): the board's drop and select."""
    if stage.organization_id != opportunity.organization_id:
        raise ValidationError({"stage": _("Choose a value from this organization.")})
    if stage.pk == opportunity.stage_id:
        return opportunity
    origin = opportunity.stage
    opportunity.stage = stage
    _follow_stage(opportunity)
    if stage.kind != StageKind.OPEN:
        opportunity.close_reason = reason
    opportunity.save(
        update_fields=[
            "stage",
            "probability",
            "state",
            "closed_on",
            "close_reason",
            "updated_at",
        ]
    )
    _record(opportunity, EventKind.OPPORTUNITY_MOVED, user, origin=origin.name)
    _close_events(opportunity, user)
    return opportunity


def closing_stage(opportunity: Opportunity, kind: str) -> Stage | None:
    """The first won (or lost) stage of the opportunity's pipeline."""
    return (
        Stage.objects.filter(
            organization=opportunity.organization,
            pipeline_id=opportunity.stage.pipeline_id,
            kind=kind,
        )
        .order_by("order", "id")
        .first()
    )


def opportunity_close(
    *, opportunity: Opportunity, user: User, won: bool, reason: str = ""
) -> Opportunity:
    """Mark the opportunity won or lost: it moves to its pipeline's won or lost stage."""
    stage = closing_stage(opportunity, StageKind.WON if won else StageKind.LOST)
    if stage is None:
        raise ValidationError(
            _("This pipeline has no won stage.") if won else _("This pipeline has no lost stage.")
        )
    if stage.pk == opportunity.stage_id:
        opportunity.close_reason = reason
        opportunity.save(update_fields=["close_reason", "updated_at"])
        return opportunity
    return opportunity_move(opportunity=opportunity, stage=stage, user=user, reason=reason)


def opportunity_delete(*, opportunity: Opportunity) -> None:
    """Delete an opportunity; its timeline events stay (shown unless it was private)."""
    opportunity.delete()
