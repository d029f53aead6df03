"""registrations/management/commands/{nominee_template,import_nominees}.py: the staff's way in."""

import datetime as dt
import json
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from openpyxl import Workbook, load_workbook

from registrations import services
from registrations.models import Nominee
from registrations.nominee_import import workbook as excel

TODAY = dt.date.today()
HEADERS = [column.header for column in excel.TEMPLATE_COLUMNS]
VALID_ROW = {
    "NIK": "1705011505900001", "No. KK": "1705010101200001", "Nama lengkap": "Budi Santoso", "Tempat lahir": "Seluma",
    "Tanggal lahir": "15-05-1990", "Jenis kelamin (L/P)": "L", "Alamat": "Dusun II", "RT": "3",
    "Pekerjaan": "Petani", "Persetujuan (Ya)": "Ya",
}


@pytest.fixture
def programme(seluma, regency_admin):
    return services.programme_create(
        regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan 2026", year=2026, stage=1,
        coverage_start=TODAY + dt.timedelta(days=14), nomination_opens=TODAY,
        nomination_closes=TODAY + dt.timedelta(days=30),
    )


@pytest.fixture
def nominee_file(tmp_path):
    """Row 2 valid; row 3 with a NIK typed as a number; row 4 with a sex that disagrees with the NIK."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Calon peserta"
    sheet.append(HEADERS)
    for values in [VALID_ROW, {**VALID_ROW, "NIK": 1705011505900002, "Nama lengkap": "Andi Saputra"},
                   {**VALID_ROW, "NIK": "1705011505900003", "Nama lengkap": "Citra Lestari",
                    "Jenis kelamin (L/P)": "P"}]:
        sheet.append([values.get(header) for header in HEADERS])
    path = tmp_path / "calon.xlsx"
    workbook.save(path)
    return path


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_nominee_template_writes_the_template(tmp_path, db):
    path = tmp_path / "template.xlsx"

    output = run("nominee_template", str(path))

    sheet = load_workbook(BytesIO(path.read_bytes()))["Calon peserta"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert sheet["A2"].number_format == "@"
    assert output == f"Template calon peserta ditulis ke {path}.\n"


def test_dry_run_json_reports_every_row_and_writes_nothing(nominee_file, programme, niur):
    output = run("import_nominees", str(nominee_file), "--programme", str(programme.pk), "--village", "17.05.01.2002",
                 "--dry-run", "--json")

    report = json.loads(output)
    assert (report["programme"], report["village"], report["dry_run"], report["kind"]) == (
        programme.pk, "17.05.01.2002", True, "template")
    assert [(r["row"], r["status"]) for r in report["rows"]] == [(2, "ok"), (3, "error"), (4, "warning")]
    assert [e["column"] for e in report["rows"][1]["errors"]] == ["NIK"]
    assert "digit ke-16 sudah hilang" in report["rows"][1]["errors"][0]["message"]
    assert [w["column"] for w in report["rows"][2]["warnings"]] == ["Jenis kelamin (L/P)"]
    assert report["totals"] == {"rows": 3, "ok": 1, "warning": 1, "error": 1, "saved": 0, "not_saved": 0}
    assert Nominee.objects.count() == 0


def test_import_saves_under_the_named_officer(nominee_file, programme, niur, officer):
    output = run("import_nominees", str(nominee_file), "--programme", str(programme.pk), "--village", "1705012002",
                 "--as", officer.username)

    assert output.splitlines()[-1] == "Niur: 2 disimpan sebagai draf, 0 tidak tersimpan, 1 ditolak."
    assert sorted(Nominee.objects.values_list("nik_masked", "created_by__username")) == [
        ("************0001", "op-niur"), ("************0003", "op-niur")]


def test_village_defaults_to_the_officers_village(nominee_file, programme, niur, officer):
    run("import_nominees", str(nominee_file), "--programme", str(programme.pk), "--as", officer.username)

    assert set(Nominee.objects.values_list("village", flat=True)) == {niur.pk}


def test_saving_needs_an_officer(nominee_file, programme, niur):
    with pytest.raises(CommandError, match="--as USERNAME"):
        run("import_nominees", str(nominee_file), "--programme", str(programme.pk), "--village", "17.05.01.2002")
    assert Nominee.objects.count() == 0


def test_the_officer_must_be_the_villages(nominee_file, programme, niur, neighbour_officer):
    with pytest.raises(CommandError, match="bukan operator Niur"):
        run("import_nominees", str(nominee_file), "--programme", str(programme.pk), "--village", "17.05.01.2002",
            "--as", neighbour_officer.username)
    assert Nominee.objects.count() == 0


@pytest.mark.parametrize(("content", "message"), [
    (b"bukan excel", "harus berformat Excel .xlsx"),
    (None, "Tidak bisa membaca"),
])
def test_unreadable_files_fail(tmp_path, programme, content, message):
    path = tmp_path / "calon.xlsx"
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        run("import_nominees", str(path), "--programme", str(programme.pk), "--dry-run")


def test_unreadable_file_exits_non_zero(tmp_path, programme, capsys):
    path = tmp_path / "calon.xlsx"
    path.write_bytes(b"bukan excel")

    # From the shell, BaseCommand turns the CommandError into a message on stderr and status 1.
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "import_nominees", str(path), "--programme", str(programme.pk),
                           "--dry-run"]).execute()

    assert exited.value.code == 1
    assert "harus berformat Excel .xlsx" in capsys.readouterr().err


def test_a_regency_admin_imports_a_regency_wide_file_by_kode_desa(tmp_path, programme, niur, lubuk_sahung,
                                                                 regency_admin):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Calon peserta"
    headers = [*HEADERS, "Kode desa"] if "Kode desa" not in HEADERS else HEADERS
    sheet.append(headers)
    for values in [{**VALID_ROW, "Kode desa": "17.05.01.2002"},
                   {**VALID_ROW, "NIK": "1705011505900002", "Kode desa": "1705012003"},
                   {**VALID_ROW, "NIK": "1705011505900003"}]:
        sheet.append([values.get(header) for header in headers])
    path = tmp_path / "kabupaten.xlsx"
    workbook.save(path)

    output = run("import_nominees", str(path), "--programme", str(programme.pk), "--as", regency_admin.username)

    assert output.splitlines()[-1] == "Kabupaten Seluma: 2 disimpan sebagai draf, 0 tidak tersimpan, 1 ditolak."
    assert sorted(Nominee.objects.values_list("nik_masked", "village__code", "created_by__username")) == [
        ("************0001", "17.05.01.2002", "admin-seluma"), ("************0002", "17.05.01.2003", "admin-seluma")]
