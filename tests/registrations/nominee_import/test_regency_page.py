"""The page "Impor daftar kabupaten" (nominee_import/regency_views.py, regency.py): the office's list
for a whole regency, uploaded, previewed and saved in the request up to
settings.NOMINEE_IMPORT_INLINE_MAX_ROWS rows, and by the real worker above (the threshold is
lowered here so that three rows make a "large" file). Who may, what the preview shows (masked NIKs
only), what is saved, the rejected rows, the refusals."""

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from common import uploads
from common.models import Job, JobStatus
from registrations import services
from registrations.models import Nominee
from registrations.nominee_import import workbook as excel
from registrations.nominee_import.regency_views import SESSION_KEY
from tests.workbook_bombs import bomb

from ...services import wait_for
from ..workbooks import workbook_bytes

TODAY = dt.date.today()
NIK = "1705011505900001"  # a man born 15-05-1990, registered in Kec. Sukaraja, Seluma
VALID_ROW = {
    "NIK": NIK, "No. KK": "1705010101200001", "Nama lengkap": "Budi Santoso", "Tempat lahir": "Seluma",
    "Tanggal lahir": "15-05-1990", "Jenis kelamin (L/P)": "L", "Alamat": "Dusun II", "RT": "3", "RW": "1",
    "No. HP": "0812 3456 7890", "Pekerjaan": "petani", "Sumber data": "DTSEN", "Desil": "2",
    "Persetujuan (Ya)": "Ya", "Kode desa": "17.05.01.2002",
}
# Niur (dotted code), Lubuk Sahung (plain digits), and a village code outside Seluma.
THREE_ROWS = [
    VALID_ROW,
    {**VALID_ROW, "NIK": "1705011505900002", "Nama lengkap": "Andi Saputra", "Kode desa": "1705012003"},
    {**VALID_ROW, "NIK": "1705011505900003", "Nama lengkap": "Citra Lestari", "Kode desa": "17.01.01.2001"},
]
OUTSIDE = "Kode desa 17.01.01.2001 bukan desa/kelurahan di Kabupaten Seluma."


@pytest.fixture
def programme(seluma, regency_admin):
    return services.programme_create(
        regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan 2026", year=2026, stage=1,
        coverage_start=TODAY + dt.timedelta(days=14), nomination_opens=TODAY,
        nomination_closes=TODAY + dt.timedelta(days=30),
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored(media):
    folder = media / "imports"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def upload_file(content, name="kabupaten.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/vnd.openxmlformats-officedocument."
                                                        "spreadsheetml.sheet")


def url(name, programme, *args):
    return reverse(f"registrations:regency-import-{name}", args=[programme.pk, *args])


def saved():
    return sorted(Nominee.objects.values_list("nik_masked", "village__code", "created_by__username", "status"))


def rejected_rows(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(BytesIO(content))[excel.DATA_SHEET]
    header = [cell.value for cell in sheet[1]]
    # The workbook keeps blank rows formatted (as the template does): the filled ones are the rows.
    return [dict(zip(header, row, strict=False)) for row in sheet.iter_rows(min_row=2, values_only=True)
            if any(value not in (None, "") for value in row)]


# --- Who may ----------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["regency_admin", "approver", "sysadmin"])
def test_the_regencys_admin_approver_and_system_administrator_see_the_page_and_its_link(
        persona, request, client, programme, media):
    client.force_login(request.getfixturevalue(persona))

    page = client.get(url("upload", programme))
    detail = client.get(reverse("registrations:programme-detail", args=[programme.pk])).content.decode()

    assert page.status_code == 200
    assert "Impor daftar kabupaten" in page.content.decode()
    assert reverse("registrations:import-template") in page.content.decode()
    assert f'href="{url("upload", programme)}"' in detail


@pytest.mark.parametrize("persona", ["reviewer", "viewer", "bpjs_officer", "officer", "other_admin",
                                     "province_viewer"])
def test_everyone_else_gets_a_404_and_nothing_is_kept(persona, request, client, programme, media):
    client.force_login(request.getfixturevalue(persona))

    page = client.get(url("upload", programme))
    posted = client.post(url("upload", programme), {"file": upload_file(workbook_bytes(THREE_ROWS,
                                                                                       headers=list(VALID_ROW)))})

    assert (page.status_code, posted.status_code) == (404, 404)
    assert stored(media) == [] and not Nominee.objects.exists()


def test_the_link_is_not_on_the_programme_page_for_a_reviewer(client, programme, reviewer):
    client.force_login(reviewer)

    detail = client.get(reverse("registrations:programme-detail", args=[programme.pk])).content.decode()

    assert url("upload", programme) not in detail


def test_another_persons_upload_is_a_404(client, programme, regency_admin, approver, media):
    client.force_login(regency_admin)
    client.post(url("upload", programme), {"file": upload_file(workbook_bytes(THREE_ROWS, headers=list(VALID_ROW)))})
    [token] = client.session[SESSION_KEY]
    client.force_login(approver)

    answers = [client.get(url("preview", programme, token)).status_code,
               client.post(url("confirm", programme, token)).status_code,
               client.get(url("rejected", programme, token)).status_code]

    assert answers == [404, 404, 404] and not Nominee.objects.exists()


# --- In the request ------------------------------------------------------------------------------

def test_a_small_list_is_previewed_and_saved_in_the_request(client, programme, regency_admin, media, settings):
    settings.NOMINEE_IMPORT_INLINE_MAX_ROWS = 3
    client.force_login(regency_admin)

    uploaded = client.post(url("upload", programme),
                           {"file": upload_file(workbook_bytes(THREE_ROWS, headers=list(VALID_ROW)))})

    [token] = client.session[SESSION_KEY]
    assert uploaded.status_code == 302 and uploaded.url == url("preview", programme, token)
    assert not Job.objects.exists() and not Nominee.objects.exists()
    preview = client.get(uploaded.url)
    page = preview.content.decode()
    assert preview.context["totals"] | {"ready": preview.context["valid_count"]} == {
        "rows": 3, "ok": 2, "warning": 0, "error": 1, "saved": 0, "not_saved": 0, "ready": 2}
    assert preview.context["data"]["villages"] == 2
    assert [(row["row"], row["nik"], row["village"], row["errors"]) for row in preview.context["rows"]] == [
        (4, "************0003", "17.01.01.2001", [["Kode desa", OUTSIDE]])]
    assert OUTSIDE in page and "Simpan 2 baris yang siap" in page
    assert "1705011505900003" not in page  # the masked NIK only
    assert [row["Alasan"] for row in rejected_rows(client.get(url("rejected", programme, token)))] == [
        f"Baris 4: Kode desa: {OUTSIDE}"]

    confirmed = client.post(url("confirm", programme, token))

    assert confirmed.url == url("result", programme, token)
    assert saved() == [("************0001", "17.05.01.2002", "admin-seluma", "draft"),
                       ("************0002", "17.05.01.2003", "admin-seluma", "draft")]
    result = client.get(confirmed.url)
    assert result.context["totals"]["saved"] == 2 and result.context["totals"]["error"] == 1
    assert "2 calon peserta disimpan sebagai draf, 0 tidak tersimpan, 1 ditolak pemeriksaan." in result.content.decode()
    assert len(rejected_rows(client.get(url("rejected", programme, token)))) == 1
    # The upload is gone; the rejected rows and the summary stay for a day.
    assert not uploads.exists(token) and uploads.read_rejected(token) is not None
    # A second click saves nothing more.
    again = client.post(url("confirm", programme, token))
    assert again.url == url("result", programme, token) and Nominee.objects.count() == 2


def test_rows_past_a_villages_quota_are_told_not_saved(client, programme, regency_admin, media):
    services.village_quota_set(programme=programme, village=programme.regency.subdistricts.get(
        code="17.05.01").villages.get(code="17.05.01.2002"), quota=1, changed_by=regency_admin)
    rows = [VALID_ROW, {**VALID_ROW, "NIK": "1705011505900002", "Nama lengkap": "Andi Saputra"}]
    client.force_login(regency_admin)
    client.post(url("upload", programme), {"file": upload_file(workbook_bytes(rows, headers=list(VALID_ROW)))})
    [token] = client.session[SESSION_KEY]

    client.post(url("confirm", programme, token))

    result = client.get(url("result", programme, token))
    assert (result.context["totals"]["saved"], result.context["totals"]["not_saved"]) == (1, 1)
    [not_saved] = result.context["rows"]
    assert not_saved["row"] == 3 and not_saved["nik"] == "************0002"
    assert [row["NIK"] for row in rejected_rows(client.get(url("rejected", programme, token)))] == ["1705011505900002"]


@pytest.mark.parametrize("problems", [1, 3])
def test_the_preview_costs_the_same_queries_whatever_its_rows(problems, client, programme, regency_admin, media,
                                                              django_assert_num_queries):
    rows = [{**VALID_ROW, "NIK": f"170501150590000{number}", "Kode desa": ""} for number in range(1, problems + 1)]
    client.force_login(regency_admin)
    client.post(url("upload", programme), {"file": upload_file(workbook_bytes(rows, headers=list(VALID_ROW)))})
    [token] = client.session[SESSION_KEY]

    # The session, the user, the user's region scope (assignments), the programme with its regency,
    # the menu's unread notices; the rows come from the stored summary, not the database.
    with django_assert_num_queries(4):
        preview = client.get(url("preview", programme, token))

    assert len(preview.context["rows"]) == problems


# --- Refused files --------------------------------------------------------------------------------

@pytest.mark.parametrize("content, name, message", [
    (workbook_bytes([{"Nama": "Budi"}], headers=["Nama", "Alamat"]), "kabupaten.xlsx",
     "Kolom wajib tidak ditemukan"),
    (b"NIK,Nama\n1705011505900001,Budi\n", "kabupaten.csv", "harus berformat Excel .xlsx"),
    (bomb(title=excel.DATA_SHEET, header=list(excel.HEADERS.values()), row=["x"] * 5, unpacked_mb=30),
     "kabupaten.xlsx", "Berkas Excel ini tidak wajar"),
], ids=["wrong-columns", "not-xlsx", "archive-bomb"])
def test_a_refused_file_says_why_and_leaves_nothing(content, name, message, client, programme, regency_admin,
                                                    media):
    client.force_login(regency_admin)

    response = client.post(url("upload", programme), {"file": upload_file(content, name)})

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert stored(media) == [] and SESSION_KEY not in client.session and not Job.objects.exists()


def test_a_file_too_large_is_refused_before_reading(client, programme, regency_admin, media, monkeypatch):
    monkeypatch.setattr(excel, "REGENCY_MAX_BYTES", 1024 * 1024)
    client.force_login(regency_admin)

    response = client.post(url("upload", programme), {"file": upload_file(b"x" * (1024 * 1024 + 1))})

    assert response.context["form"].errors["file"] == [
        ("Berkas terlalu besar (1,0 MB); batasnya 1 MB. Hapus gambar atau lembar lain, atau bagi data menjadi "
        "beberapa berkas.")]
    assert stored(media) == []


# --- On the worker ---------------------------------------------------------------------------------

def finished(job) -> Job:
    wait_for(lambda: Job.objects.get(pk=job.pk).status in (JobStatus.DONE, JobStatus.FAILED), what="the job")
    return Job.objects.get(pk=job.pk)


def job_from(response) -> Job:
    job = Job.objects.order_by("-pk").first()
    assert response.status_code == 302 and response.url == reverse("job-status", args=[job.pk])
    return finished(job)


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_long_list_is_previewed_and_saved_by_the_worker(settings, worker, worker_media, client, programme,
                                                          regency_admin, approver):
    settings.NOMINEE_IMPORT_INLINE_MAX_ROWS = 2
    client.force_login(regency_admin)

    uploaded = client.post(url("upload", programme),
                           {"file": upload_file(workbook_bytes(THREE_ROWS, headers=list(VALID_ROW)))})

    [token] = client.session[SESSION_KEY]
    job = job_from(uploaded)
    assert (job.status, job.kind, job.total, job.progress) == (JobStatus.DONE, "registrations.regency_import_preview",
                                                               3, 3)
    assert job.result["lines"] == [("3 baris diperiksa: 2 siap disimpan (0 dengan peringatan) untuk 2 desa/kelurahan, "
                                   "1 ditolak. Belum ada yang disimpan.")]
    assert job.result["links"] == [["Lihat pratinjau", url("preview", programme, token)],
                                   ["Unduh baris yang ditolak (.xlsx)", url("rejected", programme, token)]]
    assert not Nominee.objects.exists()
    status_page = client.get(reverse("job-status", args=[job.pk])).content.decode()
    assert "2 siap disimpan" in status_page and NIK not in status_page
    preview = client.get(url("preview", programme, token))
    assert preview.context["valid_count"] == 2 and not preview.context["runs_inline"]
    assert [row["nik"] for row in preview.context["rows"]] == ["************0003"]
    assert len(rejected_rows(client.get(url("rejected", programme, token)))) == 1

    confirmed = client.post(url("confirm", programme, token))

    job = job_from(confirmed)
    assert (job.status, job.kind, job.result["data"]["saved"], job.result["data"]["error"]) == (
        JobStatus.DONE, "registrations.regency_import_apply", 2, 1)
    assert job.result["lines"] == ["2 calon peserta disimpan sebagai draf, 0 tidak tersimpan, 1 ditolak pemeriksaan."]
    assert job.result["links"][0] == ["Lihat hasil", url("result", programme, token)]
    assert saved() == [("************0001", "17.05.01.2002", "admin-seluma", "draft"),
                       ("************0002", "17.05.01.2003", "admin-seluma", "draft")]
    assert client.get(url("result", programme, token)).context["totals"]["saved"] == 2
    assert [row["Nama lengkap"] for row in rejected_rows(client.get(url("rejected", programme, token)))] == [
        "Citra Lestari"]
    # The job page is its requester's only.
    client.force_login(approver)
    assert client.get(reverse("job-status", args=[job.pk])).status_code == 404


# --- The job's work, run here (what the worker would do) ------------------------------------------

def test_a_file_the_preview_job_finds_unusable_is_refused_with_the_reason_and_not_kept(
        programme, regency_admin, media, monkeypatch):
    """The upload reads a long file only up to the threshold; the job reads it whole and may still
    refuse it (here: more rows than a regency's list may have)."""
    from common.jobs import job_run
    from registrations.nominee_import import regency

    token = uploads.store(workbook_bytes(THREE_ROWS, headers=list(VALID_ROW)))
    job = regency.preview_start(programme=programme, user=regency_admin, token=token)
    monkeypatch.setattr(excel, "REGENCY_MAX_ROWS", 2)

    job = job_run(job.pk, regency.preview_work)

    assert (job.status, job.error) == (JobStatus.FAILED,
                                       "Berkas berisi lebih dari 2 baris data. Bagi menjadi beberapa berkas.")
    assert stored(media) == [] and not Nominee.objects.exists()


def test_a_job_whose_requester_lost_the_role_is_refused(programme, regency_admin, media):
    from accounts.enums import Role
    from common.jobs import job_run
    from registrations.nominee_import import regency

    token = uploads.store(workbook_bytes(THREE_ROWS, headers=list(VALID_ROW)))
    job = regency.apply_start(programme=programme, user=regency_admin, token=token, rows=3)
    type(regency_admin).objects.filter(pk=regency_admin.pk).update(role=Role.REGENCY_REVIEWER)

    job = job_run(job.pk, regency.apply_work)

    assert (job.status, job.error) == (JobStatus.FAILED, regency.NOT_ALLOWED)
    assert not Nominee.objects.exists() and uploads.exists(token)


@pytest.mark.parametrize("count", [1, 3])
def test_the_inline_preview_costs_the_same_queries_whatever_its_rows(count, client, programme, regency_admin,
                                                                      media, django_assert_num_queries):
    rows = [{**VALID_ROW, "NIK": f"170501150590000{number}"} for number in range(1, count + 1)]
    client.force_login(regency_admin)

    with django_assert_num_queries(QUERIES_OF_AN_INLINE_UPLOAD):
        response = client.post(url("upload", programme),
                               {"file": upload_file(workbook_bytes(rows, headers=list(VALID_ROW)))})

    assert response.status_code == 302 and not Nominee.objects.exists()


# The user, the region scope, the programme with its regency (the session is read from Redis); the check: the active
# occupations, the regency's villages, the NIKs already active (one query for the file), the
# possible duplicates under another NIK (one query for the file); the session saved (savepoint,
# UPDATE, release).
QUERIES_OF_AN_INLINE_UPLOAD = 10
