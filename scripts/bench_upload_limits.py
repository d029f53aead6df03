#!/usr/bin/env python
"""Times how fast each Excel import refuses a hostile workbook (common/workbook_limits.py), and
what the largest accepted BPJS answer file costs to read. No database is touched.

    .venv/bin/python scripts/bench_upload_limits.py

Workbooks are built here with tests/workbook_bombs.py (not timed):
- a decompression bomb: one sheet of 300 MB of the same row, packed to a few hundred KB;
- an answer file of 1,000,001 rows packed into about a megabyte;
- answer files of settings.BPJS_ANSWER_MAX_ROWS rows (accepted) and one more (refused while read),
  each row different, as a branch writes them; and the upload's look at the accepted one's first
  BPJS_INLINE_MAX_ROWS + 1 rows (what the request reads before handing the file to a job).
Each refusal is timed through the import's own reader (bpjs.answers.read_rows, the nominee
import's read_workbook, the official figures' read_workbook); the floor is reading the zip's
directory (zipfile's infolist), the least any check must do. Peak memory of the process at the end.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(function, runs: int = 3) -> float:
    best = None
    for _ in range(runs):
        started = time.perf_counter()
        function()
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    return best


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "jamsostek_portal.settings"
    os.environ.pop("DJANGO_ENV", None)
    import django

    django.setup()
    import zipfile
    from io import BytesIO

    from django.conf import settings

    from bpjs import answers
    from common.workbooks import WorkbookError
    from registrations.nominee_import import workbook as nominees
    from reports import excel as figures
    from tests.workbook_bombs import bomb, repeated, row_xml, workbook_with_sheet

    def refused(reader, content) -> str:
        try:
            reader(content)
        except WorkbookError as error:
            return str(error)
        sys.exit("not refused")

    def floor(content) -> float:
        return timed(lambda: zipfile.ZipFile(BytesIO(content)).infolist())

    nik = "1705014509900001"
    answer_header = list(answers.COLUMNS.values())
    cases = [
        ("BPJS answer, 300 MB bomb", answers.read_rows,
         bomb(title="Jawaban", header=answer_header, row=[nik, "Calon", "00012345678", "01-07-2026", "", "aktif", ""])),
        ("Nominee import, 300 MB bomb", nominees.read_workbook,
         bomb(title=nominees.DATA_SHEET, header=list(nominees.HEADERS.values()), row=[nik] * len(nominees.HEADERS))),
        ("Official figures, 300 MB bomb", figures.read_workbook,
         bomb(title=figures.DATA_SHEET, header=figures.HEADERS, row=["17.05", "31-12-2025", "1"])),
        ("BPJS answer, 1,000,001 rows", answers.read_rows,
         workbook_with_sheet(title="Jawaban", header=answer_header, body=repeated(
             row_xml([nik, "Calon", "00012345678", "01-07-2026", "", "aktif", ""]), 1_000_001))),
    ]
    from bench_result import figure, report

    results = []
    print(f"{'Case':<34} {'packed':>9} {'refused in':>11} {'floor':>9} {'ratio':>7}  message")
    for title, reader, content in cases:
        seconds, base = timed(lambda: refused(reader, content)), floor(content)  # noqa: B023
        results.append(figure(f"Refusing a hostile upload: {title}", rows=0, seconds=seconds, target=1.0))
        print(f"{title:<34} {len(content) / 1024:7.0f} KB {seconds * 1000:8.1f} ms {base * 1000:6.2f} ms "
              f"{seconds / base:6.1f}  {refused(reader, content)[:60]}…")

    limit = settings.BPJS_ANSWER_MAX_ROWS

    def distinct(count):
        return (row_xml([f"17050{serial:011d}", f"Pekerja {serial}", f"0{serial:010d}", "01-07-2026", "30-09-2026",
                         "aktif", ""]) for serial in range(count))

    accepted = workbook_with_sheet(title="Jawaban", header=answer_header, body=distinct(limit))
    over = workbook_with_sheet(title="Jawaban", header=answer_header, body=distinct(limit + 1))
    unpacked = sum(part.file_size for part in zipfile.ZipFile(BytesIO(accepted)).infolist())
    read_floor = timed(lambda: zipfile.ZipFile(BytesIO(accepted)).read("xl/worksheets/sheet1.xml"), runs=1)
    seconds = timed(lambda: answers.read_rows(accepted), runs=1)
    print(f"\nBPJS answer of {limit:,} rows ({len(accepted) / 1024:.0f} KB, {unpacked / 1024 / 1024:.1f} MB unpacked): "
          f"read in {seconds:.2f} s; floor (unpacking the sheet) {read_floor:.2f} s; ratio {seconds / read_floor:.1f}")
    first = settings.BPJS_INLINE_MAX_ROWS + 1
    seconds = timed(lambda: answers.read_rows(accepted, first=first), runs=1)
    print(f"The upload's look at its first {first:,} rows (the rest is the preview job's): {seconds:.2f} s")
    seconds = timed(lambda: refused(answers.read_rows, over), runs=1)
    print(f"BPJS answer of {limit + 1:,} rows: refused while read in {seconds:.2f} s: {refused(answers.read_rows, over)}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak memory of this process: {peak:.0f} MB. Load: {os.getloadavg()[0]:.2f} (1 min).")
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
