"""membership/budget/views.py: the "Anggaran & tagihan" page, its forms, the recap, and the same
figures on the programme page's link and the regent's dashboard."""

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from membership.budget import services
from membership.models import BudgetEntry, PremiumBill

from .conftest import APRIL, MARCH, MAY, bill


@pytest.fixture
def money(programme, regency_admin, members):
    """Seluma's budget (Rp101,808,000 APBD + Rp5,000,000 APBD-P), March's bill paid for the five
    members counted, and April–May's bill unpaid for seven (the portal counts six)."""
    services.budget_entry_create(programme=programme, source="apbd", amount=101_808_000,
                                 legal_basis="Perbup Seluma Nomor 15 Tahun 2025", decided_on=dt.date(2025, 12, 15),
                                 created_by=regency_admin)
    services.budget_entry_create(programme=programme, source="apbd_p", amount=5_000_000,
                                 legal_basis="Perbup Seluma Nomor 30 Tahun 2026", decided_on=dt.date(2026, 9, 1),
                                 created_by=regency_admin)
    services.bills_record(programme=programme, recorded_by=regency_admin, today=dt.date(2026, 6, 1), rows=[
        bill(members=5, paid_on=dt.date(2026, 3, 10), payment_document="0007/SP2D-LS/BPKAD/2026"),
        bill(first=APRIL, last=MAY, members=7, due_on=dt.date(2026, 4, 15)),
    ])
    return programme


def _url(name, programme, **query):
    url = reverse(f"membership:{name}", args=[programme.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def test_the_page_shows_budget_committed_billed_paid_remaining_and_months_left(login, viewer, money):
    response = login(viewer).get(_url("budget-detail", money))

    figures = response.context["figures"]
    assert (figures.apbd, figures.apbd_p, figures.budget) == (101_808_000, 5_000_000, 106_808_000)
    # The funded months are March–May: six members × Rp16,800 × 3.
    assert (figures.committed_members, figures.committed) == (6, 302_400)
    assert (figures.billed, figures.paid, figures.unpaid) == (5 * 16_800 + 7 * 16_800 * 2, 84_000, 235_200)
    assert figures.remaining == 106_808_000 - 319_200
    assert figures.months_left == (106_808_000 - 319_200) // (6 * 16_800)
    page = response.content.decode()
    assert "Rp106.808.000" in page and "Perbup Seluma Nomor 30 Tahun 2026" in page
    assert "0007/SP2D-LS/BPKAD/2026" in page and "belum dibayar" in page
    # The regent's office reads; it records nothing.
    assert "Catat tagihan" not in page and "Tambah anggaran" not in page


def test_a_bill_that_differs_from_the_members_counted_is_flagged_and_examined_per_village(login, regency_admin, money,
                                                                                          niur, lubuk_sahung):
    response = login(regency_admin).get(_url("budget-detail", money, periksa="2026-04"))

    march, april = response.context["checked"]
    assert (march.check.counted, march.check.flagged) == (5, False)
    assert (april.check.counted, april.check.member_difference, april.check.flagged) == (6, 1, True)
    assert "ditagih 1 peserta lebih banyak dari yang tercatat" in response.content.decode()
    assert response.context["examined"].bill == april.bill
    assert [(row["village__name"], row["members"]) for row in response.context["by_village"]] == [
        (niur.name, 4), (lubuk_sahung.name, 2)]


@pytest.mark.parametrize("bills", [1, 3])
def test_page_queries_do_not_grow_with_bills_or_members(login, viewer, programme, regency_admin, add_nominees, niur,
                                                        django_assert_num_queries, bills):
    add_nominees(programme, niur, bills * 4, "active", dt.date(2026, 2, 20))
    services.budget_entry_create(programme=programme, source="apbd", amount=101_808_000, legal_basis="Perbup",
                                 decided_on=dt.date(2025, 12, 15), created_by=regency_admin)
    services.bills_record(programme=programme, recorded_by=regency_admin, today=dt.date(2026, 12, 1), rows=[
        bill(first=dt.date(2026, 3 + index, 1), last=dt.date(2026, 3 + index, 1)) for index in range(bills)])
    client = login(viewer)

    # 1 user, 2 scope, 3 the programme with its regency, 4 the regency (scope check),
    # 5 budget entries, 6 bills' count, 7 the page of bills, 8 members counted for every period,
    # 9 budget sums, 10 bill sums, 11 the unread notices (header).
    with django_assert_num_queries(11):
        response = client.get(_url("budget-detail", programme))

    assert len(response.context["checked"]) == bills


@pytest.mark.parametrize("persona", ["officer", "other_admin", "other_reviewer"])
def test_out_of_scope_is_404(login, request, money, persona):
    assert login(request.getfixturevalue(persona)).get(_url("budget-detail", money)).status_code == 404


def test_the_office_adds_a_budget_entry(login, approver, programme):
    response = login(approver).post(_url("budget-entry-create", programme), {
        "source": "apbd_p", "amount": "10.000.000", "legal_basis": "Perbup Seluma Nomor 30 Tahun 2026",
        "decided_on": "2026-09-01"})

    assert response.status_code == 302
    entry = BudgetEntry.objects.get(programme=programme)
    assert (entry.source, entry.amount, entry.created_by) == ("apbd_p", 10_000_000, approver)


def test_a_budget_entry_needs_an_amount_above_zero_and_a_perbup(login, regency_admin, programme):
    response = login(regency_admin).post(_url("budget-entry-create", programme),
                                         {"source": "apbd", "amount": "0", "decided_on": "2026-09-01"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "amount": ["Jumlah anggaran harus lebih dari 0."],
        "legal_basis": ["Isi nomor Perbup yang menetapkan anggaran ini."]}
    assert not BudgetEntry.objects.exists()


def test_the_office_records_a_bill_then_its_payment(login, regency_admin, programme):
    client = login(regency_admin)
    response = client.post(_url("bill-record", programme), {
        "first_month": "2026-03", "last_month": "2026-05", "members": "2.020", "amount": "101.808.000",
        "due_on": "2026-03-15", "paid_on": "", "payment_document": ""})
    assert response.status_code == 302

    form = client.get(_url("bill-record", programme, periode="2026-03"))
    assert form.context["form"].initial["amount"] == 101_808_000
    response = client.post(_url("bill-record", programme), {
        "first_month": "03-2026", "last_month": "05-2026", "members": "2020", "amount": "101808000",
        "due_on": "2026-03-15", "paid_on": "2026-03-10", "payment_document": "0007/SP2D-LS/BPKAD/2026"}, follow=True)

    stored = PremiumBill.objects.get(programme=programme)
    assert (stored.first_month, stored.last_month, stored.members, stored.paid_on, stored.payment_document) == (
        MARCH, MAY, 2020, dt.date(2026, 3, 10), "0007/SP2D-LS/BPKAD/2026")
    assert "Tagihan Maret – Mei 2026 diperbarui." in response.content.decode()


def test_a_bill_paid_without_sp2d_or_overlapping_another_is_refused_next_to_its_field(login, regency_admin, money):
    response = login(regency_admin).post(_url("bill-record", money), {
        "first_month": "2026-05", "last_month": "2026-06", "members": "6", "amount": "201600",
        "due_on": "2026-05-15", "paid_on": "2026-05-10", "payment_document": ""})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "first_month": ["Periode bertumpang tindih dengan tagihan April – Mei 2026; satu bulan hanya ditagih sekali."],
        "payment_document": ["Tagihan yang sudah dibayar perlu nomor SP2D."]}
    assert PremiumBill.objects.count() == 2


def test_the_recap_for_bpkad_holds_budget_bills_sp2d_and_remaining(login, viewer, money):
    response = login(viewer).get(_url("budget-recap", money))

    assert response["Content-Disposition"].startswith('attachment; filename="rekap-anggaran-tagihan-1705-2026')
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]
    assert ["Anggaran total", 106_808_000] in rows
    assert ["Sisa anggaran (anggaran − ditagih)", 106_808_000 - 319_200] in rows
    march = next(row for row in rows if row[:2] == [1, "Maret 2026"])
    assert march[-1] == "0007/SP2D-LS/BPKAD/2026"
    april = next(row for row in rows if row[:2] == [2, "April – Mei 2026"])
    assert april[-1] == "ditagih 1 peserta lebih banyak dari yang tercatat"


def test_the_programme_page_links_the_budget_page(login, reviewer, programme):
    page = login(reviewer).get(reverse("registrations:programme-detail", args=[programme.pk])).content.decode()
    assert _url("budget-detail", programme) in page


def test_the_regents_dashboard_shows_the_same_figures(login, viewer, seluma, money):
    page = login(viewer).get(reverse("reports:regency-detail", args=[seluma.pk])).content.decode()

    panel = page[page.index('id="anggaran-tagihan"'):]
    assert _url("budget-detail", money) in panel
    assert "Rp106.808.000" in panel and "Rp84.000" in panel


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_bills_saved_at_the_same_moment_one_wins(regency_admin, approver, programme):
    from django.test import Client

    from tests.clicks import at_once

    posts = {}
    for user, months in ((regency_admin, ("2026-03", "2026-04")), (approver, ("2026-04", "2026-05"))):
        client = Client()
        client.force_login(user)
        posts[client] = {"first_month": months[0], "last_month": months[1]}

    answers = at_once(list(posts), lambda client: client.post(_url("bill-record", programme), {
        **posts[client], "members": "5", "amount": "168.000", "due_on": "2026-03-15"}))

    assert sorted(answer.status_code for answer in answers) == [200, 302]
    refused = next(answer for answer in answers if answer.status_code == 200)
    assert "bertumpang tindih" in refused.content.decode()
    assert PremiumBill.objects.count() == 1
