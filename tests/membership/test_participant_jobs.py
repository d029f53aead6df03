"""BPJS's participant file above settings.BPJS_INLINE_MAX_ROWS is previewed and saved on the
session's real Celery worker (membership/participant_jobs.py, membership/tasks.py) with a progress
page, and ends exactly as the same file in the request: the same moves, paid-up dates, history,
result page and messages. The threshold is lowered here so that four rows make a "large" file."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common import uploads
from common.jobs import UPLOAD_GONE
from common.models import Job, JobStatus
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee, NomineeEvent

from .test_participants import ON, on_day, people, participant_file, row, the_file  # noqa: F401

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

SAVED = "Daftar peserta BPJS disimpan: 4 peserta diperbarui, 0 tidak berubah, 1 peserta tidak ada di daftar BPJS."
UNPAID_REASON = "Daftar peserta BPJS per 20 Juli 2026: tidak aktif, masa iur s.d. 14 Desember 2026."


def finished(job_pk) -> Job:
    from ..services import wait_for

    wait_for(lambda: Job.objects.get(pk=job_pk).status in (JobStatus.DONE, JobStatus.FAILED), what="the job")
    return Job.objects.get(pk=job_pk)


def job_from(response) -> Job:
    """The job a view started: its answer is a redirect to the job's progress page."""
    job = Job.objects.order_by("-pk").first()
    assert response.status_code == 302 and response.url == reverse("job-status", args=[job.pk])
    return finished(job.pk)


def outcome():
    """What the office sees afterwards: each member's status and paid-up date, and the history."""
    return {
        "members": sorted(Nominee.objects.values_list("full_name", "status", "paid_until")),
        "events": sorted(NomineeEvent.objects.values_list("nominee__full_name", "actor__username", "from_status",
                                                          "to_status", "reason")),
    }


@pytest.mark.parametrize("path", ["inline", "job"])
def test_a_participant_file_ends_the_same_in_the_request_and_on_the_worker(
        path, settings, worker, worker_media, login, people, seluma, bpjs_officer, on_day):  # noqa: F811
    settings.BPJS_INLINE_MAX_ROWS = 1000 if path == "inline" else 2
    client = login(bpjs_officer)

    uploaded = client.post(reverse("membership:participant-upload", args=[seluma.pk]),
                           {"file": SimpleUploadedFile("peserta.xlsx", the_file(people))})

    [token] = client.session["bpjs_participant_imports"]
    preview_url = reverse("membership:participant-preview", args=[seluma.pk, token])
    if path == "job":
        job = job_from(uploaded)
        assert (job.status, job.kind, job.total, job.progress) == (
            JobStatus.DONE, "membership.participant_preview", 4, 4)
        assert job.title == "Memeriksa daftar peserta BPJS: lebih dari 2 baris"
        assert job.result["lines"] == ["4 baris diperiksa: Iuran dibayar 3, Tidak aktif 1. Belum ada yang disimpan.",
                                       "4 perubahan akan disimpan bila Anda menekan Simpan di halaman pratinjau."]
        assert job.result["links"] == [["Lihat pratinjau per baris", preview_url]]
        assert "Lihat pratinjau per baris" in client.get(reverse("job-status", args=[job.pk])).content.decode()
    else:
        assert uploaded.url == preview_url

    preview = client.get(preview_url)

    report = preview.context["report"]
    assert [(r.row, r.outcome, r.from_status, r.to_status) for r in report.rows] == [
        (2, "paid", S.ACTIVE, S.ACTIVE), (3, "paid", S.ARREARS, S.ACTIVE), (4, "paid", S.LAPSED, S.ACTIVE),
        (5, "unpaid", S.ACTIVE, S.LAPSED)]
    page = " ".join(preview.content.decode().split())
    assert "Simpan 4 perubahan" in page and "Tidak Tercantum" in page and people[0][1] not in page
    assert Nominee.objects.get(pk=people[3][0].pk).status == S.ACTIVE  # the preview wrote nothing

    confirmed = client.post(preview_url + "simpan/")

    result_url = reverse("membership:participant-result", args=[seluma.pk, token])
    if path == "job":
        job = job_from(confirmed)
        assert (job.status, job.kind, job.result["lines"]) == (JobStatus.DONE, "membership.participant_apply", [SAVED])
        assert job.result["links"] == [
            ["Lihat hasil dan peserta yang tidak ada di daftar BPJS", result_url],
            ["Kembali ke batch kirim BPJS", reverse("registrations:bpjs-regency", args=[seluma.pk])]]
        assert SAVED in client.get(reverse("job-status", args=[job.pk])).content.decode()
    else:
        assert confirmed.url == result_url
    # The same result page either way, and the same members, dates and history.
    result = " ".join(client.get(result_url).content.decode().split())
    assert "4 peserta diperbarui, 0 tidak berubah, 1 peserta tidak ada di daftar BPJS" in result
    assert "Tidak Tercantum" in result
    assert uploads.read(token) is None and uploads.read_preview(token) is None
    assert outcome() == {
        "members": [("Peserta 0", S.ACTIVE, dt.date(2026, 12, 14)), ("Peserta 1", S.ACTIVE, dt.date(2026, 12, 14)),
                    ("Peserta 2", S.ACTIVE, dt.date(2026, 12, 14)), ("Peserta 3", S.LAPSED, dt.date(2026, 12, 14)),
                    ("Tidak Tercantum", S.ACTIVE, dt.date(2026, 12, 14))],
        "events": sorted([
            ("Peserta 1", bpjs_officer.username, S.ARREARS, S.ACTIVE,
             "Daftar peserta BPJS per 20 Juli 2026: aktif, masa iur s.d. 14 Desember 2026."),
            ("Peserta 2", bpjs_officer.username, S.LAPSED, S.ACTIVE,
             "Daftar peserta BPJS per 20 Juli 2026: aktif, masa iur s.d. 14 Desember 2026."),
            ("Peserta 3", bpjs_officer.username, S.ACTIVE, S.LAPSED, UNPAID_REASON)]),
    }
    # Confirming again saves nothing: the file is gone, and the second click is shown the first's result.
    again = client.post(preview_url + "simpan/", follow=True)
    assert again.redirect_chain == [(result_url, 302)]
    assert "sudah disimpan" in again.content.decode()


def test_a_large_file_with_a_malformed_row_is_refused_whole_on_the_worker(
        settings, worker, worker_media, login, people, seluma, bpjs_officer, on_day):  # noqa: F811
    settings.BPJS_INLINE_MAX_ROWS = 1
    client = login(bpjs_officer)
    content = participant_file([row(people, 0), row(people, 1, "keluar")])
    before = outcome()

    job = job_from(client.post(reverse("membership:participant-upload", args=[seluma.pk]),
                               {"file": SimpleUploadedFile("peserta.xlsx", content)}))

    assert job.result["lines"][1] == ("Berkas ditolak: 1 baris tidak sah. Tidak ada yang akan disimpan; perbaiki "
                                      "barisnya lalu unggah lagi.")
    assert job.result["warning"] is True
    [token] = client.session["bpjs_participant_imports"]
    preview_url = reverse("membership:participant-preview", args=[seluma.pk, token])
    page = " ".join(client.get(preview_url).content.decode().split())
    assert "Berkas ditolak: ada baris yang tidak sah" in page and "Simpan 1 perubahan" not in page
    # A confirmation sent anyway (an old tab) is refused by the apply job, which checks the file again.
    refused = job_from(client.post(preview_url + "simpan/"))
    assert (refused.status, refused.error) == (
        JobStatus.FAILED, "Berkas ditolak: 1 baris tidak sah. Tidak ada yang disimpan; perbaiki barisnya lalu unggah "
                          "lagi.")
    assert outcome() == before


def test_an_apply_job_whose_upload_is_gone_says_so(worker, worker_media, people, seluma, bpjs_officer):  # noqa: F811
    from django.db import transaction

    from membership import participant_jobs

    with transaction.atomic():
        job = participant_jobs.participant_apply_start(regency=seluma, user=bpjs_officer, token="gone" * 8, rows=None,
                                                       on=ON)

    assert (finished(job.pk).status, finished(job.pk).error) == (JobStatus.FAILED, UPLOAD_GONE)


def test_the_upload_page_says_large_files_run_in_the_background(settings, login, seluma, bpjs_officer):
    settings.BPJS_INLINE_MAX_ROWS = 2500

    page = " ".join(login(bpjs_officer).get(reverse("membership:participant-upload", args=[seluma.pk]))
                    .content.decode().split())

    assert "Berkas lebih dari 2.500 baris diperiksa dan disimpan di latar belakang" in page
