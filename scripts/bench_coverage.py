#!/usr/bin/env python
"""Times the coverage recompute of one regency: 256 villages, 2,500 nominees (issue 5: "well under a
second").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jamsostek_bench .venv/bin/python scripts/bench_coverage.py

Kabupaten Muara Enim (16.03) has 256 villages (Seluma has 202); 250 of them get 10 nominees each in
a mix of states (registered before and after the official figure's date, active, lapsed, approved,
draft). The regency gets an official figure and a target, 3 subdistricts an official figure and 25
villages a denominator, so every branch of the computation runs. Then:
1. recompute_regency cold: the first run in the process, no snapshot rows for the day yet (inserts);
2. recompute_regency warm: 5 more runs, median (the day's rows are updated in place);
3. figures_for(regency), the live figures the pages compute: 5 runs, median.
Each with its number of queries. Only runs on a database named jamsostek_bench (it deletes the
regency's programmes, nominees and coverage data there).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_load_regions as common  # noqa: E402  (the database guard and Django setup)

REGENCY = "16.03"  # Kabupaten Muara Enim, 256 villages
VILLAGES_WITH_NOMINEES = 250
PER_VILLAGE = 10
TARGET_SECONDS = 1.0
# Per village: (status, registered_on relative to the official figure's date, how many).
MIX = [("registered", -30, 2), ("active", 10, 3), ("registered", 20, 1), ("lapsed", 10, 1),
       ("approved", None, 1), ("submitted", None, 1), ("draft", None, 1)]


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def main() -> int:
    config = common.bench_database_config()
    common.database_ensure(config)
    common.django_setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.enums import Role
    from accounts.models import User
    from accounts.services import user_create
    from common.formatting import format_percent, format_rupiah
    from registrations import services
    from registrations.models import Nominee, NomineeEvent, OccupationCategory, PremiumRate, Programme
    from registrations.reference_data import seed_reference_data
    from reports import coverage
    from reports.models import CoverageSnapshot, CoverageTarget, OfficialFigure, VillageDenominator
    from villages.loader import load_regions
    from villages.models import Regency, Village

    call_command("migrate", interactive=False, verbosity=0)
    seed_reference_data(PremiumRate, OccupationCategory)
    load_regions([REGENCY])
    regency = Regency.objects.get(code=REGENCY)
    # A clean slate for this regency's coverage data (the regions stay: the region benchmark owns them).
    CoverageSnapshot.objects.filter(regency=regency).delete()
    VillageDenominator.objects.filter(village__subdistrict__regency=regency).delete()
    OfficialFigure.objects.filter(regency=regency).delete()
    OfficialFigure.objects.filter(subdistrict__regency=regency).delete()
    CoverageTarget.objects.filter(regency=regency).delete()
    NomineeEvent.objects.filter(nominee__programme__regency=regency).delete()
    Nominee.objects.filter(programme__regency=regency).delete()
    Programme.objects.filter(regency=regency).delete()
    User.objects.filter(username="bench-coverage-admin").delete()

    admin = user_create(username="bench-coverage-admin", role=Role.REGENCY_ADMIN, regions=[regency], password=None,
                        must_change_password=False)
    today = coverage.coverage_today()
    as_of = today - dt.timedelta(days=60)
    programme = services.programme_create(
        regency=regency, created_by=admin, name="Benchmark cakupan", year=today.year, stage=1,
        coverage_start=today - dt.timedelta(days=90), nomination_opens=today - dt.timedelta(days=120),
        nomination_closes=today - dt.timedelta(days=100), quota_per_village=PER_VILLAGE,
    )
    villages = list(Village.objects.filter(subdistrict__regency=regency).select_related("subdistrict")
                    .order_by("code"))
    farmer = OccupationCategory.objects.get(name="Petani")
    consent_at = dt.datetime.combine(today - dt.timedelta(days=110), dt.time(9), tzinfo=dt.UTC)
    rows = []
    for village in villages[:VILLAGES_WITH_NOMINEES]:
        for status, days, count in MIX:
            for _ in range(count):
                serial = len(rows) + 1
                registered_on = None if days is None else as_of + dt.timedelta(days=days)
                rows.append(Nominee(
                    programme=programme, village=village, status=status, registered_on=registered_on,
                    kpj_number=f"{serial:011d}" if registered_on else "", nik=f"1603010101800{serial % 1000:03d}",
                    nik_hash=uuid.uuid4().hex, nik_masked="1603********0001", kk="1603010101200001",
                    full_name=f"Pekerja {serial}", birth_place="Muara Enim", birth_date=dt.date(1980, 1, 1),
                    sex="L", address="Jalan Desa", rt="001", occupation=farmer, consent_at=consent_at,
                    consent_by=admin, created_by=admin,
                ))
    Nominee.objects.bulk_create(rows, batch_size=1000)
    # Written directly, not through reports.services: those schedule a recompute after commit, and
    # with no broker configured it would run inline and warm everything before the cold run.
    OfficialFigure.objects.create(regency=regency, as_of=as_of, active_pu=60_000, active_bpu=12_000,
                                  active_jakon=1_500, active_pmi=500, denominator=300_000, entered_by=admin)
    CoverageTarget.objects.create(regency=regency, year=today.year, target_percent="35.00",
                                  working_population=300_000, entered_by=admin)
    for subdistrict in regency.subdistricts.order_by("code")[:3]:
        OfficialFigure.objects.create(subdistrict=subdistrict, as_of=as_of - dt.timedelta(days=30), active_bpu=2_000,
                                      denominator=15_000, entered_by=admin)
    VillageDenominator.objects.bulk_create([
        VillageDenominator(village=village, year=today.year, working_residents=900, entered_by=admin)
        for village in villages[:25]
    ])
    print(f"{regency.name} ({REGENCY}): {regency.subdistricts.count()} kecamatan, {len(villages)} "
          f"desa/kelurahan; {Nominee.objects.filter(programme=programme).count()} nominees in "
          f"{VILLAGES_WITH_NOMINEES} villages.\n")

    def recompute():
        with CaptureQueriesContext(connection) as queries:
            seconds, result = timed(lambda: coverage.recompute_regency(regency.pk))
        return seconds, len(queries), result

    cold, cold_queries, result = recompute()
    print(f"1. recompute_regency, cold (inserts {result.rows_written} rows): {cold * 1000:.0f} ms, "
          f"{cold_queries} queries")
    warm_runs = [recompute() for _ in range(5)]
    warm = statistics.median(seconds for seconds, _, _ in warm_runs)
    print(f"2. recompute_regency, warm (median of 5, updates): {warm * 1000:.0f} ms, {warm_runs[-1][1]} queries "
          f"(runs: {', '.join(f'{seconds * 1000:.0f}' for seconds, _, _ in warm_runs)} ms)")
    live_runs = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            seconds, figures = timed(lambda: coverage.figures_for(regency))
        live_runs.append(seconds)
    print(f"3. figures_for(regency), live (median of 5): {statistics.median(live_runs) * 1000:.0f} ms, "
          f"{len(queries)} queries")

    print(f"\nRegency row: registered {figures.programme.registered}, addition {figures.programme_addition}, "
          f"UCJ {format_percent(figures.ucj_percent)}, premium committed "
          f"{format_rupiah(figures.programme.premium_committed_rp)}")
    verdict = "met" if max(cold, warm) < TARGET_SECONDS else "MISSED"
    live = statistics.median(live_runs)
    print(f"Summary: cold {cold * 1000:.0f} ms · warm {warm * 1000:.0f} ms · live {live * 1000:.0f} ms · "
          f"target < {TARGET_SECONDS:.0f} s: {verdict}")
    expected_rows = 1 + regency.subdistricts.count() + len(villages)
    return 0 if result.rows_written == expected_rows and verdict == "met" else 1


if __name__ == "__main__":
    sys.exit(main())
