"""The finance office's (BPKAD) recap of a programme's budget and bills: a pure function from the
figures the budget page shows to workbook bytes, testable without a database. No personal data
(amounts, counts, Perbup and SP2D numbers), so it is not written to the personal-data access log.
Text the office typed (Perbup, SP2D numbers) goes through common.tables.safe_text: it stays text
and is never evaluated as a formula."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from common.formatting import format_date
from common.tables import safe_text
from common.workbooks import DATE, workbook_bytes


MONEY = "#,##0"


def _row(sheet, values: Sequence, *, bold: bool = False, formats: dict[int, str] | None = None) -> None:
    sheet.append([None] * len(values))
    number = sheet.max_row
    for index, value in enumerate(values, start=1):
        cell = sheet.cell(row=number, column=index)
        if isinstance(value, str):
            safe_text(cell, value)
        else:
            cell.value = value
        if bold:
            cell.font = Font(bold=True)
        if formats and index in formats and value is not None:
            cell.number_format = formats[index]


def budget_recap_bytes(*, figures, entries: Sequence, checked_bills: Sequence, printed_on: dt.date) -> bytes:
    """The recap: a heading (regency, programme, date), the figures (budget per source,
    committed, billed, paid, unpaid, remaining, months left), the budget entries and the bills with
    their SP2D and their difference from the members the app counts."""
    programme = figures.programme
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Rekap anggaran"
    _row(sheet, [f"Rekap anggaran dan tagihan iuran BPJS Ketenagakerjaan — {programme.regency.name}"], bold=True)
    _row(sheet, [f"{programme.name} — Tahap {programme.stage} ({programme.year})"])
    _row(sheet, [f"Dicetak {format_date(printed_on)}"])
    sheet.append([])
    _row(sheet, ["Ringkasan", "Rp"], bold=True)
    for label, value in (
        ("Anggaran APBD", figures.apbd), ("Anggaran APBD-P", figures.apbd_p), ("Anggaran total", figures.budget),
        (f"Terikat ({figures.committed_members} peserta × iuran × {programme.months_paid} bulan)", figures.committed),
        ("Ditagih BPJS", figures.billed), ("Dibayar (SP2D)", figures.paid), ("Belum dibayar", figures.unpaid),
        ("Sisa anggaran (anggaran − ditagih)", figures.remaining),
    ):
        _row(sheet, [label, value], formats={2: MONEY})
    _row(sheet, ["Sisa cukup untuk (bulan)", figures.months_left])
    sheet.append([])
    _row(sheet, ["Anggaran per Perbup", "Sumber", "Dasar hukum", "Tanggal penetapan", "Jumlah (Rp)"], bold=True)
    for number, entry in enumerate(entries, start=1):
        _row(sheet, [number, entry.get_source_display(), entry.legal_basis, entry.decided_on, entry.amount],
             formats={4: DATE, 5: MONEY})
    sheet.append([])
    _row(sheet, ["Tagihan", "Periode", "Bulan", "Peserta ditagih", "Peserta tercatat", "Selisih peserta",
                 "Jumlah tagihan (Rp)", "Jatuh tempo", "Tanggal bayar", "Nomor SP2D", "Catatan"], bold=True)
    for number, item in enumerate(checked_bills, start=1):
        bill, check = item.bill, item.check
        _row(sheet, [number, bill.period_label, check.months,
                     bill.members, check.counted, check.member_difference, bill.amount, bill.due_on, bill.paid_on,
                     bill.payment_document, check.summary],
             formats={7: MONEY, 8: DATE, 9: DATE})
    for letter, width in zip("ABCDEFGHIJK", (44, 30, 24, 18, 18, 16, 20, 14, 14, 28, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    return workbook_bytes(workbook)
