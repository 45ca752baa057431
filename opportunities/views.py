"""Pages of opportunities under /o/<slug>/opportunities/: list, board, forecast, the
record panel's section, the opportunity's own pages, and the owners' pipeline editor.

Guests never see an opportunity (they see no contact or company): every page answers
them 403. A record page is read through `Opportunity.objects.visible_to`, so an
opportunity the reader may not see is the same 404 as one that does not exist.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from companies.models import Company
from contacts.models import Contact
from directory.pagination import keyset_paginate
from directory.views import ListParams, rendered_description, sort_links
from opportunities import selectors, services
from opportunities.forms import CloseForm, MoveForm, OpportunityForm, PipelineForm, StageForm
from opportunities.models import Opportunity, Pipeline, Stage, StageKind, default_currency
from organizations.deletion import delete_consequences, delete_to_trash, undo_tag
from organizations.permissions import directory_required, owner_required

PER_PAGE = 25

# --- Helpers ------------------------------------------------------------------------------


def _next_path(request: HttpRequest) -> str | None:
    """A `next` path inside this organization, or None."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    prefix = f"/o/{request.organization.slug}/"
    if candidate.startswith(prefix) and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts=None
    ):
        return candidate
    return None


def _may_delete(request: HttpRequest, opportunity: Opportunity) -> bool:
    return request.membership.is_owner or opportunity.created_by_id == request.user.pk


def _record_of(request: HttpRequest, kind: str, pk) -> Contact | Company | None:
    """A contact or company named by the query string, through its door (None if unseen)."""
    if not str(pk).isdigit() or len(str(pk)) > 18:
        return None
    model = {"contact": Contact, "company": Company}.get(kind)
    if model is None:
        return None
    return model.objects.visible_to(request.user, request.organization).filter(pk=pk).first()


# --- List, board, forecast ----------------------------------------------------------------


@directory_required
def opportunity_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Every opportunity the reader may see, sorted and filtered, one keyset page."""
    organization, user = request.organization, request.user
    filters = selectors.read_filters(request.GET)
    sort = request.GET.get("sort", "")
    if sort not in selectors.SORTS:
        sort = "-created"
    params = ListParams(
        q="",
        sort=sort,
        after=request.GET.get("after") or None,
        before=request.GET.get("before") or None,
        filters=filters.as_query(),
    )
    page = keyset_paginate(
        selectors.listed(user, organization, filters),
        order=selectors.SORTS[sort],
        per_page=PER_PAGE,
        after=params.after,
        before=params.before,
    )
    selectors.parties_visible(user, organization, page.items)
    return render(
        request,
        "opportunities/opportunity_list.html",
        {
            "page": page,
            "params": params,
            "filters": filters,
            "members": selectors.members(organization),
            "list_url_name": "opportunity_list",
            "sort_links": sort_links(
                params,
                {"title": "title", "value": "-value", "close": "close", "created": "-created"},
            ),
        },
    )


def _pipeline(request: HttpRequest, pipelines: list[Pipeline]) -> Pipeline:
    """The pipeline of `?pipeline=`, else the first (the default one is made if none)."""
    wanted = request.GET.get("pipeline", "")
    if wanted.isdigit() and len(wanted) <= 18:
        chosen = next((p for p in pipelines if p.pk == int(wanted)), None)
        if chosen is None:
            raise Http404
        return chosen
    if pipelines:
        return pipelines[0]
    pipeline = services.pipeline_seed(organization=request.organization)
    pipelines.append(pipeline)
    return pipeline


@directory_required
def opportunity_board(request: HttpRequest, slug: str) -> HttpResponse:
    """One column per stage with its totals per currency, visible opportunities only."""
    organization, user = request.organization, request.user
    pipelines = list(selectors.pipelines(organization))
    pipeline = _pipeline(request, pipelines)
    filters = selectors.read_filters(request.GET)
    members = selectors.members(organization)
    columns = selectors.board(user, organization, pipeline, filters, members)
    return render(
        request,
        "opportunities/board.html",
        {
            "pipeline": pipeline,
            "pipelines": pipelines,
            "columns": columns,
            "stages": [column.stage for column in columns],
            "filters": filters,
            "members": members,
            "cards_per_stage": selectors.CARDS_PER_STAGE,
        },
    )


@directory_required
def opportunity_forecast(request: HttpRequest, slug: str) -> HttpResponse:
    organization, user = request.organization, request.user
    filters = selectors.read_filters(request.GET)
    return render(
        request,
        "opportunities/forecast.html",
        {
            "months": selectors.forecast(user, organization, filters),
            "filters": filters,
            "members": selectors.members(organization),
        },
    )


# --- The panel of contact and company pages -----------------------------------------------


@directory_required
def opportunity_panel(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    """The "Open opportunities" section of a contact's or company's page (loaded by htmx)."""
    record = _record_of(request, kind, pk)
    if record is None:
        raise Http404
    rows = selectors.record_open(request.user, request.organization, **{kind: record})
    return render(
        request,
        "opportunities/_panel.html",
        {"record": record, "kind": kind, "opportunities": rows},
    )


# --- One opportunity ----------------------------------------------------------------------


@directory_required
def opportunity_create(request: HttpRequest, slug: str) -> HttpResponse:
    """The new-opportunity form, prefilled from `?company=` / `?contact=` (the panel)."""
    organization, user = request.organization, request.user
    opportunity = Opportunity(organization=organization, currency=default_currency(organization))
    initial = {"owner": user.pk, "visibility": "public"}
    if request.method == "GET":
        first = selectors.stages(organization).filter(kind=StageKind.OPEN).first()
        if first is None:
            services.pipeline_seed(organization=organization)
            first = selectors.stages(organization).filter(kind=StageKind.OPEN).first()
        initial["stage"] = first
        for kind in ("company", "contact"):
            record = _record_of(request, kind, request.GET.get(kind, ""))
            if record is not None:
                initial[f"{kind}_id"] = record.pk
                initial[f"{kind}_name"] = str(record)
    form = OpportunityForm(
        request.POST if request.method == "POST" else None,
        instance=opportunity,
        organization=organization,
        user=user,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = services.opportunity_create(opportunity=form.apply(), created_by=user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Opportunity “%(title)s” created.") % {"title": opportunity.title}
            )
            return redirect(_next_path(request) or opportunity.url_in(organization.slug))
    return _form_page(request, form, None)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _form_page(request: HttpRequest, form, opportunity) -> HttpResponse:
    return render(
        request,
        "opportunities/opportunity_form.html",
        {"form": form, "opportunity": opportunity, "next": _next_path(request)},
        status=400 if form.is_bound else 200,
    )


@directory_required
def opportunity_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organization, user = request.organization, request.user
    opportunity = selectors.opportunity_for_user(user, organization, pk)
    selectors.parties_visible(user, organization, [opportunity])
    return render(
        request,
        "opportunities/opportunity_detail.html",
        {
            "opportunity": opportunity,
            "description_html": rendered_description(opportunity),
            "may_delete": _may_delete(request, opportunity),
            "move_form": MoveForm(
                organization=organization, initial={"stage": opportunity.stage_id}
            ),
            "stages": selectors.stages(organization, opportunity.stage.pipeline),
            "close_form": CloseForm(),
        },
    )


@directory_required
def opportunity_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organization, user = request.organization, request.user
    opportunity = selectors.opportunity_for_user(user, organization, pk)
    selectors.parties_visible(user, organization, [opportunity])
    form = OpportunityForm(
        request.POST if request.method == "POST" else None,
        instance=opportunity,
        organization=organization,
        user=user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.opportunity_update(opportunity=form.apply(), user=user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Opportunity saved."))
            return redirect(opportunity.url_in(organization.slug))
    return _form_page(request, form, opportunity)


@directory_required
def opportunity_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Delete: its creator or an owner."""
    organization = request.organization
    opportunity = selectors.opportunity_for_user(request.user, organization, pk)
    if not _may_delete(request, opportunity):
        raise PermissionDenied
    if request.method != "POST":
        return render(
            request,
            "opportunities/opportunity_confirm_delete.html",
            {
                "opportunity": opportunity,
                "consequences": delete_consequences(opportunity, user=request.user),
            },
        )
    title = opportunity.title
    batch = delete_to_trash(
        opportunity,
        user=request.user,
        delete=lambda: services.opportunity_delete(opportunity=opportunity),
    )
    messages.success(
        request,
        _("Opportunity “%(title)s” deleted.") % {"title": title},
        extra_tags=undo_tag(batch),
    )
    return redirect("opportunity_list", slug=slug)


@require_POST
@directory_required
def opportunity_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Move to another stage: the board's drop (fetch, answered 204) and its select."""
    organization, user = request.organization, request.user
    opportunity = selectors.opportunity_for_user(user, organization, pk)
    form = MoveForm(request.POST, organization=organization)
    if not form.is_valid():
        if request.headers.get("X-Requested-With") == "fetch":
            return HttpResponse(status=400)
        messages.error(request, _("Choose a stage of this organization."))
        return redirect(_next_path(request) or opportunity.url_in(organization.slug))
    stage = form.cleaned_data["stage"]
    services.opportunity_move(opportunity=opportunity, stage=stage, user=user)
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    messages.success(
        request,
        _("“%(title)s” moved to %(stage)s.") % {"title": opportunity.title, "stage": stage.name},
    )
    return redirect(_next_path(request) or opportunity.url_in(organization.slug))


@directory_required
def opportunity_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Mark won or lost, with a reason."""
    organization, user = request.organization, request.user
    opportunity = selectors.opportunity_for_user(user, organization, pk)
    form = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        won = form.cleaned_data["outcome"] == StageKind.WON
        try:
            services.opportunity_close(
                opportunity=opportunity, user=user, won=won, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                (_("“%(title)s” is won.") if won else _("“%(title)s” is lost."))
                % {"title": opportunity.title},
            )
            return redirect(_next_path(request) or opportunity.url_in(organization.slug))
    return render(
        request,
        "opportunities/opportunity_close.html",
        {"opportunity": opportunity, "form": form, "next": _next_path(request)},
        status=400 if form.is_bound else 200,
    )


# --- Pipelines and stages (owners) --------------------------------------------------------


@owner_required
def pipeline_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The organization's pipelines and their stages; POST adds a pipeline."""
    organization = request.organization
    form = PipelineForm(
        request.POST if request.method == "POST" else None,
        instance=Pipeline(organization=organization),
    )
    if request.method == "POST" and form.is_valid() and _saved(request, form):
        messages.success(request, _("“%(name)s” added.") % {"name": form.instance.name})
        return redirect("pipeline_list", slug=slug)
    if request.method == "GET" and not selectors.pipelines(organization).exists():
        services.pipeline_seed(organization=organization)
    pipelines = list(selectors.pipelines(organization))
    by_pipeline = {pipeline.pk: [] for pipeline in pipelines}
    for stage in selectors.stages(organization):
        by_pipeline[stage.pipeline_id].append(stage)
    return render(
        request,
        "opportunities/pipeline_list.html",
        {
            "pipelines": [(pipeline, by_pipeline[pipeline.pk]) for pipeline in pipelines],
            "form": form,
            "stage_kinds": StageKind.choices,
        },
        status=400 if form.is_bound else 200,
    )


def _saved(request: HttpRequest, form) -> bool:
    """Save a list form; a duplicate name is a message, not an error page."""
    try:
        with transaction.atomic():
            form.save()
    except IntegrityError:
        messages.error(
            request, _("“%(name)s” is already in the list.") % {"name": form.instance.name}
        )
        return False
    return True


def _refused(request: HttpRequest, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@require_POST
@owner_required
def pipeline_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pipeline = get_object_or_404(selectors.pipelines(request.organization), pk=pk)
    form = PipelineForm(request.POST, instance=pipeline)
    if form.is_valid():
        if _saved(request, form):
            messages.success(request, _("Pipeline saved."))
    else:
        _refused(request, form)
    return redirect("pipeline_list", slug=slug)


@require_POST
@owner_required
def pipeline_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pipeline = get_object_or_404(selectors.pipelines(request.organization), pk=pk)
    try:
        services.pipeline_delete(pipeline=pipeline)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(name)s” removed.") % {"name": pipeline.name})
    return redirect("pipeline_list", slug=slug)


@require_POST
@owner_required
def stage_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organization = request.organization
    pipeline = get_object_or_404(selectors.pipelines(organization), pk=pk)
    form = StageForm(request.POST, instance=Stage(organization=organization, pipeline=pipeline))
    if form.is_valid():
        if _saved(request, form):
            messages.success(request, _("“%(name)s” added.") % {"name": form.instance.name})
    else:
        _refused(request, form)
    return redirect("pipeline_list", slug=slug)


@require_POST
@owner_required
def stage_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    stage = get_object_or_404(selectors.stages(request.organization), pk=pk)
    form = StageForm(request.POST, instance=stage)
    if form.is_valid():
        try:
            with transaction.atomic():
                services.stage_update(stage=form.instance)
        except IntegrityError:
            messages.error(
                request, _("“%(name)s” is already in the list.") % {"name": form.instance.name}
            )
        else:
            messages.success(request, _("Stage saved."))
    else:
        _refused(request, form)
    return redirect("pipeline_list", slug=slug)


@require_POST
@owner_required
def stage_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    stage = get_object_or_404(selectors.stages(request.organization), pk=pk)
    try:
        services.stage_delete(stage=stage)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(name)s” removed.") % {"name": stage.name})
    return redirect("pipeline_list", slug=slug)
