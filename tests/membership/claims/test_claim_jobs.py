"""The branch's claims file above settings.BPJS_INLINE_MAX_ROWS is previewed and saved on the
session's real Celery worker (membership/claims/jobs.py, membership/tasks.py) with a progress page,
and ends exactly as the same file in the request: the same claims, result page and messages. The
threshold is lowered here so that two rows make a "large" file."""

import pytest
from django.urls import reverse

from common import uploads
from common.models import Job, JobStatus
from membership.enums import Benefit
from membership.models import BenefitClaim

from ..test_participant_jobs import job_from
from .conftest import member_nik
from .test_claim_import import GOOD_ROWS, claims_file, upload

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

SAVED = "Berkas klaim disimpan: 2 klaim dicatat, 0 sudah tercatat sebelumnya (tidak berubah)."


@pytest.mark.parametrize("path", ["inline", "job"])
def test_a_claims_file_ends_the_same_in_the_request_and_on_the_worker(
        path, settings, worker, worker_media, login, members, bpjs_officer, seluma):
    settings.BPJS_INLINE_MAX_ROWS = 1000 if path == "inline" else 1
    client = login(bpjs_officer)

    uploaded = upload(client, seluma, claims_file(GOOD_ROWS))

    [token] = client.session["membership_claim_imports"]
    preview_url = reverse("membership:claim-import-preview", args=[seluma.pk, token])
    if path == "job":
        job = job_from(uploaded)
        assert (job.status, job.kind, job.title, job.progress) == (
            JobStatus.DONE, "membership.claims_preview", "Memeriksa berkas klaim: lebih dari 1 baris", 2)
        assert job.result["lines"] == ["2 baris diperiksa: Akan dicatat 2. Belum ada yang disimpan.",
                                       "2 klaim akan dicatat bila Anda menekan Simpan di halaman pratinjau."]
        assert job.result["links"] == [["Lihat pratinjau per baris", preview_url]]
    else:
        assert uploaded.url == preview_url

    preview = client.get(preview_url)

    assert [(row.outcome, row.nominee_pk) for row in preview.context["report"].rows] == [
        ("new", members[1].pk), ("new", members[2].pk)]
    assert "Simpan 2 klaim" in preview.content.decode() and BenefitClaim.objects.count() == 0

    confirmed = client.post(preview_url + "simpan/")

    result_url = reverse("membership:claim-import-result", args=[seluma.pk, token])
    if path == "job":
        job = job_from(confirmed)
        assert (job.status, job.kind, job.result["lines"]) == (JobStatus.DONE, "membership.claims_apply", [SAVED])
        assert job.result["links"] == [["Lihat hasil", result_url],
                                       ["Daftar klaim", reverse("membership:claim-list", args=[seluma.pk])]]
        assert SAVED in client.get(reverse("job-status", args=[job.pk])).content.decode()
    else:
        assert confirmed.url == result_url
    result = client.get(result_url)
    page = " ".join(result.content.decode().split())
    assert "2 baris dibaca: 2 klaim dicatat, 0 sudah tercatat sebelumnya (tidak berubah)." in page
    assert member_nik(1) not in page
    assert [(row.row, row.full_name, row.outcome) for row in result.context["page"].object_list] == [
        (2, "Peserta 1", "new"), (3, "Peserta 2", "new")]
    assert uploads.read(token) is None and uploads.read_preview(token) is None
    assert sorted(BenefitClaim.objects.values_list("bpjs_reference", "nominee_id", "benefit", "amount",
                                                   "recorded_by__username")) == [
        ("KLM-1", members[1].pk, Benefit.JKM, 42_000_000, bpjs_officer.username),
        ("KLM-2", members[2].pk, Benefit.JKK, 3_250_000, bpjs_officer.username)]
    # Confirming again records nothing: the second click is shown the first's result.
    again = client.post(preview_url + "simpan/", follow=True)
    assert again.redirect_chain == [(result_url, 302)]
    assert "sudah disimpan oleh kiriman pertama Anda" in again.content.decode()
    assert BenefitClaim.objects.count() == 2


def test_a_large_claims_file_with_a_bad_row_saves_nothing_on_the_worker(
        settings, worker, worker_media, login, members, bpjs_officer, seluma):
    settings.BPJS_INLINE_MAX_ROWS = 1
    client = login(bpjs_officer)
    bad = [*GOOD_ROWS[:1], [member_nik(3), "", "Peserta 3", "JKX", "14-08-2026", "1.000", "Istri", "", "KLM-3"]]

    job = job_from(upload(client, seluma, claims_file(bad)))

    assert job.result["lines"][1] == ("1 baris perlu diperbaiki. Berkas disimpan hanya bila semua barisnya benar: "
                                      "perbaiki berkas, lalu unggah lagi.")
    [token] = client.session["membership_claim_imports"]
    refused = job_from(client.post(reverse("membership:claim-import-confirm", args=[seluma.pk, token])))
    assert (refused.status, refused.error) == (JobStatus.FAILED,
                                               "1 baris perlu diperbaiki; tidak ada klaim yang dicatat.")
    assert BenefitClaim.objects.count() == 0


def test_a_file_past_the_old_5000_row_cap_is_read_up_to_the_answer_files_limit(settings, members, seluma):
    from membership.claims import imports as claim_import

    settings.BPJS_ANSWER_MAX_ROWS = 6000
    rows = [["", f"9{serial:010d}", "X", "JKK", "14-08-2026", "1.000", "peserta sendiri", "", f"R-{serial}"]
            for serial in range(5001)]

    assert len(claim_import.read_rows(claims_file(rows))) == 5001


def test_someone_elses_claims_result_is_a_404(login, members, bpjs_officer, regency_admin, seluma, settings,
                                               tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(bpjs_officer)
    preview_url = upload(client, seluma, claims_file(GOOD_ROWS)).url
    client.post(preview_url + "simpan/")

    assert login(regency_admin).get(preview_url + "hasil/").status_code == 404
    assert Job.objects.count() == 0
