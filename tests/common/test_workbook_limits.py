"""Every Excel import refuses a hostile workbook before parsing it (common/workbook_limits.py): a
decompression bomb, a part lying about its size, too many parts, XML entities, and, for the BPJS
answer file, more rows than its limit, counted while the sheet streams. The refusal is the archive
check's message (nothing was unpacked), in Indonesian."""

import zipfile
from io import BytesIO

import openpyxl
import pytest
from defusedxml import EntitiesForbidden

from bpjs import answers
from common import workbooks
from common.workbook_limits import WorkbookLimits, check_workbook_archive
from registrations.nominee_import import workbook as nominee_workbook
from reports import excel as figures_workbook
from tests.workbook_bombs import SHEET, bomb, lying_about_size, repeated, row_xml, workbook_with_sheet

NIK = "1705014509900001"
ANSWER = {"title": "Jawaban", "header": list(answers.COLUMNS.values()),
          "row": [NIK, "Calon", "00012345678", "01-07-2026", "", "aktif", ""]}
NOMINEE = {"title": nominee_workbook.DATA_SHEET, "header": list(nominee_workbook.HEADERS.values()),
           "row": [NIK] * len(nominee_workbook.HEADERS)}
FIGURES = {"title": figures_workbook.DATA_SHEET, "header": figures_workbook.HEADERS,
           "row": ["17.05", "31-12-2025", "1", "1", "1", "1", "100", "", ""]}
READERS = {
    "bpjs-answer": (answers.read_rows, ANSWER),
    "nominee": (nominee_workbook.read_workbook, NOMINEE),
    "official-figures": (figures_workbook.read_workbook, FIGURES),
}
UNPACKED_TOO_LARGE = "Isi berkas Excel ini terlalu besar setelah dibuka"
GROWS_TOO_MUCH = "Berkas Excel ini tidak wajar: salah satu bagiannya membesar lebih dari 100 kali"
ARCHIVE_REFUSALS = (UNPACKED_TOO_LARGE, GROWS_TOO_MUCH)


def refusal(reader, content) -> str:
    with pytest.raises(workbooks.WorkbookError) as refused:
        reader(content)
    return str(refused.value)


def causes(error):
    while error is not None:
        yield error
        error = error.__cause__ or error.__context__


def test_uploads_are_parsed_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True


@pytest.mark.parametrize("kind", READERS)
def test_a_bomb_of_300_mb_in_a_few_kb_is_refused_before_parsing(kind):
    reader, layout = READERS[kind]
    content = bomb(**layout, unpacked_mb=300)
    assert len(content) < 2 * 1024 * 1024 < 300 * 1024 * 1024 <= sum(
        part.file_size for part in zipfile.ZipFile(BytesIO(content)).infolist())

    message = refusal(reader, content)

    assert message.startswith(UNPACKED_TOO_LARGE) and "batasnya 50 MB" in message


@pytest.mark.parametrize("kind", READERS)
def test_a_part_growing_a_thousand_times_within_the_size_limit_is_refused(kind):
    reader, layout = READERS[kind]

    assert refusal(reader, bomb(**layout, unpacked_mb=30)).startswith(GROWS_TOO_MUCH)


@pytest.mark.parametrize("kind", READERS)
def test_a_part_declaring_less_than_it_holds_is_cut_there_and_refused(kind):
    """zipfile hands out no more than the declared size: the sheet is cut short, and the file is
    refused as unreadable (when opened, or while its rows are read)."""
    reader, layout = READERS[kind]
    honest = bomb(**layout, unpacked_mb=30)

    assert refusal(reader, lying_about_size(honest)) in (workbooks.WRONG_TYPE, workbooks.DAMAGED)


@pytest.mark.parametrize("kind", READERS)
def test_too_many_parts_are_refused(kind):
    reader, layout = READERS[kind]
    content = workbook_with_sheet(title=layout["title"], header=layout["header"], body=[row_xml(layout["row"])],
                                  extra_parts=500)

    assert "terlalu banyak bagian (5" in refusal(reader, content)


def test_xml_entities_are_refused_by_defusedxml():
    laughs = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              + row_xml(ANSWER["header"]).replace(b"<t>Nama</t>", b"<t>&b;</t>") + b"</sheetData></worksheet>")
    buffer = BytesIO()
    with zipfile.ZipFile(BytesIO(bomb(**ANSWER, unpacked_mb=0))) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, laughs if item.filename == SHEET else source.read(item.filename))

    with pytest.raises(workbooks.WorkbookError) as refused:
        answers.read_rows(buffer.getvalue())

    assert str(refused.value) in (workbooks.WRONG_TYPE, workbooks.DAMAGED)
    assert any(isinstance(error, EntitiesForbidden) for error in causes(refused.value))


def test_an_answer_file_of_a_million_rows_is_refused_by_the_archive_check():
    """1,000,001 rows of one answer (1.1 MB packed): refused before a row is read."""
    content = workbook_with_sheet(title="Jawaban", header=ANSWER["header"],
                                  body=repeated(row_xml(ANSWER["row"]), 1_000_001))
    assert len(content) < answers.MAX_BYTES

    assert refusal(answers.read_rows, content).startswith(ARCHIVE_REFUSALS)


def test_the_answer_row_limit_is_enforced_while_reading(settings):
    settings.BPJS_ANSWER_MAX_ROWS = 30
    rows = [row_xml([f"17050145099{serial:05d}", f"Calon {serial}", f"{serial:011d}", "01-07-2026", "", "aktif", ""])
            for serial in range(31)]

    assert len(answers.read_rows(workbook_with_sheet(title="Jawaban", header=ANSWER["header"], body=rows[:30]))) == 30
    assert refusal(answers.read_rows, workbook_with_sheet(title="Jawaban", header=ANSWER["header"], body=rows)) == (
        "Berkas berisi lebih dari 30 baris data. Bagi menjadi beberapa berkas.")


def test_the_limits_are_settings_and_a_reader_may_pass_its_own(settings):
    content = workbook_with_sheet(title="Jawaban", header=ANSWER["header"], body=[row_xml(ANSWER["row"])],
                                  extra_parts=20)
    check_workbook_archive(content)
    settings.WORKBOOK_MAX_PARTS = 20

    with pytest.raises(workbooks.WorkbookError, match="terlalu banyak bagian"):
        check_workbook_archive(content)
    check_workbook_archive(BytesIO(content), WorkbookLimits(max_parts=50, max_unpacked_bytes=10**6, max_ratio=100))


def regency_list(content):
    from registrations.nominee_import.importing import read_upload

    return read_upload(content, regency_wide=True)


def test_a_regency_wide_nominee_list_is_checked_against_its_own_unpacked_limit():
    """A regency's list is large by nature, so its unpacked limit is the list's own (320 MB), not the
    village file's 50 MB; a bomb beyond it, or one part growing a thousand times, is still refused."""
    message = refusal(regency_list, bomb(**NOMINEE, unpacked_mb=400))
    assert message.startswith(UNPACKED_TOO_LARGE) and "batasnya 320 MB" in message

    assert refusal(regency_list, bomb(**NOMINEE, unpacked_mb=30)).startswith(GROWS_TOO_MUCH)


def test_a_regency_wide_nominee_list_unpacking_beyond_the_village_limit_is_read():
    """60,000 distinct rows written with inline strings unpack to about 60 MB, over the 50 MB a
    village's file may: the regency-wide list reads them all."""
    import random

    rng = random.Random(4)
    header = list(nominee_workbook.HEADERS.values())
    rows = (row_xml([f"{rng.randrange(10**15, 10**16)}" for _ in header]) for _ in range(60_000))
    content = workbook_with_sheet(title=NOMINEE["title"], header=header, body=rows)
    assert sum(part.file_size for part in zipfile.ZipFile(BytesIO(content)).infolist()) > 50 * 1024 * 1024

    assert len(regency_list(content).rows) == 60_000
