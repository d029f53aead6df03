"""Submission tracking (pemantauan pengiriman desa): the page and its Excel export, the list the
office uses to chase villages. Both take the same filters (?keadaan=…&kecamatan=…) and the same
rows from tracking.submission_rows.

Who: regency staff who read the review pages (permissions.can_see_review_pages); anyone else,
the village officer included, gets the same 404 as for a missing programme. The officers' phone
numbers, and the WhatsApp links to villages that have not sent, are in full for the staff who call
villages (accounts.permissions.can_see_phone_numbers), masked and without links for the others.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from accounts.permissions import can_see_phone_numbers
from accounts.session import OFFICE_LABEL_KEY
from common.access_log import ExportKind, export_record
from common.formatting import format_datetime
from common.tables import table_workbook
from common.workbooks import xlsx_download
from registrations.permissions import can_see_review_pages
from registrations.selectors import programme_get_for_user
from villages.models import Subdistrict

from . import tracking

logger = logging.getLogger(__name__)

EXPORT_HEADERS = [
    "Kecamatan", "Desa/kelurahan", "Kode wilayah", "Kuota", "Terisi", "Draf belum dikirim",
    "Menunggu verifikasi", "Terverifikasi", "Disetujui", "Dikembalikan", "Terakhir dikirim", "Keadaan",
    "Operator desa", "Nomor HP operator", "Tautan WhatsApp",
]
EXPORT_WIDTHS = [18, 22, 15, 8, 8, 10, 12, 12, 10, 12, 17, 28, 30, 16, 40]
# One village may have several officers: one line each, in one cell.
CELL_LINES = "\n"


def _programme_for_review(user, pk):
    programme = programme_get_for_user(user, pk)
    if not can_see_review_pages(user, programme.regency):
        raise Http404("Program tidak ditemukan.")
    return programme


def _filters(request, programme) -> tuple[list[Subdistrict], Subdistrict | None, str]:
    """The regency's subdistricts (for the filter), the chosen one and the chosen state; a value
    that is not one of the choices is ignored rather than answered with an error."""
    subdistricts = list(Subdistrict.objects.filter(regency_id=programme.regency_id, is_retired=False)
                        .order_by("name"))
    chosen = next((s for s in subdistricts if str(s.pk) == request.GET.get("kecamatan", "")), None)
    state = request.GET.get("keadaan", "")
    return subdistricts, chosen, state if state in tracking.SubmissionState.values else ""


def _rows(request, programme):
    today = timezone.localdate()
    subdistricts, subdistrict, state = _filters(request, programme)
    rows = tracking.submission_rows(programme, today=today, subdistrict_id=subdistrict.pk if subdistrict else None)
    shown = [row for row in rows if row.state == state] if state else rows
    full = can_see_phone_numbers(request.user)
    # The office's name signs the WhatsApp message; kept in the session at login (no query).
    sender = request.session.get(OFFICE_LABEL_KEY, "")
    lines = [(row, tracking.officer_contacts(row, programme=programme, today=today, full=full, sender=sender))
             for row in shown]
    return {
        "programme": programme,
        "regency": programme.regency,
        "today": today,
        "deadline": tracking.deadline(programme, today),
        "subdistricts": subdistricts,
        "subdistrict": subdistrict,
        "state": state,
        "state_label": tracking.SubmissionState(state).label if state else "",
        # The valid filters only, for the export link: the workbook holds what the page shows.
        "filter_query": urlencode([(key, value) for key, value in
                                   (("kecamatan", subdistrict.pk if subdistrict else ""), ("keadaan", state))
                                   if value]),
        # The summary counts the villages of the chosen subdistrict, before the state filter, so
        # each count is also a link to that state's list.
        "summary": tracking.state_summary(rows),
        "village_count": len(rows),
        "rows": shown,
        "lines": lines,  # (row, its officers as this person may see them)
        "full_phones": full,
    }


@login_required
def submissions(request, pk):
    programme = _programme_for_review(request.user, pk)
    return render(request, "registrations/programme_submissions.html", _rows(request, programme))


@login_required
def submissions_export(request, pk):
    programme = _programme_for_review(request.user, pk)
    now = timezone.localtime()
    filename = f"Pemantauan pengiriman {programme} {now:%Y-%m-%d}.xlsx"
    # The rows and their log row in one transaction: no log row, no file (common.access_log).
    with transaction.atomic():
        context = _rows(request, programme)
        rows = context["rows"]
        filters = [f"Kecamatan {context['subdistrict'].name}" if context["subdistrict"] else "Semua kecamatan",
                   f"keadaan: {context['state_label']}" if context["state"] else "semua keadaan"]
        content = table_workbook(
            sheet_title="Pemantauan pengiriman",
            heading=[
                f"Pemantauan pengiriman usulan desa — {programme}",
                f"{programme.regency.name} · {', '.join(filters)}",
                f"Pengusulan {context['deadline'].label} · keadaan per {format_datetime(now)}",
            ],
            headers=EXPORT_HEADERS,
            rows=[_export_row(row, contacts) for row, contacts in context["lines"]],
            widths=EXPORT_WIDTHS,
        )
        export_record(kind=ExportKind.SUBMISSION_TRACKING, requested_by=request.user, regency=programme.regency,
                      programme=programme, subdistrict=context["subdistrict"], row_count=len(rows),
                      filename=filename)
    logger.info("%s exported the submission tracking of programme %s (%d rows)",
                request.user.username, programme.pk, len(rows))
    return xlsx_download(content, filename)


def _export_row(row: tracking.SubmissionRow, contacts: list[tracking.Contact]) -> list:
    last = row.last_submitted_at
    return [
        row.village.subdistrict.name, row.village.name, row.village.code, row.quota, row.filled, row.drafts,
        row.submitted, row.verified, row.approved, row.returned,
        # Excel has no time zones: the local time of the regency, as the page shows it.
        timezone.localtime(last).replace(tzinfo=None) if last else None,
        str(row.state.label),
        CELL_LINES.join(contact.name for contact in contacts),
        CELL_LINES.join(contact.phone for contact in contacts if contact.phone),
        CELL_LINES.join(contact.whatsapp for contact in contacts if contact.whatsapp),
    ]
