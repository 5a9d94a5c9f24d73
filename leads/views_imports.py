"""The import wizard (upload, map and preview, run), an import's live progress and outcome, its rejected rows."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from leads.exports import csv_response
from leads.imports import fields, selectors, services
from leads.imports.forms import MappingForm, UploadForm, initial_for
from leads.models import ImportFile
from primesync.errors import DomainError
from primesync.keyset import InvalidCursor
from primesync.selectors import team_members
from primesync.web import team_required

PREVIEW_ROWS = 10


@team_required
def import_list(request):
    try:
        page = selectors.import_list(team=request.team, seat=request.seat, after=request.GET.get("after"))
    except InvalidCursor:
        return redirect(request.path)
    next_url = f"?after={page.next_cursor}" if page.next_cursor else ""
    return render(request, "imports/list.html", {"page": page, "next_url": next_url})


@team_required
def import_upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    previous = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            import_file = services.import_file_upload(team=request.team, by=request.user, name=upload.name,
                                                      data=upload.read())
        except services.AlreadyImported as exc:
            form.add_error("file", exc.message)
            previous = exc.previous
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("import-map", file_id=import_file.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "imports/new.html", {"form": form, "previous": previous}, status=status)


def _import_file(request, file_id) -> ImportFile:
    """An uploaded file of the team, seen by who uploaded it (and managers); not yet emptied by an import."""
    files = ImportFile.objects.filter(team=request.team).exclude(size=0).defer("content")
    if not request.seat.is_manager:
        files = files.filter(uploaded_by=request.user)
    import_file = get_object_or_404(files, pk=file_id)
    if import_file.imports.exclude(status="failed").exists():
        raise Http404("This file was imported already.")
    return ImportFile.objects.get(pk=import_file.pk)  # with its content, now that it is the one


def _mapping_form(request, import_file: ImportFile, csv_file, data=None) -> tuple[MappingForm, object]:
    suggested = services.mapping_for(team=request.team, headers=csv_file.headers)
    initial = initial_for(headers=csv_file.headers, mapping=suggested.mapping,
                          phone_region=services.default_phone_region(team=request.team))
    form = MappingForm(data, initial=initial, headers=csv_file.headers, team=request.team, seat=request.seat)
    return form, suggested


def _default_owner(request, form):
    owner_id = form.cleaned_data.get("default_owner")
    if not request.seat.is_manager or not owner_id:
        return None
    return team_members(team=request.team).filter(pk=owner_id).first()


@team_required
def import_map(request, file_id):
    """Step 2: map the columns (guessed, or the team's saved mapping), see the first rows, run it."""
    import_file = _import_file(request, file_id)
    csv_file = services.read_file(import_file)
    form, suggested = _mapping_form(request, import_file, csv_file, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_start(
                team=request.team, by=request.user, may_assign=request.seat.is_manager, import_file=import_file,
                mapping=form.mapping(), on_duplicate=form.cleaned_data["on_duplicate"],
                default_owner=_default_owner(request, form), phone_region=form.cleaned_data["phone_region"],
                save_mapping=form.cleaned_data["save_mapping"], mapping_name=import_file.name,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("import-detail", pk=job.pk)
    samples = [record.fields for record in _first_records(csv_file, 3)]
    context = {
        "import_file": import_file, "csv_file": csv_file, "form": form, "saved": suggested.saved,
        "rows": sum(1 for _ in csv_file.records()),
        "columns": [(header, field, [row[i] if i < len(row) else "" for row in samples])
                    for i, (header, field) in enumerate(form.columns())],
    }
    return render(request, "imports/map.html", context, status=422 if request.method == "POST" else 200)


def _first_records(csv_file, n: int) -> list:
    records = []
    for record in csv_file.records():
        if record.fields is not None:
            records.append(record)
        if len(records) == n:
            break
    return records


@team_required
@require_POST
def import_preview(request, file_id):
    """The first rows as the import would take them with the mapping on screen (refreshed as it changes)."""
    import_file = _import_file(request, file_id)
    csv_file = services.read_file(import_file)
    form, _ = _mapping_form(request, import_file, csv_file, request.POST)
    rows, problem = [], ""
    if form.is_valid():
        mapping = form.mapping()
        try:
            fields.validate_mapping(mapping, csv_file.headers, may_set_owner=request.seat.is_manager)
        except fields.MappingError as exc:
            problem = str(exc)
        else:
            rows = services.import_preview(
                team=request.team, import_file=import_file, mapping=mapping,
                on_duplicate=form.cleaned_data["on_duplicate"], phone_region=form.cleaned_data["phone_region"],
                limit=PREVIEW_ROWS,
            )
    else:
        problem = "Some choices are not valid."
    owners = {u.pk: u.display_name for u in team_members(team=request.team)}
    default_owner = form.cleaned_data.get("default_owner") if request.seat.is_manager else request.user.pk
    shown = [(row, owners.get(row.values["owner_id"] or default_owner, "")) for row in rows]
    return render(request, "imports/_preview.html", {"rows": shown, "problem": problem})


@team_required
def import_detail(request, pk):
    """An import's progress bar while it runs (the fragment polls itself every second), then its outcome."""
    job = get_object_or_404(selectors.import_queryset(team=request.team, seat=request.seat), pk=pk)
    context = {"job": job, "errors": list(selectors.import_errors(lead_import=job, limit=50)) if job.finished else []}
    if request.htmx:
        return render(request, "imports/_progress.html", context)
    return render(request, "imports/detail.html", context)


def error_rows_csv(job):
    """The rejected rows as CSV: line, reason, then the row's own columns as they were (safe in a spreadsheet)."""

    def rows():
        for error in selectors.import_errors(lead_import=job, limit=None).iterator(chunk_size=2000):
            yield [error.line, error.reason, *error.values]

    return csv_response(team_id=job.team_id, header=["Line", "Reason", *job.headers], rows=rows,
                        filename=f"import-{job.pk}-rejected-rows.csv")


@team_required
def import_errors_csv(request, pk):
    job = get_object_or_404(selectors.import_queryset(team=request.team, seat=request.seat), pk=pk)
    return error_rows_csv(job)
