"""Company pages: list, detail (the hub, with contact persons), create, edit, delete."""

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from companies import selectors, services
from companies.forms import CompanyForm, PersonForm
from companies.models import Company
from organizations import directory_views as dv
from organizations.models import RecordType, Sector
from organizations.pagination import bounded_count, keyset_paginate
from organizations.permissions import directory_required
from organizations.search import search_capped
from organizations.visibility import Visibility


def _visible_contacts(request: HttpRequest):
    # Same floor as contacts: looked up by name to keep the two apps from importing
    # each other.
    return apps.get_model("contacts", "Contact").objects.visible_to(
        request.user, request.organization
    )


def list_rows(request: HttpRequest, companies: list[Company]) -> list[Company]:
    """Prepare the companies of a list page for their rows (companies/_company_rows.html).

    Each gets its first email and phone (`selectors.attach_list_details`), its links and
    whether the reader may delete it: two queries and one URL reversal per link kind
    for the page, whatever its rows.
    """
    selectors.attach_list_details(companies, request.organization)
    dv.attach_row_links(request, companies, "company")
    return companies


@directory_required
def company_list(request: HttpRequest, slug: str) -> HttpResponse:
    user, organization = request.user, request.organization
    params = dv.list_params(
        request, sorts=selectors.SORTS, filter_names=["type", "sector", "visibility"]
    )
    companies = selectors.company_search(
        user,
        organization,
        q=params.q,
        type_id=params.filters["type"],
        sector_id=params.filters["sector"],
        visibility=params.filters["visibility"],
    )
    total, more = bounded_count(companies)
    page = keyset_paginate(
        selectors.with_list_details(companies),
        order=params.order(selectors.SORTS),
        per_page=dv.PER_PAGE,
        after=params.after,
        before=params.before,
    )
    list_rows(request, page.items)
    capped = search_capped(params.q, total)
    context = {
        "page": page,
        "params": params,
        "total": total,
        # A capped search counts only its candidates: more may match.
        "total_more": more or capped,
        "search_capped": capped,
        "types": RecordType.objects.filter(organization=organization),
        "sectors": Sector.objects.filter(organization=organization),
        "visibilities": Visibility.choices,
        "sorts": [
            (dv.RELEVANCE, _("Best match")),
            ("name", _("Name")),
            ("-created", _("Newest")),
            ("-updated", _("Recently updated")),
            ("-name", _("Name, Z to A")),
            ("created", _("Oldest")),
            ("updated", _("Least recently updated")),
        ],
        "sort_links": dv.sort_links(
            params, {"name": "name", "created": "-created", "updated": "-updated"}
        ),
    }
    template = "companies/company_list.html"
    if request.htmx and request.htmx.target == "company-results":
        template = "companies/_company_results.html"
    return render(request, template, context)


@directory_required
def company_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    company = selectors.company_detail(request.user, request.organization, pk)
    persons = selectors.company_persons(request.user, request.organization, company)
    slug = request.organization.slug
    contact_url = dv.pk_url("contact_detail", slug)
    remove_url = dv.pk_url("company_person_remove", slug, key="affiliation_pk", pk=company.pk)
    for person in persons.shown:
        person.contact_url = contact_url(person.contact_id)
        person.remove_url = remove_url(person.affiliation_id)
    return TemplateResponse(
        request,
        "companies/company_detail.html",
        {
            "company": company,
            "persons": persons,
            "description_html": dv.rendered_description(company),
            "can_delete": dv.can_delete(request, company),
            # Shown, never validated here (company_person_add validates with the
            # visible contacts): no queryset to build for it.
            "person_form": PersonForm(visible_contacts=None),
        },
    )


def _save(request: HttpRequest, company: Company | None) -> HttpResponse:
    user, organization = request.user, request.organization
    data = request.POST if request.method == "POST" else None
    form = CompanyForm(data, instance=company, organization=organization, user=user)
    submitted = dv.bound_formsets(request, company)
    if data is not None and form.is_valid() and all(f.is_valid() for f in submitted.values()):
        details = {name: formset.rows() for name, formset in submitted.items()}
        try:
            if company is None:
                company = services.company_create(
                    organization=organization,
                    created_by=user,
                    fields=form.record_fields(),
                    **details,
                )
                messages.success(request, _("Company %(name)s created.") % {"name": company})
            else:
                services.company_update(company=company, fields=form.record_fields(), **details)
                messages.success(request, _("Company %(name)s saved.") % {"name": company})
        except ValidationError as error:
            dv.apply_service_errors(error, form, submitted)
        else:
            return redirect("company_detail", slug=organization.slug, pk=company.pk)
    return render(
        request,
        "companies/company_form.html",
        {
            "form": form,
            "formsets": dv.all_formsets(request, company, submitted),
            "company": company,
        },
        status=400 if data is not None else 200,
    )


@directory_required
def company_create(request: HttpRequest, slug: str) -> HttpResponse:
    return _save(request, None)


@directory_required
def company_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    company = selectors.company_for_user(request.user, request.organization, pk)
    if request.method == "POST":
        dv.refuse_foreign_visibility_change(request, company)
    return _save(request, company)


@directory_required
def company_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes (creator or owner only)."""
    company = selectors.company_for_user(request.user, request.organization, pk)
    dv.require_delete_right(request, company)
    if request.method != "POST":
        return render(request, "companies/company_confirm_delete.html", {"company": company})
    name = str(company)
    services.company_delete(company=company)
    if request.htmx:
        return HttpResponse("")
    messages.success(request, _("Company %(name)s deleted.") % {"name": name})
    return redirect("company_list", slug=slug)


@directory_required
def company_row(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One list row, read-only (GET) or as an in-place quick-edit form (?edit=1, POST)."""
    user, organization = request.user, request.organization
    company = selectors.company_for_user(user, organization, pk)
    if request.method == "POST" or request.GET.get("edit"):
        if request.method == "POST":
            dv.refuse_foreign_visibility_change(request, company)
        form = CompanyForm(
            request.POST or None, instance=company, organization=organization, user=user
        )
        for name in list(form.fields):
            if name not in ("name", "type", "sector"):
                del form.fields[name]
        if request.method == "POST" and form.is_valid():
            fields = {name: form.cleaned_data[name] for name in ("name", "type", "sector")}
            services.company_update(company=company, fields=fields)
        else:
            return render(
                request,
                "companies/_company_row_form.html",
                {"form": form, "company": company},
                status=400 if request.method == "POST" else 200,
            )
    visible = Company.objects.visible_to(user, organization).filter(pk=company.pk)
    company = selectors.with_list_details(visible).get()
    return render(request, "companies/_company_rows.html", {"rows": list_rows(request, [company])})


@require_POST
@directory_required
def company_person_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    company = selectors.company_for_user(request.user, request.organization, pk)
    form = PersonForm(request.POST, visible_contacts=_visible_contacts(request))
    if form.is_valid():
        contact = form.cleaned_data["contact_id"]
        services.affiliation_add(company=company, contact=contact, role=form.cleaned_data["role"])
        messages.success(
            request,
            _("%(person)s is now a contact person of %(company)s.")
            % {"person": contact, "company": company},
        )
    else:
        messages.error(request, _("Choose a person from the list."))
    return redirect("company_detail", slug=slug, pk=company.pk)


@require_POST
@directory_required
def company_person_remove(request: HttpRequest, slug: str, pk: int, affiliation_pk: int):
    company = selectors.company_for_user(request.user, request.organization, pk)
    affiliation = get_object_or_404(
        selectors.visible_persons(request.user, request.organization, company=company),
        pk=affiliation_pk,
    )
    services.affiliation_remove(affiliation=affiliation)
    messages.success(
        request,
        _("%(person)s is no longer a contact person of %(company)s.")
        % {"person": affiliation.contact, "company": company},
    )
    return redirect("company_detail", slug=slug, pk=company.pk)


@directory_required
def company_autocomplete(request: HttpRequest, slug: str) -> HttpResponse:
    """Options for pickers: visible companies matching ?q=, at most ten."""
    q = dv.search_text(request, limit=100)
    companies = (
        selectors.company_search(request.user, request.organization, q=q).order_by("name", "id")[
            :10
        ]
        if q
        else Company.objects.none()
    )
    return render(
        request,
        "_autocomplete_options.html",
        {
            "options": [(c.pk, c.name, "") for c in companies],
            "empty_text": _("No matching company: a new one will be created.") if q else "",
        },
    )
