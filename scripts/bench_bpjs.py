#!/usr/bin/env python
"""Times the BPJS round trip at 2,020 and 20,000 rows, in the request and as background jobs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jamsostek_bench REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python scripts/bench_bpjs.py [ROWS ...]

For each size (default 2020 and 20000) it bulk-creates that many approved Seluma nominees in a new
programme (not timed; real NIKs and their keyed hashes, so the answer file matches them), then:
1. services.export_batch_create, as the request runs it below settings.BPJS_INLINE_MAX_ROWS;
   floor: one locked SELECT of the rows and one UPDATE of their status, rolled back;
2. the branch's answer to that batch (built from its file, not timed: all "aktif", KPJ as text):
   a. answers.answer_preview; floor: openpyxl reading the same file's cells and nothing else;
   b. answers.answer_apply; floor: one UPDATE of the rows' status and KPJ, rolled back;
3. with REDIS_URL set, the same three steps as background jobs on a Celery worker this script
   starts (--pool=solo, on the same database): a second set of nominees, each job started as the
   view starts it (common.jobs.job_start) and timed until its progress page would say done.
Each line prints the time, its floor measured in the same run and their ratio, and the process's
peak memory at the end. The batch file and staged uploads hold NIKs: MEDIA_ROOT is a temporary
directory, removed at the end. Runs only on a database whose name starts with jamsostek_bench; it
loads Seluma (17.05) if missing and leaves its programmes and nominees behind.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SELUMA = "17.05"
SIZES = [2020, 20000]


def guard() -> None:
    """Only a PostgreSQL database named jamsostek_bench…, created when missing."""
    import environ
    import psycopg
    from psycopg import sql

    url = os.environ.get("DATABASE_URL", "")
    config = environ.Env.db_url_config(url) if url else {}
    name = str(config.get("NAME", ""))
    if config.get("ENGINE") != "django.db.backends.postgresql" or not name.startswith("jamsostek_bench"):
        sys.exit("Refusing to run: set DATABASE_URL to a PostgreSQL database whose name starts with jamsostek_bench.")
    params = {"dbname": "postgres", "user": config.get("USER"), "password": config.get("PASSWORD"),
              "host": config.get("HOST"), "port": config.get("PORT")}
    with psycopg.connect(**{key: value for key, value in params.items() if value}, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main(sizes: list[int]) -> int:
    guard()
    media = tempfile.mkdtemp(prefix="bench-bpjs-media-")
    os.environ["MEDIA_ROOT"] = media
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "jamsostek_portal.settings"
    os.environ.pop("DJANGO_ENV", None)
    import django

    django.setup()
    worker = start_worker() if os.environ.get("REDIS_URL") else None
    try:
        for rows in sizes:
            run(rows, worker is not None)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        import shutil

        shutil.rmtree(media, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak memory of this process: {peak:.0f} MB. Load: {os.getloadavg()[0]:.2f} (1 min).")
    from bench_result import report

    report(RESULTS)
    return 0


def start_worker():
    from django.conf import settings

    from jamsostek_portal.celery import app

    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "jamsostek_portal", "worker", "--pool=solo",
                               "--loglevel=WARNING", "--hostname=bench-bpjs@%h", "--without-gossip", "--without-mingle",
                               "--queues", ",".join(settings.TASK_QUEUES)],  # the BPJS jobs go to "files"
                              cwd=ROOT, env=os.environ.copy())
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        if worker.poll() is not None or time.monotonic() > deadline:
            sys.exit("The Celery worker did not start.")
    return worker


def setup(rows: int):
    """A new programme of Seluma with `rows` approved nominees, written with bulk_create."""
    from django.core.management import call_command

    from accounts.enums import Role
    from accounts.models import User
    from accounts.services import user_create
    from registrations import services
    from registrations.enums import NomineeStatus
    from registrations.models import Nominee, OccupationCategory, PremiumRate
    from registrations.nik import nik_search_hash
    from registrations.reference_data import seed_reference_data
    from villages.loader import load_regions
    from villages.models import Regency, Village

    call_command("migrate", interactive=False, verbosity=0)
    if not PremiumRate.objects.exists():
        seed_reference_data(PremiumRate, OccupationCategory)
    if not Regency.objects.filter(code=SELUMA).exists():
        load_regions([SELUMA])
    seluma = Regency.objects.get(code=SELUMA)
    admin = User.objects.filter(username="bench-bpjs-admin").first() or user_create(
        username="bench-bpjs-admin", role=Role.REGENCY_ADMIN, regions=[seluma], password=None,
        must_change_password=False)
    today = dt.date.today()
    programme = services.programme_create(
        regency=seluma, created_by=admin, name=f"Benchmark BPJS {uuid.uuid4().hex[:8]}", year=today.year, stage=1,
        coverage_start=today + dt.timedelta(days=30), nomination_opens=today - dt.timedelta(days=1),
        nomination_closes=today + dt.timedelta(days=20), quota_per_village=10)
    villages = list(Village.objects.filter(subdistrict__regency=seluma, is_retired=False).order_by("code"))
    farmer = OccupationCategory.objects.get(name="Petani")
    start = Nominee.objects.count()  # NIKs never repeat across runs: one active nomination per NIK
    nominees = []
    for serial in range(start, start + rows):
        nik = f"17050{serial:011d}"
        nominees.append(Nominee(
            programme=programme, village=villages[serial % len(villages)], status=NomineeStatus.APPROVED, nik=nik,
            nik_hash=nik_search_hash(nik), nik_masked=f"************{nik[-4:]}", kk="1705010101200001",
            phone="081234567890", full_name=f"Pekerja {serial}", birth_place="Tais", birth_date=dt.date(1990, 1, 1),
            sex="L", address="Jalan Desa", rt="001", occupation=farmer, consent_at=dt.datetime.now(dt.UTC),
            consent_by=admin, created_by=admin))
    Nominee.objects.bulk_create(nominees, batch_size=2000)
    return seluma, admin, programme


def answer_for(batch) -> bytes:
    """The branch's answer to `batch`, typed from its file: every row "aktif", NIK and KPJ as text."""
    from django.utils import timezone
    from openpyxl import Workbook, load_workbook

    with batch.file.open("rb") as handle:
        lines = load_workbook(BytesIO(handle.read()), read_only=True).worksheets[0].iter_rows(values_only=True)
        headers = list(next(lines))
        sent = [dict(zip(headers, line, strict=False)) for line in lines]
    today = timezone.localdate()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["NIK", "Nama", "Nomor KPJ", "Tanggal kepesertaan", "Masa iur s.d.", "Status", "Keterangan"])
    for row in sent:
        sheet.append([row["NIK"], row["Nama"], f"0{row['NIK'][-10:]}", today, today + dt.timedelta(days=90), "aktif",
                      ""])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


RESULTS: list[dict] = []  # every line's figure, for the BENCH-RESULT line at the end


def line(title: str, seconds: float, floor: float, extra: str = "", *, rows: int) -> None:
    from bench_result import figure

    RESULTS.append(figure(f"BPJS {title.split(' ', 1)[1]}", rows=rows, seconds=seconds, floor_seconds=floor))
    print(f"{title:<44} {seconds:7.2f} s   floor {floor:6.2f} s   ratio {seconds / floor:5.1f}{extra}")


class RolledBack(Exception):
    pass


def rolled_back(function):
    """Times `function` inside a transaction that is then rolled back."""
    from django.db import transaction

    started = time.perf_counter()
    try:
        with transaction.atomic():
            function()
            raise RolledBack
    except RolledBack:
        pass
    return time.perf_counter() - started


def floors(programme, rows_status: str, content: bytes):
    from django.db.models import Value
    from openpyxl import load_workbook

    from registrations.models import Nominee

    def batch_floor():
        pks = list(Nominee.objects.filter(programme=programme, status="approved").select_for_update()
                   .values_list("pk", "nik", "kk", "full_name", "village__code"))
        Nominee.objects.filter(pk__in=[row[0] for row in pks]).update(status="sent_to_bpjs")

    def apply_floor():
        Nominee.objects.filter(programme=programme, status=rows_status).update(status="registered",
                                                                              kpj_number=Value("00000000000"))

    def read_floor():
        for _ in load_workbook(BytesIO(content), read_only=True).worksheets[0].iter_rows(values_only=True):
            pass

    return batch_floor, apply_floor, read_floor


def run(rows: int, with_worker: bool) -> None:
    from bpjs import answers, services
    from common.events import collected

    print(f"\n== {rows:,} rows ==")
    seluma, admin, programme = setup(rows)
    batch_floor, _, _ = floors(programme, "approved", b"")
    floor_batch = rolled_back(batch_floor)

    def batch_create():
        with collected():
            return services.export_batch_create(programme=programme, created_by=admin)

    seconds, batch = timed(batch_create)
    line("1. batch, in the request", seconds, floor_batch, rows=rows)
    content = answer_for(batch)
    _, apply_floor, read_floor = floors(programme, "sent_to_bpjs", content)
    floor_read = timed(read_floor)[0]
    seconds, report = timed(lambda: answers.answer_preview(content=content, regency=seluma))
    line("2a. answer preview, in the request", seconds, floor_read,
         f"   ({report.count(answers.MATCHED):,} matched, file {len(content) / 1024:.0f} KiB)", rows=rows)
    floor_apply = rolled_back(apply_floor)

    def apply():
        with collected():
            return answers.answer_apply(content=content, regency=seluma, actor=admin)

    seconds, applied = timed(apply)
    line("2b. answer apply, in the request", seconds, floor_apply, f"   ({applied.summary})", rows=rows)
    if with_worker:
        run_jobs(rows, floor_batch, floor_read, floor_apply)


def run_jobs(rows: int, floor_batch: float, floor_read: float, floor_apply: float) -> None:
    from bpjs import jobs
    from bpjs.models import ExportBatch
    from common import uploads
    from common.models import Job, JobStatus
    from jamsostek_portal.celery import health

    seluma, admin, programme = setup(rows)

    def until_done(start):
        health.delay().get(timeout=600)  # the worker is idle: no recompute of the previous step runs meanwhile
        started = time.perf_counter()
        job = start()
        while Job.objects.filter(pk=job.pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).exists():
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        job.refresh_from_db()
        if job.status != JobStatus.DONE:
            sys.exit(f"The job failed: {job.error}")
        return seconds, job

    seconds, job = until_done(lambda: jobs.export_batch_start(programme=programme, user=admin, rows=rows))
    line("1. batch, as a job", seconds, floor_batch, rows=rows)
    content = answer_for(ExportBatch.objects.get(pk=job.result["data"]["batch"]))
    token = uploads.store(content)
    seconds, job = until_done(lambda: jobs.answer_preview_start(regency=seluma, user=admin, token=token, rows=rows))
    line("2a. answer preview, as a job", seconds, floor_read, f"   ({job.result['data']['matched']:,} matched)", rows=rows)
    seconds, job = until_done(lambda: jobs.answer_apply_start(regency=seluma, user=admin, token=token, rows=rows))
    line("2b. answer apply, as a job", seconds, floor_apply, f"   ({job.result['lines'][0]})", rows=rows)


if __name__ == "__main__":
    sys.exit(main([int(argument) for argument in sys.argv[1:]] or SIZES))
