#!/usr/bin/env python
"""Times the reports side of a whole regency on PostgreSQL, from the 2,020 approved Seluma nominees
that scripts/bench_review.py leaves in jamsostek_bench (run it first; this script says so and exits
with 1 when they are not there, e.g. when it has already run once since).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jamsostek_bench .venv/bin/python scripts/bench_review.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jamsostek_bench .venv/bin/python scripts/bench_reports.py

Steps, each through the same code the pages call:
1. services.export_batch_create: the BPJS registration file of the 2,020, one batch;
2. the BPJS branch's answer to that file (built here, not timed: all "aktif", KPJ numbers as text,
   membership today, paid up to +90 days) read by bpjs_import.answer_preview, then recorded by
   bpjs_import.answer_apply (which recomputes the coverage once, at its end);
3. the regent's dashboard /cakupan/kabupaten/<pk>/ and the largest subdistrict's page
   /cakupan/kecamatan/<pk>/ as a regency viewer (Django's test client): median of 5, queries;
4. reports.export_jobs.export_write into memory as the regency admin: the nominative list of the
   whole regency (NIK and KK in full, so every one is decrypted) and the coverage recap: median
   of 3 each, and the file size;
5. the API /api/v1/coverage/17.05/ and …/children/ as the viewer (session login): median of 5,
   queries.
The batch file and exports hold NIKs: MEDIA_ROOT is a temporary directory, removed at the end.
Only runs on a database named jamsostek_bench; it leaves the nominees registered.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_load_regions as common  # noqa: E402  (the database guard and Django setup)

SELUMA = "17.05"
EXPECTED = 2020  # bench_review.py: 202 villages × 10
PAGE_RUNS, EXPORT_RUNS = 5, 3
BEFORE = ("Run scripts/bench_review.py on the same database first: this benchmark starts from the "
          "2,020 approved Seluma nominees it leaves (and moves them on, so each run needs it again).")


def queries_text(count: int) -> str:
    return f"{count:,} {'query' if count == 1 else 'queries'}"


class QueryCounter:
    """Counts every statement sent (connection.execute_wrapper). The bulk steps send tens of
    thousands, more than the 9,000 that connection.queries keeps, which CaptureQueriesContext reads."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def main() -> int:
    common.without_broker()  # each step's coverage recompute runs inline, at its end
    config = common.bench_database_config()
    common.database_ensure(config)
    common.django_setup()

    from django.test.utils import override_settings

    with tempfile.TemporaryDirectory(prefix="bench-reports-media-") as media, override_settings(MEDIA_ROOT=media):
        return run()


def run() -> int:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from openpyxl import Workbook, load_workbook

    from accounts.enums import Role
    from accounts.models import User
    from accounts.services import user_create
    from bpjs import answers as bpjs_import
    from bpjs import services as bpjs_services
    from common.events import collected
    from registrations.enums import NomineeStatus
    from registrations.models import Nominee, Programme
    from reports import export_jobs
    from villages.models import Regency, Subdistrict

    call_command("migrate", interactive=False, verbosity=0)
    seluma = Regency.objects.filter(code=SELUMA).first()
    admin = User.objects.filter(username="bench-admin").first()
    programme = Programme.objects.filter(regency=seluma, name="Benchmark").first() if seluma else None
    waiting = (Nominee.objects.filter(programme=programme, status=NomineeStatus.APPROVED, export_batch__isnull=True)
               .count() if programme else 0)
    if admin is None or programme is None or waiting != EXPECTED:
        print(f"Found {waiting} approved Seluma nominees not yet sent to BPJS, expected {EXPECTED}.\n{BEFORE}",
              file=sys.stderr)
        return 1
    viewer = User.objects.filter(username="bench-viewer").first() or user_create(
        username="bench-viewer", role=Role.REGENCY_VIEWER, regions=[seluma], password=None,
        must_change_password=False)
    print(f"Seluma: {waiting} approved nominees in programme {programme.pk}.\n")
    figures: list[tuple[str, str, str]] = []  # (step, time, what else)

    def once(title, function):
        """One timed run with its statements counted."""
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            result = function()
            seconds = time.perf_counter() - started
        print(f"{title}: {seconds:.2f} s, {queries_text(counter.count)}")
        return seconds, counter.count, result

    # 1. The BPJS file. No broker here, so coverage_changed would recompute inline after each of the
    # 2,020 moves; as in production (a queued task coalesced per regency) the step's one recompute
    # runs at the end of collected() and is part of its time.
    def batch_create():
        with collected():
            return bpjs_services.export_batch_create(programme=programme, created_by=admin)

    seconds, queries, batch = once("1. Export batch of 2,020 (services.export_batch_create)", batch_create)
    size = batch.file.size
    print(f"   batch {batch.number}: {batch.row_count} rows, {size / 1024:.0f} KiB")
    figures.append(("1. BPJS export batch, 2,020 rows", f"{seconds:.1f} s",
                    f"{queries_text(queries)}; file {size / 1024:.0f} KiB"))

    # 2. The branch's answer, typed as a branch would from the batch file (not timed).
    with batch.file.open("rb") as handle:
        sheet = load_workbook(BytesIO(handle.read()), read_only=True).worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        headers = list(next(lines))
        sent = [dict(zip(headers, line, strict=False)) for line in lines]
    today = timezone.localdate()  # the portal's day (the regency's zone), not the machine's
    answer = Workbook()
    out = answer.active
    out.append(["NIK", "Nama", "Nomor KPJ", "Tanggal kepesertaan", "Masa iur s.d.", "Status", "Keterangan"])
    for serial, row in enumerate(sent, start=1):
        out.append([row["NIK"], row["Nama"], f"0{serial:010d}", today, today + dt.timedelta(days=90), "aktif", ""])
    for cell in out["A"] + out["C"]:
        cell.number_format = "@"  # NIK and KPJ typed as text, as the import asks
    buffer = BytesIO()
    answer.save(buffer)
    content = buffer.getvalue()
    print(f"   answer file: {len(sent)} rows, {len(content) / 1024:.0f} KiB")

    seconds, queries, preview = once("2a. Answer preview (bpjs_import.answer_preview)",
                                     lambda: bpjs_import.answer_preview(content=content, regency=seluma))
    matched = preview.count(bpjs_import.MATCHED)
    print(f"   matched: {matched} of {len(preview.rows)}")
    figures.append(("2a. BPJS answer, preview", f"{seconds:.2f} s", f"{queries_text(queries)}; {matched} matched"))

    def apply():
        with collected():
            return bpjs_import.answer_apply(content=content, regency=seluma, actor=admin)

    seconds, queries, applied = once("2b. Answer applied (bpjs_import.answer_apply)", apply)
    print(f"   {applied.summary}")
    registered = applied.applied_totals[bpjs_import.REGISTERED]
    figures.append(("2b. BPJS answer, apply", f"{seconds:.1f} s", f"{queries_text(queries)}; {registered} registered"))

    # 3 and 5. Pages and API calls as the regent's office sees them.
    client = Client()
    client.force_login(viewer)
    subdistrict = max(Subdistrict.objects.filter(regency=seluma).order_by("code"),
                      key=lambda row: row.villages.filter(is_retired=False).count())
    villages_in = subdistrict.villages.filter(is_retired=False).count()

    def page(title, url, label):
        durations, counts = [], set()
        for _ in range(PAGE_RUNS):
            connection.queries_log.clear()  # the bulk steps filled the debug log; count this call alone
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                durations.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            counts.add(len(captured))
        median = statistics.median(durations) * 1000
        shown = "/".join(str(count) for count in sorted(counts))
        print(f"{title} {url} (median of {PAGE_RUNS}): {median:.0f} ms, {shown} queries, "
              f"{len(response.content) / 1024:.0f} KiB")
        figures.append((label, f"{median:.0f} ms", f"{shown} queries"))
        return response

    page("3a. Regent's dashboard", f"/cakupan/kabupaten/{seluma.pk}/", "3a. Dashboard /cakupan/kabupaten/")
    page("3b. Subdistrict page", f"/cakupan/kecamatan/{subdistrict.pk}/",
         f"3b. Kecamatan {subdistrict.name} ({villages_in} villages)")

    # 4. The exports, as export_start builds them (the same export_write in a request or a job).
    def export(title, request, label):
        durations, written, data = [], 0, b""
        for _ in range(EXPORT_RUNS):
            output = BytesIO()
            started = time.perf_counter()
            written = export_jobs.export_write(output, user=admin, request=request)
            durations.append(time.perf_counter() - started)
            data = output.getvalue()
        median = statistics.median(durations)
        print(f"{title} (median of {EXPORT_RUNS}): {median:.2f} s, {written} rows, {len(data) / 1024:.0f} KiB")
        figures.append((label, f"{median:.2f} s", f"{written:,} rows; file {len(data) / 1024:.0f} KiB"))
        return written

    listing = export_jobs.nominative_list_request(user=admin, programme=programme, region=seluma)
    if not listing.full_identifiers:
        raise SystemExit("The regency admin should get NIK and KK in full.")
    listed = export("4a. Nominative list, whole regency, NIK in full", listing, "4a. Nominative list (NIK in full)")
    export("4b. Coverage recap", export_jobs.coverage_recap_request(regency=seluma), "4b. Coverage recap")

    page("5a. API", "/api/v1/coverage/17.05/", "5a. API coverage/17.05/")
    page("5b. API", "/api/v1/coverage/17.05/children/", "5b. API coverage/17.05/children/")

    width = max(len(step) for step, _, _ in figures)
    print(f"\n{'Step':<{width}}  {'Time':>8}  Other")
    for step, taken, other in figures:
        print(f"{step:<{width}}  {taken:>8}  {other}")
    return 0 if registered == listed == EXPECTED else 1


if __name__ == "__main__":
    sys.exit(main())
