"""The export_nominees command: the regency's nominative list written to a file as the --as account
would download it (masked or in full by its role), logged like the page's exports, refused in
Indonesian for an unknown programme or account or one outside the account's scope."""

import stat
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from common.models import ExportKind, ExportRecord, ExportStatus
from reports import exports

from .test_export_jobs import HEADER_ROW, put, table


def run(*args) -> str:
    out = StringIO()
    call_command("export_nominees", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def listed(programme, niur, lubuk_sahung, regency_admin):
    put(programme, niur, ["Budi", "Wati"], by=regency_admin)
    put(programme, lubuk_sahung, ["Agus"], by=regency_admin, serial_start=10)


def test_a_regency_admin_gets_the_whole_regencys_list_in_full_and_it_is_logged(
        tmp_path, programme, seluma, regency_admin, listed):
    out = tmp_path / "daftar.xlsx"

    said = run("--programme", str(programme.pk), "--out", str(out), "--as", regency_admin.username)

    rows = table(out.read_bytes())
    assert [(row[0], row[1], row[2], row[3], row[7]) for row in rows] == [
        (1, "1705011505900001", "1705011503200001", "Budi", "Niur"),
        (2, "1705011505900002", "1705011503200002", "Wati", "Niur"),
        (3, "1705011505900010", "1705011503200010", "Agus", "Lubuk Sahung"),
    ]
    [record] = ExportRecord.objects.all()
    assert (record.kind, record.status, record.requested_by, record.regency, record.programme, record.subdistrict,
            record.village, record.row_count, record.full_identifiers, record.filename) == (
        ExportKind.NOMINATIVE_LIST, ExportStatus.DONE, regency_admin, seluma, programme, None, None, 3, True,
        "daftar.xlsx")
    assert "3 calon ditulis" in said and "NIK dan No. KK lengkap" in said
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # personal data: the owner's only
    assert [path.name for path in tmp_path.iterdir()] == ["daftar.xlsx"]  # nothing left beside it


def test_without_as_the_first_system_administrator_gets_the_masked_list(tmp_path, programme, sysadmin, listed):
    out = tmp_path / "daftar.xlsx"

    said = run("--programme", str(programme.pk), "--out", str(out))

    sheet = load_workbook(BytesIO(out.read_bytes()))[exports.NOMINATIVE_SHEET]
    assert sheet["A6"].value.endswith("NIK dan No. KK disamarkan.")
    assert sheet.cell(row=HEADER_ROW, column=5).value == "Tempat lahir, umur"
    assert [(row[1], row[2]) for row in table(out.read_bytes())] == [("************0001", "************0001"),
                                                                    ("************0002", "************0002"),
                                                                    ("************0010", "************0010")]
    [record] = ExportRecord.objects.all()
    assert (record.requested_by, record.full_identifiers, record.row_count) == (sysadmin, False, 3)
    assert "sebagai sysadmin" in said and "disamarkan" in said


def test_the_viewer_gets_the_list_masked(tmp_path, programme, viewer, listed):
    out = tmp_path / "daftar.xlsx"

    run("--programme", str(programme.pk), "--out", str(out), "--as", viewer.username)

    assert {row[1] for row in table(out.read_bytes())} == {"************0001", "************0002", "************0010"}
    assert ExportRecord.objects.get().full_identifiers is False


@pytest.mark.parametrize(("arguments", "message"), [
    (["--programme", "999999"], "Program 999999 tidak ada."),
    (["--as", "tidak-ada"], "Pengguna aktif tidak-ada tidak ada."),
    (["--as", "admin-bs"], "admin-bs tidak berhak mengunduh daftar nominatif Kabupaten Seluma."),
])
def test_an_unknown_programme_or_account_or_one_out_of_scope_is_refused(
        tmp_path, programme, other_admin, listed, arguments, message):
    out = tmp_path / "daftar.xlsx"
    given = {"--programme": str(programme.pk), "--out": str(out)}
    given.update(zip(arguments[::2], arguments[1::2]))

    with pytest.raises(CommandError) as refused:
        run(*[part for pair in given.items() for part in pair])

    assert str(refused.value) == message
    assert list(tmp_path.iterdir()) == []
    assert not ExportRecord.objects.exists()


def test_without_a_system_administrator_it_asks_for_an_account(tmp_path, programme, listed):
    with pytest.raises(CommandError, match="Tidak ada administrator sistem yang aktif: sebutkan --as USERNAME."):
        run("--programme", str(programme.pk), "--out", str(tmp_path / "daftar.xlsx"))


def test_a_failed_export_leaves_no_file_and_no_log_row(tmp_path, programme, regency_admin, listed, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("log unavailable")

    monkeypatch.setattr("reports.export_jobs.export_record", broken)

    with pytest.raises(RuntimeError):
        run("--programme", str(programme.pk), "--out", str(tmp_path / "daftar.xlsx"), "--as", regency_admin.username)

    assert list(tmp_path.iterdir()) == []
    assert not ExportRecord.objects.exists()
