"""The BPJS branch's answer file: bpjs/answers.py, its pages in bpjs/views.py and the
import_bpjs_results command (issue 6, Excel imports)."""

import datetime as dt
import json
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from bpjs import answers as bpjs_import
from bpjs import services as bpjs_services
from common import uploads, workbooks
from registrations.enums import NomineeStatus
from registrations.models import Nominee, NomineeEvent, Notice

from .conftest import nik_for

S = NomineeStatus
BORN = dt.date(1990, 5, 15)
HEADERS = ["NIK", "Nama", "Nomor KPJ", "Tanggal kepesertaan", "Masa iur s.d.", "Status", "Keterangan"]
REFUSAL = "NIK sudah terdaftar di perusahaan lain"


def nik(serial):
    return nik_for(BORN, serial=serial)


def answer_file(rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def scheduled(announced):
    """The regencies whose coverage the import announced as changed (one per regency per file)."""
    return announced


@pytest.fixture
def nominees(open_programme, make_nominee, niur, officer, regency_admin):
    """Serials 1, 2, 4, 5 sent in one batch, then 4 registered (KPJ 00000000099) and 5 refused by
    the branch; serial 3 submitted, never sent."""
    made = {}
    for serial in (1, 2, 4, 5):
        made[serial] = make_nominee(open_programme, niur, officer, nik=nik(serial), full_name=f"Calon {serial}")
        Nominee.objects.filter(pk=made[serial].pk).update(status=S.APPROVED)
    bpjs_services.export_batch_create(programme=open_programme, created_by=regency_admin)
    made[3] = make_nominee(open_programme, niur, officer, nik=nik(3), full_name="Calon 3")
    Nominee.objects.filter(pk=made[3].pk).update(status=S.SUBMITTED)
    Nominee.objects.filter(pk=made[4].pk).update(status=S.REGISTERED, kpj_number="00000000099",
                                                 registered_on=dt.date(2026, 6, 1))
    Nominee.objects.filter(pk=made[5].pk).update(status=S.REFUSED_BY_BPJS, status_reason="Data ganda")
    return {serial: Nominee.objects.get(pk=nominee.pk) for serial, nominee in made.items()}


def one_of_each():
    """Rows 2-8: matched (register), matched (refuse), unknown NIK, not in a batch, already
    registered, already decided, malformed (a numeric NIK cell)."""
    return answer_file([
        [nik(1), "Calon 1", "00012345678", "01-07-2026", "30-09-2026", "aktif", ""],
        [nik(2), "Calon 2", "", "", "", "Ditolak", REFUSAL],
        [nik(9), "Orang Lain", "00012345679", "01-07-2026", "", "aktif", ""],
        [nik(3), "Calon 3", "00012345680", "01-07-2026", "", "aktif", ""],
        [nik(4), "Calon 4", "00000000099", dt.date(2026, 6, 1), "", "aktif", ""],
        [nik(5), "Calon 5", "", "", "", "ditolak", "Data ganda"],
        [int(nik(6)), "Calon 6", "00012345681", "01-07-2026", "", "aktif", ""],
    ])


def outcomes(report):
    return [(row.row, row.outcome, row.action) for row in report.rows]


def test_preview_gives_each_row_its_outcome_and_writes_nothing(nominees, seluma):
    events_before = NomineeEvent.objects.count()

    report = bpjs_import.answer_preview(content=one_of_each(), regency=seluma)

    assert outcomes(report) == [
        (2, "matched", "register"), (3, "matched", "refuse"), (4, "unknown_nik", "register"),
        (5, "not_in_batch", "register"), (6, "already_registered", "register"), (7, "already_decided", "refuse"),
        (8, "malformed", "register")]
    messages = [row.message for row in report.rows]
    assert messages[0] == ("Calon 1 akan dicatat terdaftar: KPJ 00012345678, peserta sejak 1 Juli 2026, "
                           "iuran s.d. 30 September 2026.")
    assert messages[1] == f"Calon 2 akan dicatat ditolak BPJS. Alasan yang dikirim ke desa: {REFUSAL}"
    assert messages[2] == "Tidak ada calon peserta dengan NIK ini di kabupaten/kota ini."
    assert "belum pernah dikirim dalam batch" in messages[3]
    assert messages[4] == "Calon 4 sudah terdaftar dengan KPJ 00000000099; tidak diubah."
    assert messages[5] == f"Calon 5 sudah berstatus '{S.REFUSED_BY_BPJS.label}'; tidak diubah."
    assert "Excel hanya menyimpan 15 digit" in messages[6]
    assert report.rows[0].paid_until == dt.date(2026, 9, 30)
    assert report.rows[0].nik_masked == "************" + nik(1)[12:]
    assert report.totals == {"rows": 7, "matched": 2, "unknown_nik": 1, "not_in_batch": 1,
                             "already_registered": 1, "already_decided": 1, "kpj_taken": 0, "malformed": 1}
    assert NomineeEvent.objects.count() == events_before
    assert Nominee.objects.get(pk=nominees[1].pk).status == S.SENT_TO_BPJS


@pytest.mark.parametrize("row, words", [
    ([nik(1), "A", "", "01-07-2026", "", "aktif", ""], "Nomor KPJ kosong, padahal status aktif."),
    ([nik(1), "A", 12345678, "01-07-2026", "", "aktif", ""], "Nomor KPJ tersimpan sebagai angka"),
    ([nik(1), "A", "0001A234", "01-07-2026", "", "aktif", ""], "harus berupa angka"),
    ([nik(1), "A", "00012345678", "31-02-2026", "", "aktif", ""], "Tanggal kepesertaan \"31-02-2026\" bukan tanggal"),
    ([nik(1), "A", "00012345678", "", "", "aktif", ""], "Tanggal kepesertaan kosong"),
    ([nik(1), "A", "00012345678", "01-07-2026", "kapan-kapan", "aktif", ""], "Masa iur s.d."),
    ([nik(1), "A", "00012345678", "01-07-2026", "30-06-2026", "aktif", ""],
     "Masa iur s.d. 30 Juni 2026 sebelum tanggal kepesertaan 1 Juli 2026; periksa kembali tanggalnya."),
    ([nik(1), "A", "00012345678", "01-07-2026", "", "pending", ""], "Status \"pending\" tidak dikenal"),
    (["17050115", "A", "00012345678", "01-07-2026", "", "aktif", ""], "NIK harus 16 angka"),
])
def test_malformed_rows_say_why(nominees, seluma, row, words):
    report = bpjs_import.answer_preview(content=answer_file([row]), regency=seluma)

    assert [row.outcome for row in report.rows] == ["malformed"]
    assert words in report.rows[0].message


def test_the_same_nik_twice_is_refused(nominees, seluma):
    row = [nik(1), "A", "00012345678", "01-07-2026", "", "aktif", ""]
    report = bpjs_import.answer_preview(content=answer_file([row, row]), regency=seluma)

    assert [(r.outcome, r.message) for r in report.rows] == [
        ("malformed", "NIK yang sama ada di baris 2, 3; perbaiki berkas dan unggah lagi.")] * 2


def test_one_kpj_for_two_people_in_one_file_is_refused_for_both(nominees, seluma, regency_admin):
    report = bpjs_import.answer_preview(content=answer_file([
        [nik(1), "Calon 1", "00012345678", "01-07-2026", "", "aktif", ""],
        [nik(2), "Calon 2", "000-1234-5678", "01-07-2026", "", "aktif", ""],  # the same KPJ, written with dashes
    ]), regency=seluma)

    message = ("Nomor KPJ 00012345678 ada di baris 2, 3: satu nomor KPJ hanya untuk satu orang. Minta kantor "
               "cabang BPJS memperbaiki berkasnya, lalu unggah lagi.")
    assert [(r.outcome, r.message) for r in report.rows] == [("malformed", message)] * 2

    applied = bpjs_import.answer_apply(content=answer_file([
        [nik(1), "Calon 1", "00012345678", "01-07-2026", "", "aktif", ""],
        [nik(2), "Calon 2", "00012345678", "01-07-2026", "", "aktif", ""],
    ]), regency=seluma, actor=regency_admin)

    assert applied.applied_totals == {"registered": 0, "refused": 0, "skipped": 2}
    assert set(Nominee.objects.filter(pk__in=[nominees[1].pk, nominees[2].pk]).values_list("status", "kpj_number")) \
        == {(S.SENT_TO_BPJS, "")}


def test_a_kpj_another_member_holds_is_never_recorded_for_a_second_person(nominees, seluma, regency_admin):
    # Calon 4 is registered with KPJ 00000000099; the branch answers Calon 1 with the same number.
    content = answer_file([[nik(1), "Calon 1", "00000000099", "01-07-2026", "", "aktif", ""],
                           [nik(2), "Calon 2", "00012345670", "01-07-2026", "", "aktif", ""]])

    report = bpjs_import.answer_preview(content=content, regency=seluma)

    assert outcomes(report) == [(2, "kpj_taken", "register"), (3, "matched", "register")]
    assert report.rows[0].message == (
        "Nomor KPJ 00000000099 sudah tercatat untuk peserta lain (Calon 4); satu nomor KPJ hanya untuk satu orang, "
        "jadi baris ini tidak dicatat. Minta kantor cabang BPJS memeriksa nomornya.")
    assert report.rows[0].outcome_label == "KPJ milik orang lain"

    applied = bpjs_import.answer_apply(content=content, regency=seluma, actor=regency_admin)

    assert applied.applied_totals == {"registered": 1, "refused": 0, "skipped": 1}
    assert Nominee.objects.get(pk=nominees[1].pk).status == S.SENT_TO_BPJS
    assert list(Nominee.objects.filter(kpj_number="00000000099").values_list("pk", flat=True)) == [nominees[4].pk]
    assert Nominee.objects.get(pk=nominees[2].pk).kpj_number == "00012345670"


def test_the_same_person_answered_again_keeps_their_kpj(nominees, seluma):
    # Calon 4 answered again with their own KPJ: not "another person", already registered.
    report = bpjs_import.answer_preview(content=answer_file([
        [nik(4), "Calon 4", "00000000099", dt.date(2026, 6, 1), "", "aktif", ""]]), regency=seluma)

    assert outcomes(report) == [(2, "already_registered", "register")]


def test_headers_are_matched_leniently(nominees, seluma):
    content = answer_file([[nik(1), "Calon 1", "00012345678", "01/07/2026", "", "AKTIF", ""]],
                          headers=["nik ", "NAMA PESERTA", "No. KPJ", "Tgl Kepesertaan", "Masa Iur S/D", "status",
                                   "ket"])

    report = bpjs_import.answer_preview(content=content, regency=seluma)

    assert [(r.outcome, r.kpj_number, r.registered_on) for r in report.rows] == [
        ("matched", "00012345678", dt.date(2026, 7, 1))]


def test_a_file_without_the_kpj_column_is_refused(seluma):
    with pytest.raises(workbooks.WorkbookError, match="Kolom Nomor KPJ tidak ditemukan"):
        bpjs_import.answer_preview(content=answer_file([[nik(1)]], headers=["NIK", "Status"]), regency=seluma)


def test_apply_registers_and_refuses_through_the_workflow(nominees, seluma, bpjs_officer, officer, scheduled,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = bpjs_import.answer_apply(content=one_of_each(), regency=seluma, actor=bpjs_officer)

    assert report.summary == "1 nomor KPJ dicatat, 1 penolakan dicatat, 2 tidak berubah, 3 belum tercatat"
    assert report.result_totals == {"registered": 1, "refused": 1, "unchanged": 2, "not_recorded": 3}
    assert [(row.row, row.problem_label) for row in report.rows_to_fix] == [
        (4, "NIK tidak dikenal"), (5, "Belum pernah dikirim"), (8, "Baris tidak sah")]
    registered = Nominee.objects.get(pk=nominees[1].pk)
    assert (registered.status, registered.kpj_number, registered.registered_on, registered.paid_until) == (
        S.REGISTERED, "00012345678", dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert list(NomineeEvent.objects.filter(nominee=registered).values_list("to_status", "reason"))[-1] == (
        S.REGISTERED, "KPJ 00012345678, peserta sejak 1 Juli 2026, iuran s.d. 30 September 2026")
    refused = Nominee.objects.get(pk=nominees[2].pk)
    assert (refused.status, refused.status_reason) == (S.REFUSED_BY_BPJS, REFUSAL)
    assert list(NomineeEvent.objects.filter(nominee=refused).values_list("actor", "from_status", "to_status",
                                                                          "reason"))[-1] == (
        bpjs_officer.pk, S.SENT_TO_BPJS, S.REFUSED_BY_BPJS, REFUSAL)
    assert sorted(Notice.objects.filter(recipient=officer).values_list("text", flat=True)) == [
        "1 calon peserta Desa Niur terdaftar di BPJS Ketenagakerjaan (Perlindungan Pekerja Rentan 2026 — Tahap 1): "
        "Calon 1, KPJ 00012345678.",
        f"Calon 2: {S.REFUSED_BY_BPJS.label}. Alasan: {REFUSAL}"]
    # Untouched: the other rows' nominees.
    assert [Nominee.objects.get(pk=nominees[n].pk).status for n in (3, 4, 5)] == [
        S.SUBMITTED, S.REGISTERED, S.REFUSED_BY_BPJS]
    assert scheduled == [seluma.pk]  # one coverage recompute for the whole file


def test_an_import_tells_each_village_once_who_was_registered_with_the_kpj_and_no_nik(
        nominees, open_programme, make_nominee, lubuk_sahung, neighbour_officer, seluma, bpjs_officer, officer,
        regency_admin, django_capture_on_commit_callbacks):
    neighbour = make_nominee(open_programme, lubuk_sahung, neighbour_officer, nik=nik(7), full_name="Joko Tetangga")
    Nominee.objects.filter(pk=neighbour.pk).update(status=S.APPROVED)
    bpjs_services.export_batch_create(programme=open_programme, created_by=regency_admin)
    content = answer_file([
        [nik(1), "Calon 1", "00012345678", "01-07-2026", "", "aktif", ""],
        [nik(7), "Joko Tetangga", "00012345679", "01-07-2026", "", "aktif", ""],
        [nik(2), "Calon 2", "00012345680", "01-07-2026", "", "aktif", ""],
    ])

    with django_capture_on_commit_callbacks(execute=True):
        report = bpjs_import.answer_apply(content=content, regency=seluma, actor=bpjs_officer)

    assert report.summary == "3 nomor KPJ dicatat, 0 penolakan dicatat, 0 tidak berubah, 0 belum tercatat"
    programme = "Perlindungan Pekerja Rentan 2026 — Tahap 1"
    assert sorted(Notice.objects.values_list("recipient__username", "text")) == [
        ("op-lubuk-sahung", f"1 calon peserta Desa Lubuk Sahung terdaftar di BPJS Ketenagakerjaan ({programme}): "
                            "Joko Tetangga, KPJ 00012345679."),
        ("op-niur", f"2 calon peserta Desa Niur terdaftar di BPJS Ketenagakerjaan ({programme}): "
                    "Calon 1, KPJ 00012345678; Calon 2, KPJ 00012345680."),
    ]
    assert not any(nik(serial) in text for serial in (1, 2, 7) for text in Notice.objects.values_list("text", flat=True))


def test_reimporting_the_same_file_changes_nothing(nominees, seluma, regency_admin, scheduled,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        bpjs_import.answer_apply(content=one_of_each(), regency=seluma, actor=regency_admin)
    events, notices = NomineeEvent.objects.count(), Notice.objects.count()
    statuses = dict(Nominee.objects.values_list("pk", "status"))
    scheduled.clear()

    with django_capture_on_commit_callbacks(execute=True):
        again = bpjs_import.answer_apply(content=one_of_each(), regency=seluma, actor=regency_admin)

    assert again.summary == "0 nomor KPJ dicatat, 0 penolakan dicatat, 4 tidak berubah, 3 belum tercatat"
    assert [row.outcome for row in again.rows][:2] == ["already_registered", "already_decided"]
    assert (NomineeEvent.objects.count(), Notice.objects.count()) == (events, notices)
    assert dict(Nominee.objects.values_list("pk", "status")) == statuses
    assert Nominee.objects.get(pk=nominees[1].pk).paid_until == dt.date(2026, 9, 30)
    assert scheduled == []


def test_another_regencys_import_does_not_see_these_niks(nominees, other_regency):
    report = bpjs_import.answer_preview(content=one_of_each(), regency=other_regency)

    assert [row.outcome for row in report.rows] == ["unknown_nik"] * 6 + ["malformed"]


@pytest.mark.parametrize("persona", ["other_admin", "viewer", "reviewer"])
def test_only_the_bpjs_officer_and_admin_may_apply(request, nominees, seluma, persona):
    with pytest.raises(bpjs_import.workflow.TransitionError):
        bpjs_import.answer_apply(content=one_of_each(), regency=seluma, actor=request.getfixturevalue(persona))
    assert Nominee.objects.get(pk=nominees[1].pk).status == S.SENT_TO_BPJS


# --- The pages ----------------------------------------------------------------------------------

def upload_url(regency):
    return reverse("registrations:bpjs-answer-upload", args=[regency.pk])


@pytest.mark.parametrize("persona", ["bpjs_officer", "regency_admin"])
def test_upload_preview_confirm(request, login, nominees, seluma, persona, django_capture_on_commit_callbacks):
    client = login(request.getfixturevalue(persona))

    response = client.post(upload_url(seluma), {"file": SimpleUploadedFile("jawaban.xlsx", one_of_each())})
    assert response.status_code == 302
    preview_url = response.url
    page = client.get(preview_url).content.decode()
    assert "Simpan 2 baris yang cocok" in page
    assert "************" + nik(1)[12:] in page
    assert nik(1) not in page  # NIKs masked in the preview
    assert REFUSAL in page
    assert Nominee.objects.get(pk=nominees[1].pk).status == S.SENT_TO_BPJS

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(preview_url + "simpan/", follow=True)

    result_url = preview_url + "hasil/"
    assert response.redirect_chain == [(result_url, 302)]
    assert ("Jawaban BPJS diimpor: 1 nomor KPJ dicatat, 1 penolakan dicatat, 2 tidak berubah, 3 belum tercatat."
            in response.content.decode())
    assert Nominee.objects.get(pk=nominees[1].pk).kpj_number == "00012345678"
    # The file is gone: confirming again imports nothing, and says where the first went.
    again = client.post(preview_url + "simpan/", follow=True)
    assert again.redirect_chain == [(result_url, 302)]
    assert "sudah disimpan oleh kiriman pertama Anda; kiriman kedua tidak mengubah apa pun" in again.content.decode()
    assert Nominee.objects.get(pk=nominees[1].pk).kpj_number == "00012345678"


def test_without_masa_iur_the_nominee_is_registered_and_paid_until_stays_empty(nominees, seluma, bpjs_officer):
    content = answer_file([[nik(1), "Calon 1", "00012345678", "01-07-2026", "", "aktif", ""]])

    report = bpjs_import.answer_apply(content=content, regency=seluma, actor=bpjs_officer)

    assert report.rows[0].message == "Calon 1 akan dicatat terdaftar: KPJ 00012345678, peserta sejak 1 Juli 2026."
    saved = Nominee.objects.get(pk=nominees[1].pk)
    assert (saved.status, saved.kpj_number, saved.paid_until) == (S.REGISTERED, "00012345678", None)


@pytest.mark.parametrize(("persona", "status"), [("officer", 200), ("regency_admin", 200), ("neighbour_officer", 404),
                                                 ("other_admin", 404)])
def test_nominee_page_shows_the_kpj_and_masa_iur(request, login, nominees, seluma, bpjs_officer, persona, status):
    bpjs_import.answer_apply(content=one_of_each(), regency=seluma, actor=bpjs_officer)

    response = login(request.getfixturevalue(persona)).get(
        reverse("registrations:nominee-detail", args=[nominees[1].pk]))

    assert response.status_code == status
    if status == 200:
        page = " ".join(response.content.decode().split())
        assert '<dt>Nomor KPJ</dt><dd class="nik">00012345678</dd>' in page
        assert "<dt>Peserta BPJS sejak</dt><dd>1 Juli 2026</dd>" in page
        assert "<dt>Masa iur s.d.</dt><dd>30 September 2026</dd>" in page


def test_a_wrong_file_is_refused_on_the_form(login, seluma, bpjs_officer):
    response = login(bpjs_officer).post(upload_url(seluma), {"file": SimpleUploadedFile("jawaban.csv", b"a,b")})

    assert response.status_code == 200
    assert "Berkas harus berformat Excel .xlsx" in response.content.decode()


def test_a_million_row_answer_file_is_refused_at_upload_and_leaves_nothing(login, nominees, seluma, bpjs_officer,
                                                                           tmp_path):
    """1,000,001 rows packed into about a megabyte: refused by the archive check, before a row is
    read; nothing is staged, no nominee moves, no job starts."""
    from common.models import Job
    from tests.workbook_bombs import repeated, row_xml, workbook_with_sheet

    content = workbook_with_sheet(title="Jawaban", header=HEADERS, body=repeated(
        row_xml([nik(1), "Calon 1", "00012345678", "01-07-2026", "", "aktif", ""]), 1_000_001))
    statuses = dict(Nominee.objects.values_list("pk", "status"))

    response = login(bpjs_officer).post(upload_url(seluma), {"file": SimpleUploadedFile("jawaban.xlsx", content)})

    assert response.status_code == 200
    assert response.context["form"].errors["file"][0].startswith(
        ("Isi berkas Excel ini terlalu besar setelah dibuka", "Berkas Excel ini tidak wajar"))
    assert not (tmp_path / "imports").exists() or list((tmp_path / "imports").iterdir()) == []
    assert dict(Nominee.objects.values_list("pk", "status")) == statuses and Job.objects.count() == 0


def test_a_large_file_over_the_row_limit_is_refused_by_its_preview_job_which_deletes_it(login, nominees, seluma,
                                                                                         bpjs_officer, settings,
                                                                                         tmp_path):
    """Above BPJS_INLINE_MAX_ROWS the upload reads only the first rows; the preview job reads them
    all, and refuses the file there when it is over the row limit: the staged file goes with it."""
    from bpjs import tasks
    from common.models import Job, JobStatus

    settings.BPJS_INLINE_MAX_ROWS, settings.BPJS_ANSWER_MAX_ROWS = 1, 3
    content = answer_file([[nik(serial), f"Calon {serial}", "", "", "", "ditolak", REFUSAL] for serial in range(1, 6)])

    response = login(bpjs_officer).post(upload_url(seluma), {"file": SimpleUploadedFile("jawaban.xlsx", content)})

    job = Job.objects.get()
    assert response.url == reverse("job-status", args=[job.pk])
    assert (job.title, job.total) == ("Memeriksa jawaban BPJS: lebih dari 1 baris", None)
    assert len(list((tmp_path / "imports").iterdir())) == 1
    tasks.preview_answers.apply(args=[job.pk])  # as the worker runs it
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "Berkas berisi lebih dari 3 baris data. Bagi menjadi beberapa berkas."
    assert list((tmp_path / "imports").iterdir()) == []
    assert Nominee.objects.get(pk=nominees[1].pk).status == S.SENT_TO_BPJS


@pytest.mark.parametrize("persona", ["other_admin", "viewer", "reviewer", "officer"])
def test_upload_page_is_a_404_for_everyone_else(request, login, seluma, persona):
    client = login(request.getfixturevalue(persona))

    assert client.get(upload_url(seluma)).status_code == 404
    assert client.post(upload_url(seluma), {"file": SimpleUploadedFile("j.xlsx", one_of_each())}).status_code == 404


def test_someone_elses_upload_is_a_404(login, nominees, seluma, bpjs_officer, regency_admin):
    response = login(bpjs_officer).post(upload_url(seluma), {"file": SimpleUploadedFile("j.xlsx", one_of_each())})
    preview_url = response.url

    other = login(regency_admin)
    assert other.get(preview_url).status_code == 404
    assert other.post(preview_url + "simpan/").status_code == 404


def saved(client, regency, content, capture) -> str:
    """Uploads `content`, saves it, and returns the result page's URL."""
    preview_url = client.post(upload_url(regency), {"file": SimpleUploadedFile("jawaban.xlsx", content)}).url
    with capture(execute=True):
        response = client.post(preview_url + "simpan/")
    assert response.url == preview_url + "hasil/"
    return response.url


def test_the_result_says_what_was_recorded_what_is_left_to_fix_and_leads_back_to_the_batches(
        login, nominees, seluma, bpjs_officer, django_capture_on_commit_callbacks):
    client = login(bpjs_officer)

    response = client.get(saved(client, seluma, one_of_each(), django_capture_on_commit_callbacks))

    assert response.status_code == 200
    assert [(label, count) for _, label, count in response.context["report"].result_counts] == [
        ("Nomor KPJ dicatat", 1), ("Penolakan BPJS dicatat", 1), ("Tidak berubah (sudah tercatat)", 2),
        ("Belum tercatat: perlu diperbaiki", 3)]
    # Only the rows left to fix are listed, each with why; NIKs masked as in the preview.
    assert [(row.row, row.full_name, row.problem_label) for row in response.context["page"].object_list] == [
        (4, "Orang Lain", "NIK tidak dikenal"), (5, "Calon 3", "Belum pernah dikirim"),
        (8, "Calon 6", "Baris tidak sah")]
    page = response.content.decode()
    assert "Yang perlu diperbaiki" in page and "(3 baris belum tercatat)" in page
    assert "Tidak ada calon peserta dengan NIK ini di kabupaten/kota ini." in page
    assert "Calon 3 ada di portal (status &#x27;dikirim ke kabupaten&#x27;) tetapi belum pernah dikirim" in page
    assert "************" + nik(9)[12:] in page and nik(9) not in page
    assert "Calon 1" not in page  # recorded: nothing to fix
    assert f'href="{reverse("registrations:bpjs-regency", args=[seluma.pk])}">Kembali ke batch kirim BPJS</a>' in page


def test_a_result_with_nothing_to_fix_says_so(login, nominees, seluma, regency_admin,
                                              django_capture_on_commit_callbacks):
    client = login(regency_admin)
    content = answer_file([[nik(1), "Calon 1", "00012345678", "01-07-2026", "", "aktif", ""],
                           [nik(4), "Calon 4", "00000000099", dt.date(2026, 6, 1), "", "aktif", ""]])

    page = client.get(saved(client, seluma, content, django_capture_on_commit_callbacks)).content.decode()

    assert "Tidak ada yang perlu diperbaiki" in page and "Yang perlu diperbaiki" not in page


def test_the_preview_of_a_saved_file_leads_to_its_result(login, nominees, seluma, bpjs_officer,
                                                         django_capture_on_commit_callbacks):
    client = login(bpjs_officer)
    result_url = saved(client, seluma, one_of_each(), django_capture_on_commit_callbacks)

    response = client.get(result_url.removesuffix("hasil/"))  # the browser's back button

    assert response.url == result_url


def test_a_result_not_saved_yet_leads_to_the_preview_and_a_purged_one_to_the_bpjs_page(
        login, nominees, seluma, bpjs_officer):
    client = login(bpjs_officer)
    preview_url = client.post(upload_url(seluma), {"file": SimpleUploadedFile("j.xlsx", one_of_each())}).url

    assert client.get(preview_url + "hasil/").url == preview_url
    uploads.delete(preview_url.rstrip("/").rsplit("/", 1)[1])
    gone = client.get(preview_url + "hasil/", follow=True)
    assert gone.redirect_chain == [(reverse("registrations:bpjs-regency", args=[seluma.pk]), 302)]
    assert "Hasil impor itu sudah tidak tersedia" in gone.content.decode()


def test_a_preview_whose_upload_is_gone_leads_back_to_the_upload_page(login, nominees, seluma, bpjs_officer):
    client = login(bpjs_officer)
    preview_url = client.post(upload_url(seluma), {"file": SimpleUploadedFile("j.xlsx", one_of_each())}).url
    uploads.delete(preview_url.rstrip("/").rsplit("/", 1)[1])

    gone = client.get(preview_url, follow=True)

    assert gone.redirect_chain == [(upload_url(seluma), 302)]
    assert uploads.EXPIRED_MESSAGE in gone.content.decode()


def test_someone_elses_result_is_a_404(login, nominees, seluma, bpjs_officer, regency_admin,
                                       django_capture_on_commit_callbacks):
    result_url = saved(login(bpjs_officer), seluma, one_of_each(), django_capture_on_commit_callbacks)

    assert login(regency_admin).get(result_url).status_code == 404


@pytest.mark.parametrize("unknown", [1, 3])
def test_the_result_page_costs_the_same_queries_for_1_and_3_rows_to_fix(
        login, nominees, seluma, bpjs_officer, django_assert_num_queries, django_capture_on_commit_callbacks,
        unknown):
    client = login(bpjs_officer)
    content = answer_file([[nik(20 + n), f"Orang {n}", f"0001234{n:04d}", "01-07-2026", "", "aktif", ""]
                           for n in range(unknown)])
    url = saved(client, seluma, content, django_capture_on_commit_callbacks)

    # The user, the user's regions (scope), the regency, the unread notices (header): the
    # rows come from the stored result, none from the database. The session is read from Redis.
    with django_assert_num_queries(4):
        response = client.get(url)
    assert len(response.context["page"].object_list) == unknown


def test_batch_list_links_to_the_answer_import(login, open_programme, bpjs_officer, viewer, seluma):
    url = reverse("registrations:export-batch-list", args=[open_programme.pk])

    assert upload_url(seluma) in login(bpjs_officer).get(url).content.decode()
    assert upload_url(seluma) not in login(viewer).get(url).content.decode()


# --- The command --------------------------------------------------------------------------------

@pytest.fixture
def answer_path(tmp_path):
    path = tmp_path / "jawaban.xlsx"
    path.write_bytes(one_of_each())
    return path


def test_command_dry_run_json_writes_nothing(nominees, answer_path, capsys):
    call_command("import_bpjs_results", str(answer_path), "--regency", "1705", "--dry-run", "--json")

    data = json.loads(capsys.readouterr().out)
    assert data["dry_run"] is True
    assert data["totals"] == {"rows": 7, "matched": 2, "unknown_nik": 1, "not_in_batch": 1,
                              "already_registered": 1, "already_decided": 1, "kpj_taken": 0, "malformed": 1}
    assert [(row["row"], row["outcome"], row["nik"]) for row in data["rows"]][:2] == [
        (2, "matched", "************" + nik(1)[12:]), (3, "matched", "************" + nik(2)[12:])]
    assert data["rows"][0]["kpj_number"] == "00012345678"
    assert Nominee.objects.get(pk=nominees[1].pk).status == S.SENT_TO_BPJS


def test_command_applies_as_the_bpjs_officer(nominees, answer_path, bpjs_officer, capsys):
    call_command("import_bpjs_results", str(answer_path), "--regency", "17.05", "--as", bpjs_officer.username)

    assert ("Jawaban BPJS diimpor: 1 nomor KPJ dicatat, 1 penolakan dicatat, 2 tidak berubah, 3 belum tercatat."
            in capsys.readouterr().out)
    assert Nominee.objects.get(pk=nominees[1].pk).kpj_number == "00012345678"
    assert Nominee.objects.get(pk=nominees[2].pk).status == S.REFUSED_BY_BPJS


def test_command_refuses_without_an_account_or_out_of_scope(nominees, answer_path, other_admin):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--as USERNAME"):
        call_command("import_bpjs_results", str(answer_path), "--regency", "17.05")
    with pytest.raises(CommandError, match="bukan petugas BPJS atau admin dinas"):
        call_command("import_bpjs_results", str(answer_path), "--regency", "17.05", "--as", other_admin.username)
    assert Nominee.objects.get(pk=nominees[1].pk).status == S.SENT_TO_BPJS


@pytest.mark.parametrize("count", [1, 3])
def test_applying_an_answer_costs_the_same_queries_for_1_and_3_rows(open_programme, make_nominee, niur, officer,
                                                                    regency_admin, seluma, django_assert_num_queries,
                                                                    count):
    for serial in range(1, count + 1):
        nominee = make_nominee(open_programme, niur, officer, nik=nik(serial), full_name=f"Calon {serial}")
        Nominee.objects.filter(pk=nominee.pk).update(status=S.APPROVED)
    bpjs_services.export_batch_create(programme=open_programme, created_by=regency_admin)
    content = answer_file([[nik(serial), f"Calon {serial}", f"000123456{serial:02d}", "01-07-2026", "", "aktif", ""]
                           for serial in range(1, count + 1)])

    # The preview again (the regency's nominees by the NIKs' keyed hashes: one; the KPJ numbers
    # already held by anyone: one), then one transaction: the rows locked within the actor's regions, their villages
    # (with subdistrict, regency and settings), one bulk update, the history rows, the event rows, with its
    # savepoint and release. Nothing per row.
    with django_assert_num_queries(9):
        report = bpjs_import.answer_apply(content=content, regency=seluma, actor=regency_admin)

    assert report.summary == f"{count} nomor KPJ dicatat, 0 penolakan dicatat, 0 tidak berubah, 0 belum tercatat"
    assert sorted(Nominee.objects.values_list("kpj_number", flat=True)) == [
        f"000123456{serial:02d}" for serial in range(1, count + 1)]


@pytest.mark.parametrize("count", [1, 3])
def test_refusals_tell_the_village_in_the_same_queries_for_1_and_3_rows(
        open_programme, make_nominee, niur, officer, regency_admin, seluma, django_assert_num_queries,
        django_capture_on_commit_callbacks, count):
    for serial in range(1, count + 1):
        nominee = make_nominee(open_programme, niur, officer, nik=nik(serial), full_name=f"Calon {serial}")
        Nominee.objects.filter(pk=nominee.pk).update(status=S.APPROVED)
    bpjs_services.export_batch_create(programme=open_programme, created_by=regency_admin)
    content = answer_file([[nik(serial), f"Calon {serial}", "", "", "", "ditolak", REFUSAL]
                           for serial in range(1, count + 1)])

    # As above, then after commit the village notices: the refused nominees, their villages'
    # officers, one insert of the notices. Nothing per row.
    with django_assert_num_queries(11), django_capture_on_commit_callbacks(execute=True):
        report = bpjs_import.answer_apply(content=content, regency=seluma, actor=regency_admin)

    assert report.summary == f"0 nomor KPJ dicatat, {count} penolakan dicatat, 0 tidak berubah, 0 belum tercatat"
    assert sorted(Notice.objects.filter(recipient=officer).values_list("text", flat=True)) == [
        f"Calon {serial}: ditolak BPJS. Alasan: {REFUSAL}" for serial in range(1, count + 1)]
