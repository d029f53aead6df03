"""BPJS's participant file (participants.py): upload, preview, confirm, result.

Who: the BPJS officer and the office of the regency (bpjs.permissions.can_import_bpjs_results);
anyone else, or anyone on another regency, gets the 404 of a missing regency. The file waits in
storage under a random token (common.uploads.store), never in the session: it holds NIKs; the
session holds only token → regency id and row count. After saving, the result (what moved, the
members BPJS no longer lists) waits beside it (uploads.store_result) for the result page. Files run
to the answer file's row limit; one of more than settings.BPJS_INLINE_MAX_ROWS rows is previewed
and saved by the worker (participant_jobs.py) while the person watches its progress page, as the
answer file is (bpjs.views)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django.urls import reverse

from bpjs.jobs import runs_inline
from bpjs.selectors import regency_get_for_importer
from common import uploads, workbooks
from common.jobs import job_url
from common.views import staged_preview, staged_result
from registrations import workflow

from . import participant_jobs, participants, rules
from .forms import ParticipantUploadForm

logger = logging.getLogger(__name__)

SESSION_KEY = "bpjs_participant_imports"
KEEP_IN_SESSION = 10
ROWS_PER_PAGE = 200


def _check_pending(request, regency, token) -> int | None:
    """The row count of this user's waiting upload for this regency, None when it is above
    settings.BPJS_INLINE_MAX_ROWS (404 if not theirs)."""
    return uploads.staged_rows(request.session, SESSION_KEY, token, regency_id=regency.pk)


@login_required
@require_http_methods(["GET", "POST"])
def participant_upload(request, regency_pk):
    """The file is read here to refuse what cannot be used before it is kept; its preview then runs
    in the next request, or, above settings.BPJS_INLINE_MAX_ROWS rows, as a job."""
    regency = regency_get_for_importer(request.user, regency_pk)
    form = ParticipantUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read()
        try:
            # Every row of a file small enough for the request; of a larger one, the header and the
            # first rows past the threshold: its preview job reads the rest (and refuses it there,
            # deleting it, when it turns out unusable).
            rows = len(participants.read_rows(content, first=settings.BPJS_INLINE_MAX_ROWS + 1))
        except workbooks.WorkbookError as error:
            form.add_error("file", str(error))
        else:
            rows = rows if runs_inline(rows) else None  # None: more than the threshold
            token = uploads.stage(request.session, SESSION_KEY, content, regency_id=regency.pk, rows=rows,
                                  keep=KEEP_IN_SESSION)
            if not runs_inline(rows):
                return redirect(job_url(participant_jobs.participant_preview_start(
                    regency=regency, user=request.user, token=token, rows=rows, on=rules.membership_today())))
            return redirect("membership:participant-preview", regency_pk=regency.pk, token=token)
    return render(request, "membership/participant_upload.html", {
        "regency": regency, "form": form, "inline_max_rows": settings.BPJS_INLINE_MAX_ROWS})


@login_required
def participant_preview(request, regency_pk, token):
    """The per-row outcome: worked out now, or, for a large file, as its preview job stored it (a
    preview not ready, or gone, is worked out again by a new job)."""
    regency = regency_get_for_importer(request.user, regency_pk)
    rows = _check_pending(request, regency, token)
    on = rules.membership_today()
    report, instead = staged_preview(
        request, token, inline=runs_inline(rows),
        preview=lambda content: participants.participants_preview(content=content, regency=regency, on=on),
        from_json=participants.report_from_json,
        start_job=lambda: participant_jobs.participant_preview_start(regency=regency, user=request.user,
                                                                     token=token, rows=rows, on=on),
        saved=lambda: redirect("membership:participant-result", regency_pk=regency.pk, token=token),
        upload=reverse("membership:participant-upload", args=[regency.pk]))
    if instead:
        return instead
    page = Paginator(report.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "membership/participant_preview.html", {
        "regency": regency, "token": token, "report": report, "page": page, "row_count": len(report.rows),
    })


@login_required
@require_POST
def participant_confirm(request, regency_pk, token):
    regency = regency_get_for_importer(request.user, regency_pk)
    rows = _check_pending(request, regency, token)
    content = uploads.read(token)
    if content is None:
        if uploads.read_result(token) is not None:
            messages.info(request, "Daftar peserta ini sudah disimpan; kiriman kedua tidak mengubah apa pun.")
            return redirect("membership:participant-result", regency_pk=regency.pk, token=token)
        messages.warning(request, uploads.EXPIRED_MESSAGE)
        return redirect("membership:participant-upload", regency_pk=regency.pk)
    # The token stays in the session: a second click on Simpan is then shown the first one's result.
    if not runs_inline(rows):
        return redirect(job_url(participant_jobs.participant_apply_start(
            regency=regency, user=request.user, token=token, rows=rows, on=rules.membership_today())))
    try:
        report = participants.participants_apply(content=content, regency=regency, actor=request.user,
                                                 on=rules.membership_today())
    except (participants.FileRefused, workbooks.WorkbookError, workflow.TransitionError) as error:
        messages.error(request, str(error))
        return redirect("membership:participant-preview", regency_pk=regency.pk, token=token)
    uploads.delete(token)
    if not uploads.store_result(token, participants.report_to_json(report)):
        messages.info(request, "Daftar peserta ini sudah disimpan; kiriman kedua tidak mengubah apa pun.")
        return redirect("membership:participant-result", regency_pk=regency.pk, token=token)
    logger.info("%s imported a BPJS participant file for %s: %s", request.user.username, regency.code,
                report.summary)
    messages.success(request, participant_jobs.saved_message(report))
    return redirect("membership:participant-result", regency_pk=regency.pk, token=token)


@login_required
def participant_result(request, regency_pk, token):
    """What saving did, read from the stored result: the rows that changed, those left as they were
    and why, and the members BPJS no longer lists."""
    regency = regency_get_for_importer(request.user, regency_pk)
    _check_pending(request, regency, token)
    report, instead = staged_result(
        request, token, from_json=participants.report_from_json,
        preview=reverse("membership:participant-preview", args=[regency.pk, token]),
        gone=reverse("membership:participant-upload", args=[regency.pk]))
    if instead:
        return instead
    page = Paginator(report.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "membership/participant_result.html", {
        "regency": regency, "token": token, "report": report, "page": page, "row_count": len(report.rows),
    })
