"""Pages for projects, tasks and tickets, the client bulk action, and connections.

Everything is read through `connections.selectors`: a project, task or ticket the user
may not see is the same 404 as a missing one. Owners and members create, edit and
connect; only an item's creator or an owner deletes it. Guests read what is assigned
to them and may change the status of their own tasks and tickets, nothing else.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from connections import selectors, services
from connections.forms import (
    AssignClientForm,
    AssignReplace,
    ConnectForm,
    ProjectForm,
    TaskForm,
    TicketForm,
    status_form,
)
from connections.models import (
    Project,
    ProjectStatus,
    Task,
    Ticket,
    TicketPriority,
    TicketStatus,
)
from directory.pagination import bounded_count, keyset_paginate
from directory.views import ListParams, apply_service_errors
from organizations.deletion import delete_consequences, delete_to_trash, undo_tag
from organizations.http import search_text
from organizations.models import Role
from organizations.permissions import directory_required

PER_PAGE = 50


def _can_delete(request: HttpRequest, item: Project | Task | Ticket) -> bool:
    """Its creator or an owner may delete a project, task or ticket; never a guest."""
    role = request.membership.role
    return role == Role.OWNER or (role == Role.MEMBER and item.created_by_id == request.user.pk)


def _require_delete_right(request: HttpRequest, item: Project | Task | Ticket) -> None:
    if not _can_delete(request, item):
        raise PermissionDenied


def _safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` field when it points inside this organization, else `fallback`."""
    target = request.POST.get("next") or ""
    if target.startswith(f"/o/{request.organization.slug}/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "").strip()
    return int(value) if value.isdigit() else None


def _choice_param(request: HttpRequest, name: str, choices: list[str]) -> str:
    value = request.GET.get(name, "").strip()
    return value if value in choices else ""


def _list_params(request: HttpRequest, sorts: dict, filters: dict) -> ListParams:
    sort = request.GET.get("sort", "-created")
    return ListParams(
        q=search_text(request),
        sort=sort if sort in sorts else "-created",
        after=request.GET.get("after") or None,
        before=request.GET.get("before") or None,
        filters=filters,
    )


# --- Projects ---------------------------------------------------------------------------


def _render_project_list(
    request: HttpRequest, *, assign_form: AssignClientForm | None = None, status: int = 200
) -> HttpResponse:
    user, organization = request.user, request.organization
    sees_directory = request.membership.sees_directory
    filters = {
        "status": _choice_param(request, "status", ProjectStatus.values),
        # Guests never filter by a client: they see no contact or company at all.
        "company": _int_param(request, "company") if sees_directory else None,
        "contact": _int_param(request, "contact") if sees_directory else None,
    }
    params = _list_params(request, selectors.PROJECT_SORTS, filters)
    projects = selectors.project_search(
        user,
        organization,
        q=params.q,
        status=filters["status"],
        company_id=filters["company"],
        contact_id=filters["contact"],
    )
    total, more = bounded_count(projects)
    if sees_directory:
        projects = selectors.with_visible_clients(projects, user, organization)
    page = keyset_paginate(
        projects,
        order=selectors.PROJECT_SORTS[params.sort],
        per_page=PER_PAGE,
        after=params.after,
        before=params.before,
    )
    filter_client = None
    if filters["company"]:
        filter_client = (
            selectors.visible_companies(user, organization).filter(pk=filters["company"]).first()
        )
    elif filters["contact"]:
        filter_client = (
            selectors.visible_contacts(user, organization).filter(pk=filters["contact"]).first()
        )
    selected = assign_form.selected() if assign_form is not None else set()
    if sees_directory and assign_form is None:
        assign_form = AssignClientForm(organization=organization, user=user)
    context = {
        "page": page,
        "params": params,
        "total": total,
        "total_more": more,
        "statuses": ProjectStatus.choices,
        "sorts": [("-created", _("Newest")), ("name", _("Name"))],
        "filter_client": filter_client,
        "assign_form": assign_form if sees_directory else None,
        "selected": selected,
    }
    return render(request, "connections/project_list.html", context, status=status)


def project_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The projects the user may see; owners and members also get the client bulk action."""
    return _render_project_list(request)


@require_POST
@directory_required
def project_assign_client(request: HttpRequest, slug: str) -> HttpResponse:
    """Give every ticked project one client, in one UPDATE whatever their number."""
    user, organization = request.user, request.organization
    form = AssignClientForm(request.POST, organization=organization, user=user)
    if not form.is_valid():
        return _render_project_list(request, assign_form=form, status=400)
    projects = selectors.projects_visible_to(user, organization).filter(
        pk__in=form.cleaned_data["projects"]
    )
    replace = form.cleaned_data["replace"]
    kept = 0
    if replace == AssignReplace.ASK:
        taken = list(
            selectors.projects_with_another_client(
                projects, form.client.company, form.client.contact
            )
            .order_by("name", "pk")
            .values_list("name", flat=True)
        )
        if taken:
            return render(
                request,
                "connections/project_assign_confirm.html",
                {
                    "form": form,
                    "taken": taken,
                    "selected_count": projects.count(),
                    "client_name": form.client.company or form.client.contact,
                    "cancel_url": reverse("project_list", kwargs={"slug": slug}),
                    "querystring": request.GET.urlencode(),
                },
            )
    elif replace == AssignReplace.EMPTY:
        kept = selectors.projects_with_another_client(
            projects, form.client.company, form.client.contact
        ).count()
        projects = projects.filter(client_company__isnull=True, client_contact__isnull=True)
    count = services.projects_assign_client(
        organization=organization, projects=projects, client=form.client, user=user
    )
    message = ngettext("%(count)d project updated.", "%(count)d projects updated.", count) % {
        "count": count
    }
    if kept:
        message += " " + ngettext(
            "%(kept)d kept its client.", "%(kept)d kept their client.", kept
        ) % {"kept": kept}
    messages.success(request, message)
    query = request.GET.urlencode()
    return redirect(reverse("project_list", kwargs={"slug": slug}) + (f"?{query}" if query else ""))


def _project_form_initial(request: HttpRequest) -> dict:
    """Prefill the client from ?company= or ?contact= (a "new project" link on its page)."""
    user, organization = request.user, request.organization
    company_id, contact_id = _int_param(request, "company"), _int_param(request, "contact")
    if company_id:
        company = selectors.visible_companies(user, organization).filter(pk=company_id).first()
        if company is not None:
            return {"client_company_id": company.pk, "client_company_name": company.name}
    if contact_id:
        contact = selectors.visible_contacts(user, organization).filter(pk=contact_id).first()
        if contact is not None:
            return {"client_contact_id": contact.pk, "client_contact_name": contact.full_name}
    return {}


def _save_project(request: HttpRequest, project: Project | None) -> HttpResponse:
    user, organization = request.user, request.organization
    data = request.POST if request.method == "POST" else None
    form = ProjectForm(
        data,
        instance=project,
        organization=organization,
        user=user,
        initial=_project_form_initial(request) if project is None else None,
    )
    if data is not None and form.is_valid():
        try:
            if project is None:
                project = services.project_create(
                    organization=organization,
                    created_by=user,
                    fields=form.project_fields(),
                    client=form.client,
                )
                messages.success(request, _("Project %(name)s created.") % {"name": project})
            else:
                services.project_update(
                    project=project, fields=form.project_fields(), client=form.client, user=user
                )
                messages.success(request, _("Project %(name)s saved.") % {"name": project})
        except ValidationError as error:
            apply_service_errors(error, form, {})
        else:
            return redirect("project_detail", slug=organization.slug, pk=project.pk)
    return render(
        request,
        "connections/project_form.html",
        {"form": form, "project": project},
        status=400 if data is not None else 200,
    )


@directory_required
def project_create(request: HttpRequest, slug: str) -> HttpResponse:
    return _save_project(request, None)


@directory_required
def project_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The project's settings: its fields and its client."""
    project = selectors.project_for_user(request.user, request.organization, pk)
    return _save_project(request, project)


def project_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    user, organization = request.user, request.organization
    project = selectors.project_for_user(user, organization, pk)
    sees_directory = request.membership.sees_directory
    context = {
        "project": project,
        "tasks": selectors.project_tasks(user, organization, project),
        "tickets": selectors.project_tickets(user, organization, project),
        "parties": (
            selectors.item_parties(user, organization, project=project) if sees_directory else []
        ),
        "item": project,
        "can_delete": _can_delete(request, project),
    }
    return render(request, "connections/project_detail.html", context)


@directory_required
def project_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes (creator or owner only)."""
    project = selectors.project_for_user(request.user, request.organization, pk)
    _require_delete_right(request, project)
    if request.method != "POST":
        return render(
            request,
            "connections/confirm_delete.html",
            {
                "item": project,
                "explanation": _(
                    "Its tasks and connections are deleted too; its tickets stay, "
                    "without a project."
                ),
                "consequences": delete_consequences(project, user=request.user),
                "cancel_url": reverse("project_detail", kwargs={"slug": slug, "pk": project.pk}),
            },
        )
    name = str(project)
    batch = delete_to_trash(
        project, user=request.user, delete=lambda: services.project_delete(project=project)
    )
    messages.success(
        request, _("Project %(name)s deleted.") % {"name": name}, extra_tags=undo_tag(batch)
    )
    return redirect("project_list", slug=slug)


@directory_required
def project_autocomplete(request: HttpRequest, slug: str) -> HttpResponse:
    """Options for project pickers: visible projects whose name matches ?q=, at most ten."""
    q = search_text(request, limit=100)
    projects = (
        selectors.project_search(request.user, request.organization, q=q).order_by("name", "id")[
            :10
        ]
        if q
        else Project.objects.none()
    )
    return render(
        request,
        "_autocomplete_options.html",
        {
            "options": [(p.pk, p.name, p.get_status_display()) for p in projects],
            "empty_text": _("No matching project.") if q else "",
        },
    )


# --- Tasks ------------------------------------------------------------------------------


def _save_task(request: HttpRequest, project: Project, task: Task | None) -> HttpResponse:
    organization = request.organization
    data = request.POST if request.method == "POST" else None
    form = TaskForm(data, instance=task, organization=organization)
    if data is not None and form.is_valid():
        try:
            if task is None:
                task = services.task_create(
                    project=project, created_by=request.user, fields=form.task_fields()
                )
                messages.success(request, _("Task %(title)s created.") % {"title": task})
            else:
                services.task_update(task=task, fields=form.task_fields())
                messages.success(request, _("Task %(title)s saved.") % {"title": task})
        except ValidationError as error:
            apply_service_errors(error, form, {})
        else:
            return redirect(
                "task_detail", slug=organization.slug, project_pk=project.pk, pk=task.pk
            )
    return render(
        request,
        "connections/task_form.html",
        {"form": form, "project": project, "task": task},
        status=400 if data is not None else 200,
    )


@directory_required
def task_create(request: HttpRequest, slug: str, project_pk: int) -> HttpResponse:
    project = selectors.project_for_user(request.user, request.organization, project_pk)
    return _save_task(request, project, None)


def task_detail(request: HttpRequest, slug: str, project_pk: int, pk: int) -> HttpResponse:
    user, organization = request.user, request.organization
    task = selectors.task_for_user(user, organization, project_pk, pk)
    sees_directory = request.membership.sees_directory
    context = {
        "task": task,
        "project": task.project,
        "item": task,
        "parties": selectors.item_parties(user, organization, task=task) if sees_directory else [],
        "status_form": status_form(task),
        "can_delete": _can_delete(request, task),
    }
    return render(request, "connections/task_detail.html", context)


@directory_required
def task_edit(request: HttpRequest, slug: str, project_pk: int, pk: int) -> HttpResponse:
    task = selectors.task_for_user(request.user, request.organization, project_pk, pk)
    return _save_task(request, task.project, task)


@directory_required
def task_delete(request: HttpRequest, slug: str, project_pk: int, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes (creator or owner only)."""
    task = selectors.task_for_user(request.user, request.organization, project_pk, pk)
    _require_delete_right(request, task)
    project_url = reverse("project_detail", kwargs={"slug": slug, "pk": project_pk})
    if request.method != "POST":
        return render(
            request,
            "connections/confirm_delete.html",
            {
                "item": task,
                "explanation": _("Its connections are deleted too."),
                "consequences": delete_consequences(task, user=request.user),
                "cancel_url": reverse(
                    "task_detail", kwargs={"slug": slug, "project_pk": project_pk, "pk": pk}
                ),
            },
        )
    title = str(task)
    batch = delete_to_trash(task, user=request.user, delete=lambda: services.task_delete(task=task))
    messages.success(
        request, _("Task %(title)s deleted.") % {"title": title}, extra_tags=undo_tag(batch)
    )
    return redirect(project_url)


@require_POST
def task_status(request: HttpRequest, slug: str, project_pk: int, pk: int) -> HttpResponse:
    """Change a task's status: anyone who sees it (a guest sees only their own tasks)."""
    task = selectors.task_for_user(request.user, request.organization, project_pk, pk)
    return _set_status(
        request,
        task,
        redirect_to=reverse(
            "task_detail", kwargs={"slug": slug, "project_pk": project_pk, "pk": pk}
        ),
    )


def _set_status(request: HttpRequest, item: Task | Ticket, *, redirect_to: str) -> HttpResponse:
    form = status_form(item, request.POST)
    if form.is_valid():
        services.status_set(item=item, status=form.cleaned_data["status"])
        messages.success(
            request,
            _("Status of %(item)s set to %(status)s.")
            % {"item": item, "status": item.get_status_display()},
        )
    else:
        messages.error(request, _("Choose a valid status."))
    return redirect(redirect_to)


# --- Tickets ----------------------------------------------------------------------------


def ticket_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The tickets the user may see (a guest: the ones assigned to them)."""
    user, organization = request.user, request.organization
    filters = {
        "status": _choice_param(request, "status", TicketStatus.values),
        "priority": _choice_param(request, "priority", TicketPriority.values),
        "mine": "1" if request.GET.get("mine") == "1" else "",
    }
    params = _list_params(request, selectors.TICKET_SORTS, filters)
    tickets = selectors.ticket_search(
        user,
        organization,
        q=params.q,
        status=filters["status"],
        priority=filters["priority"],
        mine=bool(filters["mine"]),
    )
    total, more = bounded_count(tickets)
    page = keyset_paginate(
        tickets.select_related("assignee", "project"),
        order=selectors.TICKET_SORTS[params.sort],
        per_page=PER_PAGE,
        after=params.after,
        before=params.before,
    )
    context = {
        "page": page,
        "params": params,
        "total": total,
        "total_more": more,
        "statuses": TicketStatus.choices,
        "priorities": TicketPriority.choices,
        "sorts": [("-created", _("Newest")), ("-updated", _("Recently updated"))],
    }
    return render(request, "connections/ticket_list.html", context)


def _save_ticket(request: HttpRequest, ticket: Ticket | None) -> HttpResponse:
    user, organization = request.user, request.organization
    data = request.POST if request.method == "POST" else None
    initial = None
    if ticket is None and (project_pk := _int_param(request, "project")):
        project = selectors.projects_visible_to(user, organization).filter(pk=project_pk).first()
        if project is not None:
            initial = {"project_id": project.pk, "project_name": project.name}
    form = TicketForm(data, instance=ticket, organization=organization, user=user, initial=initial)
    if data is not None and form.is_valid():
        try:
            if ticket is None:
                ticket = services.ticket_create(
                    organization=organization, created_by=user, fields=form.ticket_fields()
                )
                messages.success(request, _("Ticket %(subject)s created.") % {"subject": ticket})
            else:
                services.ticket_update(ticket=ticket, fields=form.ticket_fields())
                messages.success(request, _("Ticket %(subject)s saved.") % {"subject": ticket})
        except ValidationError as error:
            apply_service_errors(error, form, {})
        else:
            return redirect("ticket_detail", slug=organization.slug, pk=ticket.pk)
    return render(
        request,
        "connections/ticket_form.html",
        {"form": form, "ticket": ticket},
        status=400 if data is not None else 200,
    )


@directory_required
def ticket_create(request: HttpRequest, slug: str) -> HttpResponse:
    return _save_ticket(request, None)


def ticket_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    user, organization = request.user, request.organization
    ticket = selectors.ticket_for_user(user, organization, pk)
    sees_directory = request.membership.sees_directory
    context = {
        "ticket": ticket,
        "item": ticket,
        "parties": (
            selectors.item_parties(user, organization, ticket=ticket) if sees_directory else []
        ),
        "status_form": status_form(ticket),
        "can_delete": _can_delete(request, ticket),
    }
    return render(request, "connections/ticket_detail.html", context)


@directory_required
def ticket_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    ticket = selectors.ticket_for_user(request.user, request.organization, pk)
    return _save_ticket(request, ticket)


@directory_required
def ticket_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes (creator or owner only)."""
    ticket = selectors.ticket_for_user(request.user, request.organization, pk)
    _require_delete_right(request, ticket)
    if request.method != "POST":
        return render(
            request,
            "connections/confirm_delete.html",
            {
                "item": ticket,
                "explanation": _("Its connections are deleted too."),
                "consequences": delete_consequences(ticket, user=request.user),
                "cancel_url": reverse("ticket_detail", kwargs={"slug": slug, "pk": ticket.pk}),
            },
        )
    subject = str(ticket)
    batch = delete_to_trash(
        ticket, user=request.user, delete=lambda: services.ticket_delete(ticket=ticket)
    )
    messages.success(
        request,
        _("Ticket %(subject)s deleted.") % {"subject": subject},
        extra_tags=undo_tag(batch),
    )
    return redirect("ticket_list", slug=slug)


@require_POST
def ticket_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Change a ticket's status: anyone who sees it (a guest sees only their own tickets)."""
    ticket = selectors.ticket_for_user(request.user, request.organization, pk)
    return _set_status(
        request, ticket, redirect_to=reverse("ticket_detail", kwargs={"slug": slug, "pk": pk})
    )


# --- Connections ------------------------------------------------------------------------


def _item_url(slug: str, item: Project | Task | Ticket) -> str:
    if isinstance(item, Task):
        kwargs = {"slug": slug, "project_pk": item.project_id, "pk": item.pk}
    else:
        kwargs = {"slug": slug, "pk": item.pk}
    return reverse(f"{item.kind}_detail", kwargs=kwargs)


@directory_required
def connection_autocomplete(request: HttpRequest, slug: str) -> HttpResponse:
    """Options for the "connect to…" picker: projects, tasks and tickets matching ?q=."""
    q = search_text(request, limit=100)
    items = selectors.work_search(request.user, request.organization, q) if q else []
    options = []
    for item in items:
        if isinstance(item, Project):
            hint = _("Project · %(status)s") % {"status": item.get_status_display()}
            label = item.name
        elif isinstance(item, Task):
            hint = _("Task in %(project)s") % {"project": item.project.name}
            label = item.title
        else:
            hint = _("Ticket #%(number)d") % {"number": item.pk}
            label = item.subject
        options.append((f"{item.kind}:{item.pk}", label, hint))
    return render(
        request,
        "_autocomplete_options.html",
        {"options": options, "empty_text": _("No matching project, task or ticket.") if q else ""},
    )


@require_POST
@directory_required
def connection_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Connect a contact or company to a project, task or ticket; back to where it was asked."""
    user, organization = request.user, request.organization
    form = ConnectForm(request.POST, user=user, organization=organization)
    fallback = reverse("project_list", kwargs={"slug": slug})
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_safe_next(request, fallback))
    item, party = form.cleaned_data["item"], form.cleaned_data["party"]
    fallback = _item_url(slug, item)
    _connection, created = services.connection_add(item=item, party=party, created_by=user)
    if created:
        messages.success(
            request, _("%(party)s connected to %(item)s.") % {"party": party, "item": item}
        )
    else:
        messages.info(
            request,
            _("%(party)s was already connected to %(item)s.") % {"party": party, "item": item},
        )
    return redirect(_safe_next(request, fallback))


@require_POST
@directory_required
def connection_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Disconnect; only a connection whose both ends the user may see can be removed."""
    user, organization = request.user, request.organization
    connection = get_object_or_404(
        selectors.visible_connections(user, organization).select_related(
            "project", "task", "ticket", "contact", "company"
        ),
        pk=pk,
    )
    item, party = connection.item, connection.party
    services.connection_remove(connection=connection, user=user)
    messages.success(
        request, _("%(party)s disconnected from %(item)s.") % {"party": party, "item": item}
    )
    return redirect(_safe_next(request, _item_url(slug, item)))
