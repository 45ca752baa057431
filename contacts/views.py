"""Contact pages: list, detail (the hub), create, edit, delete, autocomplete."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from companies.models import Company
from contacts import selectors, services
from contacts.forms import ContactForm
from contacts.models import Contact
from directory import views as dv
from organizations.http import search_text
from organizations.permissions import directory_required


def list_rows(request: HttpRequest, contacts: list[Contact]) -> list[Contact]:
    """Prepare the contacts of a list page for their rows (templates/contacts/_contact_rows.html).

    Each gets its details (`selectors.attach_list_details`), its links, the links of
    its visible primary company and whether the reader may delete it; a page costs
    three queries and one URL reversal per link kind, whatever its rows.
    """
    user, organization = request.user, request.organization
    selectors.attach_list_details(contacts, user, organization)
    dv.attach_row_links(request, contacts, "contact")
    company_url = dv.pk_url("company_detail", organization.slug)
    for contact in contacts:
        contact.company_links = [(company_url(pk), name) for pk, name in contact.primary_companies]
    return contacts


@directory_required
def contact_list(request: HttpRequest, slug: str) -> HttpResponse:
    user, organization = request.user, request.organization
    params = dv.list_params(
        request, sorts=selectors.SORTS, filter_names=["type", "visibility", "company"]
    )
    contacts = selectors.contact_search(
        user,
        organization,
        q=params.q,
        type_id=params.filters["type"],
        visibility=params.filters["visibility"],
        company_id=params.filters["company"],
    )
    filter_company = None
    if params.filters["company"]:
        filter_company = (
            Company.objects.visible_to(user, organization)
            .filter(pk=params.filters["company"])
            .first()
        )
    return dv.list_page(
        request,
        Contact,
        params,
        contacts,
        sorts=selectors.SORTS,
        with_details=selectors.with_list_details,
        rows=list_rows,
        filter_company=filter_company,
        any_company_query=params.querystring(company=None),
    )


@directory_required
def contact_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    contact = selectors.contact_detail(request.user, request.organization, pk)
    return TemplateResponse(
        request,
        "contacts/contact_detail.html",
        {
            "contact": contact,
            "description_html": dv.rendered_description(contact),
            "can_delete": dv.can_delete(request, contact),
        },
    )


@directory_required
def contact_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    """Create (no `pk`) or edit a contact: the form, its detail rows and the primary company."""
    user, organization = request.user, request.organization
    contact = selectors.contact_for_user(user, organization, pk) if pk is not None else None
    data = request.POST if request.method == "POST" else None
    form = ContactForm(data, instance=contact, organization=organization, user=user)
    return dv.save_record(
        request,
        Contact,
        contact,
        form=form,
        create=lambda **details: services.contact_create(
            organization=organization,
            created_by=user,
            fields=form.record_fields(),
            company=form.company_choice(),
            **details,
        ),
        update=lambda **details: services.contact_update(
            contact=contact,
            user=user,
            fields=form.record_fields(),
            company=form.company_choice(),
            **details,
        ),
        messages_for=(_("Contact %(name)s created."), _("Contact %(name)s saved.")),
        duplicates=dv.record_duplicates(
            request,
            Contact,
            contact,
            form,
            name_fields=("first_name", "last_name"),
            company_id=lambda: _chosen_company_id(form),
        ),
    )


def _chosen_company_id(form: ContactForm) -> int | None:
    """The existing company the form links the contact to (None for none or a new one)."""
    company = form.company_choice().company
    return company.pk if company is not None else None


contact_delete = dv.delete_view(
    find=selectors.contact_for_user,
    delete=lambda contact: services.contact_delete(contact=contact),
    deleted_message=gettext_lazy("Contact %(name)s deleted."),
)


@directory_required
def contact_row(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One list row, read-only (GET) or as an in-place quick-edit form (?edit=1, POST)."""
    user, organization = request.user, request.organization
    contact = selectors.contact_for_user(user, organization, pk)
    form = ContactForm(request.POST or None, instance=contact, organization=organization, user=user)
    visible = Contact.objects.visible_to(user, organization).filter(pk=contact.pk)
    return dv.edit_row(
        request,
        contact,
        form=form,
        fields=("first_name", "last_name", "role", "type"),
        update=lambda: services.contact_update(
            contact=contact, user=user, fields=form.record_fields()
        ),
        shown=lambda: list_rows(request, [selectors.with_list_details(visible).get()]),
    )


@directory_required
def contact_autocomplete(request: HttpRequest, slug: str) -> HttpResponse:
    """Options for pickers: visible contacts matching ?q=, at most ten."""
    q = search_text(request, limit=100)
    contacts = (
        selectors.contact_search(request.user, request.organization, q=q).order_by(
            "last_name", "first_name", "id"
        )[:10]
        if q
        else Contact.objects.none()
    )
    return render(
        request,
        "_autocomplete_options.html",
        {
            "options": [(c.pk, c.full_name, c.role) for c in contacts],
            "empty_text": _("No matching contact.") if q else "",
        },
    )
