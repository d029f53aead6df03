"""The progress page of a background job (common.jobs), which htmx polls until the job ends; and the
preview and result steps that the staged-upload imports share (`staged_preview`, `staged_result`)."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from . import uploads, workbooks
from .jobs import Job, job_get_for_user, job_url


@login_required
@require_GET
def job_status(request, pk):
    job = job_get_for_user(request.user, pk)
    template = "common/job_status_panel.html" if request.headers.get("HX-Request") else "common/job_status.html"
    return render(request, template, {"job": job})


def staged_preview(request, token: str, *, inline: bool, preview: Callable[[bytes], object],
                   from_json: Callable[[bytes], object], start_job: Callable[[], Job],
                   saved: Callable[[], HttpResponse], upload: str) -> tuple[object | None, HttpResponse | None]:
    """The preview page's report for a staged upload (common.uploads), as the BPJS answer file,
    BPJS's participant file and the benefit claims show it. A small file (`inline`) is worked out
    now (`preview(content)`). A large one shows the report its preview job stored (`from_json`),
    and when there is none yet, or it is gone, a new preview job starts (`start_job()`, then its
    progress page). Returns (report, None), or (None, the response to give instead):
    - `saved()` when the file was saved already;
    - the upload page (`upload`, its URL), with the message, when the file is gone or unreadable."""
    content = uploads.read(token)
    if content is None:
        if uploads.read_result(token) is not None:
            return None, saved()
        messages.warning(request, uploads.EXPIRED_MESSAGE)
        return None, redirect(upload)
    if inline:
        try:
            return preview(content), None
        except workbooks.WorkbookError as error:
            messages.error(request, str(error))
            return None, redirect(upload)
    if (stored := uploads.read_preview(token)) is not None:
        return from_json(stored), None
    return None, redirect(job_url(start_job()))


RESULT_GONE = "Hasil impor itu sudah tidak tersedia (disimpan paling lama 1 hari)."


def staged_result(request, token: str, *, from_json: Callable[[bytes], object], preview: str, gone: str,
                  gone_hint: str = "") -> tuple[object | None, HttpResponse | None]:
    """The result page's report for a staged upload: what the save stored beside the upload (in
    the request or by its job), nothing worked out again. Returns (report, None), or (None, the
    response to give instead): the preview (`preview`, its URL) while the file is not saved yet;
    `gone` (a URL) with RESULT_GONE and `gone_hint` (where to look instead) once the result has
    expired."""
    stored = uploads.read_result(token)
    if stored is not None:
        return from_json(stored), None
    if uploads.exists(token):  # not saved yet
        return None, redirect(preview)
    messages.warning(request, f"{RESULT_GONE} {gone_hint}".strip())
    return None, redirect(gone)
