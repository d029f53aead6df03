#!/usr/bin/env python
"""Times the region loader on PostgreSQL: the whole country cold, again (idempotent), then Seluma.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jamsostek_bench .venv/bin/python scripts/bench_load_regions.py

It empties the database (`flush`) before the cold run, so it refuses any database not named
jamsostek_bench. It creates that
database when it is missing and migrates it. The figures go in docs/BENCHMARKS.md; the target is
the whole country in under 10 s on a 2-core machine.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "jamsostek_bench"
TARGET_SECONDS = 10.0
USAGE = (
    f"Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/{BENCH_DATABASE} "
    ".venv/bin/python scripts/bench_load_regions.py"
)


def bench_database_config() -> dict:
    """The parsed DATABASE_URL, or exit: this script deletes regions, so only jamsostek_bench (or
    another database whose name ends in _bench) will do."""
    import environ

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit(f"DATABASE_URL is not set.\n{USAGE}")
    try:
        config = environ.Env.db_url_config(url)
    except Exception as error:  # noqa: BLE001 - any unparsable URL gets the same answer
        sys.exit(f"DATABASE_URL cannot be read ({error}).\n{USAGE}")
    name = config.get("NAME") or ""
    if config.get("ENGINE") != "django.db.backends.postgresql" or not (name == BENCH_DATABASE
                                                                        or name.endswith("_bench")):
        sys.exit(
            f"Refusing to run: this benchmark deletes every region, so it only runs on a PostgreSQL "
            f"database named {BENCH_DATABASE} or ending in _bench (DATABASE_URL names {name!r}).\n{USAGE}"
        )
    return config


def database_ensure(config: dict) -> None:
    """Creates the benchmark database through the server's `postgres` database when it does not exist yet."""
    import psycopg
    from psycopg import sql

    params = {"dbname": "postgres", "user": config.get("USER") or None, "password": config.get("PASSWORD") or None,
              "host": config.get("HOST") or None, "port": config.get("PORT") or None}
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as connection:
        name = config["NAME"]
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}.")


def without_broker() -> None:
    """Before Django starts: no Celery broker, so tasks (a decision job, the coverage recompute after
    a change) run inline and are part of what is timed, as in the demo. make bench sets REDIS_URL
    for the benchmarks that start a worker of their own."""
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        os.environ.pop(name, None)


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "jamsostek_portal.settings"
    os.environ.pop("DJANGO_ENV", None)  # the embedded defaults for everything but the database
    import django

    django.setup()


def regions_delete() -> None:
    """Empties the database (regions and everything that hangs off them: the review benchmark's
    nominees, programmes, snapshots…), so the next load starts from nothing. The reference rows the
    migrations seed (premium rate, occupation categories) go with them and are written again: the
    scale data's nominees need the categories."""
    from django.core.management import call_command

    from registrations.models import OccupationCategory, PremiumRate
    from registrations.reference_data import seed_reference_data

    call_command("flush", interactive=False, verbosity=0)
    seed_reference_data(PremiumRate, OccupationCategory)


def programme_empty(programme) -> None:
    """Deletes a benchmark programme's nominees with their events and history rows (set-based, no
    per-row signals), then vacuums the three tables, so the next run starts from the same data."""
    from django.db import connection

    from registrations.models import Nominee, NomineeEvent

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {NomineeEvent._meta.db_table} WHERE nominee_id IN "
                       f"(SELECT id FROM {Nominee._meta.db_table} WHERE programme_id = %s)", [programme.pk])
        cursor.execute(f"DELETE FROM {Nominee.history.model._meta.db_table} WHERE programme_id = %s", [programme.pk])
        cursor.execute(f"DELETE FROM {Nominee._meta.db_table} WHERE programme_id = %s", [programme.pk])
        for table in (Nominee._meta.db_table, NomineeEvent._meta.db_table, Nominee.history.model._meta.db_table):
            cursor.execute(f"VACUUM ANALYZE {table}")


def region_counts() -> str:
    from villages.models import Province, Regency, Subdistrict, Village

    return (f"{Province.objects.count()} provinsi, {Regency.objects.count()} kabupaten/kota, "
            f"{Subdistrict.objects.count()} kecamatan, {Village.objects.count()} desa/kelurahan")


def timed_load(title: str, codes):
    """Runs load_regions(codes) once; prints and returns its duration in seconds and its report."""
    from villages.loader import load_regions

    started = time.perf_counter()
    report = load_regions(codes)
    seconds = time.perf_counter() - started
    print(f"\n{title}: {seconds:.2f} s")
    for line in report.lines():
        print(f"  {line}")
    return seconds, report


def main() -> int:
    config = bench_database_config()
    database_ensure(config)
    django_setup()

    from django.core.management import call_command
    from django.db import connection

    from villages.models import Regency, Village

    call_command("migrate", interactive=False, verbosity=0)
    regions_delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0].split(" on ")[0]
    print(f"Database {BENCH_DATABASE} on {config.get('HOST') or 'local socket'} ({server}); regions emptied.")

    cold, _ = timed_load("1. Whole country, empty tables (cold)", None)
    print(f"  in the database: {region_counts()}")
    again, again_report = timed_load("2. Whole country again (nothing to change)", None)
    seluma, seluma_report = timed_load("3. Kabupaten Seluma only: load_regions(['17.05'])", ["17.05"])
    regency = Regency.objects.get(code="17.05")
    print(f"  Seluma: {regency.subdistricts.count()} kecamatan, "
          f"{Village.objects.filter(subdistrict__regency=regency).count()} desa/kelurahan")

    from bench_result import figure, report

    report([figure("Region loader, whole country, cold", rows=Village.objects.count(), seconds=cold,
                   target=TARGET_SECONDS),
            figure("Region loader, whole country again (no change)", rows=Village.objects.count(), seconds=again)])
    verdict = "met" if cold < TARGET_SECONDS else "MISSED"
    print(f"\nSummary: cold {cold:.2f} s · again {again:.2f} s · Seluma {seluma:.2f} s · "
          f"target < {TARGET_SECONDS:.0f} s for the cold run: {verdict}")
    if again_report.changed or seluma_report.changed:
        print("Not idempotent: a repeated load changed rows (see the reports above).", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
