"""The progress page of a background job (common.jobs), which htmx polls until the job ends; and the
preview step that the staged-upload imports share (`staged_preview`)."""

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
