"""The browser side of imports and exports (issue 17).

Exports: `export/<kind>.<format>` streams what the list shows with the same query string
(owners and members; guests never see contacts or companies: 403).

Imports: `imports/` lists the user's recent imports and takes an upload →
`imports/<id>/` shows the step the import is at: the columns to map, the dry run's
progress, the preview and counts with the choice of mode, the run's progress, the
report → `imports/<id>/run/`, `imports/<id>/revert/` (POST) and
`imports/<id>/errors.csv`. An import is seen by its requester only (404 for anyone
else, like one that does not exist); owners and members may import, guests may not.
"""

from itertools import islice

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from organizations.permissions import directory_required
from transfers import exports, import_services, imports
from transfers.import_forms import MappingForm, RunForm, UploadForm
from transfers.models import ImportJob, ImportRowAction, ImportStatus
from transfers.reading import ReadError, read_table

RECENT_IMPORTS = 20
SAMPLE_ROWS = 3
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "vcf": "text/vcard; charset=utf-8",
}


@directory_required
@require_GET
def export(request: HttpRequest, slug: str, kind: str, fmt: str) -> HttpResponse:
    """The list's records (its filter and search), as CSV, XLSX or vCard."""
    if kind not in ("contacts", "companies") or fmt not in CONTENT_TYPES:
        raise Http404
    user, organization = request.user, request.organization
    name = f"{kind}-{organization.slug}-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        rows = exports.export_rows(user, organization, kind, request.GET)
        response = StreamingHttpResponse(exports.csv_stream(rows), content_type=CONTENT_TYPES[fmt])
    elif fmt == "vcf":
        cards = exports.vcard_stream(user, organization, kind, request.GET)
        response = StreamingHttpResponse(cards, content_type=CONTENT_TYPES[fmt])
    else:
        handle = exports.xlsx_file(exports.export_rows(user, organization, kind, request.GET))
        response = FileResponse(handle, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _job(request: HttpRequest, pk: int) -> ImportJob:
    """The requester's import (404 for anyone else's, like one that does not exist)."""
    return get_object_or_404(
        ImportJob.objects.filter(
            organization=request.organization, requested_by=request.user
        ).defer("data"),
        pk=pk,
    )


@directory_required
def import_list(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the upload form and the user's recent imports. POST: upload a file."""
    posted = request.method == "POST"
    form = UploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial={"kind": request.GET.get("kind", "contacts")},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > imports.max_bytes():
            form.add_error(
                "file",
                _("The file is larger than %(size)d MB.")
                % {"size": imports.max_bytes() // (1024 * 1024)},
            )
        else:
            try:
                job = imports.import_job_create(
                    organization=request.organization,
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    name=upload.name,
                    data=upload.read(),
                )
            except imports.ImportRefused as error:
                form.add_error("file", str(error))
            else:
                return redirect("import_detail", slug=slug, pk=job.pk)
    jobs = ImportJob.objects.filter(
        organization=request.organization, requested_by=request.user
    ).defer("data")[:RECENT_IMPORTS]
    return render(
        request,
        "transfers/import_list.html",
        {"form": form, "jobs": jobs},
        status=400 if form.is_bound else 200,
    )


def _mapping_form(job: ImportJob, data=None) -> MappingForm:
    return MappingForm(data, headers=job.headers, kind=job.kind, initial_mapping=job.mapping)


def _samples(job: ImportJob) -> list[list[str]]:
    """The first cells of each column, shown beside the column's choice."""
    try:
        table = read_table(bytes(job.data), job.file_format, job.kind)
        rows = [cells for _number, cells in islice(table.rows, SAMPLE_ROWS)]
    except ReadError:
        rows = []
    return [
        [row[index] for row in rows if index < len(row) and row[index]]
        for index in range(len(job.headers))
    ]


@directory_required
def import_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The import at its current step; POST the columns' mapping (then it is checked)."""
    job = imports.reap_abandoned(_job(request, pk))
    remap = request.GET.get("columns") == "1" and job.status in (
        ImportStatus.MAPPING,
        ImportStatus.CHECKED,
    )
    form = None
    status = 200
    if request.method == "POST":
        if job.status not in (ImportStatus.MAPPING, ImportStatus.CHECKED):
            messages.error(request, _("This import has already been started."))
            return redirect(job.get_absolute_url())
        job = ImportJob.objects.get(pk=job.pk)
        form = _mapping_form(job, request.POST)
        if form.is_valid():
            try:
                import_services.mapping_save(job, form.mapping())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect(job.get_absolute_url())
        remap, status = True, 400
    elif job.status == ImportStatus.MAPPING or remap:
        job = ImportJob.objects.get(pk=job.pk)
        form = _mapping_form(job)
    context = {"job": job}
    if form is not None:
        fields = list(form)
        samples = _samples(job)
        context["columns"] = list(zip(fields, samples, strict=False))
        context["form"] = form
    elif job.status == ImportStatus.CHECKED:
        context["preview"] = imports.preview(ImportJob.objects.get(pk=job.pk))
        context["run_form"] = RunForm()
    elif job.status == ImportStatus.DONE and (job.counts or {}).get("notes"):
        context["noted"] = imports.noted_rows(job)
    template = "transfers/import_detail.html"
    if request.htmx and request.htmx.target == "import-job":
        template = "transfers/_import_job.html"
    return render(request, template, context, status=status)


@directory_required
@require_POST
def import_run(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    job = _job(request, pk)
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the rows in error."))
        return redirect(job.get_absolute_url())
    try:
        import_services.run_start(job, form.cleaned_data["mode"])
    except imports.ImportRefused as error:
        messages.error(request, str(error))
    return redirect(job.get_absolute_url())


@directory_required
@require_POST
def import_revert(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        import_services.revert_start(job)
    except imports.ImportRefused as error:
        messages.error(request, str(error))
    return redirect(job.get_absolute_url())


@directory_required
@require_GET
def import_errors(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The rows in error, as the file had them plus a column saying why: fix and import it."""
    job = get_object_or_404(
        ImportJob.objects.filter(organization=request.organization, requested_by=request.user),
        pk=pk,
    )
    if not job.rows.filter(action=ImportRowAction.ERROR).exists():
        raise Http404
    stem = job.file_name.rsplit(".", 1)[0] or "import"
    rows = ([exports.neutralize(cell) for cell in row] for row in imports.error_rows(job))
    response = StreamingHttpResponse(exports.csv_stream(rows), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="{_ascii(stem)}-errors.csv"'
    return response


def _ascii(name: str) -> str:
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in name)[:80]
