"""The auditor's export of a regency's workflow events ("Riwayat keputusan") as a workbook.

GET shows the period form (the last 30 days by default); with valid dates and `unduh=1` it
returns the .xlsx. Scope: the regency from accounts.scope.regency_get_for_user, then
permissions.can_export_events; 404 for everyone else. Each export is logged without personal data.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.scope import regency_get_for_user
from common.access_log import ExportKind, export_record
from common.formatting import format_datetime, format_period
from common.tables import table_workbook
from common.workbooks import xlsx_download
from registrations.permissions import can_export_events

from . import audit
from .forms import AuditPeriodForm

logger = logging.getLogger(__name__)

DEFAULT_DAYS = 30


class _Counted:
    """Passes rows through and counts them, for the log line."""

    def __init__(self, rows):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


@login_required
def events_export(request, regency_pk):
    regency = regency_get_for_user(request.user, regency_pk)
    if not can_export_events(request.user, regency):
        raise Http404("Kabupaten/kota tidak ditemukan.")
    zone = audit.regency_time_zone(regency)
    today = timezone.localtime(timezone.now(), zone).date()
    if "dari" in request.GET or "sampai" in request.GET:
        form = AuditPeriodForm(request.GET)
    else:
        form = AuditPeriodForm(initial={"dari": today - dt.timedelta(days=DEFAULT_DAYS - 1), "sampai": today})
    if request.GET.get("unduh") and form.is_valid():
        return _workbook_response(request, regency, zone, form.cleaned_data["dari"], form.cleaned_data["sampai"])
    return render(request, "registrations/audit_events.html",
                  {"regency": regency, "form": form, "zone_label": _zone_label(zone)})


def _zone_label(zone) -> str:
    return {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}.get(zone.key, zone.key)


def _workbook_response(request, regency, zone, start: dt.date, end: dt.date) -> HttpResponse:
    period = format_period(start, end)
    filename = f"Riwayat keputusan {regency.name} {period}.xlsx"
    # The events and their log row in one transaction: no log row, no file (common.access_log).
    with transaction.atomic():
        rows = _Counted(audit.events_for_export(request.user, regency, start, end, zone=zone))
        content = table_workbook(
            sheet_title="Riwayat keputusan",
            heading=[f"Riwayat keputusan calon peserta — {regency.name}",
                     f"Periode {period} (waktu {_zone_label(zone)})",
                     f"Diunduh oleh {request.user.display_name} pada "
                     f"{format_datetime(timezone.localtime(timezone.now(), zone))}. NIK disamarkan."],
            headers=audit.HEADERS, rows=rows, widths=audit.WIDTHS,
        )
        export_record(kind=ExportKind.AUDIT_EVENTS, requested_by=request.user, regency=regency,
                      row_count=rows.count, filename=filename)
    logger.info("%s exported %d workflow events of regency %s from %s to %s",
                request.user.username, rows.count, regency.code, start.isoformat(), end.isoformat())
    return xlsx_download(content, filename)
