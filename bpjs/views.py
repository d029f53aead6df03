"""BPJS export batches: the regency's BPJS page, a programme's batches, making the next one, the
file, the hand-over record.

Who:
- the regency's BPJS page (every batch of the regency with where its nominees stand, and the
  answer upload): the BPJS officer's start page; anyone who may download batches or import answers;
- the list and the hand-over record (berita acara serah terima data: counts per village, no
  personal data): anyone who sees the programme's regency as a whole; out of scope is a 404;
- making a batch (a confirmation page with the nominees it would take, then its button): the
  regency admin or approver (can_create_export_batch); anyone else gets a 404;
- the file (NIKs in clear): the regency's admin, reviewer, approver and BPJS officer
  (can_download_export_batch); anyone else gets the same 404 as for a missing batch;
- the branch's answer file (upload, preview, confirm, result): the BPJS officer and the regency
  admin of the regency (can_import_bpjs_results); anyone else gets a 404. The file waits in storage
  under a random token (uploads.store); the session holds only token → regency id and row count.
  After saving, the result (what was recorded, what is left to fix and why) waits beside it
  (uploads.store_result) for the result page, which leads back to the regency's BPJS page.

A batch, or an answer file, of more than settings.BPJS_INLINE_MAX_ROWS rows is made, previewed and
applied by the worker (jobs.py): the view starts the job and sends the person to its progress page.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django.urls import reverse

from accounts.permissions import can_manage_regency
from accounts.scope import regency_get_for_user
from common import uploads, workbooks
from common.access_log import ExportKind, export_record
from common.formatting import format_datetime, format_rupiah
from common.jobs import UPLOAD_GONE, job_url
from common.replays import shown_at
from common.views import staged_preview, staged_result
from registrations.models import Nominee
from registrations.premiums import funded_premium
from registrations.selectors import programme_get_for_user
from villages.selectors import regency_settings_get

from . import answers as bpjs_import
from . import jobs as bpjs_jobs
from . import registration_file as bpjs_export
from . import services
from .forms import AnswerUploadForm, RegistrationFileLayoutForm
from .models import ExportBatch
from .permissions import can_create_export_batch, can_download_export_batch, can_import_bpjs_results
from .selectors import (
    export_batch_job_since,
    export_batch_pending,
    export_batch_made_since,
    export_batch_preview,
    export_batches_with_status,
    regency_get_for_importer,
)

logger = logging.getLogger(__name__)

BATCHES_PER_PAGE = 25


def _programme_for_regency_staff(user, pk):
    """The programme, if the user sees its regency as a whole (village officers do not): else 404."""
    programme = programme_get_for_user(user, pk)
    regency_get_for_user(user, programme.regency_id)
    return programme


def _batch_for_user(user, batch_pk) -> ExportBatch:
    batch = ExportBatch.objects.select_related("regency", "programme", "created_by").filter(pk=batch_pk).first()
    if batch is None:
        raise Http404("Batch tidak ditemukan.")
    regency_get_for_user(user, batch.regency_id)  # 404 outside the user's regions, like a missing batch
    return batch


@login_required
def regency_batches(request, regency_pk):
    """Every batch of the regency, newest first, with how many of its nominees BPJS registered,
    refused or has yet to answer: the BPJS officer's start page. Queries: the regency, the batches
    with their counts (one), the page count; nothing per batch."""
    regency = regency_get_for_user(request.user, regency_pk)
    can_download = can_download_export_batch(request.user, regency)
    can_import = can_import_bpjs_results(request.user, regency)
    if not (can_download or can_import):
        raise Http404("Kabupaten/kota tidak ditemukan.")
    batches = export_batches_with_status(
        ExportBatch.objects.filter(regency=regency).select_related("programme")
        .order_by("-created_at", "-pk"))
    page = Paginator(batches, BATCHES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "registrations/bpjs_regency_batches.html", {
        "regency": regency, "page": page, "can_download": can_download, "can_import": can_import,
        "can_edit_layout": can_manage_regency(request.user, regency),
    })


@login_required
def batch_list(request, pk):
    programme = _programme_for_regency_staff(request.user, pk)
    regency = programme.regency
    batches = list(ExportBatch.objects.filter(programme=programme).select_related("created_by")
                   .order_by("-created_at", "-pk"))
    return render(request, "registrations/bpjs_batch_list.html", {
        "programme": programme,
        "regency": regency,
        "batches": batches,
        "pending_count": export_batch_pending(programme).count(),
        "can_create": can_create_export_batch(request.user, regency),
        "can_download": can_download_export_batch(request.user, regency),
        "can_import": can_import_bpjs_results(request.user, regency),
    })


BATCH_CONFIRM_PER_PAGE = 100


@login_required
@require_http_methods(["GET", "POST"])
def batch_create(request, pk):
    """GET: the confirmation: how many approved nominees from how many villages the batch would
    take, and who they are (name, village, the NIK as the role sees it), BATCH_CONFIRM_PER_PAGE to
    a page. POST (its button): makes the batch of exactly the nominees confirmed (`expected`; if
    their number changed meanwhile, the page is shown again saying so). Up to
    settings.BPJS_INLINE_MAX_ROWS nominees the batch is made in the request; more, by the worker
    while the person watches its progress page (jobs.py). The same form sent twice (common.replays)
    is told of the batch, or the job, the first made."""
    programme = _programme_for_regency_staff(request.user, pk)
    if not can_create_export_batch(request.user, programme.regency):
        raise Http404
    if request.method == "GET":
        return _batch_confirm_page(request, programme)
    since = shown_at(request.POST)
    if since and (already := _batch_made_already(request, programme, since)):
        return already
    expected = request.POST.get("expected", "")
    expected = int(expected) if expected.isdigit() else None
    rows = export_batch_pending(programme).count()
    if rows and expected is not None and rows != expected:
        return _batch_confirm_page(request, programme, changed_from=expected)
    if rows and not bpjs_jobs.runs_inline(rows):
        return redirect(job_url(bpjs_jobs.export_batch_start(programme=programme, user=request.user, rows=rows)))
    try:
        batch = services.export_batch_create(programme=programme, created_by=request.user, expected=expected)
    except ValidationError as error:
        # Two clicks at once: this one waited for the first's lock and found nothing left to send.
        if since and (already := _batch_made_already(request, programme, since)):
            return already
        if error.code == services.BATCH_CHANGED:
            return _batch_confirm_page(request, programme, changed_from=expected)
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, bpjs_jobs.batch_made_message(batch))
    return redirect("registrations:export-batch-list", pk=programme.pk)


def _batch_confirm_page(request, programme, *, changed_from: int | None = None):
    preview = export_batch_preview(request.user, programme)
    page = Paginator(preview["rows"], BATCH_CONFIRM_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "bpjs/export_batch_create.html", {
        "programme": programme, "regency": programme.regency, "count": preview["count"],
        "village_count": preview["village_count"], "page": page, "changed_from": changed_from,
        "in_background": not bpjs_jobs.runs_inline(preview["count"]),
    })


def _batch_made_already(request, programme, since):
    """A replay of the confirmed form: the first sending's batch (to the list, saying so) or its
    job (to its progress page); None when this user made neither since the page was shown."""
    batch = export_batch_made_since(user=request.user, programme=programme, since=since)
    if batch is not None:
        messages.info(request, f"Batch {batch.number} ({batch.row_count} calon) sudah dibuat pada "
                               f"{format_datetime(timezone.localtime(batch.created_at))} oleh kiriman pertama Anda; "
                               "kiriman kedua tidak membuat batch baru.")
        return redirect("registrations:export-batch-list", pk=programme.pk)
    job = export_batch_job_since(user=request.user, programme=programme, since=since)
    if job is not None:
        messages.info(request, f"Batch kirim BPJS sedang dibuat oleh kiriman pertama Anda (diminta pada "
                               f"{format_datetime(timezone.localtime(job.created_at))}); kiriman kedua tidak membuat "
                               "batch baru.")
        return redirect(job_url(job))
    return None


@login_required
def batch_download(request, batch_pk):
    """The file as it was stored when the batch was made, byte for byte."""
    batch = _batch_for_user(request.user, batch_pk)
    if not can_download_export_batch(request.user, batch.regency):
        raise Http404("Batch tidak ditemukan.")
    # The log row first, in one transaction with opening the file: a file gone from storage (404)
    # leaves no row, and a row that cannot be written hands out no file (common.access_log).
    with transaction.atomic():
        export_record(kind=ExportKind.BPJS_BATCH_DOWNLOAD, requested_by=request.user, regency=batch.regency,
                      programme=batch.programme, row_count=batch.row_count, filename=f"{batch.number}.xlsx",
                      full_identifiers=True)
        response = workbooks.stored_xlsx_download(batch.file, f"{batch.number}.xlsx",
                                                  what=f"BPJS export batch {batch.pk}")
    # By id: the log filter masks a batch number ("1705-2026-001") as if it were a phone number.
    logger.info("%s downloaded BPJS export batch id %s (%s rows)", request.user.username, batch.pk, batch.row_count)
    return response


@login_required
def batch_record(request, batch_pk):
    """Berita acara serah terima data: printable, signed by the office head and the BPJS branch."""
    batch = _batch_for_user(request.user, batch_pk)
    programme = batch.programme
    villages = list(
        Nominee.objects.filter(export_batch=batch)
        .values("village__code", "village__name", "village__subdistrict__name")
        .annotate(count=Count("pk")).order_by("village__subdistrict__code", "village__code")
    )
    return render(request, "registrations/bpjs_batch_record.html", {
        "batch": batch,
        "programme": programme,
        "regency": batch.regency,
        "office": regency_settings_get(batch.regency),
        "villages": villages,
        "subdistrict_count": len({row["village__subdistrict__name"] for row in villages}),
        "programmes_label": bpjs_export.programmes_label(programme),
        "premium_label": format_rupiah(programme.premium_per_month),
        "total_label": format_rupiah(funded_premium(programme, members=batch.row_count)),
        "can_download": can_download_export_batch(request.user, batch.regency),
    })


# --- The branch's answer file -----------------------------------------------------------------

# token → {"regency": id, "rows": count, or None above BPJS_INLINE_MAX_ROWS}; never a NIK or a name
ANSWER_SESSION_KEY = "bpjs_answer_imports"
KEEP_IN_SESSION = 10
ANSWER_ROWS_PER_PAGE = 1000


def _pending_answer(request, regency, token) -> int | None:
    """The row count of this user's waiting upload for this regency, None when it is above
    settings.BPJS_INLINE_MAX_ROWS (404 if not theirs)."""
    return uploads.staged_rows(request.session, ANSWER_SESSION_KEY, token, regency_id=regency.pk)


@login_required
@require_http_methods(["GET", "POST"])
def answer_upload(request, regency_pk):
    """The file is read here to refuse what cannot be used before it is kept; its preview then runs
    in the next request, or, above settings.BPJS_INLINE_MAX_ROWS rows, as a job."""
    regency = regency_get_for_importer(request.user, regency_pk)
    form = AnswerUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read()
        try:
            # Every row of a file small enough for the request; of a larger one, the header and
            # the first rows past the threshold: its preview job reads the rest (and refuses it
            # there, deleting it, when it turns out unusable).
            rows = len(bpjs_import.read_rows(content, first=settings.BPJS_INLINE_MAX_ROWS + 1))
        except workbooks.WorkbookError as error:
            form.add_error("file", str(error))
        else:
            rows = rows if bpjs_jobs.runs_inline(rows) else None  # None: more than the threshold
            token = uploads.stage(request.session, ANSWER_SESSION_KEY, content, regency_id=regency.pk, rows=rows,
                                  keep=KEEP_IN_SESSION)
            if not bpjs_jobs.runs_inline(rows):
                return redirect(job_url(bpjs_jobs.answer_preview_start(regency=regency, user=request.user,
                                                                       token=token, rows=rows)))
            return redirect("registrations:bpjs-answer-preview", regency_pk=regency.pk, token=token)
    return render(request, "registrations/bpjs_answer_upload.html", {"regency": regency, "form": form})


@login_required
def answer_preview(request, regency_pk, token):
    """The per-row outcome: worked out now, or, for a large file, as its preview job stored it (a
    preview not ready, or gone, is worked out again by a new job)."""
    regency = regency_get_for_importer(request.user, regency_pk)
    rows = _pending_answer(request, regency, token)
    report, instead = staged_preview(
        request, token, inline=bpjs_jobs.runs_inline(rows),
        preview=lambda content: bpjs_import.answer_preview(content=content, regency=regency),
        from_json=bpjs_import.report_from_json,
        start_job=lambda: bpjs_jobs.answer_preview_start(regency=regency, user=request.user, token=token, rows=rows),
        saved=lambda: _saved_already(request, regency, token),  # back to the preview, saying where it went
        upload=reverse("registrations:bpjs-answer-upload", args=[regency.pk]))
    if instead:
        return instead
    page = Paginator(report.rows, ANSWER_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "registrations/bpjs_answer_preview.html", {
        "regency": regency, "token": token, "report": report, "rows": page.object_list, "page": page,
        "row_count": len(report.rows), "matched_count": report.count(bpjs_import.MATCHED),
    })


@login_required
@require_POST
def answer_confirm(request, regency_pk, token):
    regency = regency_get_for_importer(request.user, regency_pk)
    rows = _pending_answer(request, regency, token)
    content = uploads.read(token)
    if content is None:
        if uploads.read_result(token) is not None:
            return _saved_already(request, regency, token)
        messages.warning(request, UPLOAD_GONE)
        return redirect("registrations:bpjs-answer-upload", regency_pk=regency.pk)
    # The token stays in the session: a second click on Simpan then hears "already imported".
    if not bpjs_jobs.runs_inline(rows):
        return redirect(job_url(bpjs_jobs.answer_apply_start(regency=regency, user=request.user, token=token,
                                                             rows=rows)))
    try:
        report = bpjs_import.answer_apply(content=content, regency=regency, actor=request.user)
    except workbooks.WorkbookError as error:
        messages.error(request, str(error))
        return redirect("registrations:bpjs-answer-upload", regency_pk=regency.pk)
    uploads.delete(token)
    if not uploads.store_result(token, bpjs_import.report_to_json(report)):
        # Two clicks at once: the first stored what it recorded; this one found it all done.
        return _saved_already(request, regency, token)
    logger.info("%s imported a BPJS answer file for %s: %s", request.user.username, regency.code, report.summary)
    messages.success(request, bpjs_jobs.answer_applied_message(report))
    return redirect("registrations:bpjs-answer-result", regency_pk=regency.pk, token=token)


def _saved_already(request, regency, token):
    messages.info(request, "Berkas jawaban ini sudah disimpan oleh kiriman pertama Anda; kiriman kedua tidak "
                           "mengubah apa pun. Hasilnya di bawah.")
    return redirect("registrations:bpjs-answer-result", regency_pk=regency.pk, token=token)


RESULT_ROWS_PER_PAGE = 100


@login_required
def answer_result(request, regency_pk, token):
    """What saving the answer file did: how many KPJ numbers and refusals were recorded, how many
    rows the portal already held, and the rows not recorded with why (masked NIKs, as in the
    preview), then the way back to the batches. Read from the result the save stored beside the
    upload (in the request or by its job): nothing is worked out again."""
    regency = regency_get_for_importer(request.user, regency_pk)
    _pending_answer(request, regency, token)
    report, instead = staged_result(
        request, token, from_json=bpjs_import.report_from_json,
        preview=reverse("registrations:bpjs-answer-preview", args=[regency.pk, token]),
        gone=reverse("registrations:bpjs-regency", args=[regency.pk]),
        gone_hint="Status setiap batch ada di halaman ini.")
    if instead:
        return instead
    to_fix = report.rows_to_fix
    page = Paginator(to_fix, RESULT_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "bpjs/answer_result.html", {
        "regency": regency, "token": token, "report": report, "row_count": len(report.rows),
        "to_fix_count": len(to_fix), "page": page,
    })


@login_required
def layout_edit(request, regency_pk):
    """The regency's column layout of the BPJS registration file (DOMAIN.md §8): the regency admin
    and the system administrator (`can_manage_regency`), as the regency's other settings."""
    regency = regency_get_for_user(request.user, regency_pk)
    if not can_manage_regency(request.user, regency):
        raise Http404
    form = RegistrationFileLayoutForm(request.POST or None, columns=services.layout_for(regency))
    if request.method == "POST" and form.is_valid():
        services.layout_set(regency=regency, columns=form.cleaned_data["columns"], changed_by=request.user)
        messages.success(request, "Susunan kolom berkas pendaftaran BPJS disimpan.")
        return redirect("registrations:bpjs-layout", regency_pk=regency.pk)
    return render(request, "bpjs/layout_edit.html", {"regency": regency, "form": form})
