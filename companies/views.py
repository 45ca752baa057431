"""Company pages: list, detail (the hub, with contact persons), create, edit, delete."""

from django.apps import apps
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from companies import selectors, services
from companies.forms import CompanyForm, PersonForm
from companies.models import Company
from directory import views as dv
from organizations.http import search_text
from organizations.models import Sector
from organizations.permissions import directory_required


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
    return dv.list_page(
        request,
        Company,
        params,
        companies,
        sorts=selectors.SORTS,
        with_details=selectors.with_list_details,
        rows=list_rows,
        sectors=Sector.objects.filter(organization=organization),
    )


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


@directory_required
def company_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    """Create (no `pk`) or edit a company: the form and its detail rows."""
    user, organization = request.user, request.organization
    company = selectors.company_for_user(user, organization, pk) if pk is not None else None
    data = request.POST if request.method == "POST" else None
    form = CompanyForm(data, instance=company, organization=organization, user=user)
    return dv.save_record(
        request,
        Company,
        company,
        form=form,
        create=lambda **details: services.company_create(
            organization=organization, created_by=user, fields=form.record_fields(), **details
        ),
        update=lambda **details: services.company_update(
            company=company, user=user, fields=form.record_fields(), **details
        ),
        messages_for=(_("Company %(name)s created."), _("Company %(name)s saved.")),
        duplicates=dv.record_duplicates(request, Company, company, form),
    )


company_delete = dv.delete_view(
    find=selectors.company_for_user,
    delete=lambda company: services.company_delete(company=company),
    deleted_message=gettext_lazy("Company %(name)s deleted."),
)


@directory_required
def company_row(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One list row, read-only (GET) or as an in-place quick-edit form (?edit=1, POST)."""
    user, organization = request.user, request.organization
    company = selectors.company_for_user(user, organization, pk)
    form = CompanyForm(request.POST or None, instance=company, organization=organization, user=user)
    fields = ("name", "type", "sector")
    visible = Company.objects.visible_to(user, organization).filter(pk=company.pk)
    return dv.edit_row(
        request,
        company,
        form=form,
        fields=fields,
        update=lambda: services.company_update(
            company=company, user=user, fields={name: form.cleaned_data[name] for name in fields}
        ),
        shown=lambda: list_rows(request, [selectors.with_list_details(visible).get()]),
    )


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
    q = search_text(request, limit=100)
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
