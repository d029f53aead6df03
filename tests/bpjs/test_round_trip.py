"""The whole exchange with the BPJS branch (issue 6), on real PostgreSQL and the session's real
Celery worker: the regency sets its branch's column layout, approved nominees go out in an export
batch, the branch's answer comes back, is previewed and applied, and the coverage snapshot the
worker writes shows the newly registered workers; importing the same answer again changes nothing.

Each step goes through the page a person uses (settings, batch, download, upload, preview, confirm).
The worker writes the snapshots (the test process runs no task: `task_always_eager` is off), so
the test waits on the database and the cache, never on a fixed sleep (tests/reports/test_tasks.py).
"""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from bpjs.models import ExportBatch
from jamsostek_portal.celery import health
from registrations.enums import NomineeStatus
from registrations.models import Nominee, NomineeEvent, Notice
from reports import services as report_services
from reports import triggers
from reports.coverage import coverage_today
from reports.models import CoverageSnapshot

from ..services import wait_for
from .conftest import nik_for

S = NomineeStatus
pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

TODAY = coverage_today()
AS_OF = TODAY - dt.timedelta(days=60)  # the official figure, before the programme's workers joined
JOINED = TODAY - dt.timedelta(days=10)  # "Tanggal kepesertaan" in the branch's answer
PAID_UNTIL = JOINED + dt.timedelta(days=89)  # "Masa iur s.d.": three months paid
REFUSAL = "NIK terdaftar sebagai peserta penerima upah"
# The branch of this test asks for fewer columns, some under its own names.
LAYOUT_TEXT = "no\nnik: NIK KTP\nname: Nama Tenaga Kerja\nbirth_date: Tgl Lahir\nvillage\nfunding_code"
HEADERS = ["No", "NIK KTP", "Nama Tenaga Kerja", "Tgl Lahir", "Desa/Kelurahan", "Kode wadah"]
ANSWER_HEADERS = ["NIK", "Nama", "Nomor KPJ", "Tanggal kepesertaan", "Masa iur s.d.", "Status", "Keterangan"]
KPJ = {"Ani": "0012345678901", "Budi": "0012345678902"}  # leading zeros the portal must keep


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def prompt(settings):
    """Recomputes start at once, not after the usual 5 s of coalescing."""
    settings.COVERAGE_RECOMPUTE_DELAY_SECONDS = 0


def worker_idle(regency):
    """Every recompute scheduled so far has finished: the pending mark is cleared when a recompute
    starts, and the solo worker runs the health task only after the recompute it is running."""
    wait_for(lambda: cache.get(triggers.pending_key(regency.pk)) is None, what="the scheduled recompute to start")
    health.delay().get(timeout=30)


def regency_row():
    return CoverageSnapshot.objects.filter(region_code="17.05", computed_on=TODAY).first()


def figures(row):
    return {name: getattr(row, name) for name in (
        "approved", "registered", "active", "official_as_of", "official_numerator", "programme_addition", "covered",
        "denominator", "ucj_percent", "contribution_points")}


def snapshot_values(regency):
    return sorted(CoverageSnapshot.objects.filter(regency=regency).values_list(
        "region_code", "computed_on", "approved", "registered", "active", "premium_committed_rp", "covered",
        "denominator", "ucj_percent", "contribution_points"))


def answer_workbook(rows) -> bytes:
    """The branch's answer as it types it: KPJ numbers and NIKs in text cells."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(ANSWER_HEADERS)
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2, max_col=3):
        for cell in cells:
            cell.number_format = "@"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def approved(open_programme, make_nominee, niur, lubuk_sahung, officer, neighbour_officer):
    """Three approved nominees (the review before is test_workflow.py's business): Ani and Budi in
    Niur, Citra in Lubuk Sahung."""
    made = [
        make_nominee(open_programme, niur, officer, nik=nik_for(dt.date(1990, 5, 15), serial=1), full_name="Budi"),
        make_nominee(open_programme, niur, officer, nik=nik_for(dt.date(1991, 6, 16), sex="P", serial=2),
                     full_name="Ani", sex="P", birth_date=dt.date(1991, 6, 16)),
        make_nominee(open_programme, lubuk_sahung, neighbour_officer, nik=nik_for(dt.date(1988, 3, 3), serial=3),
                     full_name="Citra", sex="L", birth_date=dt.date(1988, 3, 3)),
    ]
    Nominee.objects.filter(pk__in=[nominee.pk for nominee in made]).update(status=S.APPROVED)
    return {nominee.full_name: Nominee.objects.get(pk=nominee.pk) for nominee in made}


def test_layout_batch_answer_and_coverage_round_trip(worker, prompt, client, seluma, open_programme, approved, regency_admin,
                                                      bpjs_officer, neighbour_officer, officer):
    # The regency admin sets the branch's layout on the BPJS layout page.
    client.force_login(regency_admin)
    saved = client.post(reverse("registrations:bpjs-layout", args=[seluma.pk]), {"columns": LAYOUT_TEXT})
    assert saved.status_code == 302
    # The official figure the programme's workers are added to: 1,998 of 10,000 working people.
    report_services.official_figure_record(region=seluma, as_of=AS_OF, active_pu=1_500, active_bpu=450,
                                           active_jakon=40, active_pmi=8, denominator=10_000,
                                           entered_by=regency_admin)

    # The office makes the batch; the BPJS officer downloads its file.
    client.post(reverse("registrations:export-batch-create", args=[open_programme.pk]))
    batch = ExportBatch.objects.get()
    client.force_login(bpjs_officer)
    download = client.get(reverse("registrations:export-batch-download", args=[batch.pk]))
    sheet = load_workbook(BytesIO(b"".join(download.streaming_content))).active

    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]] == HEADERS
    assert [[cell.value for cell in row][1:3] for row in rows[1:]] == [
        [approved["Ani"].nik, "Ani"], [approved["Budi"].nik, "Budi"], [approved["Citra"].nik, "Citra"]]
    assert {(row[1].data_type, row[1].number_format) for row in rows[1:]} == {("s", "@")}  # NIKs stay text
    assert all(row[3].is_date for row in rows[1:]) and {row[5].value for row in rows[1:]} == {"SG"}
    assert set(Nominee.objects.values_list("status", flat=True)) == {S.SENT_TO_BPJS}

    worker_idle(seluma)
    before = regency_row()
    assert figures(before) == {
        "approved": 3, "registered": 0, "active": 0, "official_as_of": AS_OF, "official_numerator": 1_998,
        "programme_addition": 0, "covered": 1_998, "denominator": 10_000, "ucj_percent": Decimal("19.9800"),
        "contribution_points": Decimal("0.0000")}

    # The branch answers from the file's NIKs: Ani and Budi active, Citra refused.
    by_name = {row[2].value: row[1].value for row in rows[1:]}
    answer = answer_workbook([
        [by_name["Ani"], "ANI", KPJ["Ani"], JOINED.strftime("%d-%m-%Y"), PAID_UNTIL.strftime("%d-%m-%Y"), "aktif", ""],
        [by_name["Budi"], "BUDI", KPJ["Budi"], JOINED, PAID_UNTIL, "Aktif", ""],
        [by_name["Citra"], "CITRA", "", "", "", "ditolak", REFUSAL],
    ])
    upload_url = reverse("registrations:bpjs-answer-upload", args=[seluma.pk])
    preview_url = client.post(upload_url, {"file": SimpleUploadedFile("jawaban.xlsx", answer)}).url
    preview = client.get(preview_url)

    assert preview.context["report"].totals == {
        "rows": 3, "matched": 3, "unknown_nik": 0, "not_in_batch": 0, "already_registered": 0,
        "already_decided": 0, "kpj_taken": 0, "malformed": 0}
    assert "Simpan 3 baris yang cocok" in preview.content.decode()
    assert set(Nominee.objects.values_list("status", flat=True)) == {S.SENT_TO_BPJS}  # the preview wrote nothing

    confirmed = client.post(preview_url + "simpan/", follow=True)

    assert ("Jawaban BPJS diimpor: 2 nomor KPJ dicatat, 1 penolakan dicatat, 0 tidak berubah, 0 belum tercatat."
            in confirmed.content.decode())
    assert "Tidak ada yang perlu diperbaiki" in confirmed.content.decode()
    registered = {nominee.full_name: nominee for nominee in Nominee.objects.filter(status=S.REGISTERED)}
    assert {name: (n.kpj_number, n.registered_on, n.paid_until) for name, n in registered.items()} == {
        "Ani": ("0012345678901", JOINED, PAID_UNTIL), "Budi": ("0012345678902", JOINED, PAID_UNTIL)}
    citra = Nominee.objects.get(pk=approved["Citra"].pk)
    assert (citra.status, citra.status_reason, citra.kpj_number, citra.paid_until) == (
        S.REFUSED_BY_BPJS, REFUSAL, "", None)
    assert list(Notice.objects.filter(recipient=neighbour_officer).values_list("text", flat=True)) == [
        f"Citra: {S.REFUSED_BY_BPJS.label}. Alasan: {REFUSAL}"]
    # Niur hears once that its two were registered, with their KPJ numbers (no NIK).
    assert list(Notice.objects.filter(recipient=officer).values_list("text", flat=True)) == [
        f"2 calon peserta Desa Niur terdaftar di BPJS Ketenagakerjaan ({open_programme}): "
        "Ani, KPJ 0012345678901; Budi, KPJ 0012345678902."]

    # The worker's snapshot: two more covered workers, 0.02 UCJ points from the programme; the
    # refused nominee no longer counts as approved.
    wait_for(lambda: (row := regency_row()) is not None and row.registered == 2, what="the worker's snapshot")
    assert figures(regency_row()) == {
        "approved": 2, "registered": 2, "active": 2, "official_as_of": AS_OF, "official_numerator": 1_998,
        "programme_addition": 2, "covered": 2_000, "denominator": 10_000, "ucj_percent": Decimal("20.0000"),
        "contribution_points": Decimal("0.0200")}
    worker_idle(seluma)
    events, notices = NomineeEvent.objects.count(), Notice.objects.count()
    runs, snapshot = triggers.recompute_runs(seluma.pk), snapshot_values(seluma)
    nominees = list(Nominee.objects.order_by("pk").values_list("status", "kpj_number", "registered_on", "paid_until"))

    # The same file again: every row already recorded, nothing written, nothing recomputed.
    again_url = client.post(upload_url, {"file": SimpleUploadedFile("jawaban.xlsx", answer)}).url
    again = client.get(again_url)
    assert again.context["report"].totals == {
        "rows": 3, "matched": 0, "unknown_nik": 0, "not_in_batch": 0, "already_registered": 2,
        "already_decided": 1, "kpj_taken": 0, "malformed": 0}
    reconfirmed = client.post(again_url + "simpan/", follow=True)

    assert ("Jawaban BPJS diimpor: 0 nomor KPJ dicatat, 0 penolakan dicatat, 3 tidak berubah, 0 belum tercatat."
            in reconfirmed.content.decode())
    # No recompute waiting to start. One scheduled and already started would have cleared this mark
    # (the delay is 0 here): the recompute_runs check below is what shows none ran.
    assert cache.get(triggers.pending_key(seluma.pk)) is None
    health.delay().get(timeout=30)
    assert (NomineeEvent.objects.count(), Notice.objects.count()) == (events, notices)
    assert list(Nominee.objects.order_by("pk").values_list(
        "status", "kpj_number", "registered_on", "paid_until")) == nominees
    assert (triggers.recompute_runs(seluma.pk), snapshot_values(seluma)) == (runs, snapshot)
