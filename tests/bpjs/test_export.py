"""The BPJS registration file and export batches: bpjs/registration_file.py, the
services.export_batch_create section and bpjs/views.py (issue 6, Excel exports 1)."""

import datetime as dt
import re
import threading
import zipfile
from io import BytesIO
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bpjs import registration_file as bpjs_export
from bpjs import services as bpjs_services
from bpjs.models import ExportBatch
from common.formatting import format_datetime
from common.models import ExportRecord
from registrations import workflow
from registrations.enums import Action, NomineeStatus
from registrations.models import Nominee, NomineeEvent
from villages.services import regency_settings_ensure
from tests.clicks import at_once

from .conftest import nik_for

S = NomineeStatus
HEADERS = ["No", "NIK", "Nama", "Tempat lahir", "Tanggal lahir", "Jenis kelamin", "Alamat", "Kode pos",
           "Desa/Kelurahan", "Kecamatan", "No. HP", "Email", "Pekerjaan", "Penghasilan", "Program",
           "Iuran per bulan", "Periode (bulan)", "Tanggal mulai", "Kode wadah"]
YEAR = timezone.localdate().year
WIB = ZoneInfo("Asia/Jakarta")  # Seluma's time zone: the page speaks the regency's local time


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def sheet_of(content: bytes):
    return load_workbook(BytesIO(content)).active


def column(sheet, header):
    return [row[HEADERS.index(header)] for row in sheet.iter_rows(min_row=2)]


def sheet_xml(content: bytes) -> str:
    """The sheet as stored in the file, for what openpyxl reading it back would not tell."""
    with zipfile.ZipFile(BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


# --- The file, without a database ---------------------------------------------------------------

def fake_nominee(**overrides):
    village = SimpleNamespace(name="Niur", postal_code="38876", subdistrict=SimpleNamespace(name="Sukaraja"))
    fields = {"nik": "1705011505900001", "kk": "1705011503200001", "full_name": "Budi Santoso",
              "birth_place": "Seluma", "birth_date": dt.date(1990, 5, 15), "sex": "L", "address": "Jalan Desa No. 1",
              "rt": "001", "rw": "002", "postal_code": "", "phone": "+6281234560001", "email": "",
              "occupation": SimpleNamespace(name="Petani"), "mother_maiden_name": "", "village": village}
    return SimpleNamespace(**{**fields, **overrides})


FAKE_PROGRAMME = SimpleNamespace(income_tier=1_000_000, includes_jht=False, premium_per_month=16_800, months_paid=3,
                                 coverage_start=dt.date(2026, 7, 1), bpjs_funding_code="SG")


def test_file_has_the_default_layout_with_text_identifiers_and_real_dates():
    nominees = [fake_nominee(), fake_nominee(nik="1705015505900002", full_name="Sri", sex="P", phone="",
                                             address="=HYPERLINK(\"http://x\")", rw="")]

    sheet = sheet_of(bpjs_export.registration_workbook(
        rows=bpjs_export.registration_rows(nominees, FAKE_PROGRAMME)))

    assert [cell.value for cell in sheet[1]] == HEADERS == bpjs_export.headers()
    niks = column(sheet, "NIK")
    assert [(c.value, c.number_format, c.data_type) for c in niks] == [
        ("1705011505900001", "@", "s"), ("1705015505900002", "@", "s")]
    phone = column(sheet, "No. HP")[0]
    # As the branch types it (stored as +6281234560001): the leading zero stays, no apostrophe.
    assert (phone.value, phone.data_type, phone.number_format, phone.quotePrefix) == (
        "081234560001", "s", "@", False)
    assert column(sheet, "No. HP")[1].value is None
    birth = column(sheet, "Tanggal lahir")[0]
    assert birth.is_date and birth.value.date() == dt.date(1990, 5, 15)
    assert column(sheet, "Tanggal mulai")[0].value.date() == dt.date(2026, 7, 1)
    address = column(sheet, "Alamat")
    assert [(c.value, c.data_type, c.quotePrefix) for c in address] == [
        ("Jalan Desa No. 1 RT 001/RW 002", "s", False), ("=HYPERLINK(\"http://x\") RT 001", "s", True)]
    assert [c.value for c in sheet[2]] == [
        1, "1705011505900001", "Budi Santoso", "Seluma", birth.value, "L", "Jalan Desa No. 1 RT 001/RW 002",
        "38876", "Niur", "Sukaraja", "081234560001", None, "Petani", 1_000_000, "JKK, JKM", 16_800, 3,
        column(sheet, "Tanggal mulai")[0].value, "SG"]


def test_programme_with_jht_says_so():
    programme = SimpleNamespace(**{**vars(FAKE_PROGRAMME), "includes_jht": True})
    sheet = sheet_of(bpjs_export.registration_workbook(rows=bpjs_export.registration_rows([fake_nominee()],
                                                                                          programme)))
    assert column(sheet, "Program")[0].value == "JKK, JKM, JHT"


# --- The regency's column layout -----------------------------------------------------------------

BRANCH_TEXT = "no\nnik: NIK KTP\nkk: No KK\n\nname: Nama Tenaga Kerja\nbirth_date\nvillage\nfunding_code: Kode Wadah"
BRANCH_LAYOUT = [{"key": "no"}, {"key": "nik", "header": "NIK KTP"}, {"key": "kk", "header": "No KK"},
                 {"key": "name", "header": "Nama Tenaga Kerja"}, {"key": "birth_date"}, {"key": "village"},
                 {"key": "funding_code", "header": "Kode Wadah"}]
BRANCH_HEADERS = ["No", "NIK KTP", "No KK", "Nama Tenaga Kerja", "Tanggal lahir", "Desa/Kelurahan", "Kode Wadah"]


def test_a_typed_layout_keeps_order_and_only_the_headers_the_branch_renamed():
    # "Kode Wadah" differs from the catalogue's "Kode wadah" only in case: still the branch's spelling.
    assert bpjs_export.layout_parse(BRANCH_TEXT) == BRANCH_LAYOUT
    assert bpjs_export.headers(BRANCH_LAYOUT) == BRANCH_HEADERS
    assert bpjs_export.layout_parse(bpjs_export.layout_text(BRANCH_LAYOUT)) == BRANCH_LAYOUT
    assert bpjs_export.layout_text(BRANCH_LAYOUT).splitlines()[:2] == ["no", "nik: NIK KTP"]


def test_the_default_layout_typed_back_is_stored_as_the_default():
    """A regency that only saved the page keeps following the default, should it change later."""
    text = bpjs_export.layout_text([])

    assert text.splitlines() == bpjs_export.DEFAULT_LAYOUT
    assert bpjs_export.layout_parse(text) == []
    assert bpjs_export.layout_parse("  NIK  : NIK\nno") == [{"key": "nik"}, {"key": "no"}]


@pytest.mark.parametrize(("text", "messages"), [
    ("nik\nnama\nname", ['Baris 2: kolom "nama" tidak dikenal. Maksud Anda "name"?']),
    ("nik\nnomor wadah", ['Baris 2: kolom "nomor wadah" tidak dikenal. Pakai kode dari daftar kolom yang tersedia.']),
    ("nik\nname\n\nnik: NIK KTP", ['Baris 4: kolom "nik" sudah ada di baris 1; setiap kolom hanya sekali.']),
    ("", ['Susunan kolom kosong. Tulis satu kolom per baris, atau pilih "Kembalikan ke susunan bawaan".']),
    (" \n\n", ['Susunan kolom kosong. Tulis satu kolom per baris, atau pilih "Kembalikan ke susunan bawaan".']),
    ("no\nname", ['Kolom "nik" wajib ada: BPJS mencocokkan setiap calon peserta dengan NIK-nya.']),
    ("nik: Nomor\nkk: nomor", ['Baris 2: judul "nomor" sudah dipakai di baris 1; judul kolom harus berbeda.']),
    (f"nik: {'x' * 61}", ["Baris 1: judul kolom paling panjang 60 karakter."]),
    ("nik\nnik\numur", ['Baris 2: kolom "nik" sudah ada di baris 1; setiap kolom hanya sekali.',
                         'Baris 3: kolom "umur" tidak dikenal. Pakai kode dari daftar kolom yang tersedia.']),
])
def test_an_unusable_layout_says_why_line_by_line(text, messages):
    with pytest.raises(bpjs_export.LayoutError) as error:
        bpjs_export.layout_parse(text)

    assert error.value.messages == messages


def test_file_in_a_branch_layout_has_its_headers_and_text_identifiers():
    sheet = sheet_of(bpjs_export.registration_workbook(
        rows=bpjs_export.registration_rows([fake_nominee()], FAKE_PROGRAMME), layout=BRANCH_LAYOUT))

    assert [cell.value for cell in sheet[1]] == BRANCH_HEADERS
    row = sheet[2]
    assert [cell.value for cell in row] == [1, "1705011505900001", "1705011503200001", "Budi Santoso", row[4].value,
                                            "Niur", "SG"]
    assert [(row[1].number_format, row[1].data_type), (row[2].number_format, row[2].data_type)] == [
        ("@", "s"), ("@", "s")]
    assert row[4].value.date() == dt.date(1990, 5, 15)


def test_a_typed_header_cannot_run_as_a_formula():
    content = bpjs_export.registration_workbook(rows=[], layout=[{"key": "nik", "header": "=HYPERLINK(1)"}])

    header = sheet_of(content)["A1"]
    assert (header.value, header.data_type, header.quotePrefix) == ("=HYPERLINK(1)", "s", True)
    assert "<f>" not in sheet_xml(content)


@pytest.mark.parametrize("phone", ["+6281270000008", "081270000008", "0812-7000-0008", "+62 812 7000 0008"])
def test_the_phone_is_written_as_the_branch_types_it(phone):
    """Stored +62…, written 08…: digits only, a text cell, nothing in front. A branch importing
    "'+6281270000008" or "+62…" gets a corrupted number."""
    content = bpjs_export.registration_workbook(
        rows=bpjs_export.registration_rows([fake_nominee(phone=phone)], FAKE_PROGRAMME))

    cell = column(sheet_of(content), "No. HP")[0]
    assert (cell.value, cell.data_type, cell.number_format, cell.quotePrefix) == ("081270000008", "s", "@", False)
    assert f'<c r="{cell.coordinate}" s="{cell.style_id}" t="inlineStr"><is><t>081270000008</t></is></c>' in (
        sheet_xml(content))


@pytest.mark.parametrize("typed", ['=HYPERLINK("http://x","klik")', "+62 something", "-abc", "@x", "=1+1"])
def test_text_that_starts_like_a_formula_is_kept_exactly_as_typed(typed):
    """The value is what the person typed, with no apostrophe added; the cell is a string cell
    with Excel's quote-prefix flag, so it stays text even when someone edits it. No formula in
    the file."""
    content = bpjs_export.registration_workbook(rows=bpjs_export.registration_rows(
        [fake_nominee(full_name=typed, birth_place=typed)], FAKE_PROGRAMME))

    sheet = sheet_of(content)
    cells = [column(sheet, "Nama")[0], column(sheet, "Tempat lahir")[0]]
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells] == [(typed, "s", True)] * 2
    assert "<f>" not in sheet_xml(content)
    assert not re.search(r"<c [^>]*t=\"(?:str|e)\"", sheet_xml(content))  # no formula result, no error cell


def test_a_stored_entry_this_version_cannot_read_is_left_out():
    assert bpjs_export.headers([{"key": "nik"}, {"key": "dropped_column"}, "name", {"header": "X"}]) == ["NIK"]
    assert bpjs_export.headers([{"key": "dropped_column"}]) == HEADERS  # nothing left: the default


# --- Making a batch ------------------------------------------------------------------------------

@pytest.fixture
def nominee_in(open_programme, make_nominee):
    """nominee_in(village, officer, serial, status, **fields): a nominee put straight into a status
    (these tests are about the batch, not the review before it)."""
    def _make(village, officer, serial, status, full_name="", **fields):
        nominee = make_nominee(open_programme, village, officer, nik=nik_for(dt.date(1990, 5, 15), serial=serial),
                               full_name=full_name or f"Calon {serial}")
        Nominee.objects.filter(pk=nominee.pk).update(status=status, **fields)
        return Nominee.objects.get(pk=nominee.pk)
    return _make


@pytest.fixture
def two_approved(nominee_in, niur, lubuk_sahung, officer, neighbour_officer):
    """Approved: one in Lubuk Sahung, one in Niur (with an address a spreadsheet would run);
    verified and submitted ones beside them in Niur."""
    return {
        "lubuk": nominee_in(lubuk_sahung, neighbour_officer, 2, S.APPROVED, full_name="Ani"),
        "niur": nominee_in(niur, officer, 1, S.APPROVED, full_name="Budi", address="=1+1", phone="+6281270000008"),
        "verified": nominee_in(niur, officer, 3, S.VERIFIED),
        "submitted": nominee_in(niur, officer, 4, S.SUBMITTED),
    }


def test_batch_sends_exactly_the_approved_unsent_nominees(open_programme, two_approved, regency_admin,
                                                          django_capture_on_commit_callbacks, announced):
    scheduled = announced

    with django_capture_on_commit_callbacks(execute=True):
        batch = bpjs_services.export_batch_create(programme=open_programme, created_by=regency_admin)

    lubuk, niur = two_approved["lubuk"], two_approved["niur"]
    assert (batch.number, batch.row_count, batch.created_by, batch.regency) == (
        f"BPJS-1705-{YEAR}-001", 2, regency_admin, open_programme.regency)
    assert list(Nominee.objects.filter(export_batch=batch).order_by("pk")) == sorted([lubuk, niur],
                                                                                      key=lambda n: n.pk)
    assert dict(Nominee.objects.values_list("full_name", "status")) == {
        "Ani": S.SENT_TO_BPJS, "Budi": S.SENT_TO_BPJS, "Calon 3": S.VERIFIED, "Calon 4": S.SUBMITTED}
    for nominee in (lubuk, niur):
        assert (list(NomineeEvent.objects.filter(nominee=nominee).values_list("actor", "from_status", "to_status"))[-1]
                == (regency_admin.pk, S.APPROVED, S.SENT_TO_BPJS))
    assert scheduled == [open_programme.regency_id]  # one coverage recompute for the whole batch
    # The stored file: Niur (17.05.01.2002) before Lubuk Sahung (.2003), the formula kept as the
    # text typed, the phone as the branch types it.
    sheet = sheet_of(batch.file.open("rb").read())
    assert [c.value for c in column(sheet, "NIK")] == [niur.nik, lubuk.nik]
    address = column(sheet, "Alamat")[0]
    assert (address.value, address.data_type, address.quotePrefix) == ("=1+1 RT 001/RW 002", "s", True)
    assert [(c.value, c.data_type) for c in column(sheet, "No. HP")] == [("081270000008", "s"), (None, "n")]
    assert batch.file.name.endswith(f"{batch.number}.xlsx")


@pytest.mark.parametrize("count", [1, 3])
def test_making_a_batch_costs_the_same_queries_for_1_and_3_nominees(open_programme, nominee_in, niur, officer,
                                                                    regency_admin, django_assert_num_queries, count):
    for serial in range(1, count + 1):
        nominee_in(niur, officer, serial, S.APPROVED)

    # The service: a savepoint, the regency's row lock, the pending nominees (locked, with village,
    # subdistrict and occupation), the last batch number, the regency's column layout (one select), the batch's insert;
    # the workflow's bulk move: a savepoint, the nominees locked within the actor's regions, their
    # villages (with subdistrict, regency and settings), one bulk update, the history rows, the
    # event rows, the export log's row, two releases. Nothing per nominee.
    with django_assert_num_queries(15):
        batch = bpjs_services.export_batch_create(programme=open_programme, created_by=regency_admin)

    assert Nominee.objects.filter(export_batch=batch, status=S.SENT_TO_BPJS).count() == count
    assert NomineeEvent.objects.filter(to_status=S.SENT_TO_BPJS).count() == count
    assert Nominee.history.filter(status=S.SENT_TO_BPJS, history_user=regency_admin).count() == count
    assert ExportRecord.objects.get().row_count == count  # logged with the batch, in its transaction


def test_a_batch_moves_all_its_nominees_or_none(open_programme, nominee_in, niur, officer, regency_admin):
    """One nominee decided elsewhere since the batch looked: nothing is sent, and the person hears
    who decided it."""
    approved = nominee_in(niur, officer, 1, S.APPROVED)
    returned = nominee_in(niur, officer, 2, S.RETURNED, full_name="Wati")
    batch = ExportBatch.objects.create(regency=open_programme.regency, programme=open_programme, number="BPJS-X",
                                       created_by=regency_admin, row_count=2, file="bpjs/x.xlsx")

    with pytest.raises(workflow.TransitionError, match="Wati sudah diputuskan"):
        workflow.nominees_send_to_bpjs(nominee_pks=[approved.pk, returned.pk], actor=regency_admin, batch=batch)

    assert dict(Nominee.objects.values_list("full_name", "status")) == {"Calon 1": S.APPROVED, "Wati": S.RETURNED}
    assert not NomineeEvent.objects.filter(to_status=S.SENT_TO_BPJS).exists()


def test_batch_uses_the_regency_layout_of_the_moment_and_old_batches_stay_as_they_were(
        open_programme, two_approved, regency_admin, seluma):
    bpjs_services.layout_set(regency=seluma, columns=BRANCH_LAYOUT, changed_by=regency_admin)
    first = bpjs_services.export_batch_create(programme=open_programme, created_by=regency_admin)
    stored = first.file.open("rb").read()

    bpjs_services.layout_set(regency=seluma, columns=[{"key": "nik", "header": "Nomor Induk Kependudukan"},
                                                      {"key": "name"}], changed_by=regency_admin)
    Nominee.objects.filter(pk=two_approved["verified"].pk).update(status=S.APPROVED)
    second = bpjs_services.export_batch_create(programme=open_programme, created_by=regency_admin)

    first_sheet, second_sheet = sheet_of(stored), sheet_of(second.file.open("rb").read())
    assert [cell.value for cell in first_sheet[1]] == BRANCH_HEADERS
    assert [[cell.value for cell in row][1:4] for row in first_sheet.iter_rows(min_row=2)] == [
        [two_approved["niur"].nik, two_approved["niur"].kk, "Budi"],
        [two_approved["lubuk"].nik, two_approved["lubuk"].kk, "Ani"]]
    assert [[cell.value for cell in row] for row in second_sheet.iter_rows()] == [
        ["Nomor Induk Kependudukan", "Nama"], [two_approved["verified"].nik, "Calon 3"]]
    assert ExportBatch.objects.get(pk=first.pk).file.open("rb").read() == stored  # byte for byte


def test_second_batch_takes_only_the_newly_approved(open_programme, two_approved, approver):
    first = bpjs_services.export_batch_create(programme=open_programme, created_by=approver)
    Nominee.objects.filter(pk=two_approved["verified"].pk).update(status=S.APPROVED)

    second = bpjs_services.export_batch_create(programme=open_programme, created_by=approver)

    assert second.number == f"BPJS-1705-{YEAR}-002"
    assert list(second.nominees.all()) == [Nominee.objects.get(pk=two_approved["verified"].pk)]
    assert first.nominees.count() == 2 and second.row_count == 1


def test_nothing_to_send_is_refused(open_programme, nominee_in, niur, officer, regency_admin):
    nominee_in(niur, officer, 1, S.VERIFIED)

    with pytest.raises(ValidationError) as error:
        bpjs_services.export_batch_create(programme=open_programme, created_by=regency_admin)

    assert error.value.messages == ["Tidak ada calon berstatus disetujui yang belum dikirim ke BPJS."]
    assert ExportBatch.objects.count() == 0


@pytest.mark.parametrize("persona", ["bpjs_officer", "reviewer", "viewer", "other_admin"])
def test_only_the_office_makes_batches(request, open_programme, two_approved, persona):
    with pytest.raises(ValidationError) as error:
        bpjs_services.export_batch_create(programme=open_programme, created_by=request.getfixturevalue(persona))

    assert error.value.messages == ["Anda tidak berwenang membuat batch kirim BPJS untuk kabupaten/kota ini."]
    assert (ExportBatch.objects.count(), Nominee.objects.filter(status=S.SENT_TO_BPJS).count()) == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_two_offices_clicking_at_once_make_one_batch(open_programme, two_approved, regency_admin, approver):
    """Two threads, two connections, the regency's row lock: one batch takes both nominees, the
    other finds nothing left, and no nominee is in two batches."""
    barrier = threading.Barrier(2)
    outcome = {}

    def create_in_thread(user):
        try:
            barrier.wait(timeout=10)
            outcome[user.username] = bpjs_services.export_batch_create(programme=open_programme, created_by=user).number
        except ValidationError as error:
            outcome[user.username] = error.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=create_in_thread, args=(user,)) for user in (regency_admin, approver)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcome.values()) == [f"BPJS-1705-{YEAR}-001",
                                        "Tidak ada calon berstatus disetujui yang belum dikirim ke BPJS."]
    assert list(ExportBatch.objects.values_list("number", "row_count")) == [(f"BPJS-1705-{YEAR}-001", 2)]
    assert Nominee.objects.filter(status=S.SENT_TO_BPJS, export_batch__isnull=False).count() == 2


def test_sending_one_nominee_outside_a_batch_is_refused(two_approved, regency_admin):
    with pytest.raises(workflow.TransitionError) as error:
        workflow.nominee_decide(nominee=two_approved["niur"], action=Action.SEND_TO_BPJS, actor=regency_admin)

    assert str(error.value) == "Calon dikirim ke BPJS hanya lewat batch kirim BPJS."
    assert Nominee.objects.get(pk=two_approved["niur"].pk).status == S.APPROVED


# --- The pages -----------------------------------------------------------------------------------

def list_url(programme):
    return reverse("registrations:export-batch-list", args=[programme.pk])


def create_url(programme):
    return reverse("registrations:export-batch-create", args=[programme.pk])


def confirm_form(page) -> dict:
    """The confirmation page's form as the browser sends it: the moment it was shown and the count."""
    html = page.content.decode()
    return {"shown": re.search(r'name="shown" value="([^"]+)"', html).group(1),
            "expected": re.search(r'name="expected" value="(\d+)"', html).group(1)}


def test_approver_confirms_the_list_then_makes_the_batch(login, open_programme, two_approved, approver):
    client = login(approver)
    listed = client.get(list_url(open_programme)).content.decode()
    assert f'href="{create_url(open_programme)}">Buat batch kirim BPJS (2 calon disetujui)</a>' in listed

    confirm = client.get(create_url(open_programme))

    # The confirmation shows who would go, and makes nothing yet.
    page = confirm.content.decode()
    assert "<strong>2 calon disetujui</strong> dari <strong>2 desa/kelurahan</strong> akan masuk batch ini." in page
    shown = confirm.context["page"].object_list
    assert [(row["full_name"], row["village__name"], row["nik_shown"]) for row in shown] == [
        ("Budi", "Niur", two_approved["niur"].nik), ("Ani", "Lubuk Sahung", two_approved["lubuk"].nik)]
    assert "Calon 3" not in page and "Calon 4" not in page  # verified, submitted: not yet
    assert "Ya, buat batch kirim BPJS (2 calon)" in page
    assert ExportBatch.objects.count() == 0
    assert Nominee.objects.filter(status=S.SENT_TO_BPJS).count() == 0

    response = client.post(create_url(open_programme), confirm_form(confirm), follow=True)

    batch = ExportBatch.objects.get()
    assert response.redirect_chain == [(list_url(open_programme), 302)]
    content = response.content.decode()
    assert f"Batch {batch.number} dibuat: 2 calon tercatat dikirim ke BPJS." in content
    assert batch.number in content and "Buat batch kirim BPJS (" not in content
    assert "Tidak ada calon disetujui yang menunggu dikirim ke BPJS." in content


def test_the_confirmation_shows_the_nik_as_the_role_sees_it(login, open_programme, two_approved, regency_admin):
    from accounts.enums import FULL_IDENTIFIER_ROLES, OFFICE_ROLES

    # Both roles that make batches work with the person (and hand the file with NIKs to BPJS).
    assert OFFICE_ROLES <= FULL_IDENTIFIER_ROLES
    page = login(regency_admin).get(create_url(open_programme)).content.decode()

    assert two_approved["niur"].nik in page and two_approved["lubuk"].nik in page


def test_a_large_list_is_shown_a_page_at_a_time_and_the_count_is_for_the_whole(
        login, open_programme, niur, regency_admin, add_nominees):
    add_nominees(open_programme, niur, 105, status=S.APPROVED)
    client = login(regency_admin)

    first = client.get(create_url(open_programme))
    second = client.get(create_url(open_programme), {"page": "2"})

    assert [len(first.context["page"].object_list), len(second.context["page"].object_list)] == [100, 5]
    page = first.content.decode()
    assert "<strong>105 calon disetujui</strong> dari <strong>1 desa/kelurahan</strong>" in page
    assert "Halaman 1 dari 2" in page and "?page=2" in page
    assert confirm_form(first)["expected"] == confirm_form(second)["expected"] == "105"
    assert '<td class="num">101</td>' in second.content.decode()  # numbered on from the first page
    assert "Batch sebesar ini dibuat di latar belakang" not in page  # 105 is made in the request


def test_a_batch_over_the_inline_limit_says_it_is_made_in_the_background(login, open_programme, two_approved,
                                                                         regency_admin, settings):
    settings.BPJS_INLINE_MAX_ROWS = 1

    page = login(regency_admin).get(create_url(open_programme)).content.decode()

    assert "Batch sebesar ini dibuat di latar belakang" in page


@pytest.mark.parametrize("count", [1, 3])
def test_the_confirmation_costs_the_same_queries_for_1_and_3_nominees(
        login, open_programme, nominee_in, niur, officer, regency_admin, django_assert_num_queries, count):
    for serial in range(1, count + 1):
        nominee_in(niur, officer, serial, S.APPROVED)
    client = login(regency_admin)

    # The user, the user's regions (scope), the programme with its regency, the regency
    # (scope check), the count of nominees and villages, the paginator's count, the page of
    # nominees with their villages, the unread notices (header). The session is read from Redis.
    with django_assert_num_queries(8):
        response = client.get(create_url(open_programme))
    assert len(response.context["page"].object_list) == count


def test_a_list_that_changed_since_it_was_confirmed_is_shown_again(login, open_programme, two_approved, nominee_in,
                                                                    niur, officer, regency_admin):
    client = login(regency_admin)
    form = confirm_form(client.get(create_url(open_programme)))
    nominee_in(niur, officer, 7, S.APPROVED, full_name="Dewi")  # approved meanwhile

    response = client.post(create_url(open_programme), form)

    assert response.status_code == 200
    page = response.content.decode()
    assert "calon disetujui yang menunggu dikirim berubah dari 2 menjadi 3. Batch belum dibuat." in page
    assert "Dewi" in page and confirm_form(response)["expected"] == "3"
    assert ExportBatch.objects.count() == 0
    assert client.post(create_url(open_programme), confirm_form(response)).status_code == 302
    assert ExportBatch.objects.get().row_count == 3


def test_the_service_refuses_a_count_that_changed(open_programme, two_approved, regency_admin):
    with pytest.raises(ValidationError) as error:
        bpjs_services.export_batch_create(programme=open_programme, created_by=regency_admin, expected=3)

    assert error.value.code == bpjs_services.BATCH_CHANGED
    assert (ExportBatch.objects.count(), Nominee.objects.filter(status=S.SENT_TO_BPJS).count()) == (0, 0)


def test_the_same_confirmation_sent_twice_makes_one_batch_and_says_so(login, open_programme, two_approved,
                                                                      nominee_in, niur, officer, regency_admin):
    client = login(regency_admin)
    form = confirm_form(client.get(create_url(open_programme)))
    client.post(create_url(open_programme), form)
    nominee_in(niur, officer, 7, S.APPROVED, full_name="Dewi")  # even with someone new waiting

    again = client.post(create_url(open_programme), form, follow=True)

    batch = ExportBatch.objects.get()
    assert again.redirect_chain == [(list_url(open_programme), 302)]
    assert (f"Batch {batch.number} (2 calon) sudah dibuat pada "
            f"{format_datetime(timezone.localtime(batch.created_at, WIB))} oleh kiriman pertama Anda; kiriman kedua "
            "tidak membuat batch baru.") in again.content.decode()
    assert Nominee.objects.get(full_name="Dewi").status == S.APPROVED


@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_the_confirmation_makes_one_batch_and_the_second_is_told(open_programme, two_approved,
                                                                                    regency_admin):
    """Two requests of the same form at once: the second waits for the regency's lock, finds
    nothing left to send, and is told of the first's batch instead of "nothing to send"."""
    from django.test import Client

    clients = [Client(), Client()]
    for client in clients:
        client.force_login(regency_admin)
    form = confirm_form(clients[0].get(create_url(open_programme)))
    # The page's text, not response.context: the test client's template capture is global and
    # would mix the two threads' pages.
    answers = at_once(clients, lambda client: client.post(create_url(open_programme), form, follow=True)
                      .content.decode())

    batch = ExportBatch.objects.get()
    assert batch.row_count == 2
    made = f"Batch {batch.number} dibuat: 2 calon tercatat dikirim ke BPJS."
    told = (f"Batch {batch.number} (2 calon) sudah dibuat pada "
            f"{format_datetime(timezone.localtime(batch.created_at, WIB))} oleh kiriman pertama Anda; kiriman kedua "
            "tidak membuat batch baru.")
    assert sorted((made in page, told in page) for page in answers) == [(False, True), (True, False)]
    assert not any("Tidak ada calon berstatus disetujui" in page for page in answers)


def test_a_large_batch_confirmed_twice_starts_one_job(login, open_programme, two_approved, regency_admin, settings):
    """Above BPJS_INLINE_MAX_ROWS the worker makes the batch (bpjs/jobs.py, tests/bpjs/test_jobs.py):
    the same form sent again while it works is sent to the first job's progress page."""
    from common.models import Job

    settings.BPJS_INLINE_MAX_ROWS = 1
    client = login(regency_admin)
    form = confirm_form(client.get(create_url(open_programme)))

    first = client.post(create_url(open_programme), form)
    again = client.post(create_url(open_programme), form, follow=True)

    job = Job.objects.get()
    assert (job.kind, job.params, job.total) == ("bpjs.batch", {"programme_id": open_programme.pk, "expected": 2}, 2)
    assert first.url == again.redirect_chain[0][0] == reverse("job-status", args=[job.pk])
    assert "Batch kirim BPJS sedang dibuat oleh kiriman pertama Anda" in again.content.decode()


def test_a_new_confirmation_makes_the_next_batch(login, open_programme, two_approved, nominee_in, niur, officer,
                                                 regency_admin):
    client = login(regency_admin)
    client.post(create_url(open_programme), confirm_form(client.get(create_url(open_programme))))
    nominee_in(niur, officer, 7, S.APPROVED, full_name="Dewi")

    client.post(create_url(open_programme), confirm_form(client.get(create_url(open_programme))))

    assert list(ExportBatch.objects.order_by("pk").values_list("row_count", flat=True)) == [2, 1]


def test_making_a_batch_with_nothing_to_send_says_so(login, open_programme, regency_admin):
    client = login(regency_admin)
    confirm = client.get(create_url(open_programme)).content.decode()
    assert "Tidak ada calon disetujui yang menunggu dikirim ke BPJS" in confirm and "Ya, buat batch" not in confirm

    response = client.post(create_url(open_programme), follow=True)

    assert "Tidak ada calon berstatus disetujui yang belum dikirim ke BPJS." in response.content.decode()
    assert ExportBatch.objects.count() == 0


@pytest.fixture
def batch(open_programme, two_approved, regency_admin):
    return bpjs_services.export_batch_create(programme=open_programme, created_by=regency_admin)


@pytest.mark.parametrize("persona", ["regency_admin", "approver", "reviewer", "bpjs_officer"])
def test_download_returns_the_stored_file_unchanged(request, login, batch, seluma, persona):
    client = login(request.getfixturevalue(persona))
    url = reverse("registrations:export-batch-download", args=[batch.pk])

    first = client.get(url)
    # A later layout change does not touch a batch handed over.
    bpjs_services.layout_set(regency=seluma, columns=BRANCH_LAYOUT, changed_by=batch.created_by)
    again = client.get(url)

    stored = batch.file.open("rb").read()
    assert b"".join(first.streaming_content) == b"".join(again.streaming_content) == stored
    assert first["Cache-Control"] == "no-store"
    assert first["Content-Disposition"] == f'attachment; filename="{batch.number}.xlsx"'


@pytest.mark.parametrize("persona", ["viewer", "province_viewer", "other_admin", "officer", "sysadmin"])
def test_download_is_a_404_for_everyone_else(request, login, batch, persona):
    response = login(request.getfixturevalue(persona)).get(
        reverse("registrations:export-batch-download", args=[batch.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(("persona", "list_status", "create_status"), [
    ("regency_admin", 200, 302), ("bpjs_officer", 200, 404), ("reviewer", 200, 404), ("viewer", 200, 404),
    ("other_admin", 404, 404), ("officer", 404, 404),
])
def test_who_sees_the_list_and_who_makes_batches(request, login, open_programme, two_approved, persona,
                                                 list_status, create_status):
    client = login(request.getfixturevalue(persona))

    listed = client.get(list_url(open_programme))
    confirm = client.get(create_url(open_programme))
    created = client.post(create_url(open_programme))

    assert (listed.status_code, created.status_code) == (list_status, create_status)
    assert confirm.status_code == (200 if create_status == 302 else 404)
    assert ExportBatch.objects.count() == (1 if create_status == 302 else 0)
    if list_status == 200:
        assert ("Buat batch kirim BPJS" in listed.content.decode()) == (persona == "regency_admin")


def test_bpjs_officer_sees_download_links_and_the_viewer_does_not(login, batch, bpjs_officer, viewer):
    download = reverse("registrations:export-batch-download", args=[batch.pk])
    record = reverse("registrations:export-batch-record", args=[batch.pk])

    officer_page = login(bpjs_officer).get(list_url(batch.programme)).content.decode()
    viewer_page = login(viewer).get(list_url(batch.programme)).content.decode()

    assert download in officer_page and record in officer_page
    assert download not in viewer_page and record in viewer_page


@pytest.mark.parametrize("count", [1, 3])
def test_batch_list_query_count_is_constant(login, open_programme, regency_admin, django_assert_num_queries,
                                            count):
    for number in range(1, count + 1):
        ExportBatch.objects.create(regency=open_programme.regency, programme=open_programme,
                                   number=f"BPJS-1705-{YEAR}-{number:03d}", created_by=regency_admin,
                                   row_count=number, file=f"bpjs/{number}.xlsx")
    client = login(regency_admin)
    url = list_url(open_programme)
    # The user, the user's regions, the programme, the regency, the batches with their makers,
    # the approved nominees waiting (a count), the unread notices (base template).
    # The session is read from Redis.
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.content.decode().count("Berita acara") == count


def test_programme_page_links_to_the_batches(login, open_programme, bpjs_officer):
    page = login(bpjs_officer).get(reverse("registrations:programme-detail", args=[open_programme.pk]))
    assert list_url(open_programme) in page.content.decode()


def test_hand_over_record_shows_the_counts(login, batch, bpjs_officer, seluma):
    office = regency_settings_ensure(regency=seluma)
    office.head_name, office.head_nip = "Drs. Hendri Yanto", "197001011995031001"
    office.save()

    response = login(bpjs_officer).get(reverse("registrations:export-batch-record", args=[batch.pk]))

    content = response.content.decode()
    assert "Berita Acara Serah Terima Data" in content and batch.number in content
    assert "<strong>2 orang</strong> dari 2 desa/kelurahan di 1 kecamatan" in content
    rows = [(r["village__name"], r["count"]) for r in response.context["villages"]]
    assert rows == [("Niur", 1), ("Lubuk Sahung", 1)]
    assert "Drs. Hendri Yanto" in content and "NIP 197001011995031001" in content
    assert "Rp100.800" in content  # 2 people × Rp16.800 × 3 months


@pytest.mark.parametrize("persona", ["other_admin", "officer"])
def test_hand_over_record_is_a_404_out_of_scope(request, login, batch, persona):
    response = login(request.getfixturevalue(persona)).get(
        reverse("registrations:export-batch-record", args=[batch.pk]))
    assert response.status_code == 404
