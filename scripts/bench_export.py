#!/usr/bin/env python
"""Times the nominative list of 100,000 nominees with NIK and KK in full, against its floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jamsostek_bench .venv/bin/python scripts/bench_export.py

The data: Kabupaten Aceh Utara (11.08, 852 villages) with the scale data's programme, about
100,000 nominees on its list (build it first, on the same database):

    python manage.py migrate
    python manage.py load_regions 11.08
    python manage.py generate_scale_data 11.08 --per-village 132

Measured in this one process, REPEAT times each, alternating, median reported:
1. the export: `manage.py export_nominees --programme ID --out FILE --as <regency admin>` (the
   command itself: the same reports.export_jobs code as the page and the worker, read from the
   database, NIK and KK decrypted, written to a temporary file, logged in the export log);
2. the floor: XlsxWriter in constant_memory mode writing the same cells (the same letterhead,
   header, 100,000 rows and signature lines, one format per column) from values already in
   memory: nothing read, nothing decrypted;
3. the candidates, writers only, the same cells from memory: common.xlsx_stream (the writer the
   export uses) and rustpy-xlsxwriter (a Rust writer; fed the rows as a generator of dicts, in
   chunks as it reads them), to show why the export writes with the first.
Then each of the export and the floor once more in a child process of its own, for its peak
memory (VmHWM, the process's own high-water mark). The target: the export in at most 0.5 x the floor's time, at most 256 MiB;
the goal beyond: at most 2 s.

It writes into the database only an account of its own (bench-export-admin, the regency admin
who sees NIK and KK in full) and the export log's rows of its runs; it runs ANALYZE first, as
autovacuum would have after the data was generated. The files hold NIKs: they are written to a
temporary directory, removed at the end. Only runs on a PostgreSQL database whose name ends in
"bench".
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/jamsostek_bench"
ROWS = 100_000
TARGET_RATIO, GOAL_SECONDS, MEMORY_LIMIT_MIB = 0.5, 2.0, 256
ACCOUNT = "bench-export-admin"
MISSING = (
    "No programme has {rows:,} nominees on its nominative list in this database (the largest has {found:,}).\n"
    "Build the data first, on the same database:\n"
    "  DATABASE_URL={url} .venv/bin/python manage.py migrate\n"
    "  DATABASE_URL={url} .venv/bin/python manage.py load_regions 11.08\n"
    "  DATABASE_URL={url} .venv/bin/python manage.py generate_scale_data 11.08 --per-village 132"
)


def django_setup(url: str) -> None:
    import environ

    config = environ.Env.db_url_config(url)
    if config.get("ENGINE") != "django.db.backends.postgresql" or not str(config.get("NAME", "")).endswith("bench"):
        sys.exit(f"Refusing to run: this benchmark writes an account and export log rows, so it only runs on a "
                 f"PostgreSQL database whose name ends in 'bench' (DATABASE_URL names {config.get('NAME')!r}).")
    os.environ["DATABASE_URL"] = url
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "jamsostek_portal.settings"
    os.environ.pop("DJANGO_ENV", None)
    import django

    django.setup()


def largest_list():
    """(programme, nominees on its list): the programme whose nominative list is the longest."""
    from django.db.models import Count, Q

    from registrations.enums import NOMINATIVE_LIST_STATES
    from registrations.models import Programme

    programme = (Programme.objects.select_related("regency")
                 .annotate(listed=Count("nominees", filter=Q(nominees__status__in=NOMINATIVE_LIST_STATES)))
                 .order_by("-listed").first())
    return programme, (programme.listed if programme else 0)


def bench_account(regency):
    from accounts.enums import Role
    from accounts.models import User
    from accounts.services import user_create

    return User.objects.filter(username=ACCOUNT).first() or user_create(
        username=ACCOUNT, role=Role.REGENCY_ADMIN, regions=[regency], must_change_password=False)


def run_export(programme, account, directory: Path) -> int:
    from django.core.management import call_command

    out = directory / "daftar-nominatif.xlsx"
    call_command("export_nominees", "--programme", str(programme.pk), "--out", str(out), "--as", account.username,
                 stdout=StringIO())
    return out.stat().st_size


def same_cells(programme, account):
    """What the export writes, as values in memory: the heading lines, the header row, the table's
    rows (numbered, NIK and KK in full) and the lines below it. Read through the export's own code."""
    from django.utils import timezone

    from reports import export_jobs, exports
    from villages.selectors import regency_settings_get

    request = export_jobs.nominative_list_request(user=account, programme=programme, region=programme.regency)
    office = regency_settings_get(request.regency)
    today = timezone.localdate()
    heading = exports.NominativeHeading(
        regency_name=request.regency.name, office_name=office.office_name, programme_name=programme.name,
        stage=programme.stage, year=programme.year, region_label=request.region_label, printed_on=today,
        full_identifiers=request.full_identifiers)
    labels = exports.status_labels()
    rows = [(number, *exports.nominative_row(values, full_identifiers=True, today=today, labels=labels))
            for number, values in enumerate(export_jobs.nominative_list_values(account, request), start=1)]
    columns = exports.nominative_columns(full_identifiers=True)
    footer = [f"Jumlah: {len(rows)} orang", f"{programme.regency.name}, {today}", "Kepala Dinas", office.office_name,
              "(______________________________)"]
    return exports.nominative_heading_lines(heading), columns, rows, footer


def floor_xlsxwriter(path: Path, cells) -> None:
    """XlsxWriter, constant_memory: the same cells, one format per column, as a library would."""
    import xlsxwriter

    lines, columns, rows, footer = cells
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Daftar nominatif")
    bold = workbook.add_format({"bold": True})
    header = workbook.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter",
                                  "text_wrap": True})
    formats = [workbook.add_format({"border": 1, "valign": "top", "text_wrap": column.kind == "text",
                                    "num_format": "#,##0" if column.kind == "number" else "@"})
               for column in columns]
    numeric = [column.kind == "number" for column in columns]
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(len(lines) + 1)
    sheet.freeze_panes(len(lines) + 2, 0)
    for number, line in enumerate(lines):
        sheet.merge_range(number, 0, number, len(columns) - 1, line, bold)
    row_number = len(lines) + 1
    for index, column in enumerate(columns):
        sheet.write_string(row_number, index, column.header, header)
    for values in rows:
        row_number += 1
        for index, value in enumerate(values):
            if value is None or value == "":
                sheet.write_blank(row_number, index, None, formats[index])
            elif numeric[index]:
                sheet.write_number(row_number, index, value, formats[index])
            else:
                sheet.write_string(row_number, index, value, formats[index])
    row_number += 1
    for line in footer:
        row_number += 1
        sheet.write_string(row_number, len(columns) - 4, line, bold)
    workbook.close()


def candidate_xlsx_stream(path: Path, cells) -> None:
    """common.xlsx_stream, writer only: the same cells from memory."""
    from common.xlsx_stream import Cell, CellStyle, SheetStream, TableColumn

    lines, columns, rows, footer = cells
    with path.open("wb") as handle, SheetStream(handle, title="Daftar nominatif",
                                                widths=[column.width for column in columns],
                                                freeze_rows=len(lines) + 2, print_title_row=len(lines) + 2,
                                                printable=True) as sheet:
        bold = sheet.style(CellStyle(bold=True))
        for line in lines:
            sheet.row([Cell(line, bold)])
        sheet.skip()
        header = sheet.style(CellStyle(bold=True, border=True, horizontal="center", vertical="center", wrap=True))
        sheet.row([Cell(column.header, header) for column in columns])
        sheet.table(rows, [TableColumn(sheet.style(CellStyle(border=True, vertical="top", wrap=column.kind == "text",
                                                             number_format="#,##0" if column.kind == "number"
                                                             else "@")), numeric=column.kind == "number")
                           for column in columns])
        sheet.skip()
        for line in footer:
            sheet.row([Cell(line, bold)], start_column=len(columns) - 3)


def candidate_rustpy(path: Path, cells) -> None:
    """rustpy-xlsxwriter, writer only: the table's rows as a generator of dicts, which it reads in
    chunks as it writes (constant memory); the letterhead as merged ranges above the header. It has
    no place for lines below the table nor a style per cell (no quote prefix for one cell), which
    is why the export does not use it."""
    import rustpy_xlsxwriter

    lines, columns, rows, _ = cells
    headers = [column.header for column in columns]
    rustpy_xlsxwriter.write_worksheet(
        (dict(zip(headers, values, strict=True)) for values in rows), str(path), sheet_name="Daftar nominatif",
        header_row=len(lines) + 1, column_widths=[column.width for column in columns], bold_headers=True,
        merge_ranges=[(number, 0, number, len(columns) - 1, line) for number, line in enumerate(lines)],
        freeze_row=len(lines) + 2,
    )


def peak_memory_mib() -> float:
    """This process's peak resident memory: VmHWM, its own high-water mark (ru_maxrss would also
    count the parent's memory at the fork that started it), else ru_maxrss."""
    try:
        status = Path("/proc/self/status").read_text()
        return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(kind: str, directory: Path) -> None:
    """One run of `kind` in this (child) process; prints its seconds and peak memory as JSON."""
    programme, _ = largest_list()
    account = bench_account(programme.regency)
    if kind == "floor":
        cells = same_cells(programme, account)
        started = time.perf_counter()
        floor_xlsxwriter(directory / "floor.xlsx", cells)
    else:
        started = time.perf_counter()
        run_export(programme, account, directory)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_mib": peak_memory_mib()}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", choices=["export", "floor"], help=argparse.SUPPRESS)
    parser.add_argument("--directory", help=argparse.SUPPRESS)
    options = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    django_setup(url)
    if options.child:
        child(options.child, Path(options.directory))
        return 0

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    programme, listed = largest_list()
    if listed < ROWS:
        print(MISSING.format(rows=ROWS, found=listed, url=url), file=sys.stderr)
        return 1
    account = bench_account(programme.regency)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registrations_nominee, villages_village, villages_subdistrict")
    print(f"{programme.regency.name} ({programme.regency.code}), programme {programme.pk} \"{programme.name}\": "
          f"{listed:,} nominees on the list; as {account.username} ({account.get_role_display()}, NIK/KK in full).")
    print(f"Machine: {os.cpu_count()} cores, load {' '.join(f'{value:.2f}' for value in os.getloadavg())}.\n")

    with tempfile.TemporaryDirectory(prefix="bench-export-") as temporary:
        directory = Path(temporary)
        started = time.perf_counter()
        cells = same_cells(programme, account)
        print(f"The same cells read into memory for the floor and the candidates: {len(cells[2]):,} rows, "
              f"{time.perf_counter() - started:.2f} s (not part of any figure below).\n")
        steps = {
            "export_nominees (read, decrypt, write, log)": lambda: run_export(programme, account, directory),
            "floor: XlsxWriter constant_memory, same cells": lambda: floor_xlsxwriter(directory / "floor.xlsx", cells),
            "candidate: common.xlsx_stream, same cells": lambda: candidate_xlsx_stream(directory / "stream.xlsx",
                                                                                      cells),
            "candidate: rustpy-xlsxwriter, table only": lambda: candidate_rustpy(directory / "rustpy.xlsx", cells),
        }
        times: dict[str, list[float]] = {name: [] for name in steps}
        for repetition in range(1, options.repeat + 1):
            for name, step in steps.items():
                started = time.perf_counter()
                step()
                times[name].append(time.perf_counter() - started)
            print(f"run {repetition}: " + ", ".join(f"{values[-1]:.2f} s" for values in times.values()))
        sizes = {name: (directory / file).stat().st_size for name, file in zip(
            steps, ["daftar-nominatif.xlsx", "floor.xlsx", "stream.xlsx", "rustpy.xlsx"], strict=True)}

        memory = {}
        for kind in ("export", "floor"):
            answer = subprocess.run([sys.executable, __file__, "--child", kind, "--directory", temporary],
                                    capture_output=True, text=True, check=True, env={**os.environ, "DATABASE_URL": url})
            memory[kind] = json.loads(answer.stdout.strip().splitlines()[-1])

    medians = {name: statistics.median(values) for name, values in times.items()}
    export_name, floor_name = list(steps)[:2]
    print(f"\nMedians of {options.repeat} runs, {listed:,} rows:")
    for name, value in medians.items():
        print(f"  {name:<48} {value:6.2f} s   {sizes[name] / 1024 / 1024:5.1f} MiB file")
    ratio = medians[export_name] / medians[floor_name]
    print(f"\nExport / floor: {ratio:.2f} (target at most {TARGET_RATIO}: {'met' if ratio <= TARGET_RATIO else 'NOT met'}"
          f"); export {medians[export_name]:.2f} s (goal at most {GOAL_SECONDS:.0f} s: "
          f"{'met' if medians[export_name] <= GOAL_SECONDS else 'not met'}).")
    print(f"Peak memory, each in a process of its own (VmHWM): export {memory['export']['peak_mib']:.0f} MiB "
          f"({memory['export']['seconds']:.2f} s), floor {memory['floor']['peak_mib']:.0f} MiB with its cells in memory "
          f"({memory['floor']['seconds']:.2f} s); limit {MEMORY_LIMIT_MIB} MiB for the export: "
          f"{'met' if memory['export']['peak_mib'] <= MEMORY_LIMIT_MIB else 'NOT met'}.")
    print(f"Load at the end: {' '.join(f'{value:.2f}' for value in os.getloadavg())}.")
    from bench_result import figure, report

    report([figure("Nominative list export, NIK/KK in full", rows=listed, seconds=medians[export_name],
                   floor_seconds=medians[floor_name], target=TARGET_RATIO,
                   peak_mib=round(memory["export"]["peak_mib"]))])
    return 0


if __name__ == "__main__":
    sys.exit(main())
