"""Pages of sales and purchase documents under /o/<slug>/sales/: the list, a document
and its lines, issuing, converting, payments, the record panel's section, the catalog and
(owners) the numbering series.

Guests never see a document (they see no contact or company): every page answers them
403. A document is read through `selectors.visible` — who may see its party — so one
the reader may not see is the same 404 as one that does not exist. What an issued
document refuses (edits of its lines, party or totals, deletion) the services refuse;
the pages only stop offering it.
"""

import csv
from datetime import date

from babel.numbers import get_territory_currencies
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attachments.files import content_disposition
from attachments.services import QuotaExceeded
from companies.models import Company
from contacts.models import Contact
from directory.pagination import keyset_paginate
from directory.views import ListParams
from organizations.http import search_text
from organizations.permissions import directory_required, owner_required
from sales import pdf, selectors, sending, services
from sales.forms import (
    ConvertForm,
    DocumentForm,
    IssueForm,
    IssuerForm,
    LineForm,
    PaymentForm,
    PreferencesForm,
    ProductForm,
    SendForm,
    SeriesForm,
)
from sales.models import (
    KIND_CATEGORY,
    Category,
    Document,
    DocumentLine,
    Issuer,
    Kind,
    NumberSeries,
    Product,
)

PER_PAGE = 25
ORDER = ["-created_at", "-id"]


def _next_path(request: HttpRequest) -> str | None:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    prefix = f"/o/{request.organization.slug}/"
    if candidate.startswith(prefix) and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts=None
    ):
        return candidate
    return None


def _record_of(request: HttpRequest, kind: str, pk) -> Contact | Company | None:
    """A contact or company named by the URL or query string, through its door."""
    if not str(pk).isdigit() or len(str(pk)) > 18:
        return None
    model = {"contact": Contact, "company": Company}.get(kind)
    if model is None:
        return None
    return model.objects.visible_to(request.user, request.organization).filter(pk=pk).first()


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _refused(request: HttpRequest, error: ValidationError, document: Document) -> HttpResponse:
    """A refused write on a document: its page again with the reason, status 409."""
    for message in error.messages:
        messages.error(request, message)
    document.refresh_from_db()
    return _detail_page(request, document, status=409)


def default_currency(organization) -> str:
    """The currency of the organization's country (CLDR, via Babel), or EUR."""
    country = getattr(organization, "default_country", "") or ""
    try:
        found = get_territory_currencies(country) if country else []
    except Exception:
        found = []
    return found[0] if found else "EUR"


# --- Documents ------------------------------------------------------------------------------


@directory_required
def document_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Every document the reader may see, newest first; filter by kind and party."""
    organization, user = request.organization, request.user
    rows = selectors.visible(user, organization).select_related("company", "contact")
    kind = request.GET.get("kind", "")
    if kind in Kind.values:
        rows = rows.filter(kind=kind)
    else:
        kind = ""
    party = None
    for name in ("company", "contact"):
        if request.GET.get(name):
            party = _record_of(request, name, request.GET[name])
            if party is None:
                raise Http404
            rows = rows.filter(**{name: party})
            party_kind = name
            break
    filters = {"kind": kind}
    if party is not None:
        filters[party_kind] = party.pk
    params = ListParams(
        q="",
        sort="-created",
        after=request.GET.get("after") or None,
        before=request.GET.get("before") or None,
        filters=filters,
    )
    page = keyset_paginate(
        rows, order=ORDER, per_page=PER_PAGE, after=params.after, before=params.before
    )
    return render(
        request,
        "sales/document_list.html",
        {
            "page": page,
            "params": params,
            "kind": kind,
            "kinds": Kind.choices,
            "party": party,
            "list_url_name": "document_list",
        },
    )


@directory_required
def document_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A new draft, prefilled from `?kind=` and `?company=` / `?contact=` (the panel)."""
    organization, user = request.organization, request.user
    kind = request.GET.get("kind", "")
    document = Document(
        organization=organization,
        kind=kind if kind in Kind.values else Kind.INVOICE,
        currency=default_currency(organization),
    )
    initial = {"kind": document.kind}
    if request.method == "GET":
        for name in ("company", "contact"):
            record = _record_of(request, name, request.GET.get(name, ""))
            if record is not None:
                initial[f"{name}_id"] = record.pk
                initial[f"{name}_name"] = str(record)
    form = DocumentForm(
        request.POST if request.method == "POST" else None,
        instance=document,
        organization=organization,
        user=user,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_create(document=form.apply(), user=user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Draft created: add its lines."))
            return redirect(document.url_in(organization.slug))
    return _form_page(request, form, None)


def _form_page(request: HttpRequest, form, document) -> HttpResponse:
    return render(
        request,
        "sales/document_form.html",
        {"form": form, "document": document, "next": _next_path(request)},
        status=400 if form.is_bound else 200,
    )


def _document(request: HttpRequest, pk: int) -> Document:
    return selectors.document_for_user(request.user, request.organization, pk)


@directory_required
def document_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _detail_page(request, _document(request, pk))


def _detail_page(
    request: HttpRequest, document: Document, *, line_form=None, payment_form=None, status=200
) -> HttpResponse:
    organization, user = request.organization, request.user
    lines = list(document.lines.select_related("product"))
    totals = services.money.compute(lines, document.currency)
    payments = list(document.payments.all()) if document.is_payable else []
    derived = list(document.derived.only("pk", "kind", "number", "status"))
    sends = list(document.sends.prefetch_related("recipients").select_related("sent_by"))
    return render(
        request,
        "sales/document_detail.html",
        {
            "document": document,
            "person": selectors.contact_person_shown(user, organization, document),
            "lines": lines,
            "totals": totals,
            "payments": payments,
            "derived": derived,
            "sends": sends,
            "line_form": line_form or LineForm(organization=organization),
            "issue_form": IssueForm(document=document) if document.is_draft else None,
            "payment_form": payment_form
            or PaymentForm(
                initial={
                    "date": timezone.localdate(),
                    "amount": services.money.round_money(document.amount_due, document.currency),
                }
            ),
            "convert_form": ConvertForm(document=document, lines=lines)
            if document.conversions
            else None,
        },
        status=status,
    )


@directory_required
def document_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Edit a draft's header; an issued document's page says why it cannot be edited."""
    organization, user = request.organization, request.user
    document = _document(request, pk)
    if not document.is_draft:
        messages.error(request, services.issued_message())
        return redirect(document.url_in(organization.slug))
    document.shown_person = selectors.contact_person_shown(user, organization, document)
    form = DocumentForm(
        request.POST if request.method == "POST" else None,
        instance=document,
        organization=organization,
        user=user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(document=form.apply(), user=user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Document saved."))
            return redirect(document.url_in(organization.slug))
    return _form_page(request, form, document)


@directory_required
def document_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Delete a draft (an issued document is corrected by a credit note instead)."""
    organization = request.organization
    document = _document(request, pk)
    if request.method != "POST":
        return render(request, "sales/document_confirm_delete.html", {"document": document})
    try:
        services.document_delete(document=document)
    except ValidationError as error:
        return _refused(request, error, document)
    messages.success(request, _("Draft deleted."))
    return redirect("document_list", slug=organization.slug)


@directory_required
def document_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The document as PDF: a draft rendered now (marked DRAFT), an issued one stored once."""
    document = _document(request, pk)
    data = pdf.pdf_bytes(document)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(pdf.filename(document))
    response["Cache-Control"] = "private, no-store"
    if document.pdf_sha256:
        response["X-Content-SHA256"] = document.pdf_sha256
    return response


@directory_required
def document_send(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Email the document (a draft is issued as it is sent) to the party's people."""
    organization, user = request.organization, request.user
    document = _document(request, pk)
    if document.kind not in KIND_CATEGORY:
        raise Http404
    offer = sending.offer(user, document)
    kind = document.get_kind_display()
    initial = {
        "subject": _("%(kind)s %(number)s from %(organization)s")
        % {"kind": kind, "number": document.number, "organization": organization.name}
        if document.number
        else _("%(kind)s from %(organization)s") % {"kind": kind, "organization": organization.name}
    }
    form = SendForm(
        request.POST if request.method == "POST" else None, offer=offer, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            sending.send_request(
                document=document,
                user=user,
                recipients=form.recipients,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["message"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("The email is on its way; the document shows when it left.")
            )
            return redirect(document.url_in(organization.slug))
    return render(
        request,
        "sales/document_send.html",
        {"form": form, "document": document, "offer": offer},
        status=400 if form.is_bound else 200,
    )


@directory_required
def recipient_preferences(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Who of a company's contact persons receives which documents: not, To or CC."""
    company = _record_of(request, "company", pk)
    if company is None:
        raise Http404
    probe = Document(organization=request.organization, company=company, kind=Kind.INVOICE)
    people = sending.persons(request.user, probe)
    if request.method == "POST" and request.POST.get("copies"):
        person = next((p for p in people if str(p.pk) == request.POST["copies"]), None)
        if person is None:
            raise Http404
        sending.send_copies(company, person)
        messages.success(
            request,
            _("%(name)s now receives a copy of every message.") % {"name": person.full_name},
        )
        return redirect("recipient_preferences", slug=slug, pk=company.pk)
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        people=people,
        current=sending.preferences(company, people),
    )
    if request.method == "POST" and form.is_valid():
        sending.preferences_save(company, form.choices())
        messages.success(request, _("Recipients saved."))
        return redirect("recipient_preferences", slug=slug, pk=company.pk)
    return render(
        request,
        "sales/recipient_preferences.html",
        {"company": company, "form": form, "categories": Category.choices},
        status=400 if form.is_bound else 200,
    )


# --- Lines ----------------------------------------------------------------------------------


@require_POST
@directory_required
def line_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    document = _document(request, pk)
    if not document.is_draft:
        return _refused(request, ValidationError(services.issued_message()), document)
    line = DocumentLine(organization=request.organization, document=document)
    form = LineForm(request.POST, instance=line, organization=request.organization)
    if form.is_valid():
        try:
            services.line_save(document=document, line=form.apply())
        except ValidationError as error:
            if not document.is_draft:
                return _refused(request, error, document)
            _add_errors(form, error)
        else:
            return redirect(f"{document.url_in(request.organization.slug)}#lines")
    document.refresh_from_db()
    return _detail_page(request, document, line_form=form, status=400)


def _line(document: Document, line_pk: int) -> DocumentLine:
    return get_object_or_404(
        DocumentLine.objects.filter(organization=document.organization, document=document),
        pk=line_pk,
    )


@directory_required
def line_edit(request: HttpRequest, slug: str, pk: int, line: int) -> HttpResponse:
    organization = request.organization
    document = _document(request, pk)
    row = _line(document, line)
    if not document.is_draft:
        messages.error(request, services.issued_message())
        return redirect(document.url_in(organization.slug))
    form = LineForm(
        request.POST if request.method == "POST" else None,
        instance=row,
        organization=organization,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.line_save(document=document, line=form.apply())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect(f"{document.url_in(organization.slug)}#lines")
    return render(
        request,
        "sales/line_form.html",
        {"form": form, "document": document, "line": row},
        status=400 if form.is_bound else 200,
    )


@require_POST
@directory_required
def line_delete(request: HttpRequest, slug: str, pk: int, line: int) -> HttpResponse:
    document = _document(request, pk)
    row = _line(document, line)
    try:
        services.line_delete(document=document, line=row)
    except ValidationError as error:
        return _refused(request, error, document)
    return redirect(f"{document.url_in(request.organization.slug)}#lines")


# --- Issue, convert, pay --------------------------------------------------------------------


@require_POST
@directory_required
def document_issue(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    document = _document(request, pk)
    form = IssueForm(request.POST, document=document)
    if not form.is_valid():
        return _detail_page(request, document, status=400)
    try:
        services.document_issue(
            document=document,
            user=request.user,
            series=form.cleaned_data["series"],
            issue_date=form.cleaned_data["issue_date"],
        )
    except ValidationError as error:
        return _refused(request, error, document)
    messages.success(
        request,
        _("%(kind)s %(number)s issued.")
        % {"kind": document.get_kind_display(), "number": document.number},
    )
    return redirect(document.url_in(request.organization.slug))


@directory_required
def document_convert(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Convert into another kind (quote → order or invoice, invoice → credit note, …)."""
    document = _document(request, pk)
    if not document.conversions:
        raise Http404
    lines = list(document.lines.all())
    form = ConvertForm(
        request.POST if request.method == "POST" else None, document=document, lines=lines
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["lines"] or None
        try:
            created = services.document_convert(
                source=document, kind=form.cleaned_data["kind"], user=request.user, line_ids=chosen
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(kind)s created from %(source)s.")
                % {"kind": created.get_kind_display(), "source": str(document)},
            )
            return redirect(created.url_in(request.organization.slug))
    return render(
        request,
        "sales/document_convert.html",
        {"form": form, "document": document},
        status=400 if form.is_bound else 200,
    )


@require_POST
@directory_required
def payment_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    document = _document(request, pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.payment_record(
                document=document, payment=form.save(commit=False), user=request.user
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Payment recorded."))
            return redirect(document.url_in(request.organization.slug))
    return _detail_page(request, document, payment_form=form, status=400)


# --- The panel of contact and company pages -------------------------------------------------


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    if value.isdigit() and len(value) == 4 and 1900 < int(value) < 3000:
        return int(value)
    return timezone.localdate().year


@directory_required
def sales_panel(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    """The "Sales & purchases" section of a contact's or company's page (loaded by htmx)."""
    record = _record_of(request, kind, pk)
    if record is None:
        raise Http404
    organization = request.organization
    year = _year(request)
    party = {kind: record}
    return render(
        request,
        "sales/_panel.html",
        {
            "record": record,
            "kind": kind,
            "year": year,
            "years": [year - 1, year + 1],
            "figures": selectors.figures(organization, year=year, **party),
            "charts": selectors.monthly(organization, year=year, **party),
            "days_to_pay": selectors.average_days_to_pay(organization, year=year, **party),
            "documents": selectors.party_documents(organization, **party),
            "kind_counts": selectors.kind_counts(organization, **party),
            "today": date.today(),
        },
    )


def _day(value: str, default: date) -> date:
    try:
        return date.fromisoformat(value) if value and len(value) <= 10 else default
    except ValueError:
        return default


@directory_required
def sales_report(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    """Products & services sold to (or bought from) a contact or company over any range,
    per item: units, net, cost, margin; `?format=csv` downloads it."""
    record = _record_of(request, kind, pk)
    if record is None:
        raise Http404
    today = timezone.localdate()
    start = _day(request.GET.get("from", ""), date(today.year, 1, 1))
    end = _day(request.GET.get("to", ""), today)
    purchases = request.GET.get("side") == "purchases"
    report = selectors.products_report(
        request.organization, start=start, end=end, purchases=purchases, **{kind: record}
    )
    if request.GET.get("format") == "csv":
        return _report_csv(record, report, start, end)
    return render(
        request,
        "sales/report.html",
        {"record": record, "kind": kind, "report": report, "start": start, "end": end,
         "purchases": purchases},
    )  # fmt: skip


def _report_csv(record, report, start: date, end: date) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(
        f"{record} {start.isoformat()} {end.isoformat()}.csv"
    )
    writer = csv.writer(response)
    writer.writerow(
        [_("Currency"), _("Item"), _("SKU"), _("Units"), _("Net"), _("Cost"), _("Margin"),
         _("Margin %")]
    )  # fmt: skip
    for currency, rows in report.items():
        for row in rows:
            writer.writerow(
                [currency, _csv_text(row.label), _csv_text(row.sku), f"{row.units.normalize():f}",
                 f"{row.net:.2f}", f"{row.cost:.2f}", f"{row.margin:.2f}",
                 "" if row.margin_pct is None else f"{row.margin_pct}"]
            )  # fmt: skip
    return response


def _csv_text(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# --- Catalog --------------------------------------------------------------------------------


@directory_required
def product_list(request: HttpRequest, slug: str) -> HttpResponse:
    q = search_text(request, limit=100)
    rows = selectors.products(request.organization, q=q)
    page = keyset_paginate(
        rows,
        order=["name", "id"],
        per_page=PER_PAGE,
        after=request.GET.get("after") or None,
        before=request.GET.get("before") or None,
    )
    params = ListParams(q=q, sort="name", after=None, before=None, filters={"q": q})
    return render(
        request,
        "sales/product_list.html",
        {"page": page, "params": params, "q": q, "list_url_name": "product_list"},
    )


def _product_form(request: HttpRequest, product: Product) -> HttpResponse:
    organization = request.organization
    form = ProductForm(
        request.POST if request.method == "POST" else None,
        instance=product,
        organization=organization,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Catalog item saved."))
        return redirect("product_list", slug=organization.slug)
    return render(
        request,
        "sales/product_form.html",
        {"form": form, "product": product if product.pk else None},
        status=400 if form.is_bound else 200,
    )


@directory_required
def product_create(request: HttpRequest, slug: str) -> HttpResponse:
    organization = request.organization
    return _product_form(
        request, Product(organization=organization, currency=default_currency(organization))
    )


@directory_required
def product_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    product = get_object_or_404(Product.objects.filter(organization=request.organization), pk=pk)
    return _product_form(request, product)


@directory_required
def product_autocomplete(request: HttpRequest, slug: str) -> HttpResponse:
    """Options for the line picker: active items matching ?q= (name or SKU), at most ten."""
    q = search_text(request, limit=100)
    rows = selectors.products(request.organization, q=q, active_only=True)[:10] if q else []
    return render(
        request,
        "_autocomplete_options.html",
        {
            "options": [
                (
                    p.pk,
                    str(p),
                    f"{p.price:.2f} {p.currency} · {p.tax_rate.normalize():f}%",
                )
                for p in rows
            ],
            "empty_text": _("No matching item in the catalog.") if q else "",
        },
    )


# --- What the documents print about the organization (owners) -------------------------------


@owner_required
def issuer_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organization = request.organization
    issuer = Issuer.objects.filter(organization=organization).first() or Issuer(
        organization=organization, legal_name=organization.name
    )
    form = IssuerForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        instance=issuer,
    )
    if request.method == "POST" and form.is_valid():
        issuer = form.save(commit=False)
        try:
            if form.cleaned_data["logo"]:
                pdf.logo_save(issuer, form.cleaned_data["logo"], form.logo_type)
            elif form.cleaned_data["remove_logo"]:
                pdf.logo_remove(issuer)
        except QuotaExceeded:
            form.add_error("logo", _("The organization's storage is full."))
        else:
            issuer.save()
            messages.success(request, _("Details saved."))
            return redirect("issuer_edit", slug=organization.slug)
    return render(
        request,
        "sales/issuer_form.html",
        {"form": form, "issuer": issuer},
        status=400 if form.is_bound else 200,
    )


# --- Numbering series (owners) --------------------------------------------------------------


@owner_required
def series_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The numbering series of every kind, and a form for a new one."""
    organization = request.organization
    for kind in Kind.values:
        services.default_series(organization, kind)
    form = SeriesForm(
        request.POST if request.method == "POST" else None,
        instance=NumberSeries(organization=organization),
        organization=organization,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.series_save(series=form.instance)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Numbering series saved."))
            return redirect("series_list", slug=organization.slug)
    return render(
        request,
        "sales/series_list.html",
        {
            "series": NumberSeries.objects.filter(organization=organization),
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


@owner_required
def series_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organization = request.organization
    series = get_object_or_404(NumberSeries.objects.filter(organization=organization), pk=pk)
    form = SeriesForm(
        request.POST if request.method == "POST" else None,
        instance=series,
        organization=organization,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.series_save(series=form.instance)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Numbering series saved."))
            return redirect("series_list", slug=organization.slug)
    return render(
        request,
        "sales/series_form.html",
        {"form": form, "series": series},
        status=400 if form.is_bound else 200,
    )
