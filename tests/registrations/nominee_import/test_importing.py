"""registrations/nominee_import/importing.py and views.py: preview without writes, confirm, refusals,
OpenSID, rejected rows, scope."""

import datetime as dt
import os
import time
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from common import uploads
from registrations import services
from registrations.enums import QuotaRule
from registrations.models import Nominee
from registrations.nominee_import import importing as imports
from registrations.nominee_import import workbook as excel
from registrations.nominee_import.views import SESSION_KEY

from ..workbooks import workbook_bytes

TODAY = dt.date.today()
HEADERS = [column.header for column in excel.TEMPLATE_COLUMNS]
NIK = "1705011505900001"  # a man born 15-05-1990, registered in Kec. Sukaraja, Seluma
VALID_ROW = {
    "NIK": NIK, "No. KK": "1705010101200001", "Nama lengkap": "Budi Santoso", "Tempat lahir": "Seluma",
    "Tanggal lahir": "15-05-1990", "Jenis kelamin (L/P)": "L", "Alamat": "Dusun II", "RT": "3", "RW": "1",
    "No. HP": "0812 3456 7890", "Pekerjaan": "petani", "Sumber data": "DTSEN", "Desil": "2",
    "Persetujuan (Ya)": "Ya",
}


def row(**changes):
    return {**VALID_ROW, **{key.replace("_", " "): value for key, value in changes.items()}}




def upload(content, name="calon.xlsx"):
    return SimpleUploadedFile(name, content, content_type=excel_type())


def excel_type():
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def programme(seluma, regency_admin):
    return services.programme_create(
        regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan 2026", year=2026, stage=1,
        coverage_start=TODAY + dt.timedelta(days=14), nomination_opens=TODAY,
        nomination_closes=TODAY + dt.timedelta(days=30),
    )


def stored_uploads(media):
    folder = media / "imports"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


# --- The service ------------------------------------------------------------------------------

def test_preview_reports_a_valid_row_and_saves_nothing(programme, niur):
    report = imports.import_preview(content=workbook_bytes([VALID_ROW]), programme=programme, village=niur)

    assert [r.as_dict() for r in report.rows] == [{"row": 2, "status": "ok", "errors": [], "warnings": []}]
    assert Nominee.objects.count() == 0


def test_apply_saves_the_valid_rows_through_the_service(programme, niur, officer):
    report = imports.import_apply(content=workbook_bytes([VALID_ROW, row(NIK="17050115059")]), programme=programme,
                                  village=niur, created_by=officer)

    assert [(r.row, r.status) for r in report.rows] == [(2, "saved"), (3, "error")]
    nominee = Nominee.objects.get()
    assert (nominee.nik, nominee.kk, nominee.full_name, nominee.phone, nominee.occupation.name, nominee.rt,
            nominee.data_source, nominee.decile, nominee.village, nominee.created_by, nominee.status) == (
        NIK, "1705010101200001", "Budi Santoso", "+6281234567890", "Petani", "003", "dtsen", 2, niur, officer,
        "draft")


def test_numeric_nik_is_refused_with_the_fifteen_digit_explanation(programme, niur):
    report = imports.import_preview(content=workbook_bytes([row(NIK=1705011505900001)]), programme=programme,
                                    village=niur)

    [outcome] = report.rows
    assert outcome.status == "error"
    assert [p.column for p in outcome.errors] == ["NIK"]
    assert "Excel hanya menyimpan 15 digit angka, jadi digit ke-16 sudah hilang" in outcome.errors[0].message


def test_same_nik_twice_in_the_file_refuses_both_rows(programme, niur):
    report = imports.import_preview(content=workbook_bytes([VALID_ROW, row(Nama_lengkap="Budi S."), row(
        NIK="1705011505900002", Nama_lengkap="Andi Saputra")]), programme=programme, village=niur)

    assert [r.status for r in report.rows] == ["error", "error", "ok"]
    assert report.rows[0].errors == [imports.Problem(
        "NIK", "NIK yang sama ada di baris 2, 3 berkas ini. Satu orang hanya boleh diusulkan sekali; "
               "hapus baris yang salah.")]


def test_warnings_are_reported_and_confirmed_by_the_import(programme, niur, officer):
    content = workbook_bytes([row(**{"Jenis kelamin (L/P)": "P"})])  # the NIK says a man

    preview = imports.import_preview(content=content, programme=programme, village=niur)
    applied = imports.import_apply(content=content, programme=programme, village=niur, created_by=officer)

    assert [(r.status, [p.column for p in r.warnings]) for r in preview.rows] == [("warning", ["Jenis kelamin (L/P)"])]
    assert [r.status for r in applied.rows] == ["saved"]
    assert Nominee.objects.get().confirmed_warnings == ["nik_sex_mismatch"]


def test_form_errors_carry_the_column_name(programme, niur):
    report = imports.import_preview(content=workbook_bytes([row(RT=None, Pekerjaan="Astronot", **{
        "Persetujuan (Ya)": None})]), programme=programme, village=niur)

    errors = {p.column: p.message for p in report.rows[0].errors}
    assert errors["RT"] == "Isi RT."
    assert errors["Pekerjaan"].startswith('Pekerjaan "Astronot" tidak ada di daftar. Pilih salah satu: Petani, ')
    assert errors["Persetujuan (Ya)"] == "Persetujuan calon peserta wajib dicatat sebelum data disimpan."


@pytest.mark.parametrize(("written", "shown"), [
    ("31-02-1990", "31-02-1990"),  # no 31 February: the officer must find this cell among hundreds
    ("15 Mei 90an", "15 Mei 90an"),
    (99999, "99999"),  # a number no date serial reaches
])
def test_an_unreadable_birth_date_is_named_in_the_row_error(programme, niur, written, shown):
    report = imports.import_preview(content=workbook_bytes([row(**{"Tanggal lahir": written})]),
                                    programme=programme, village=niur)

    [outcome] = report.rows
    assert outcome.status == "error"
    assert outcome.errors == [imports.Problem(
        "Tanggal lahir", f"Tanggal lahir '{shown}' tidak dapat dibaca: tulis HH-BB-TTTT, mis. 15-05-1990.")]


def test_the_rejected_rows_workbook_names_the_unreadable_date_in_its_reason(programme, niur):
    report = imports.import_preview(content=workbook_bytes([VALID_ROW, row(NIK="1705011505900002", **{
        "Tanggal lahir": "31-02-1990"})]), programme=programme, village=niur)

    sheet = load_workbook(BytesIO(imports.rejected_rows_workbook(report)))[excel.DATA_SHEET]
    header = [cell.value for cell in sheet[1]]
    rejected = [cell.value for cell in sheet[2]]
    assert rejected[header.index("Tanggal lahir")] == "31-02-1990"
    assert "Tanggal lahir '31-02-1990' tidak dapat dibaca" in rejected[header.index(excel.REASON_HEADER)]


def test_rows_past_the_quota_are_reported_not_saved(programme, niur, officer, regency_admin):
    services.programme_update(programme=programme, changed_by=regency_admin, quota_per_village=1)

    report = imports.import_apply(content=workbook_bytes([VALID_ROW, row(NIK="1705011505900002")]),
                                  programme=programme, village=niur, created_by=officer)

    assert [(r.status, [p.message for p in r.errors]) for r in report.rows] == [
        ("saved", []),
        ("not_saved", ["Kuota desa sudah penuh (1 dari 1). Hapus calon draf yang batal diusulkan, "
                       "atau minta dinas menambah kuota."]),
    ]
    assert Nominee.objects.count() == 1


def test_a_nik_already_nominated_is_an_error(programme, niur, lubuk_sahung, officer, neighbour_officer):
    imports.import_apply(content=workbook_bytes([VALID_ROW]), programme=programme, village=lubuk_sahung,
                         created_by=neighbour_officer)

    report = imports.import_preview(content=workbook_bytes([VALID_ROW]), programme=programme, village=niur)

    assert [p.message for p in report.rows[0].errors] == [
        "NIK ini sudah diusulkan oleh desa lain di Kabupaten Seluma, status: draf."]


def test_only_the_village_officer_may_apply(programme, niur, neighbour_officer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        imports.import_apply(content=workbook_bytes([VALID_ROW]), programme=programme, village=niur,
                             created_by=neighbour_officer)
    assert Nominee.objects.count() == 0


# --- OpenSID ----------------------------------------------------------------------------------

OPENSID_HEADERS = ["Peserta", "No. Peserta", "NIK", "Nama", "Tempat Lahir", "Tanggal Lahir", "Alamat"]
OPENSID_ROW = {"Peserta": NIK, "No. Peserta": "PKH-7", "NIK": NIK, "Nama": "BUDI SANTOSO", "Tempat Lahir": "SELUMA",
               "Tanggal Lahir": "1990-05-15", "Alamat": "RT 003 RW 001 Dusun II"}


def test_opensid_rows_are_checked_and_missing_fields_become_errors_to_fix(programme, niur):
    content = workbook_bytes([OPENSID_ROW], headers=OPENSID_HEADERS, title="Peserta", extra_sheets=["Program"])

    report = imports.import_preview(content=content, programme=programme, village=niur)

    [outcome] = report.rows
    assert (report.kind, outcome.status) == ("opensid", "error")
    assert {p.column: p.message for p in outcome.errors} == {
        "No. KK": "Kolom No. KK tidak ada di berkas ekspor OpenSID; isi di berkas perbaikan.",
        "Jenis kelamin (L/P)": "Kolom Jenis kelamin (L/P) tidak ada di berkas ekspor OpenSID; isi di berkas perbaikan.",
        "Pekerjaan": "Kolom Pekerjaan tidak ada di berkas ekspor OpenSID; isi di berkas perbaikan.",
        "Persetujuan (Ya)": "Kolom Persetujuan (Ya) tidak ada di berkas ekspor OpenSID; isi di berkas perbaikan.",
    }


def test_opensid_rejected_rows_are_completed_and_uploaded_again(programme, niur, officer):
    content = workbook_bytes([OPENSID_ROW], headers=OPENSID_HEADERS, title="Peserta", extra_sheets=["Program"])
    rejected = imports.rejected_rows_workbook(
        imports.import_preview(content=content, programme=programme, village=niur))

    workbook = load_workbook(BytesIO(rejected))
    sheet = workbook["Calon peserta"]
    assert [sheet.cell(row=2, column=i).value for i in (1, 3, 4, 5, 7, 8)] == [
        NIK, "BUDI SANTOSO", "SELUMA", dt.datetime(1990, 5, 15), "RT 003 RW 001 Dusun II", "3"]
    assert sheet.cell(row=2, column=5).number_format == "DD-MM-YYYY"
    for column, value in [(2, "1705010101200001"), (6, "L"), (13, "Petani"), (18, "Ya")]:
        sheet.cell(row=2, column=column, value=value)
    fixed = BytesIO()
    workbook.save(fixed)

    report = imports.import_apply(content=fixed.getvalue(), programme=programme, village=niur, created_by=officer)

    assert [r.status for r in report.rows] == ["saved"]
    assert (Nominee.objects.get().full_name, Nominee.objects.get().birth_date) == ("BUDI SANTOSO", dt.date(1990, 5, 15))


# --- Pages ------------------------------------------------------------------------------------

def upload_url(village):
    return reverse("registrations:import-upload", kwargs={"village_pk": village.pk})


def test_template_download(login, officer):
    response = login(officer).get(reverse("registrations:import-template"))

    assert response.status_code == 200
    assert response["Content-Type"] == excel_type()
    sheet = load_workbook(BytesIO(response.content))["Calon peserta"]
    assert [cell.value for cell in sheet[1]] == HEADERS


def test_upload_preview_confirm_saves_only_after_confirmation(login, programme, niur, officer, media):
    client = login(officer)

    response = client.post(upload_url(niur), {"file": upload(workbook_bytes([VALID_ROW, row(NIK="123")]))})

    token = list(client.session[SESSION_KEY])[0]
    assert response.status_code == 302
    assert response["Location"] == reverse("registrations:import-preview",
                                           kwargs={"village_pk": niur.pk, "token": token})
    # The session knows the token and ids only; the file waits on disk.
    assert client.session[SESSION_KEY] == {token: {"village": niur.pk, "programme": programme.pk, "applied": None}}
    assert stored_uploads(media) == [f"{token}.xlsx"]

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["valid_count"] == 1 and page.context["error_count"] == 1
    assert [r.status for r in page.context["rows"]] == ["ok", "error"]
    confirm_url = reverse("registrations:import-confirm", kwargs={"village_pk": niur.pk, "token": token})
    assert f'<form method="post" action="{confirm_url}">' in page.content.decode()
    assert "Simpan 1 baris yang siap" in page.content.decode()
    (problem, *_) = page.context["rows"][1].errors
    assert f'<li class="error"><strong>{problem.column}:</strong> {problem.message}</li>' in page.content.decode()
    assert Nominee.objects.count() == 0

    confirmed = client.post(reverse("registrations:import-confirm", kwargs={"village_pk": niur.pk, "token": token}))

    assert confirmed["Location"] == reverse("registrations:import-result",
                                            kwargs={"village_pk": niur.pk, "token": token})
    assert list(Nominee.objects.values_list("full_name", flat=True)) == ["Budi Santoso"]
    assert stored_uploads(media) == [f"{token}-ditolak.xlsx"]  # the upload is gone, the rejected row stays
    result = client.get(confirmed["Location"])
    assert result.context["applied"] == {"saved": 1, "errors": 1, "not_saved": []}
    # Confirming again saves nothing more.
    client.post(reverse("registrations:import-confirm", kwargs={"village_pk": niur.pk, "token": token}))
    assert Nominee.objects.count() == 1


@pytest.mark.parametrize(("rule", "remaining", "over_quota"), [
    ({"quota_per_village": 2}, 1, True),  # the village's own places: 2, one taken
    ({"quota_rule": QuotaRule.REGENCY_TOTAL, "quota_total": 3}, 2, False),  # the regency's: 3, one taken
    ({"quota_rule": QuotaRule.NONE}, None, False),
])
def test_preview_warns_from_the_quota_standing(login, programme, niur, officer, regency_admin, rule, remaining,
                                               over_quota):
    """The places left are registrations.quotas' standing, whatever the rule: rows past them will
    be refused by nominee_create, so the preview says so before anything is saved."""
    services.programme_update(programme=programme, changed_by=regency_admin, **rule)
    imports.import_apply(content=workbook_bytes([VALID_ROW]), programme=programme, village=niur, created_by=officer)
    client = login(officer)
    client.post(upload_url(niur), {"file": upload(workbook_bytes([row(NIK="1705011505900002"),
                                                                  row(NIK="1705011505900003")]))})
    token = list(client.session[SESSION_KEY])[0]

    page = client.get(reverse("registrations:import-preview", kwargs={"village_pk": niur.pk, "token": token}))

    assert (page.context["valid_count"], page.context["remaining"], page.context["over_quota"]) == (
        2, remaining, over_quota)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("calon.csv", b"NIK;Nama\n", "Berkas harus berformat Excel .xlsx"),
    ("calon.xlsx", b"NIK;Nama\n", "Berkas harus berformat Excel .xlsx"),
    ("calon.xlsx", b"0" * (5 * 1024 * 1024 + 1), "Berkas terlalu besar (5,0 MB); batasnya 5 MB."),
    ("calon.xlsx", workbook_bytes([VALID_ROW], headers=HEADERS[:5]),
     "Kolom wajib tidak ditemukan di lembar &quot;Calon peserta&quot;: Jenis kelamin (L/P), Alamat, RT, Pekerjaan, "
     "Persetujuan (Ya)."),
    ("calon.xlsx", workbook_bytes([]), "tidak berisi data calon peserta"),
])
def test_refused_files_change_nothing(login, programme, niur, officer, media, name, content, message):
    client = login(officer)

    response = client.post(upload_url(niur), {"file": upload(content, name)})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Nominee.objects.count() == 0
    assert stored_uploads(media) == []
    assert SESSION_KEY not in client.session


def test_rejected_rows_download_has_the_alasan_column(login, programme, niur, officer):
    client = login(officer)
    client.post(upload_url(niur), {"file": upload(workbook_bytes([VALID_ROW, row(NIK="1705011505900002", RT=None)]))})
    token = list(client.session[SESSION_KEY])[0]

    response = client.get(reverse("registrations:import-rejected", kwargs={"village_pk": niur.pk, "token": token}))

    assert response.status_code == 200
    assert response["Content-Type"] == excel_type()
    sheet = load_workbook(BytesIO(response.content))["Calon peserta"]
    assert [cell.value for cell in sheet[1]] == [*HEADERS, "Alasan"]
    assert [[cell.value for cell in r] for r in sheet.iter_rows(min_row=2, max_row=sheet.max_row)
            if r[0].value] == [[
        "1705011505900002", "1705010101200001", "Budi Santoso", "Seluma", dt.datetime(1990, 5, 15), "L", "Dusun II",
        None, "1", None, "0812 3456 7890", None, "petani", None, "DTSEN", "2", None, "Ya", None,
        "Baris 3: RT: Isi RT.",
    ]]
    assert Nominee.objects.count() == 0


@pytest.mark.parametrize("typed", [dt.datetime(1991, 8, 25), "25-08-1991", "25/08/1991", "1991-08-25"])
def test_the_rejected_rows_file_dates_as_the_template_asks_and_uploads_again_fixed(login, programme, niur, officer,
                                                                                   typed):
    """However the officer wrote the birth date, the file they download shows it DD-MM-YYYY, as the
    template's "Tanggal lahir" column asks, and once the row is fixed the same file is saved."""
    client = login(officer)
    nik = "1705012508910003"  # a man born 25-08-1991
    client.post(upload_url(niur), {"file": upload(workbook_bytes([row(NIK=nik, Tanggal_lahir=typed, RT=None)]))})
    token = list(client.session[SESSION_KEY])[0]

    response = client.get(reverse("registrations:import-rejected", kwargs={"village_pk": niur.pk, "token": token}))

    workbook = load_workbook(BytesIO(response.content))
    sheet = workbook["Calon peserta"]
    birth = sheet.cell(row=2, column=HEADERS.index("Tanggal lahir") + 1)
    assert (birth.value, birth.number_format, birth.is_date) == (dt.datetime(1991, 8, 25), "DD-MM-YYYY", True)
    sheet.cell(row=2, column=HEADERS.index("RT") + 1, value="3")
    fixed = BytesIO()
    workbook.save(fixed)

    client.post(upload_url(niur), {"file": upload(fixed.getvalue())})
    token = [key for key in client.session[SESSION_KEY] if key != token][0]
    client.post(reverse("registrations:import-confirm", kwargs={"village_pk": niur.pk, "token": token}))

    assert list(Nominee.objects.values_list("nik_masked", "birth_date")) == [("************0003",
                                                                              dt.date(1991, 8, 25))]


def test_a_birth_date_the_reader_did_not_understand_comes_back_as_typed(programme, niur):
    content = workbook_bytes([row(NIK="1705012508910003", Tanggal_lahir="31-02-1991")])

    report = imports.import_preview(content=content, programme=programme, village=niur)

    rejected = imports.rejected_rows_workbook(report)

    birth = load_workbook(BytesIO(rejected))["Calon peserta"].cell(row=2, column=HEADERS.index("Tanggal lahir") + 1)
    assert birth.value == "31-02-1991"


def test_out_of_scope_officer_gets_404_everywhere(login, programme, niur, officer, neighbour_officer, client):
    login(officer).post(upload_url(niur), {"file": upload(workbook_bytes([VALID_ROW]))})
    token = list(client.session[SESSION_KEY])[0]
    urls = [upload_url(niur)] + [reverse(f"registrations:import-{name}", kwargs={"village_pk": niur.pk,
                                                                                 "token": token})
                                 for name in ("preview", "result", "rejected")]
    client.force_login(neighbour_officer)

    assert [client.get(url).status_code for url in urls] == [404, 404, 404, 404]
    assert client.post(reverse("registrations:import-confirm", kwargs={"village_pk": niur.pk, "token": token}
                               )).status_code == 404
    assert Nominee.objects.count() == 0


def test_regency_staff_do_not_import_for_a_village(login, programme, niur, regency_admin):
    response = login(regency_admin).get(upload_url(niur))

    assert response.status_code == 404


def test_another_users_token_is_404(login, programme, niur, officer, client, django_user_model):
    login(officer).post(upload_url(niur), {"file": upload(workbook_bytes([VALID_ROW]))})
    token = list(client.session[SESSION_KEY])[0]
    client.logout()
    client.force_login(officer)  # a new session for the same officer: the token is not in it

    response = client.get(reverse("registrations:import-preview", kwargs={"village_pk": niur.pk, "token": token}))

    assert response.status_code == 404


def test_upload_page_for_the_officer(login, programme, niur, officer):
    response = login(officer).get(upload_url(niur))

    assert response.status_code == 200
    assert response.context["programme"] == programme
    assert reverse("registrations:import-template") in response.content.decode()


def test_stale_uploads_are_purged(media):
    token = uploads.store(b"old")
    path = media / "imports" / f"{token}.xlsx"
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(path, (two_days_ago, two_days_ago))

    fresh = uploads.store(b"new")

    assert stored_uploads(media) == [f"{fresh}.xlsx"]


@pytest.mark.parametrize("token", ["../../etc/passwd", "short", ""])
def test_tokens_cannot_name_other_files(token):
    assert uploads.read(token) is None



def test_a_decompression_bomb_is_refused_at_upload_and_leaves_nothing(login, programme, niur, officer, media):
    from tests.workbook_bombs import bomb

    content = bomb(title=excel.DATA_SHEET, header=list(excel.HEADERS.values()), row=[VALID_ROW["NIK"]] * 3)

    response = login(officer).post(upload_url(niur), {"file": upload(content)})

    assert response.status_code == 200
    assert "Isi berkas Excel ini terlalu besar setelah dibuka" in response.context["form"].errors["file"][0]
    assert stored_uploads(media) == [] and Nominee.objects.count() == 0
    assert SESSION_KEY not in response.wsgi_request.session
