"""A BPJS batch and an answer file above settings.BPJS_INLINE_MAX_ROWS run on the session's real
Celery worker (bpjs/jobs.py, bpjs/tasks.py) with a progress page, and end exactly as the same
steps in the request: the same batch, the same KPJ numbers and refusals, the same messages. The
threshold is lowered here so that three nominees make a "large" batch."""

import datetime as dt
import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from bpjs import jobs as bpjs_jobs
from bpjs.models import ExportBatch
from common import uploads
from common.access_log import ExportKind
from common.formatting import format_date
from common.models import ExportRecord, Job, JobStatus
from registrations.enums import NomineeStatus
from registrations.models import Nominee

from ..services import wait_for
from .conftest import nik_for
from .test_round_trip import JOINED, KPJ, PAID_UNTIL, REFUSAL, answer_workbook, approved  # noqa: F401

S = NomineeStatus
pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]
STRANGER = nik_for(dt.date(1970, 1, 1), serial=99)


def finished(job_pk) -> Job:
    wait_for(lambda: Job.objects.get(pk=job_pk).status in (JobStatus.DONE, JobStatus.FAILED), what="the job")
    return Job.objects.get(pk=job_pk)


def job_from(response) -> Job:
    """The job a view started: its answer is a redirect to the job's progress page."""
    job = Job.objects.order_by("-pk").first()
    assert response.status_code == 302 and response.url == reverse("job-status", args=[job.pk])
    return finished(job.pk)


def registered_reason(name):
    return f"KPJ {KPJ[name]}, peserta sejak {format_date(JOINED)}, iuran s.d. {format_date(PAID_UNTIL)}"


def outcome():
    """What the office and the village see afterwards."""
    return {
        "batches": list(ExportBatch.objects.values_list("number", "row_count")),
        "logged": list(ExportRecord.objects.filter(kind=ExportKind.BPJS_BATCH).values_list("row_count", flat=True)),
        "nominees": sorted(Nominee.objects.values_list("full_name", "status", "kpj_number", "registered_on",
                                                       "paid_until", "status_reason")),
    }


@pytest.mark.parametrize("path", ["inline", "job"])
def test_a_batch_and_its_answer_end_the_same_in_the_request_and_on_the_worker(
        path, settings, worker, worker_media, client, seluma, open_programme, approved, regency_admin,  # noqa: F811
        bpjs_officer):
    settings.BPJS_INLINE_MAX_ROWS = 1000 if path == "inline" else 2
    client.force_login(regency_admin)
    batch_list = reverse("registrations:export-batch-list", args=[open_programme.pk])

    # The confirmation first (the nominees the batch would take), then its button.
    create_url = reverse("registrations:export-batch-create", args=[open_programme.pk])
    confirm = client.get(create_url).content.decode()
    assert "<strong>3 calon disetujui</strong>" in confirm
    assert ("Batch sebesar ini dibuat di latar belakang" in confirm) == (path == "job")
    made = client.post(create_url, {"shown": re.search(r'name="shown" value="([^"]+)"', confirm).group(1),
                                    "expected": "3"})

    job = job_from(made) if path == "job" else None
    batch = ExportBatch.objects.get()
    message = (f"Batch {batch.number} dibuat: 3 calon tercatat dikirim ke BPJS. Unduh berkasnya dan cetak berita "
               "acara serah terima.")
    if job:
        assert (job.status, job.kind, job.total, job.progress) == (JobStatus.DONE, "bpjs.batch", 3, 3)
        assert job.result["lines"] == [message]
        assert job.result["links"][0] == ["Unduh berkas batch",
                                          reverse("registrations:export-batch-download", args=[batch.pk])]
        page = client.get(reverse("job-status", args=[job.pk])).content.decode()
        assert message in page and f'href="{batch_list}"' in page
    else:
        assert made.url == batch_list
        assert message in client.get(batch_list).content.decode()

    # The branch answers from the batch file: Ani and Budi active, Citra refused, and a NIK it
    # does not know.
    client.force_login(bpjs_officer)
    download = client.get(reverse("registrations:export-batch-download", args=[batch.pk]))
    rows = list(load_workbook(BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    nik_of = {row[2]: row[1] for row in rows[1:]}
    answer = answer_workbook([
        [nik_of["Ani"], "ANI", KPJ["Ani"], JOINED, PAID_UNTIL, "aktif", ""],
        [nik_of["Budi"], "BUDI", KPJ["Budi"], JOINED, PAID_UNTIL, "aktif", ""],
        [nik_of["Citra"], "CITRA", "", "", "", "ditolak", REFUSAL],
        [STRANGER, "ORANG LAIN", "0012345678909", JOINED, "", "aktif", ""],
    ])
    uploaded = client.post(reverse("registrations:bpjs-answer-upload", args=[seluma.pk]),
                           {"file": SimpleUploadedFile("jawaban.xlsx", answer)})
    [token] = client.session["bpjs_answer_imports"]
    preview_url = reverse("registrations:bpjs-answer-preview", args=[seluma.pk, token])
    if path == "job":
        job = job_from(uploaded)
        assert (job.status, job.kind, job.total) == (JobStatus.DONE, "bpjs.answer_preview", 4)
        assert job.result["lines"][0] == "4 baris diperiksa: Cocok 3, NIK tidak dikenal 1. Belum ada yang disimpan."
        assert job.result["links"] == [["Lihat pratinjau per baris", preview_url]]
    else:
        assert uploaded.url == preview_url

    preview = client.get(preview_url)

    assert preview.context["report"].totals == {
        "rows": 4, "matched": 3, "unknown_nik": 1, "not_in_batch": 0, "already_registered": 0,
        "already_decided": 0, "kpj_taken": 0, "malformed": 0}
    page = preview.content.decode()
    assert "Simpan 3 baris yang cocok" in page and nik_of["Ani"] not in page
    assert set(Nominee.objects.values_list("status", flat=True)) == {S.SENT_TO_BPJS}  # the preview wrote nothing

    confirmed = client.post(preview_url + "simpan/")

    applied = "Jawaban BPJS diimpor: 2 nomor KPJ dicatat, 1 penolakan dicatat, 0 tidak berubah, 1 belum tercatat."
    result_url = reverse("registrations:bpjs-answer-result", args=[seluma.pk, token])
    if path == "job":
        job = job_from(confirmed)
        assert (job.status, job.kind, job.result["lines"]) == (JobStatus.DONE, "bpjs.answer_apply", [applied])
        assert job.result["links"] == [["Lihat hasil dan baris yang perlu diperbaiki", result_url],
                                       ["Kembali ke batch kirim BPJS",
                                        reverse("registrations:bpjs-regency", args=[seluma.pk])]]
        assert applied in client.get(reverse("job-status", args=[job.pk])).content.decode()
    else:
        assert confirmed.url == result_url
        assert applied in client.get(confirmed.url).content.decode()
    # The same result page either way: the stranger's row is left to fix, with why.
    result = client.get(result_url)
    assert [(row.full_name, row.problem_label) for row in result.context["page"].object_list] == [
        ("ORANG LAIN", "NIK tidak dikenal")]
    assert uploads.read(token) is None and uploads.read_preview(token) is None
    assert outcome() == {
        "batches": [(batch.number, 3)],
        "logged": [3],
        "nominees": [("Ani", S.REGISTERED, KPJ["Ani"], JOINED, PAID_UNTIL, registered_reason("Ani")),
                     ("Budi", S.REGISTERED, KPJ["Budi"], JOINED, PAID_UNTIL, registered_reason("Budi")),
                     ("Citra", S.REFUSED_BY_BPJS, "", None, None, REFUSAL)],
    }
    # Confirming again imports nothing: the file is gone, and the second click is shown the first's result.
    again = client.post(preview_url + "simpan/", follow=True)
    assert again.redirect_chain == [(result_url, 302)]
    assert "sudah disimpan oleh kiriman pertama Anda" in again.content.decode()


def test_a_second_batch_job_with_nothing_left_to_send_is_refused_with_the_rules_message(
        worker, worker_media, open_programme, approved, regency_admin):  # noqa: F811
    """Two clicks on "Buat batch" before the worker started: one batch, and the second job says why not."""
    with transaction.atomic():
        first, second = (bpjs_jobs.export_batch_start(programme=open_programme, user=regency_admin, rows=3)
                         for _ in range(2))

    assert finished(first.pk).status == JobStatus.DONE
    refused = finished(second.pk)
    assert (refused.status, refused.error) == (JobStatus.FAILED,
                                               "Tidak ada calon berstatus disetujui yang belum dikirim ke BPJS.")
    assert ExportBatch.objects.get().row_count == 3


def test_a_batch_job_whose_list_changed_since_it_was_confirmed_makes_nothing(
        worker, worker_media, open_programme, approved, regency_admin):  # noqa: F811
    with transaction.atomic():
        job = bpjs_jobs.export_batch_start(programme=open_programme, user=regency_admin, rows=2)

    refused = finished(job.pk)
    assert (refused.status, refused.error) == (
        JobStatus.FAILED, "Sejak daftar dibuka, calon disetujui yang menunggu dikirim berubah dari 2 menjadi 3. "
                          "Periksa daftarnya lagi, lalu buat batch.")
    assert not ExportBatch.objects.exists()
