"""The office's nominee list for a whole regency (a DTSEN extract): preview and apply, in the
request or as a background job (issue "Speed": the regency-wide import on the web).

The regency admin, the approver and the system administrator (permissions.can_import_nominees)
upload the template with "Kode desa" filled on the page "Impor daftar kabupaten"
(regency_views.py). A file of up to settings.NOMINEE_IMPORT_INLINE_MAX_ROWS rows is checked, and
later saved, in the request; a longer one (up to workbook.REGENCY_MAX_ROWS) by the worker, through
common.jobs (the tasks `registrations.preview_regency_import` and
`registrations.apply_regency_import`, registrations/tasks.py), while the person watches its
progress page. Either way the same functions run: importing.import_preview and import_apply, the
very checks and saving of the village's import and of the command `import_nominees`.

What a step leaves beside the staged upload (common.uploads, under its random token):
- the preview: `summary(report)` as JSON (counts per outcome, the rows with a problem up to
  PROBLEM_ROWS_KEPT, each with its name and masked NIK only) and the rejected rows as a workbook;
- the apply: the upload is deleted, the summary of what was saved takes the preview's place
  (`"applied": true`), and the rejected rows (the checks' and the service's) replace the
  preview's, for a day (settings.UPLOAD_MAX_AGE_HOURS).
A job's result holds counts and links only, no personal data. The apply job checks the file again
against the database, as the inline apply does; a second confirmation finds the upload gone.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from common import uploads
from common.formatting import format_number
from common.jobs import JobRefused, JobResult, job_start
from common.models import Job
from registrations.models import Programme
from registrations.permissions import can_import_nominees

from . import importing as imports
from . import workbook as excel

logger = logging.getLogger(__name__)

PREVIEW_TASK = "registrations.preview_regency_import"
APPLY_TASK = "registrations.apply_regency_import"
# Rows with a problem kept for the pages: enough to read through, while a file whose every row is
# wrong (250,000 rows, the wrong extract) is read from its rejected-rows workbook instead.
PROBLEM_ROWS_KEPT = 5000
UPLOAD_GONE = "Berkas unggahan sudah tidak tersedia (disimpan paling lama 1 hari) atau sudah disimpan. Unggah lagi."
NOT_ALLOWED = "Anda tidak berwenang mengimpor daftar calon peserta untuk kabupaten/kota ini."


def runs_inline(rows: int | None) -> bool:
    """Whether a file of `rows` rows is checked and saved in the request (else as a job). None: more
    than settings.NOMINEE_IMPORT_INLINE_MAX_ROWS (the upload read only that many)."""
    return rows is not None and rows <= settings.NOMINEE_IMPORT_INLINE_MAX_ROWS


def read_first_rows(content: bytes) -> excel.SheetData | None:
    """The upload's rows when it has at most settings.NOMINEE_IMPORT_INLINE_MAX_ROWS of them; None
    for a longer file, whose job reads it whole. Raises WorkbookError for what no reading can use
    (not an .xlsx, too large, an archive bomb, the wrong columns, no data): refused at the upload."""
    try:
        return excel.read_workbook(content, max_rows=settings.NOMINEE_IMPORT_INLINE_MAX_ROWS,
                                   max_bytes=excel.REGENCY_MAX_BYTES, max_unpacked_mb=excel.REGENCY_MAX_UNPACKED_MB)
    except excel.RowLimitExceeded:
        return None


def _rows_label(rows: int | None) -> str:
    return (f"{format_number(rows)} baris" if rows is not None
            else f"lebih dari {format_number(settings.NOMINEE_IMPORT_INLINE_MAX_ROWS)} baris")


# --- What a step leaves for the pages ---------------------------------------------------------------

def summary(report: imports.ImportReport, *, applied: bool = False) -> dict:
    """The counts and the rows with a problem, as the preview and result pages show them: before
    saving, every row with an error or a warning; after, the rows the service did not save. A row
    carries its number, name, masked NIK, village code and the messages: never a NIK in clear."""
    if applied:
        problems = [row for row in report.rows if row.status == imports.NOT_SAVED]
    else:
        problems = [row for row in report.rows if row.errors or row.warnings]
    totals = report.totals
    return {
        "applied": applied,
        "kind": report.kind,
        "totals": totals,
        "ready": totals[imports.OK] + totals[imports.WARNING],
        "villages": len({row.village.pk for row in report.rows if row.is_valid and row.village is not None}),
        "problem_count": len(problems),
        "problems": [{"row": row.row, "status": row.status, "name": row.full_name, "nik": row.nik_masked,
                      # Where it goes, or the code as typed when it names no village of the regency.
                      "village": row.village.code if row.village is not None
                      else row.values.get(excel.VILLAGE_FIELD, "").strip(),
                      "errors": [list(problem) for problem in row.errors],
                      "warnings": [list(problem) for problem in row.warnings]}
                     for row in problems[:PROBLEM_ROWS_KEPT]],
    }


def stored_summary(token: str) -> dict | None:
    content = uploads.read_preview(token)
    return None if content is None else json.loads(content)


def _keep(token: str, report: imports.ImportReport, *, applied: bool) -> dict:
    """Leaves the summary and the rejected rows beside the upload; after saving, deletes the upload."""
    data = summary(report, applied=applied)
    if applied:
        uploads.delete(token, keep_rejected=True)
    if report.rejected_rows:
        uploads.store_rejected(token, imports.rejected_rows_workbook(report))
    else:  # an earlier step's file would tell of rows that are no longer refused
        uploads.delete_rejected(token)
    uploads.store_preview(token, json.dumps(data, ensure_ascii=False).encode())
    return data


def preview_line(data: dict) -> str:
    totals = data["totals"]
    return (f"{format_number(totals['rows'])} baris diperiksa: {format_number(data['ready'])} siap disimpan "
            f"({format_number(totals[imports.WARNING])} dengan peringatan) untuk {format_number(data['villages'])} "
            f"desa/kelurahan, {format_number(totals[imports.ERROR])} ditolak. Belum ada yang disimpan.")


def applied_line(data: dict) -> str:
    totals = data["totals"]
    return (f"{format_number(totals[imports.SAVED])} calon peserta disimpan sebagai draf, "
            f"{format_number(totals[imports.NOT_SAVED])} tidak tersimpan, "
            f"{format_number(totals[imports.ERROR])} ditolak pemeriksaan.")


# --- In the request or on the worker -----------------------------------------------------------------

def preview_keep(*, programme: Programme, token: str, content: bytes | None = None,
                 sheet: excel.SheetData | None = None) -> dict:
    """Checks every row (no writes) and keeps the summary and the rejected rows. WorkbookError
    when the file as a whole cannot be used."""
    report = imports.import_preview(content=content, sheet=sheet, programme=programme)
    return _keep(token, report, applied=False)


def apply_keep(*, programme: Programme, user, token: str, content: bytes, progress=None) -> dict:
    """Saves the valid rows as drafts (import_apply) and keeps what happened. PermissionDenied,
    WorkbookError as import_apply raises them."""
    report = imports.import_apply(content=content, programme=programme, created_by=user, progress=progress)
    logger.info("%s imported a regency-wide nominee list for programme %s: %s", user.username, programme.pk,
                {key: value for key, value in report.totals.items() if value})
    return _keep(token, report, applied=True)


def preview_start(*, programme: Programme, user, token: str) -> Job:
    return job_start(kind="registrations.regency_import_preview", task_name=PREVIEW_TASK, user=user,
                     title=f"Memeriksa daftar calon peserta kabupaten: {_rows_label(None)}",
                     regency_id=programme.regency_id, params={"programme_id": programme.pk, "token": token},
                     return_url=reverse("registrations:regency-import-upload", args=[programme.pk]))


def apply_start(*, programme: Programme, user, token: str, rows: int | None) -> Job:
    return job_start(kind="registrations.regency_import_apply", task_name=APPLY_TASK, user=user,
                     title=f"Menyimpan daftar calon peserta kabupaten: {_rows_label(rows)}",
                     regency_id=programme.regency_id, params={"programme_id": programme.pk, "token": token},
                     total=rows, return_url=reverse("registrations:regency-import-upload", args=[programme.pk]))


def _job_programme(job: Job) -> Programme:
    programme = Programme.objects.select_related("regency").get(pk=job.params["programme_id"])
    if not can_import_nominees(job.requested_by, programme.regency):  # the role may have changed meanwhile
        raise JobRefused(NOT_ALLOWED)
    return programme


def _staged(job: Job) -> bytes:
    content = uploads.read(job.params["token"])
    if content is None:
        raise JobRefused(UPLOAD_GONE)
    return content


def preview_work(job: Job, progress) -> JobResult:
    """The preview job: reads the whole file (WorkbookError: refused, the upload deleted), checks
    every row, keeps the summary and the rejected rows."""
    programme, token = _job_programme(job), job.params["token"]
    content = _staged(job)
    progress(0)
    try:
        sheet = imports.read_upload(content, regency_wide=True)
    except excel.WorkbookError as error:
        uploads.delete(token)  # nothing to confirm: the upload read only its first rows
        raise JobRefused(str(error)) from None
    progress(0, len(sheet.rows))
    data = preview_keep(programme=programme, token=token, sheet=sheet)
    progress(len(sheet.rows), len(sheet.rows))
    links = [("Lihat pratinjau", reverse("registrations:regency-import-preview", args=[programme.pk, token]))]
    if data["totals"][imports.ERROR]:
        links.append(("Unduh baris yang ditolak (.xlsx)",
                      reverse("registrations:regency-import-rejected", args=[programme.pk, token])))
    return JobResult(lines=[preview_line(data)], links=links, warning=not data["ready"],
                     data={**data["totals"], "ready": data["ready"], "villages": data["villages"]})


def apply_work(job: Job, progress) -> JobResult:
    """The apply job: checks the file again and saves the valid rows (services.nominees_import, whose
    progress the page shows), then keeps what happened."""
    programme, token = _job_programme(job), job.params["token"]
    content = _staged(job)
    progress(0)
    try:
        data = apply_keep(programme=programme, user=job.requested_by, token=token, content=content,
                          progress=progress)
    except PermissionDenied:
        raise JobRefused(NOT_ALLOWED) from None
    except excel.WorkbookError as error:
        raise JobRefused(str(error)) from None
    rows = data["totals"]["rows"]
    progress(rows, rows)
    links = [("Lihat hasil", reverse("registrations:regency-import-result", args=[programme.pk, token]))]
    if data["totals"][imports.ERROR] or data["totals"][imports.NOT_SAVED]:
        links.append(("Unduh baris yang ditolak (.xlsx)",
                      reverse("registrations:regency-import-rejected", args=[programme.pk, token])))
    return JobResult(lines=[applied_line(data)], links=links, warning=not data["totals"][imports.SAVED],
                     data=data["totals"])
