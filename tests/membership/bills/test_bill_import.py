"""membership/budget/imports.py and workbook.py through the pages: the branch's bills from Excel,
preview then apply, all or nothing, and the same file again changes nothing."""

import datetime as dt
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from membership.budget import workbook
from membership.budget.views import IMPORT_SESSION_KEY
from membership.models import PremiumBill


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Staged uploads under a temporary MEDIA_ROOT: a refused file must leave nothing there."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _file(rows) -> bytes:
    """The portal's own template with `rows` (values per column, in COLUMNS order) from row 2."""
    book = load_workbook(BytesIO(workbook.template_workbook()))
    sheet = book[workbook.DATA_SHEET]
    for number, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=number, column=column, value=value)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# As the branch's file comes: a month as text and as a date cell, numbers as numbers and as
# grouped text, dates as Excel dates and as text, an SP2D number typed into a number cell.
BRANCH_ROWS = [
    ["03-2026", "03-2026", 5, "Rp84.000", dt.datetime(2026, 3, 15), "10-03-2026", 7001.0],
    [dt.datetime(2026, 4, 1), "Mei 2026", 7.0, 235_200, "15-04-2026", None, None],
]


def _upload(client, programme, content, name="tagihan.xlsx"):
    return client.post(reverse("membership:bill-import", args=[programme.pk]),
                       {"file": SimpleUploadedFile(name, content)})


def _token(response) -> str:
    return response["Location"].rstrip("/").rsplit("/", 1)[1]


def test_the_template_has_the_columns_and_the_notes(login, regency_admin, programme):
    response = login(regency_admin).get(reverse("membership:bill-import-template", args=[programme.pk]))
    book = load_workbook(BytesIO(response.content))
    assert [cell.value for cell in book[workbook.DATA_SHEET][1]] == [column.header for column in workbook.COLUMNS]
    assert "Petunjuk" in book.sheetnames


def test_preview_then_apply_then_the_same_file_again_changes_nothing(login, regency_admin, programme):
    client = login(regency_admin)
    content = _file(BRANCH_ROWS)

    response = _upload(client, programme, content)
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.context["totals"] == {"rows": 2, "error": 0, "new": 2, "update": 0, "unchanged": 0}
    assert not PremiumBill.objects.exists()  # nothing before Simpan
    assert "Simpan 2 tagihan" in preview.content.decode()

    saved = client.post(reverse("membership:bill-import-confirm", args=[programme.pk, _token(response)]), follow=True)
    assert "Impor tagihan selesai: 2 tagihan baru, 0 diperbarui, 0 sudah sama." in saved.content.decode()
    bills = list(PremiumBill.objects.order_by("first_month").values_list(
        "first_month", "last_month", "members", "amount", "due_on", "paid_on", "payment_document"))
    assert bills == [
        (dt.date(2026, 3, 1), dt.date(2026, 3, 1), 5, 84_000, dt.date(2026, 3, 15), dt.date(2026, 3, 10), "7001"),
        (dt.date(2026, 4, 1), dt.date(2026, 5, 1), 7, 235_200, dt.date(2026, 4, 15), None, ""),
    ]
    stamps = list(PremiumBill.objects.order_by("pk").values_list("updated_at", flat=True))

    again = client.get(_upload(client, programme, content)["Location"])
    assert again.context["totals"] == {"rows": 2, "error": 0, "new": 0, "update": 0, "unchanged": 2}
    assert "Simpan" not in again.content.decode().split("Unggah berkas lain")[0].split("<dl")[1]
    assert "sudah tercatat sama persis" in again.content.decode()
    assert list(PremiumBill.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps


def test_a_payment_added_to_the_file_updates_its_bill(login, regency_admin, programme):
    client = login(regency_admin)
    client.post(reverse("membership:bill-import-confirm",
                        args=[programme.pk, _token(_upload(client, programme, _file(BRANCH_ROWS)))]))
    paid = [BRANCH_ROWS[0], [*BRANCH_ROWS[1][:5], "20-04-2026", "0123/SP2D-LS/BPKAD/2026"]]

    response = _upload(client, programme, _file(paid))
    assert client.get(response["Location"]).context["totals"]["update"] == 1
    client.post(reverse("membership:bill-import-confirm", args=[programme.pk, _token(response)]))

    april = PremiumBill.objects.get(first_month=dt.date(2026, 4, 1))
    assert (april.paid_on, april.payment_document) == (dt.date(2026, 4, 20), "0123/SP2D-LS/BPKAD/2026")
    assert PremiumBill.objects.count() == 2


def test_one_bad_row_saves_nothing_and_says_which_cell(login, regency_admin, programme):
    client = login(regency_admin)
    rows = [BRANCH_ROWS[0],
            ["06-2026", "06-2026", 5, 84_000, "31-02-2026", None, None],  # no 31 February
            [3.2026, "07-2026", 5, 84_000, "15-07-2026", None, None],  # "03.2026" typed into a number cell
            ["08-2026", "08-2026", "lima", 84_000, "15-08-2026", "10-08-2026", ""]]
    response = _upload(client, programme, _file(rows))

    preview = client.get(response["Location"])
    outcomes = {row.row: row.errors for row in preview.context["report"].rows}
    assert outcomes[2] == []
    assert outcomes[3] == [("Jatuh tempo",
                            "\"31-02-2026\" bukan tanggal yang valid; tulis HH-BB-TTTT, mis. 15-03-2026.")]
    assert outcomes[4] == [("Periode mulai", "\"3.2026\" bukan bulan yang valid; tulis BB-TTTT, mis. 03-2026.")]
    assert outcomes[5] == [("Jumlah peserta", "Jumlah peserta harus bilangan bulat, bukan \"lima\".")]
    assert "Simpan" not in preview.content.decode().split("Unggah berkas lain")[0].split("<dl")[1]

    confirmed = client.post(reverse("membership:bill-import-confirm", args=[programme.pk, _token(response)]),
                            follow=True)
    assert "Tidak ada yang disimpan: masih ada baris yang ditolak." in confirmed.content.decode()
    assert not PremiumBill.objects.exists()


def test_rows_repeating_a_period_or_overlapping_a_stored_bill_are_refused(login, regency_admin, programme):
    from membership.budget import services

    from .conftest import MARCH, MAY, bill

    services.bill_record(programme=programme, values=bill(first=MARCH, last=MAY), recorded_by=regency_admin,
                         today=dt.date(2026, 6, 1))
    client = login(regency_admin)
    rows = [["05-2026", "06-2026", 5, 168_000, "15-05-2026", None, None],
            ["08-2026", "08-2026", 5, 84_000, "15-08-2026", None, None],
            ["08-2026", "09-2026", 5, 168_000, "15-08-2026", None, None]]
    preview = client.get(_upload(client, programme, _file(rows))["Location"])

    errors = {row.row: [message for _, message in row.errors] for row in preview.context["report"].rows}
    assert errors[2] == ["Periode bertumpang tindih dengan tagihan Maret – Mei 2026; satu bulan hanya ditagih sekali."]
    assert errors[3] == errors[4] == ["Periode mulai 08-2026 ada di baris 3, 4; sisakan satu baris."]


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"NIK;Nama\n1;2\n", "tagihan.csv", "Berkas harus berformat Excel .xlsx"),
    (b"not a zip at all", "tagihan.xlsx", "Berkas harus berformat Excel .xlsx"),
])
def test_a_file_that_is_not_a_workbook_is_refused_and_nothing_is_kept(login, regency_admin, programme, _media,
                                                                      content, name, message):
    client = login(regency_admin)
    response = _upload(client, programme, content, name=name)

    assert response.status_code == 200
    assert message in response.context["form"].errors["file"][0]
    assert IMPORT_SESSION_KEY not in client.session
    assert not list(Path(_media).rglob("*.xlsx"))


def test_a_decompression_bomb_is_refused_and_nothing_is_kept(login, regency_admin, programme, _media):
    from tests.workbook_bombs import bomb

    content = bomb(title=workbook.DATA_SHEET, header=[column.header for column in workbook.COLUMNS],
                   row=["03-2026", "03-2026", "5", "84000", "15-03-2026", "", ""])
    client = login(regency_admin)

    response = _upload(client, programme, content)

    assert "Isi berkas Excel ini terlalu besar setelah dibuka" in response.context["form"].errors["file"][0]
    assert not list(Path(_media).rglob("*.xlsx")) and not PremiumBill.objects.exists()


def test_missing_columns_are_named(login, regency_admin, programme):
    book = load_workbook(BytesIO(_file(BRANCH_ROWS)))
    book[workbook.DATA_SHEET]["D1"] = "Tagihan"
    buffer = BytesIO()
    book.save(buffer)

    response = _upload(login(regency_admin), programme, buffer.getvalue())

    assert response.context["form"].errors["file"] == [
        "Kolom wajib tidak ditemukan di baris pertama lembar \"Tagihan\": Jumlah tagihan (Rp). Pakai template dari "
        "portal dan jangan ubah judul kolom."]


def test_a_second_click_on_simpan_is_told_it_is_saved(login, regency_admin, programme):
    client = login(regency_admin)
    token = _token(_upload(client, programme, _file(BRANCH_ROWS)))
    confirm = reverse("membership:bill-import-confirm", args=[programme.pk, token])
    client.post(confirm)

    response = client.post(confirm, follow=True)

    assert "Unggahan ini sudah disimpan atau sudah kedaluwarsa." in response.content.decode()
    assert PremiumBill.objects.count() == 2


def test_someone_elses_upload_is_404(login, regency_admin, approver, programme):
    token = _token(_upload(login(regency_admin), programme, _file(BRANCH_ROWS)))

    response = login(approver).post(reverse("membership:bill-import-confirm", args=[programme.pk, token]))

    assert response.status_code == 404
    assert not PremiumBill.objects.exists()
