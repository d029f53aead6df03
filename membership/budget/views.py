"""The budget room: a programme's "Anggaran & tagihan" page, its budget entries, its premium bills
(entered by hand or imported from the branch's spreadsheet) and the finance office's recap.

Who: everyone who reads the programme page (regency staff, the regent's office, BPJS, the province,
the system administrator) reads the budget page and its recap; only permissions.can_manage_budget
(the office that pays) writes. A programme out of scope, and a write page for someone who may only
read, are the same 404 as a missing programme. Writes go through services.py.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.scope import regency_get_for_user
from common import uploads
from common.workbooks import WorkbookError, xlsx_download
from registrations.selectors import programme_get_for_user

from .. import bills as rules
from ..models import BudgetEntry, PremiumBill
from ..permissions import can_manage_budget
from . import exports, imports, selectors, services, workbook
from .forms import BillForm, BillUploadForm, BudgetEntryForm

BILLS_PER_PAGE = 20
IMPORT_SESSION_KEY = "membership_bill_imports"
KEEP_IN_SESSION = 5


def _programme_to_view(user, pk):
    """The programme, if the user sees its regency as a whole (village officers do not): else 404."""
    programme = programme_get_for_user(user, pk)
    regency_get_for_user(user, programme.regency_id)
    return programme


def _programme_to_manage(user, pk):
    programme = _programme_to_view(user, pk)
    if not can_manage_budget(user, programme.regency):
        raise Http404("Program tidak ditemukan.")
    return programme


def _month_parameter(value: str | None) -> dt.date | None:
    try:
        return dt.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return None


@login_required
@require_GET
def budget_detail(request, pk):
    """Budget (per source and Perbup), committed, billed, paid, remaining, months left, and the
    bills (a page of them) each checked against the members the app counts for its period;
    `?periksa=YYYY-MM` adds that bill's members per village.

    Queries, the same whatever the number of bills and members: session, user, scope (3); the
    programme, its regency (2); the budget entries (1); the bills' count and page (2); members
    counted for every period at once, the budget sums, the bill sums (3); the unread notices (1)."""
    programme = _programme_to_view(request.user, pk)
    today = timezone.localdate()
    entries = list(BudgetEntry.objects.filter(programme=programme).order_by("decided_on", "pk"))
    page = Paginator(PremiumBill.objects.filter(programme=programme).order_by("first_month"),
                     BILLS_PER_PAGE).get_page(request.GET.get("page"))
    figures, checked = selectors.programme_budget(programme, bills=list(page.object_list), today=today)
    examined = None
    month = _month_parameter(request.GET.get("periksa"))
    if month is not None:
        examined = next((item for item in checked if item.bill.first_month == month), None)
        if examined is None:
            bill = selectors.bill_for_period(programme, month)
            if bill is not None:
                examined = selectors.programme_budget(programme, bills=[bill], today=today)[1][0]
    by_village = []
    if examined is not None:
        by_village = rules.members_counted_by_village(programme, start=examined.bill.first_month,
                                                      end=rules.period_end(examined.bill.last_month))
    return render(request, "membership/budget_detail.html", {
        "programme": programme, "regency": programme.regency, "figures": figures, "entries": entries,
        "page": page, "checked": checked, "flagged": sum(1 for item in checked if item.check.flagged),
        "examined": examined, "by_village": by_village,
        "can_manage": can_manage_budget(request.user, programme.regency),
    })


@login_required
@require_http_methods(["GET", "POST"])
def budget_entry_create(request, pk):
    programme = _programme_to_manage(request.user, pk)
    form = BudgetEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.budget_entry_create(programme=programme, created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, f"Anggaran {entry.get_source_display()} ({entry.legal_basis}) dicatat.")
            return redirect("membership:budget-detail", pk=programme.pk)
    return render(request, "membership/budget_entry_form.html",
                  {"programme": programme, "regency": programme.regency, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def bill_record(request, pk):
    """A new bill, or (`?periode=YYYY-MM`, the bill's first month) a stored one to correct or to
    mark paid with its SP2D: a bill's first month is its key, so saving a period already billed
    updates that bill."""
    programme = _programme_to_manage(request.user, pk)
    existing = None
    month = _month_parameter(request.GET.get("periode"))
    if month is not None:
        existing = selectors.bill_for_period(programme, month)
    initial = {}
    if existing is not None:
        initial = {name: getattr(existing, name) for name in ("first_month", "last_month", "members", "amount",
                                                              "due_on", "paid_on", "payment_document")}
    form = BillForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = rules.BillValues(**{**form.cleaned_data, "payment_document": form.cleaned_data["payment_document"]
                                     .strip()})
        other_periods = PremiumBill.objects.filter(programme=programme).values_list("first_month", "last_month")
        problems = rules.bill_problems(values, programme=programme, other_periods=other_periods,
                                       today=timezone.localdate())
        for name, message in problems:
            form.add_error(name, message)
        if not problems:
            try:
                change = services.bill_record(programme=programme, values=values, recorded_by=request.user)
            except ValidationError as error:  # a bill saved meanwhile by someone else
                form.add_error(None, error.messages)
            else:
                period = rules.period_label(values.first_month, values.last_month)
                messages.success(request, {"new": f"Tagihan {period} dicatat.",
                                           "update": f"Tagihan {period} diperbarui.",
                                           "unchanged": f"Tagihan {period} sudah tercatat sama persis."}[change])
                return redirect("membership:budget-detail", pk=programme.pk)
    return render(request, "membership/bill_form.html", {
        "programme": programme, "regency": programme.regency, "form": form, "existing": existing,
    })


# --- The bill import ------------------------------------------------------------------------------

@login_required
@require_GET
def bill_import_template(request, pk):
    programme = _programme_to_manage(request.user, pk)
    return xlsx_download(workbook.template_workbook(), f"template-tagihan-iuran-{programme.pk}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def bill_import(request, pk):
    programme = _programme_to_manage(request.user, pk)
    form = BillUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read()
        try:
            workbook.read_workbook(content)
        except WorkbookError as error:
            form.add_error("file", str(error))  # refused as a whole: nothing stored, nothing saved
        else:
            token = uploads.store(content)
            pending = request.session.get(IMPORT_SESSION_KEY, {})
            pending[token] = programme.pk
            request.session[IMPORT_SESSION_KEY] = dict(list(pending.items())[-KEEP_IN_SESSION:])
            return redirect("membership:bill-import-preview", pk=programme.pk, token=token)
    return render(request, "membership/bill_import.html",
                  {"programme": programme, "regency": programme.regency, "form": form})


def _staged_rows(request, programme, token):
    """The rows of the upload `token`, which must be this user's (the session) for this programme.
    None when it was applied already (or purged): the token is still in the session."""
    if request.session.get(IMPORT_SESSION_KEY, {}).get(token) != programme.pk:
        raise Http404("Unggahan tidak ditemukan.")
    content = uploads.read(token)
    return None if content is None else workbook.read_workbook(content)


@login_required
@require_GET
def bill_import_preview(request, pk, token):
    programme = _programme_to_manage(request.user, pk)
    rows = _staged_rows(request, programme, token)
    if rows is None:
        messages.info(request, "Unggahan ini sudah disimpan atau sudah kedaluwarsa. Lihat daftar tagihan di bawah.")
        return redirect("membership:budget-detail", pk=programme.pk)
    report = imports.import_preview(rows=rows, programme=programme)
    return render(request, "membership/bill_import_preview.html", {
        "programme": programme, "regency": programme.regency, "token": token, "report": report,
        "totals": report.totals,
    })


@login_required
@require_POST
def bill_import_confirm(request, pk, token):
    programme = _programme_to_manage(request.user, pk)
    rows = _staged_rows(request, programme, token)
    if rows is None:  # a second click on Simpan, or a stale page
        messages.info(request, "Unggahan ini sudah disimpan atau sudah kedaluwarsa. Lihat daftar tagihan di bawah.")
        return redirect("membership:budget-detail", pk=programme.pk)
    try:
        report = imports.import_apply(rows=rows, programme=programme, recorded_by=request.user)
    except ValidationError as error:
        messages.error(request, f"Tidak ada yang disimpan. {' '.join(error.messages)}")
        return redirect("membership:bill-import-preview", pk=programme.pk, token=token)
    if not report.can_apply:
        if report.count(status=imports.ERROR):
            messages.error(request, "Tidak ada yang disimpan: masih ada baris yang ditolak. Perbaiki berkas, lalu "
                                    "unggah lagi.")
            return redirect("membership:bill-import-preview", pk=programme.pk, token=token)
    uploads.delete(token)
    totals = report.totals
    messages.success(request, f"Impor tagihan selesai: {totals[imports.NEW]} tagihan baru, {totals[imports.UPDATE]} "
                              f"diperbarui, {totals[imports.UNCHANGED]} sudah sama.")
    return redirect("membership:budget-detail", pk=programme.pk)


# --- The finance office's recap ----------------------------------------------------------------------

@login_required
@require_GET
def budget_recap(request, pk):
    programme = _programme_to_view(request.user, pk)
    today = timezone.localdate()
    bills = list(PremiumBill.objects.filter(programme=programme).order_by("first_month"))
    figures, checked = selectors.programme_budget(programme, bills=bills, today=today)
    entries = BudgetEntry.objects.filter(programme=programme).order_by("decided_on", "pk")
    content = exports.budget_recap_bytes(figures=figures, entries=entries, checked_bills=checked, printed_on=today)
    return xlsx_download(content, f"rekap-anggaran-tagihan-{programme.regency.code.replace('.', '')}-"
                                  f"{programme.year}-tahap-{programme.stage}.xlsx")
