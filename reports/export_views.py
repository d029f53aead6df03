"""Export pages: the nominative list (daftar nominatif) of a village, a subdistrict or the regency,
the coverage recap, an export job's status page and file, and the regency's export log.

Who:
- the nominative list: whoever sees the region (villages.selectors *_get_for_user: a village's
  own officer, the regency's staff, the province viewer, the system administrator); the rows come
  from the person's own nominees_for_user, NIK/KK masked unless identifiers_visible;
- the coverage recap: reports.permissions.can_view_coverage (as the coverage pages);
- a job's status page and file: permissions.can_open_export (who asked, or the regency's staff
  with the same NIK rights);
- the export log: permissions.can_see_export_log (the regency's staff, the system administrator).
Anyone else gets the 404 of a missing region or export.

The work is export_jobs.export_start's: a small export comes back as the file, a large one as a
redirect to its status page, which polls itself with htmx until the download link shows.
"""

from __future__ import annotations

import logging
from io import BytesIO

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.scope import regency_get_for_user, subdistrict_get_for_user, village_get_for_user
from common.db_router import reads_from_replica
from common.models import ExportStatus
from common.workbooks import stored_xlsx_download, xlsx_download
from registrations.selectors import current_programme, programme_get_for_user

from . import export_jobs, permissions, selectors
from .permissions import can_view_coverage

logger = logging.getLogger(__name__)

LOG_PER_PAGE = 50


def _answer(request, outcome: export_jobs.ExportOutcome):
    if outcome.content is None:
        return redirect("reports:export-status", pk=outcome.record.pk)
    return xlsx_download(BytesIO(outcome.content), outcome.record.filename)  # streamed, like a job's file


def _programme_of(request, regency):
    """The programme asked (?program=<pk>, one of the regency's that the user sees), else the
    stage the regency works on now (registrations.selectors.current_programme)."""
    asked = request.GET.get("program", "")
    if asked:
        programme = programme_get_for_user(request.user, asked)
        if programme.regency_id != regency.pk:
            raise Http404("Program tidak ditemukan.")
        return programme
    programme = current_programme(regency.pk)
    if programme is None:
        raise Http404("Program tidak ditemukan.")
    return programme


def _nominative(request, region, regency):
    programme = _programme_of(request, regency)
    export = export_jobs.nominative_list_request(user=request.user, programme=programme, region=region)
    return _answer(request, export_jobs.export_start(user=request.user, request=export))


@reads_from_replica
@login_required
@require_GET
def nominative_village(request, pk):
    village = village_get_for_user(request.user, pk)
    return _nominative(request, village, village.subdistrict.regency)


@reads_from_replica
@login_required
@require_GET
def nominative_subdistrict(request, pk):
    subdistrict = subdistrict_get_for_user(request.user, pk)
    return _nominative(request, subdistrict, subdistrict.regency)


@reads_from_replica
@login_required
@require_GET
def nominative_regency(request, pk):
    regency = regency_get_for_user(request.user, pk)
    return _nominative(request, regency, regency)


@reads_from_replica
@login_required
@require_GET
def coverage_recap(request, pk):
    regency = regency_get_for_user(request.user, pk)
    if not can_view_coverage(request.user, regency):
        raise Http404("Kabupaten/kota tidak ditemukan.")
    export = export_jobs.coverage_recap_request(regency=regency)
    return _answer(request, export_jobs.export_start(user=request.user, request=export))


@login_required
@require_GET
def export_status(request, pk):
    """The job's progress; htmx polls the panel until the export is done or failed."""
    record = selectors.export_record_get_for_user(request.user, pk)
    retry_url = (export_jobs.ExportRequest.from_record(record).start_url()
                 if record.status == ExportStatus.FAILED else "")
    context = {"record": record, "regency": record.regency, "is_done": record.status == ExportStatus.DONE,
               "retention_days": settings.EXPORT_FILE_RETENTION_DAYS, "retry_url": retry_url}
    if request.htmx:
        return render(request, "reports/export_status_panel.html", context)
    return render(request, "reports/export_status.html", context)


@login_required
@require_GET
def export_download(request, pk):
    record = selectors.export_record_get_for_user(request.user, pk)
    if record.status != ExportStatus.DONE or not record.file:
        raise Http404("Berkas ekspor tidak ditemukan.")
    response = stored_xlsx_download(record.file, record.filename, what=f"export {record.pk}")
    logger.info("%s downloaded export %s (%s rows)", request.user.username, record.pk, record.row_count)
    return response


@reads_from_replica
@login_required
@require_GET
def export_log(request, pk):
    regency = regency_get_for_user(request.user, pk)
    if not permissions.can_see_export_log(request.user, regency):
        raise Http404("Kabupaten/kota tidak ditemukan.")
    page = Paginator(selectors.export_log(regency), LOG_PER_PAGE).get_page(request.GET.get("page"))
    # A job's status page only where the reader may open it (the log shows more than one may download).
    openable = {record.pk for record in page.object_list
                if (record.file or not record.is_finished) and permissions.can_open_export(request.user, record)}
    return render(request, "reports/export_log.html", {"regency": regency, "page": page, "openable": openable})
