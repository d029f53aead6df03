"""The page "Impor daftar kabupaten": the office's nominee list for a whole regency (a DTSEN extract),
upload → preview → confirm → result, and its rejected rows (regency.py does the work).

Who: the regency admin, the approver and the system administrator of the programme's regency
(permissions.can_import_nominees); anyone else, in the regency or not, gets the 404 of a missing
programme. A file of up to settings.NOMINEE_IMPORT_INLINE_MAX_ROWS rows is checked at the upload
and saved at the confirmation, in the request; a longer one by a background job whose progress
page the person is sent to. The file waits in storage under a random token (common.uploads); the
session keeps only token → programme id, the row count (None above the threshold) and the running
job's id: never a NIK or a name.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from common import uploads, workbooks
from common.jobs import job_url
from common.models import Job
from registrations.permissions import can_import_nominees
from registrations.selectors import programme_get_for_user
from registrations.services import nomination_is_open

from . import regency as regency_import
from . import workbook as excel
from .forms import RegencyNomineeUploadForm

SESSION_KEY = "regency_nominee_imports"
KEEP_IN_SESSION = 10
PROBLEMS_PER_PAGE = 200


def _programme_for_importer(user, pk):
    """The programme, for its regency's admin, approver or the system administrator: anyone else
    gets the 404 of a missing programme (out of scope, or in scope without the role)."""
    programme = programme_get_for_user(user, pk)
    if not can_import_nominees(user, programme.regency):
        raise Http404("Program tidak ditemukan.")
    return programme


def _entry(request, programme, token) -> dict:
    """This user's record of the upload `token` for this programme, or 404."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if not isinstance(entry, dict) or entry.get("programme") != programme.pk:
        raise Http404("Unggahan tidak ditemukan.")
    return entry


def _remember(request, token, entry) -> None:
    pending = request.session.get(SESSION_KEY, {})
    pending.pop(token, None)
    pending[token] = entry
    request.session[SESSION_KEY] = dict(list(pending.items())[-KEEP_IN_SESSION:])


def _running(entry, key) -> Job | None:
    """The job this upload started (`key`: "preview_job" or "apply_job") while it is unfinished."""
    job = Job.objects.filter(pk=entry.get(key)).first() if entry.get(key) else None
    return job if job is not None and not job.is_finished else None


@login_required
@require_http_methods(["GET", "POST"])
def upload(request, pk):
    programme = _programme_for_importer(request.user, pk)
    form = RegencyNomineeUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read()
        try:
            # Every row of a file small enough for the request; of a longer one, the header and the
            # rows up to the threshold: its preview job reads it whole (and refuses it there).
            sheet = regency_import.read_first_rows(content)
        except workbooks.WorkbookError as error:
            form.add_error("file", str(error))
        else:
            token = uploads.store(content)
            if sheet is None:
                with transaction.atomic():
                    job = regency_import.preview_start(programme=programme, user=request.user, token=token)
                _remember(request, token, {"programme": programme.pk, "rows": None, "preview_job": job.pk})
                return redirect(job_url(job))
            try:
                regency_import.preview_keep(programme=programme, token=token, sheet=sheet)
            except excel.WorkbookError as error:  # e.g. the occupation list changed; nothing kept
                uploads.delete(token)
                form.add_error("file", str(error))
            else:
                _remember(request, token, {"programme": programme.pk, "rows": len(sheet.rows)})
                return redirect("registrations:regency-import-preview", pk=programme.pk, token=token)
    return render(request, "registrations/regency_import_upload.html", {
        "programme": programme, "regency": programme.regency, "form": form,
        "window_open": nomination_is_open(programme), "max_rows": excel.REGENCY_MAX_ROWS,
    })


@login_required
def preview(request, pk, token):
    """Counts per outcome and the rows with a problem, as the upload or its preview job left them."""
    programme = _programme_for_importer(request.user, pk)
    entry = _entry(request, programme, token)
    data = regency_import.stored_summary(token)
    if data is not None and data["applied"]:
        return redirect("registrations:regency-import-result", pk=programme.pk, token=token)
    if data is None:
        if (job := _running(entry, "preview_job")) is not None:
            return redirect(job_url(job))
        if uploads.exists(token):  # its preview job failed (a retry of the database): check it again
            with transaction.atomic():
                job = regency_import.preview_start(programme=programme, user=request.user, token=token)
            _remember(request, token, {**entry, "preview_job": job.pk})
            return redirect(job_url(job))
        messages.warning(request, regency_import.UPLOAD_GONE)
        return redirect("registrations:regency-import-upload", pk=programme.pk)
    page = Paginator(data["problems"], PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    totals = data["totals"]
    return render(request, "registrations/regency_import_preview.html", {
        "programme": programme, "regency": programme.regency, "token": token, "data": data, "totals": totals,
        "page": page, "rows": page.object_list, "valid_count": data["ready"],
        "problems_cut": data["problem_count"] > len(data["problems"]),
        "window_open": nomination_is_open(programme), "runs_inline": regency_import.runs_inline(entry["rows"]),
    })


@login_required
@require_POST
def confirm(request, pk, token):
    programme = _programme_for_importer(request.user, pk)
    entry = _entry(request, programme, token)
    if (job := _running(entry, "apply_job")) is not None:  # a second click while it runs
        return redirect(job_url(job))
    data = regency_import.stored_summary(token)
    if data is not None and data["applied"]:
        return redirect("registrations:regency-import-result", pk=programme.pk, token=token)
    if not uploads.exists(token):
        messages.warning(request, regency_import.UPLOAD_GONE)
        return redirect("registrations:regency-import-upload", pk=programme.pk)
    if not regency_import.runs_inline(entry["rows"]):  # the job reads the file, not this request
        rows = data["totals"]["rows"] if data else None
        with transaction.atomic():
            job = regency_import.apply_start(programme=programme, user=request.user, token=token, rows=rows)
        _remember(request, token, {**entry, "apply_job": job.pk})
        return redirect(job_url(job))
    content = uploads.read(token)
    if content is None:  # purged a moment ago
        messages.warning(request, regency_import.UPLOAD_GONE)
        return redirect("registrations:regency-import-upload", pk=programme.pk)
    try:
        applied = regency_import.apply_keep(programme=programme, user=request.user, token=token, content=content)
    except PermissionDenied:
        raise Http404("Program tidak ditemukan.") from None
    except excel.WorkbookError as error:
        messages.error(request, str(error))
        return redirect("registrations:regency-import-upload", pk=programme.pk)
    messages.success(request, regency_import.applied_line(applied))
    return redirect("registrations:regency-import-result", pk=programme.pk, token=token)


@login_required
def result(request, pk, token):
    programme = _programme_for_importer(request.user, pk)
    _entry(request, programme, token)
    data = regency_import.stored_summary(token)
    if data is None or not data["applied"]:
        return redirect("registrations:regency-import-preview", pk=programme.pk, token=token)
    page = Paginator(data["problems"], PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "registrations/regency_import_result.html", {
        "programme": programme, "regency": programme.regency, "token": token, "data": data,
        "totals": data["totals"], "page": page, "rows": page.object_list,
        "problems_cut": data["problem_count"] > len(data["problems"]),
        "has_rejected": uploads.read_rejected(token) is not None,
    })


@login_required
def rejected_download(request, pk, token):
    """Before saving: the rows with errors. After saving: those plus the rows the service refused.
    The uploader's own rows, in the template's layout with an "Alasan" column, to correct and upload again."""
    programme = _programme_for_importer(request.user, pk)
    _entry(request, programme, token)
    content = uploads.read_rejected(token)
    if content is None:
        messages.info(request, "Tidak ada baris yang ditolak untuk diunduh.")
        return redirect("registrations:regency-import-upload", pk=programme.pk)
    return workbooks.xlsx_download(content, f"calon-peserta-ditolak-{programme.regency.code.replace('.', '')}.xlsx")
