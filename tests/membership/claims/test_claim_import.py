"""The branch's claims file: membership/claims/imports.py and its pages (preview, then all or nothing)."""

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from membership.claims import imports as claim_import
from membership.enums import Benefit
from membership.models import BenefitClaim

from .conftest import kpj, member_nik

HEADERS = ["NIK", "Nomor KPJ", "Nama", "Jenis manfaat", "Tanggal bayar", "Jumlah (Rp)", "Penerima", "Nama penerima",
           "Nomor referensi"]


def claims_file(rows, headers=HEADERS) -> bytes:
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


GOOD_ROWS = [
    [member_nik(1), "", "Peserta 1", "JKM", "14-08-2026", "42.000.000", "Istri", "Siti Aminah", "KLM-1"],
    ["", kpj(2), "Peserta 2", "jkk", dt.date(2026, 9, 2), 3_250_000, "peserta sendiri", "", "KLM-2"],
]


def upload(client, regency, content):
    return client.post(reverse("membership:claim-import-upload", args=[regency.pk]),
                       {"file": SimpleUploadedFile("klaim.xlsx", content)})


def test_a_good_file_is_previewed_then_saved_and_the_same_file_again_changes_nothing(login, members, bpjs_officer,
                                                                                     seluma):
    client = login(bpjs_officer)
    preview_url = upload(client, seluma, claims_file(GOOD_ROWS)).url

    preview = client.get(preview_url)
    assert [(row.outcome, row.nominee_pk) for row in preview.context["report"].rows] == [
        (claim_import.NEW, members[1].pk), (claim_import.NEW, members[2].pk)]
    assert BenefitClaim.objects.count() == 0  # the preview writes nothing

    saved = client.post(preview_url + "simpan/", follow=True)
    token = preview_url.rstrip("/").rsplit("/", 1)[1]
    assert saved.redirect_chain == [(reverse("membership:claim-import-result", args=[seluma.pk, token]), 302)]
    page = " ".join(saved.content.decode().split())
    assert "Berkas klaim disimpan: 2 klaim dicatat, 0 sudah tercatat sebelumnya (tidak berubah)." in page
    assert reverse("membership:claim-list", args=[seluma.pk]) in page and member_nik(1) not in page
    assert [(row.row, row.outcome) for row in saved.context["page"].object_list] == [(2, "new"), (3, "new")]
    assert sorted(BenefitClaim.objects.values_list("bpjs_reference", "nominee_id", "benefit", "amount", "relation",
                                                   "beneficiary_name")) == [
        ("KLM-1", members[1].pk, Benefit.JKM, 42_000_000, "spouse", "Siti Aminah"),
        ("KLM-2", members[2].pk, Benefit.JKK, 3_250_000, "member", "")]

    again = client.get(upload(client, seluma, claims_file(GOOD_ROWS)).url)
    assert [row.outcome for row in again.context["report"].rows] == [claim_import.ALREADY_RECORDED] * 2
    assert again.context["report"].can_apply is False
    assert BenefitClaim.objects.count() == 2


def test_a_file_with_a_bad_row_saves_nothing(login, members, bpjs_officer, seluma):
    rows = [*GOOD_ROWS,
            ["", kpj(9), "Orang Lain", "JKK", "01-09-2026", "100000", "Peserta sendiri", "", "KLM-3"],
            ["", kpj(3), "Peserta 3", "JKM", "01-09-2026", "42000000", "Peserta sendiri", "", "KLM-4"],
            ["", kpj(3), "Peserta 3", "JHT", "31-02-2026", "satu juta", "Tetangga", "", "KLM-5"]]
    client = login(bpjs_officer)
    preview_url = upload(client, seluma, claims_file(rows)).url

    report = client.get(preview_url).context["report"]
    assert [row.outcome for row in report.rows] == [claim_import.NEW, claim_import.NEW, claim_import.UNKNOWN_MEMBER,
                                                    claim_import.MALFORMED, claim_import.MALFORMED]
    assert report.rows[3].message == "Manfaat JKM dibayarkan kepada ahli waris, bukan kepada peserta sendiri."
    assert report.rows[4].message.startswith('Jenis manfaat "JHT" tidak dikenal: isi JKM atau JKK. Penerima "Tetangga"')
    assert 'Tanggal bayar "31-02-2026" bukan tanggal' in report.rows[4].message
    assert 'Jumlah "satu juta" bukan angka rupiah utuh' in report.rows[4].message

    refused = client.post(preview_url + "simpan/", follow=True)
    assert "3 baris perlu diperbaiki; tidak ada klaim yang dicatat." in refused.content.decode()
    assert BenefitClaim.objects.count() == 0


def test_numeric_nik_and_kpj_cells_are_refused(login, members, bpjs_officer, seluma):
    rows = [[int(member_nik(1)), "", "Peserta 1", "JKK", "01-09-2026", 100_000, "Peserta sendiri", "", "KLM-1"],
            ["", int(kpj(2)), "Peserta 2", "JKK", "01-09-2026", 100_000, "Peserta sendiri", "", "KLM-2"]]

    report = claim_import.claims_preview(content=claims_file(rows), regency=seluma)

    assert [row.outcome for row in report.rows] == [claim_import.MALFORMED] * 2
    assert "NIK tersimpan sebagai angka" in report.rows[0].message
    assert "Nomor KPJ tersimpan sebagai angka, sehingga angka 0 di depan bisa hilang" in report.rows[1].message


def test_a_reference_or_a_death_repeated_in_the_file_is_refused(members, seluma):
    rows = [["", kpj(1), "", "JKK", "01-09-2026", 100_000, "Peserta sendiri", "", "KLM-1"],
            ["", kpj(2), "", "JKK", "01-09-2026", 100_000, "Peserta sendiri", "", "KLM-1"],
            ["", kpj(3), "", "JKM", "01-09-2026", 42_000_000, "Anak", "", "KLM-3"],
            [member_nik(3), "", "", "JKM", "01-09-2026", 42_000_000, "Istri", "", "KLM-4"]]

    report = claim_import.claims_preview(content=claims_file(rows), regency=seluma)

    assert [row.outcome for row in report.rows] == [claim_import.MALFORMED] * 4
    assert report.rows[0].message == "Nomor referensi yang sama ada di baris 2, 3."
    assert report.rows[2].message.startswith("Klaim JKM untuk peserta yang sama ada di baris 4, 5")


def test_another_regencys_member_is_unknown_here(members, other_regency):
    report = claim_import.claims_preview(content=claims_file(GOOD_ROWS), regency=other_regency)

    assert [row.outcome for row in report.rows] == [claim_import.UNKNOWN_MEMBER] * 2


@pytest.mark.parametrize(("content", "message"), [
    (claims_file(GOOD_ROWS, headers=["NIK", "Nama", "Nomor referensi"]),
     "Kolom Jenis manfaat, Tanggal bayar, Jumlah (Rp), Penerima tidak ditemukan di baris judul."),
    (b"bukan excel", "Berkas harus berformat Excel .xlsx"),
    (claims_file([]), "Berkas tidak berisi baris data di bawah baris judul."),
])
def test_an_unusable_file_is_refused_at_upload_and_nothing_is_kept(login, members, bpjs_officer, seluma, tmp_path,
                                                                   content, message):
    response = upload(login(bpjs_officer), seluma, content)

    assert response.status_code == 200
    assert response.context["form"].errors["file"][0].startswith(message)
    assert not (tmp_path / "imports").exists() or list((tmp_path / "imports").iterdir()) == []


def test_a_workbook_bomb_is_refused_before_a_row_is_read(login, members, bpjs_officer, seluma, tmp_path):
    from tests.workbook_bombs import repeated, row_xml, workbook_with_sheet

    content = workbook_with_sheet(title="Klaim", header=HEADERS, body=repeated(
        row_xml(["", kpj(1), "", "JKK", "01-09-2026", "100000", "Peserta sendiri", "", "KLM-1"]), 1_000_001))

    response = upload(login(bpjs_officer), seluma, content)

    assert response.context["form"].errors["file"][0].startswith(
        ("Isi berkas Excel ini terlalu besar setelah dibuka", "Berkas Excel ini tidak wajar"))
    assert BenefitClaim.objects.count() == 0


def test_someone_elses_upload_is_a_404(login, members, bpjs_officer, regency_admin, seluma):
    preview_url = upload(login(bpjs_officer), seluma, claims_file(GOOD_ROWS)).url

    login(regency_admin)  # the same client, now another person's session
    assert login(regency_admin).get(preview_url).status_code == 404
    assert BenefitClaim.objects.count() == 0
