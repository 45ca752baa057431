"""Pages of activities under /o/<slug>/activities/, their kinds, and the calendar feed."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activity import selectors, services
from activity.feeds import calendar_response
from activity.forms import ActivityForm, DoneForm, initial_for, link_value
from activity.models import Activity, ActivityKind, CalendarFeed, hash_token
from activity.sections import Section, section_for
from organizations.deletion import delete_to_trash, undo_tag
from organizations.models import Membership, Role
from organizations.permissions import directory_required, owner_required
from organizations.scoping import scope, scopes_disabled
from organizations.settings_views import ListEntryForm

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


def _section(request: HttpRequest) -> Section | None:
    """The record section the request came from ("contact:12"), read through visible_to."""
    value = request.POST.get("section") or request.GET.get("section") or ""
    return section_for(request, value) if value else None


def _render_section(request: HttpRequest, section: Section) -> HttpResponse:
    return render(request, "activity/_upcoming.html", {"section": section.load()})


def _may_edit(request: HttpRequest) -> bool:
    return request.membership.sees_directory


def _may_delete(request: HttpRequest, activity: Activity) -> bool:
    return request.membership.sees_directory and (
        request.membership.is_owner or activity.created_by_id == request.user.pk
    )


def _may_mark_done(request: HttpRequest, activity: Activity) -> bool:
    if request.membership.sees_directory:
        return True
    return activity.assignments.filter(user=request.user).exists()


# --- Activities ---------------------------------------------------------------------------


def activity_list(request: HttpRequest, slug: str) -> HttpResponse:
    """A member's assigned activities (mine by default), only those the reader may see."""
    organization, user = request.organization, request.user
    member = user
    wanted = request.GET.get("assignee", "")
    if wanted and wanted != str(user.pk):
        if not request.membership.sees_directory or not wanted.isdigit() or len(wanted) > 18:
            raise Http404
        membership = get_object_or_404(
            Membership.objects.filter(organization=organization).select_related("user"),
            user_id=int(wanted),
        )
        member = membership.user
    when = request.GET.get("when", "open")
    if when not in selectors.WHEN:
        when = "open"
    activities = selectors.member_activities(user, organization, member, when)
    page = Paginator(activities, 25).get_page(request.GET.get("page"))
    members = (
        Membership.objects.filter(organization=organization, role__in=[Role.OWNER, Role.MEMBER])
        .select_related("user")
        .order_by("user__full_name", "user__email")
        if request.membership.sees_directory
        else []
    )
    return render(
        request,
        "activity/activity_list.html",
        {"page": page, "member": member, "when": when, "members": members},
    )


def _prefill_links(request: HttpRequest) -> list[str]:
    values = []
    for kind in ("contact", "company", "project"):
        pk = request.GET.get(kind, "")
        if pk.isdigit():
            values.append(f"{kind}:{pk}")
    return values


@directory_required
def activity_create(request: HttpRequest, slug: str) -> HttpResponse:
    """The new-activity form: a page, or a fragment in a record's section (htmx)."""
    organization, user = request.organization, request.user
    section = _section(request)
    link_values = _prefill_links(request) if request.method == "GET" else []
    initial = {"assignees": [user.pk], "links": link_values, "due_date": timezone.localdate()}
    if request.method == "GET":
        initial["kind"] = selectors.kinds(organization).first()
    form = ActivityForm(
        request.POST if request.method == "POST" else None,
        user=user,
        organization=organization,
        link_values=link_values,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(
                organization=organization, created_by=user, data=form.data_for_service()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if request.htmx and section is not None:
                return _render_section(request, section)
            messages.success(request, _("Activity “%(subject)s” planned.") % {"subject": activity})
            return redirect(_next_path(request) or activity.url_in(organization.slug))
    return _form_response(request, form, section=section, activity=None)


def _form_response(request, form, *, section, activity) -> HttpResponse:
    context = {"form": form, "section": section, "activity": activity, "next": _next_path(request)}
    if request.htmx and section is not None:
        response = render(request, "activity/_form.html", context)
        if form.is_bound:
            # htmx swaps only 2xx answers: the form comes back, with its errors and the
            # input kept, into the form's own place (not the whole section).
            response["HX-Retarget"] = f"#{section.key}-form"
            response["HX-Reswap"] = "innerHTML"
        return response
    return render(
        request,
        "activity/activity_form.html",
        context,
        status=400 if form.is_bound else 200,
    )


def activity_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organization, user = request.organization, request.user
    activity = selectors.activity_for_user(user, organization, pk)
    return render(
        request,
        "activity/activity_detail.html",
        {
            "activity": activity,
            "links": selectors.visible_links(user, organization, activity),
            "assignees": selectors.assignees(activity),
            "may_edit": _may_edit(request),
            "may_delete": _may_delete(request, activity),
            "may_mark_done": not activity.is_done and _may_mark_done(request, activity),
            "done_form": DoneForm(),
        },
    )


def activity_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organization, user = request.organization, request.user
    activity = selectors.activity_for_user(user, organization, pk)
    if not _may_edit(request):
        raise PermissionDenied
    links = selectors.visible_links(user, organization, activity)
    hidden = selectors.hidden_links(user, organization, activity)
    form = ActivityForm(
        request.POST if request.method == "POST" else None,
        user=user,
        organization=organization,
        link_values=[link_value(link) for link in links],
        hidden_directory_link=any(link.contact_id or link.company_id for link in hidden),
        initial=initial_for(activity, links),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                activity=activity, user=user, data=form.data_for_service(), hidden_links=hidden
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Activity saved."))
            return redirect(activity.url_in(organization.slug))
    return _form_response(request, form, section=None, activity=activity)


def activity_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organization = request.organization
    activity = selectors.activity_for_user(request.user, organization, pk)
    if not _may_delete(request, activity):
        raise PermissionDenied
    if request.method != "POST":
        return render(request, "activity/activity_confirm_delete.html", {"activity": activity})
    batch = delete_to_trash(
        activity, user=request.user, delete=lambda: services.activity_delete(activity=activity)
    )
    messages.success(
        request,
        _("Activity “%(subject)s” deleted.") % {"subject": activity},
        extra_tags=undo_tag(batch),
    )
    return redirect("activity_list", slug=slug)


def activity_done(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: ask for the outcome; POST: mark done, then the section (htmx) or `next`."""
    organization, user = request.organization, request.user
    activity = selectors.activity_for_user(user, organization, pk)
    if not _may_mark_done(request, activity):
        raise PermissionDenied
    section = _section(request)
    form = DoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.activity_done(activity=activity, user=user, outcome=form.cleaned_data["outcome"])
        if request.htmx and section is not None:
            return _render_section(request, section)
        messages.success(request, _("“%(subject)s” is done.") % {"subject": activity})
        return redirect(_next_path(request) or activity.url_in(organization.slug))
    return render(
        request,
        "activity/activity_done.html",
        {"activity": activity, "done_form": form, "next": _next_path(request)},
        status=400 if form.is_bound else 200,
    )


# --- Kinds (owners) -----------------------------------------------------------------------


@owner_required
def kind_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The organization's activity kinds; POST adds one."""
    organization = request.organization
    if request.method == "POST":
        form = ListEntryForm(request.POST)
        if form.is_valid():
            name = form.cleaned_data["name"]
            try:
                with transaction.atomic():
                    ActivityKind.objects.create(
                        organization=organization,
                        name=name,
                        position=selectors.kinds(organization).count(),
                    )
            except IntegrityError:
                messages.error(request, _("“%(name)s” is already in the list.") % {"name": name})
            else:
                messages.success(request, _("“%(name)s” added.") % {"name": name})
        else:
            messages.error(request, _("Enter a name to add."))
        return redirect("activity_kind_list", slug=slug)
    return render(request, "activity/kind_list.html", {"kinds": selectors.kinds(organization)})


@require_POST
@owner_required
def kind_rename(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    kind = get_object_or_404(selectors.kinds(request.organization), pk=pk)
    form = ListEntryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a name."))
        return redirect("activity_kind_list", slug=slug)
    kind.name = form.cleaned_data["name"]
    try:
        with transaction.atomic():
            kind.save(update_fields=["name"])
    except IntegrityError:
        messages.error(request, _("“%(name)s” is already in the list.") % {"name": kind.name})
    else:
        messages.success(request, _("Renamed to “%(name)s”.") % {"name": kind.name})
    return redirect("activity_kind_list", slug=slug)


@require_POST
@owner_required
def kind_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Remove a kind; activities of that kind keep everything else."""
    kind = get_object_or_404(selectors.kinds(request.organization), pk=pk)
    kind.delete()
    messages.success(request, _("“%(name)s” removed.") % {"name": kind.name})
    return redirect("activity_kind_list", slug=slug)


# --- The calendar feed --------------------------------------------------------------------


def calendar_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """The member's calendar address: create or replace it (shown once), or switch it off."""
    organization, user = request.organization, request.user
    token = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(organization=organization, user=user)
            messages.success(request, _("Your calendar address no longer works."))
            return redirect("activity_calendar", slug=slug)
        token = services.calendar_feed_renew(organization=organization, user=user)
    exists = CalendarFeed.objects.filter(organization=organization, user=user).exists()
    feed_url = (
        request.build_absolute_uri(reverse("activity_feed", kwargs={"token": token}))
        if token
        else None
    )
    return render(request, "activity/calendar.html", {"feed_url": feed_url, "feed_exists": exists})


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The .ics feed behind a secret address (no login: calendar apps cannot log in)."""
    # The token names its organization: the one read across tenants, by a unique hash.
    with scopes_disabled():
        feed = (
            CalendarFeed.objects.filter(token_hash=hash_token(token))
            .select_related("organization", "user")
            .first()
        )
    if feed is None or not feed.user.is_active:
        raise Http404
    with scope(organization=feed.organization):
        if not Membership.objects.filter(organization=feed.organization, user=feed.user).exists():
            raise Http404
        return calendar_response(feed.user, feed.organization)
