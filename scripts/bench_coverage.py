#!/usr/bin/env python
"""Times the coverage recompute on the whole country's scale data against its floor, in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jamsostek_bench .venv/bin/python scripts/bench_coverage.py

Needs the scale data (837,620 nominees at 10 per village) in that database; build it once with

    DATABASE_URL=… .venv/bin/python manage.py migrate
    DATABASE_URL=… .venv/bin/python manage.py load_regions
    DATABASE_URL=… .venv/bin/python manage.py generate_scale_data --per-village 10

Measured, REPEATS times each, medians printed, each figure against its floor from the same run:
(a) the national recompute (coverage.recompute_regencies over every regency with coverage data,
    what `recompute_coverage` without codes runs), as a nightly run does it: a day with no rows yet
    (all ~92k rows inserted), and a rerun the same day (nothing changed: only the regencies' own rows
    are rewritten);
(b) its floor: ONE `INSERT INTO <temporary table> SELECT … GROUP BY ROLLUP(regency, subdistrict,
    village)` over the same nominees: the counts per status of the current programme;
(b') the recompute statement's counting part alone (the nine counts per village the rules take from
    each nominee, nothing rolled up, decided or written), against the same floor: what any
    recompute that counts the nominees pays before it stores anything;
(c) one province, Aceh (11, 23 regencies), and one regency, the largest (Aceh Utara, 11.08,
    852 villages): each one's recompute (a rerun the same day) and its floor, the same ROLLUP over
    its nominees.
Before timing, the floor is checked against the recompute: it reads the same nominees (its grand
total is every nominee of the programmes the recompute reads) and gives the same counts per state
(its registered + active is the national `active`, its total the nominees of the year).
The last line is BENCH-RESULT (scripts/bench_result.py) for `make bench`.
The bench's own days (far in the future) are deleted at the end; the scale data is not touched.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 5
LARGEST = "11.08"  # Kabupaten Aceh Utara, 852 villages
PROVINCE = "11"  # Aceh
TARGET_RATIO = 1.5
GOAL_SECONDS = 1.0
COUNTS_END = "\nvillage_quota AS ("  # the statement's part after its counts (reports/coverage/statement.py)
SCALE_HINT = (
    "This benchmark needs the scale data. Build it once in the same database:\n"
    "  DATABASE_URL=… .venv/bin/python manage.py migrate\n"
    "  DATABASE_URL=… .venv/bin/python manage.py load_regions\n"
    "  DATABASE_URL=… .venv/bin/python manage.py generate_scale_data --per-village 10   (about 4 minutes)"
)

FLOOR_SQL = """
INSERT INTO bench_coverage_floor
SELECT s.regency_id, v.subdistrict_id, n.village_id, COUNT(*),
       COUNT(*) FILTER (WHERE n.status = 'draft'), COUNT(*) FILTER (WHERE n.status = 'submitted'),
       COUNT(*) FILTER (WHERE n.status = 'approved'), COUNT(*) FILTER (WHERE n.status = 'registered'),
       COUNT(*) FILTER (WHERE n.status = 'active')
FROM registrations_nominee n
JOIN villages_village v ON v.id = n.village_id
JOIN villages_subdistrict s ON s.id = v.subdistrict_id
WHERE n.programme_id = ANY(%s)
GROUP BY ROLLUP (s.regency_id, v.subdistrict_id, n.village_id)
"""


def main() -> int:
    if not os.environ.get("DATABASE_URL"):
        sys.exit("DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/jamsostek_bench).\n" + SCALE_HINT)
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "jamsostek_portal.settings"
    os.environ.pop("DJANGO_ENV", None)
    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.models import Sum

    from demo.scale import PROGRAMME_NAME
    from registrations.models import Nominee, Programme
    from django.utils import timezone

    from reports import coverage
    from reports.coverage import statement
    from reports.models import CoverageSnapshot
    from villages.models import Regency, Village

    if connection.vendor != "postgresql":
        sys.exit("This benchmark runs on PostgreSQL only.")
    # The scale programmes ("Data uji skala <year>"): the current programme of every regency.
    programmes = list(Programme.objects.filter(name__startswith=PROGRAMME_NAME.split("{")[0])
                      .values_list("pk", flat=True))
    nominees = Nominee.objects.filter(programme_id__in=programmes).count()
    if nominees < 100_000:
        sys.exit(f"No scale data here ({nominees} scale nominees in {connection.settings_dict['NAME']}).\n"
                 + SCALE_HINT)
    from bench_result import figure, report

    regency_ids = coverage.regencies_to_recompute()
    largest = Regency.objects.get(code=LARGEST)
    province_ids = list(Regency.objects.filter(pk__in=regency_ids, province__code=PROVINCE).order_by("code")
                        .values_list("pk", flat=True))
    largest_programmes = list(Programme.objects.filter(pk__in=programmes, regency=largest).values_list("pk", flat=True))
    province_programmes = list(Programme.objects.filter(pk__in=programmes, regency__in=province_ids)
                               .values_list("pk", flat=True))
    villages = Village.objects.filter(subdistrict__regency=largest).count()
    province_villages = Village.objects.filter(subdistrict__regency__in=province_ids).count()
    print(f"Database {connection.settings_dict['NAME']}: {nominees:,} nominees, {len(regency_ids)} regencies with "
          f"coverage data; province {PROVINCE}: {len(province_ids)} regencies, {province_villages:,} villages; "
          f"{largest.name} ({LARGEST}): {villages} villages, "
          f"{Nominee.objects.filter(programme__regency=largest).count():,} nominees. Load: {os.getloadavg()[0]:.2f}.\n")

    with connection.cursor() as cursor:
        # The snapshots as autovacuum keeps them: no dead rows left by an earlier run of this bench
        # (its far-future days, deleted), which each regency's "latest day" lookup would step over.
        cursor.execute(f"VACUUM (ANALYZE) {CoverageSnapshot._meta.db_table}")
        # The nominees as autovacuum keeps them too: their visibility map set, so the recompute and
        # the floor alike read nominee_coverage_count without visiting rows (a visibility map left
        # half set by the bulk load made both read the table, the floor about 1.7 times slower).
        cursor.execute(f"VACUUM (ANALYZE) {Nominee._meta.db_table}")
        cursor.execute("DROP TABLE IF EXISTS bench_coverage_floor")
        cursor.execute("CREATE UNLOGGED TABLE bench_coverage_floor (regency_id bigint, subdistrict_id bigint, "
                       "village_id bigint, nominees bigint, draft bigint, submitted bigint, approved bigint, "
                       "registered bigint, active bigint)")

    def floor(programme_ids):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE bench_coverage_floor")
            started = time.perf_counter()
            cursor.execute(FLOOR_SQL, [programme_ids])
            return time.perf_counter() - started, cursor.rowcount

    def timed(function):
        started = time.perf_counter()
        result = function()
        return time.perf_counter() - started, result

    def counts_alone(on):
        """The recompute statement's counting alone (its `counts` part: the nine counts per village
        that the rules ask of each nominee, read from the same index), with nothing rolled up,
        decided or written: what any recompute that counts the nominees pays, whatever it stores."""
        sql, params = statement._statement(statement._regency_inputs(regency_ids, on=on), on=on,
                                           computed_at=timezone.now())
        head, found, _ = sql.partition(COUNTS_END)
        if not found:
            sys.exit("The recompute statement no longer has its counts part where this benchmark cuts it.")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")  # as recompute_statement
            started = time.perf_counter()
            # Every count summed: a column left unread would not be computed at all.
            sums = ", ".join(f"SUM({name})" for name in statement.COUNTS)
            cursor.execute(f"{head.rstrip().rstrip(',')}\nSELECT COUNT(*), {sums} FROM counts", params)
            villages, nominated, *_ = cursor.fetchone()
            return time.perf_counter() - started, (villages, nominated)

    base_day = coverage.coverage_today() + dt.timedelta(days=3650)
    times: dict[str, list[float]] = {name: [] for name in (
        "national_new", "national_rerun", "national_counts", "national_floor", "province", "province_floor", "one",
        "one_floor")}
    rows = changed = floor_rows = province_rows = province_floor_rows = one_rows = one_floor_rows = 0
    counted_villages = counted = 0
    try:
        # The floor is honest: the same nominees, the same counts per state as the recompute's.
        coverage.recompute_regencies(regency_ids, on=base_day)
        floor(programmes)
        with connection.cursor() as cursor:
            cursor.execute("SELECT nominees, registered + active FROM bench_coverage_floor WHERE regency_id IS NULL")
            floor_total, floor_active = cursor.fetchone()
        national = CoverageSnapshot.objects.filter(computed_on=base_day, level="regency").aggregate(
            active=Sum("active"))
        read = Nominee.objects.filter(programme__regency__in=regency_ids).count()
        print(f"floor check: {floor_total:,} nominees read (the recompute reads {read:,}); registered + active "
              f"{floor_active:,} (the recompute's active: {national['active']:,})\n")
        if (floor_total, floor_active) != (read, national["active"]):
            sys.exit("The floor does not read the recompute's nominees: fix the floor before timing.")
        CoverageSnapshot.objects.filter(computed_on=base_day).delete()

        for repeat in range(REPEATS):
            day = base_day + dt.timedelta(days=repeat)
            seconds, results = timed(lambda: coverage.recompute_regencies(regency_ids, on=day))
            times["national_new"].append(seconds)
            rows = sum(result.rows_written for result in results)
            seconds, results = timed(lambda: coverage.recompute_regencies(regency_ids, on=day))
            times["national_rerun"].append(seconds)
            changed = sum(result.rows_changed for result in results)
            seconds, floor_rows = floor(programmes)
            times["national_floor"].append(seconds)
            seconds, (counted_villages, counted) = counts_alone(day)
            times["national_counts"].append(seconds)
            seconds, results = timed(lambda: coverage.recompute_regencies(province_ids, on=day))
            times["province"].append(seconds)
            province_rows = sum(result.rows_written for result in results)
            seconds, province_floor_rows = floor(province_programmes)
            times["province_floor"].append(seconds)
            seconds, result = timed(lambda: coverage.recompute_regency(largest.pk, on=day))
            times["one"].append(seconds)
            one_rows = result.rows_written
            seconds, one_floor_rows = floor(largest_programmes)
            times["one_floor"].append(seconds)
    finally:
        CoverageSnapshot.objects.filter(computed_on__gte=base_day).delete()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_coverage_floor")
            cursor.execute(f"VACUUM (ANALYZE) {CoverageSnapshot._meta.db_table}")

    results = []

    def line(label, name, measured_rows, floor_name, target):
        measured, floor_times = times[name], times[floor_name]
        median, floor_median = statistics.median(measured), statistics.median(floor_times)
        ratio = median / floor_median
        print(f"{label:<52} {median * 1000:>9.0f} ms {floor_median * 1000:>9.0f} ms {ratio:>6.2f}x"
              f"   runs {', '.join(f'{value * 1000:.0f}' for value in measured)}")
        results.append(figure(f"coverage recompute, {label}", rows=measured_rows, seconds=median,
                              floor_seconds=floor_median, target=target))
        return ratio

    print(f"{'median of ' + str(REPEATS):<52} {'measured':>12} {'floor':>12} {'ratio':>7}")
    new_ratio = line(f"national, new day ({rows:,} rows)", "national_new", rows, "national_floor", TARGET_RATIO)
    rerun_ratio = line(f"national, same day ({changed:,} rewritten)", "national_rerun", rows, "national_floor",
                       TARGET_RATIO)
    counts_ratio = line(f"national, its counts alone ({counted_villages:,} villages, {counted:,} nominated)",
                        "national_counts", counted_villages, "national_floor", None)
    line(f"province {PROVINCE}, same day ({len(province_ids)} regencies, {province_rows:,} rows)", "province",
         province_rows, "province_floor", None)
    line(f"{largest.name}, same day ({one_rows:,} rows)", "one", one_rows, "one_floor", None)
    print(f"\nfloor: INSERT … GROUP BY ROLLUP, {floor_rows:,} rows nationally, {province_floor_rows:,} for "
          f"{PROVINCE}, {one_floor_rows:,} for {LARGEST}")
    print(f"the recompute's counts alone, before any roll-up, rule or write: {counts_ratio:.2f}x the floor "
          f"(the target leaves {TARGET_RATIO}x for everything)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    met = max(new_ratio, rerun_ratio) <= TARGET_RATIO
    print(f"target ≤ {TARGET_RATIO}x the floor: {'met' if met else 'MISSED'}; goal ≤ {GOAL_SECONDS:.0f} s: "
          f"{'met' if statistics.median(times['national_new']) <= GOAL_SECONDS else 'not met'}; "
          f"peak memory {peak:.0f} MB; load {os.getloadavg()[0]:.2f}")
    report(results)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
