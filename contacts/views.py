"""Contact pages: list, detail (the hub), create, edit, delete, autocomplete."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from companies.models import Company
from contacts import selectors, services
from contacts.forms import ContactForm
from contacts.models import Contact
from organizations import directory_views as dv
from organizations.models import RecordType
from organizations.pagination import bounded_count, keyset_paginate
from organizations.permissions import directory_required
from organizations.search import search_capped
from organizations.visibility import Visibility


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
    total, more = bounded_count(contacts)
    page = keyset_paginate(
        selectors.with_list_details(contacts),
        order=params.order(selectors.SORTS),
        per_page=dv.PER_PAGE,
        after=params.after,
        before=params.before,
    )
    list_rows(request, page.items)
    filter_company = None
    if params.filters["company"]:
        filter_company = (
            Company.objects.visible_to(user, organization)
            .filter(pk=params.filters["company"])
            .first()
        )
    capped = search_capped(params.q, total)
    context = {
        "page": page,
        "params": params,
        "total": total,
        # A capped search counts only its candidates: more may match.
        "total_more": more or capped,
        "search_capped": capped,
        "types": RecordType.objects.filter(organization=organization),
        "visibilities": Visibility.choices,
        "filter_company": filter_company,
        "any_company_query": params.querystring(company=None),
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
    template = "contacts/contact_list.html"
    if request.htmx and request.htmx.target == "contact-results":
        template = "contacts/_contact_results.html"
    return render(request, template, context)


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


def _save(request: HttpRequest, contact: Contact | None) -> HttpResponse:
    """Create or edit a contact: the form, its detail rows and the primary company."""
    user, organization = request.user, request.organization
    data = request.POST if request.method == "POST" else None
    form = ContactForm(data, instance=contact, organization=organization, user=user)
    submitted = dv.bound_formsets(request, contact)
    if data is not None and form.is_valid() and all(f.is_valid() for f in submitted.values()):
        details = {name: formset.rows() for name, formset in submitted.items()}
        try:
            if contact is None:
                contact = services.contact_create(
                    organization=organization,
                    created_by=user,
                    fields=form.record_fields(),
                    company=form.company_choice(),
                    **details,
                )
                messages.success(request, _("Contact %(name)s created.") % {"name": contact})
            else:
                services.contact_update(
                    contact=contact,
                    user=user,
                    fields=form.record_fields(),
                    company=form.company_choice(),
                    **details,
                )
                messages.success(request, _("Contact %(name)s saved.") % {"name": contact})
        except ValidationError as error:
            dv.apply_service_errors(error, form, submitted)
        else:
            return redirect("contact_detail", slug=organization.slug, pk=contact.pk)
    return render(
        request,
        "contacts/contact_form.html",
        {
            "form": form,
            "formsets": dv.all_formsets(request, contact, submitted),
            "contact": contact,
        },
        status=400 if data is not None else 200,
    )


@directory_required
def contact_create(request: HttpRequest, slug: str) -> HttpResponse:
    return _save(request, None)


@directory_required
def contact_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    contact = selectors.contact_for_user(request.user, request.organization, pk)
    if request.method == "POST":
        dv.refuse_foreign_visibility_change(request, contact)
    return _save(request, contact)


@directory_required
def contact_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes (creator or owner only)."""
    contact = selectors.contact_for_user(request.user, request.organization, pk)
    dv.require_delete_right(request, contact)
    if request.method != "POST":
        return render(request, "contacts/contact_confirm_delete.html", {"contact": contact})
    name = str(contact)
    services.contact_delete(contact=contact)
    if request.htmx:
        # The list removes the row in place; the message shows on the next page load.
        return HttpResponse("")
    messages.success(request, _("Contact %(name)s deleted.") % {"name": name})
    return redirect("contact_list", slug=slug)


@directory_required
def contact_row(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One list row, read-only (GET) or as an in-place quick-edit form (?edit=1, POST)."""
    user, organization = request.user, request.organization
    contact = selectors.contact_for_user(user, organization, pk)
    if request.method == "POST" or request.GET.get("edit"):
        if request.method == "POST":
            dv.refuse_foreign_visibility_change(request, contact)
        form = ContactForm(
            request.POST or None,
            instance=contact,
            organization=organization,
            user=user,
        )
        for name in list(form.fields):
            if name not in ("first_name", "last_name", "role", "type"):
                del form.fields[name]
        if request.method == "POST" and form.is_valid():
            services.contact_update(contact=contact, user=user, fields=form.record_fields())
        else:
            return render(
                request,
                "contacts/_contact_row_form.html",
                {"form": form, "contact": contact},
                status=400 if request.method == "POST" else 200,
            )
    contact = selectors.with_list_details(
        Contact.objects.visible_to(user, organization).filter(pk=contact.pk)
    ).get()
    return render(request, "contacts/_contact_rows.html", {"rows": list_rows(request, [contact])})


@directory_required
def contact_autocomplete(request: HttpRequest, slug: str) -> HttpResponse:
    """Options for pickers: visible contacts matching ?q=, at most ten."""
    q = dv.search_text(request, limit=100)
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
