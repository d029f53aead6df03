"""A village that runs OpenSID imports its list: both of OpenSID's downloads of a programme's
participants, read from their real bytes ("Expor": an .xlsx; "Unduh": an HTML page named .xls),
completed in the preview (sex from the NIK, occupation and consent for the whole file, then row by
row, a missing KK), and saved only when the officer confirms (registrations/nominee_import:
workbook.py, choices.py, importing.py, views.py)."""

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from common.workbooks import WRONG_TYPE, WorkbookError
from registrations import services
from registrations.models import Nominee, OccupationCategory
from registrations.nominee_import import importing as imports
from registrations.nominee_import import workbook as excel
from registrations.nominee_import.choices import ImportChoices, RowChoice
from registrations.nominee_import.views import SESSION_KEY

from ..conftest import KK, NIK_MAN, NIK_WOMAN, nik_for
from ..workbooks import opensid_export_bytes, opensid_report_bytes

TODAY = dt.date.today()
# The preview page, whatever the number of rows (the session is read from Redis): the user, their region assignments,
# the village (with its subdistrict), the programme, the active occupations (the checks and the
# choices' lists), the regency, the active nominations of the file's NIKs, the possible duplicates
# under another NIK (registrations.lookalikes), the village's quota and its places taken, the
# unread notices of the menu.
QUERIES_OF_A_PREVIEW = 11
NIK_OLDER_WOMAN = nik_for(dt.date(1985, 3, 2), "P", serial=3)
KK_OTHER = "1705010202180002"
SITI = {"nik": NIK_WOMAN, "kk": KK, "name": "Siti Rahma", "birth_place": "Seluma", "birth_date": "1990-05-15",
        "address": "RT 003 / RW 001 Dusun II", "sex": "P"}
BUDI = {"nik": NIK_MAN, "kk": KK_OTHER, "name": "Budi Santoso", "birth_place": "Seluma", "birth_date": "1990-05-15",
        "address": "RT 004 / RW 002 Dusun I", "sex": "L"}
ANI = {"nik": NIK_OLDER_WOMAN, "kk": "", "name": "Ani Lestari", "birth_place": "Bengkulu", "birth_date": "1985-03-02",
       "address": "RT 001 Dusun III", "sex": "P"}


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


@pytest.fixture
def petani(db):
    return OccupationCategory.objects.get(name="Petani")


@pytest.fixture
def nelayan(db):
    return OccupationCategory.objects.get(name="Nelayan")


def stored_uploads(media):
    folder = media / "imports"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def upload(client, village, content, name):
    response = client.post(reverse("registrations:import-upload", kwargs={"village_pk": village.pk}),
                           {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")})
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return list(client.session[SESSION_KEY])[-1]


def preview_url(village, token):
    return reverse("registrations:import-preview", kwargs={"village_pk": village.pk, "token": token})


def confirm_url(village, token):
    return reverse("registrations:import-confirm", kwargs={"village_pk": village.pk, "token": token})


def by_name(outcomes):
    return {outcome.full_name: outcome for outcome in outcomes}


# --- Reading OpenSID's "Unduh" report (HTML named .xls) -------------------------------------------------

def test_report_per_person_reads_the_card_with_kk_sex_and_dates():
    data = excel.read_workbook(opensid_report_bytes([SITI, ANI]), allow_html=True)

    assert (data.kind, data.layout, data.sheet_name) == (excel.OPENSID, excel.OPENSID_REPORT, "Laporan OpenSID")
    assert [row.values for row in data.rows] == [
        {"nik": NIK_WOMAN, "kk": KK, "full_name": "SITI RAHMA", "birth_place": "Seluma", "birth_date": "1990-05-15",
         "sex": "P", "address": "RT 003 / RW 001 Dusun II", "rt": "3", "rw": "1"},
        # OpenSID writes "-" for a resident with no family card on file.
        {"nik": NIK_OLDER_WOMAN, "kk": "", "full_name": "ANI LESTARI", "birth_place": "Bengkulu",
         "birth_date": "1985-03-02", "sex": "P", "address": "RT 001 Dusun III", "rt": "1"},
    ]
    assert [row.number for row in data.rows] == [3, 4]  # below the two header rows
    assert {"kk", "sex"} <= data.columns


def test_report_per_family_takes_the_kk_from_the_participant_not_the_heads_nik():
    data = excel.read_workbook(opensid_report_bytes([{**BUDI, "head_nik": NIK_OLDER_WOMAN}], sasaran=2),
                               allow_html=True)

    [row] = data.rows
    assert (row.values["nik"], row.values["kk"], row.values["sex"]) == (NIK_MAN, KK_OTHER, "L")


def test_report_row_whose_second_identifier_opensid_left_out_stays_aligned():
    data = excel.read_workbook(opensid_report_bytes([{**BUDI, "head_nik": ""}, SITI], sasaran=2,
                                                    leave_out_empty_plus=True), allow_html=True)

    assert [(row.values["nik"], row.values["full_name"], row.values["sex"]) for row in data.rows] == [
        (NIK_MAN, "BUDI SANTOSO", "L"), (NIK_WOMAN, "SITI RAHMA", "P")]


def test_report_saved_again_as_xlsx_is_recognised_by_its_two_row_header():
    """Excel opens the .xls report; saved as .xlsx its title rows and merged header cells remain."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "laporan_bantuan_BLT"
    sheet["A1"], sheet["A3"], sheet["A4"] = "PEMERINTAH KABUPATEN SELUMA", "Daftar Peserta Program BLT", "Sasaran"
    sheet.append([])
    sheet.append(["No", "NIK", "No. KK", "Nama Penduduk", "Identitas di Kartu Peserta"])
    sheet.append([None, None, None, None, "No. Kartu Peserta", "NIK", "Nama", "Tempat Lahir", "Tanggal Lahir",
                  "Jenis Kelamin", "Alamat"])
    sheet.merge_cells("E6:K6")
    sheet.merge_cells("A6:A7")
    sheet.append(["1", NIK_WOMAN, KK, "Siti Rahma", "BLT-001", NIK_WOMAN, "SITI RAHMA", "SELUMA", "15-05-1990",
                  "PEREMPUAN", "Dusun II"])
    buffer = BytesIO()
    workbook.save(buffer)

    data = excel.read_workbook(buffer.getvalue())

    assert (data.kind, data.layout) == (excel.OPENSID, excel.OPENSID_REPORT)
    assert [(row.number, row.values["nik"], row.values["kk"], row.values["sex"], row.values["birth_date"])
            for row in data.rows] == [(8, NIK_WOMAN, KK, "P", "1990-05-15")]


def test_report_page_runs_nothing_and_takes_only_the_cell_text():
    content = opensid_report_bytes([{**SITI, "name": "Siti &amp; <b>Rahma</b>"}]).replace(
        b"<body>", b"<body><script>document.write('<table><tr><th>NIK</th></tr></table>')</script>")

    data = excel.read_workbook(content, allow_html=True)

    # The builder escapes the name once: the page shows the characters, never markup.
    assert data.rows[0].values["full_name"] == "SITI &AMP; <B>RAHMA</B>"


def test_report_with_a_huge_span_is_refused_not_expanded():
    content = opensid_report_bytes([SITI]).replace(b'colspan="7"', b'colspan="7" rowspan="9999999"').replace(
        b"<tbody>", b"<tbody>" + b'<tr><td colspan="100000">x</td></tr>' * 30_000, 1)

    with pytest.raises(WorkbookError, match="terlalu besar"):
        excel.read_workbook(content, allow_html=True)


def test_html_without_a_participant_table_names_the_right_opensid_button():
    with pytest.raises(WorkbookError) as refused:
        excel.read_workbook(b"<html><body><table><tr><td>No</td><td>ID</td><td>Nama</td></tr></table></body></html>",
                            allow_html=True)

    assert str(refused.value) == excel.NO_REPORT_TABLE
    assert "ikon Expor" in str(refused.value) and "tombol Unduh" in str(refused.value)


def test_a_real_old_xls_is_refused_with_how_to_save_it():
    with pytest.raises(WorkbookError) as refused:
        excel.read_workbook(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 512, allow_html=True)

    assert str(refused.value) == excel.OLD_EXCEL


def test_the_regency_wide_reader_does_not_take_html():
    with pytest.raises(WorkbookError) as refused:
        imports.read_upload(opensid_report_bytes([SITI]), regency_wide=True)

    assert str(refused.value) == WRONG_TYPE


# --- Filling what the file lacks (importing + choices, no page) --------------------------------------

def test_export_without_choices_is_unchanged_rows_wait_for_the_rejected_rows_workbook(programme, niur):
    report = imports.import_preview(content=opensid_export_bytes([SITI]), programme=programme, village=niur)

    assert [outcome.status for outcome in report.rows] == ["error"]
    assert report.rows[0].values.get("sex") is None  # only the village's preview fills from the NIK


def test_preview_takes_the_sex_from_the_nik_and_says_so(programme, niur, petani):
    choices = ImportChoices(occupation=petani.pk, consent=True, rows={2: RowChoice(kk=KK), 3: RowChoice(kk=KK_OTHER)})

    report = imports.import_preview(content=opensid_export_bytes([SITI, BUDI]), programme=programme, village=niur,
                                    choices=choices)

    siti, budi = report.rows
    assert [(row.status, row.values["sex"], row.values["occupation"], row.values["consent"])
            for row in report.rows] == [("ok", "P", "Petani", "on"), ("ok", "L", "Petani", "on")]
    assert siti.notes == [("Jenis kelamin (L/P)", "Diisi dari NIK: perempuan. Cocokkan dengan KTP; bila berbeda, "
                                                  "ubah di baris ini.")]
    assert budi.errors == budi.warnings == []


def test_preview_says_where_to_choose_what_is_missing(programme, niur):
    report = imports.import_preview(content=opensid_export_bytes([SITI]), programme=programme, village=niur,
                                    choices=ImportChoices())

    [siti] = report.rows
    assert siti.status == "error" and report.offers_choices
    assert dict(siti.errors) == {
        "No. KK": "Ekspor OpenSID untuk program perorangan tidak memuat No. KK, dan No. KK wajib seperti di formulir. "
                  "Ketik No. KK di baris ini, atau unggah laporan dari tombol Unduh di daftar peserta OpenSID: "
                  "laporan itu memuat No. KK.",
        "Pekerjaan": "Belum dipilih. Pilih pekerjaan untuk semua baris di atas tabel, atau di baris ini.",
        "Persetujuan (Ya)": "Persetujuan calon peserta belum dicatat. Bila calon sudah setuju, centang persetujuan "
                            "untuk semua baris di atas tabel, atau pilih \"Sudah setuju\" di baris ini.",
    }


def test_a_row_choice_wins_over_the_whole_file_and_a_chosen_sex_is_checked_against_the_nik(
        programme, niur, petani, nelayan):
    choices = ImportChoices(occupation=petani.pk, consent=True, rows={
        2: RowChoice(kk=KK, occupation=nelayan.pk, sex="L"), 3: RowChoice(kk=KK_OTHER, consent="tidak")})

    siti, budi = imports.import_preview(content=opensid_export_bytes([SITI, BUDI]), programme=programme,
                                        village=niur, choices=choices).rows

    assert (siti.status, siti.values["occupation"], siti.values["sex"], siti.notes) == ("warning", "Nelayan", "L", [])
    assert [column for column, _ in siti.warnings] == ["Jenis kelamin (L/P)"]  # the KTP decides: confirm it
    assert (budi.status, [column for column, _ in budi.errors]) == ("error", ["Persetujuan (Ya)"])


# --- The pages: upload, preview with choices, confirm ------------------------------------------------

def test_export_from_upload_to_saved_nominees(login, officer, programme, niur, petani, nelayan, media):
    client = login(officer)
    token = upload(client, niur, opensid_export_bytes([SITI, BUDI, ANI]), "program_bantuan_BLT_Dana_Desa.xlsx")

    page = client.get(preview_url(niur, token))

    html = page.content.decode()
    assert page.context["report"].layout == excel.OPENSID_EXPORT
    assert "berkas ekspor OpenSID (ikon Expor, lembar Peserta)" in html
    assert "Lengkapi data yang tidak ada di berkas" in html
    assert page.context["missing_headers"] == ["Jenis kelamin (L/P)", "No. KK", "Pekerjaan", "Persetujuan (Ya)"]
    assert page.context["valid_count"] == 0 and page.context["kk_missing_count"] == 3
    assert 'name="setuju_semua" id="id_setuju_semua" value="on" aria-describedby' in html  # never ticked for them
    assert "Diisi dari NIK: perempuan." in html

    form = {"pilihan": "1", "pekerjaan_semua": str(petani.pk), "setuju_semua": "on", "kk-2": KK,
            "kk-3": "1705 0102 0218 0002", "kk-4": KK_OTHER, "pekerjaan-4": str(nelayan.pk)}
    applied = client.post(preview_url(niur, token), form)

    assert applied["Location"] == preview_url(niur, token)
    assert Nominee.objects.count() == 0  # choosing saves nothing
    # The typed KKs wait beside the upload, never in the session.
    assert stored_uploads(media) == [f"{token}-pilihan.json", f"{token}.xlsx"]
    assert KK not in str(dict(client.session))
    page = client.get(preview_url(niur, token))
    assert page.context["valid_count"] == 3
    assert "************0001" in page.content.decode() and KK not in page.content.decode()  # the typed KK, masked

    saved = client.post(confirm_url(niur, token), {**form, "kk-2": "", "kk-3": "", "kk-4": ""})  # boxes left empty

    assert saved["Location"] == reverse("registrations:import-result", kwargs={"village_pk": niur.pk, "token": token})
    nominees = {n.full_name: n for n in Nominee.objects.select_related("occupation")}
    assert {name: (n.sex, n.occupation.name, n.kk, n.consent_by_id, n.created_by_id)
            for name, n in nominees.items()} == {
        "Siti Rahma": ("P", "Petani", KK, officer.pk, officer.pk),
        "Budi Santoso": ("L", "Petani", KK_OTHER, officer.pk, officer.pk),
        "Ani Lestari": ("P", "Nelayan", KK_OTHER, officer.pk, officer.pk),
    }
    assert all(abs((n.consent_at - n.created_at).total_seconds()) < 1 for n in nominees.values())
    assert stored_uploads(media) == []  # the upload and its choices are gone; no row was rejected


def test_report_from_upload_to_saved_nominees(login, officer, programme, niur, petani, media):
    client = login(officer)
    token = upload(client, niur, opensid_report_bytes([SITI, BUDI]), "laporan_bantuan_BLT_2026-01-05.xls")
    page = client.get(preview_url(niur, token))
    assert page.context["report"].layout == excel.OPENSID_REPORT
    assert page.context["missing_headers"] == ["Pekerjaan", "Persetujuan (Ya)"]
    assert page.context["kk_missing_count"] == 0
    assert "Diisi dari NIK" not in page.content.decode()  # the report has the sex

    form = {"pilihan": "1", "pekerjaan_semua": str(petani.pk), "setuju_semua": "on", "setuju-4": "tidak"}
    client.post(preview_url(niur, token), form)
    client.post(confirm_url(niur, token), form)

    assert list(Nominee.objects.values_list("full_name", "sex", "kk", "occupation__name")) == [
        ("SITI RAHMA", "P", KK, "Petani")]
    assert client.get(reverse("registrations:import-result", kwargs={"village_pk": niur.pk, "token": token})
                      ).context["applied"] == {"saved": 1, "errors": 1, "not_saved": []}
    assert stored_uploads(media) == [f"{token}-ditolak.xlsx"]  # Budi, not yet consenting, to complete later


def test_confirm_with_changed_choices_shows_the_preview_again_and_saves_nothing(
        login, officer, programme, niur, petani, nelayan):
    client = login(officer)
    token = upload(client, niur, opensid_report_bytes([SITI]), "laporan_bantuan_BLT.xls")
    form = {"pilihan": "1", "pekerjaan_semua": str(petani.pk), "setuju_semua": "on"}
    client.post(preview_url(niur, token), form)

    response = client.post(confirm_url(niur, token), {**form, "pekerjaan-3": str(nelayan.pk)})

    assert response["Location"] == preview_url(niur, token)
    assert Nominee.objects.count() == 0
    assert client.get(preview_url(niur, token)).context["rows"][0].values["occupation"] == "Nelayan"
    client.post(confirm_url(niur, token), {**form, "pekerjaan-3": str(nelayan.pk)})
    assert list(Nominee.objects.values_list("occupation__name", flat=True)) == ["Nelayan"]


def test_without_the_officers_consent_nothing_is_saved(login, officer, programme, niur, petani):
    client = login(officer)
    token = upload(client, niur, opensid_report_bytes([SITI, BUDI]), "laporan_bantuan_BLT.xls")
    form = {"pilihan": "1", "pekerjaan_semua": str(petani.pk)}
    client.post(preview_url(niur, token), form)

    page = client.get(preview_url(niur, token))
    assert page.context["valid_count"] == 0
    assert "baris yang siap" not in page.content.decode()  # no save button
    client.post(confirm_url(niur, token), form)

    assert Nominee.objects.count() == 0


def test_choices_cannot_name_an_inactive_occupation_or_reach_another_village(
        login, officer, neighbour_officer, programme, niur, petani):
    petani.is_active = False
    petani.save()
    client = login(officer)
    token = upload(client, niur, opensid_report_bytes([SITI]), "laporan_bantuan_BLT.xls")

    client.post(preview_url(niur, token), {"pilihan": "1", "pekerjaan_semua": str(petani.pk), "setuju_semua": "on"})

    assert client.get(preview_url(niur, token)).context["choices"] == ImportChoices(consent=True)
    client.force_login(neighbour_officer)
    assert client.post(preview_url(niur, token), {"pilihan": "1", "setuju_semua": "on"}).status_code == 404


@pytest.mark.parametrize("people", [1, 3])
def test_preview_with_choices_reads_a_fixed_number_of_queries(login, officer, programme, niur, petani,
                                                              django_assert_num_queries, people):
    client = login(officer)
    token = upload(client, niur, opensid_report_bytes([SITI, BUDI, ANI][:people]), "laporan_bantuan_BLT.xls")
    client.post(preview_url(niur, token), {"pilihan": "1", "pekerjaan_semua": str(petani.pk), "setuju_semua": "on"})

    with django_assert_num_queries(QUERIES_OF_A_PREVIEW):
        page = client.get(preview_url(niur, token))

    assert len(page.context["rows"]) == people


def test_upload_page_names_both_opensid_downloads(login, officer, programme, niur):
    page = login(officer).get(reverse("registrations:import-upload", kwargs={"village_pk": niur.pk}))

    html = page.content.decode()
    assert "Bantuan › Program Bantuan › ikon <strong>Expor</strong>" in html
    assert "tombol <strong>Unduh</strong>" in html
    assert 'accept=".xlsx,.xls,' in html
