"""The set-based recompute (PostgreSQL): every regency asked for, or the whole country, in ONE
statement that counts the nominees, rolls villages up to subdistricts and regencies, applies the
rules, upserts the day's CoverageSnapshot rows (writing only the rows that changed), deletes the
day's rows of regions no longer shown, and returns what changed since the previous snapshot.

The SQL is built from the rules themselves, not a copy of them: the nominee counts are the
`Q` filters of rules.py (`programme_count_filters`, `covered_workers_q`,
`premium_committed_expression`) compiled to SQL, the quota is registrations.quotas'
`per_village_quota_expression`, and UCJ, contribution, achievement, workers needed and the stored
rounding are rules.py's own functions called with SQL expressions instead of numbers. What is
decided per regency (the year, the premium, the official figure or the target behind the
regency's UCJ, the latest subdistrict figures) is decided in Python with the same functions as the
live figures, over a few queries for all regencies at once, and passed in as arrays.

Counts are read per programme, from the index nominee_coverage_count (programme, village, state, paid-up date,
BPJS membership date) alone: the nominees of the year's programmes (all stages of the current year)
and the covered workers of the regency's other programmes, so a regency's cost follows its current
programme rather than every nominee its villages ever had, and no nominee row is read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import DateField, DecimalField, IntegerField, Q
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query
from django.utils import timezone

from registrations.models import Nominee, Programme
from registrations.premiums import premium_for_new_workers
from registrations.quotas import per_village_quota_expression, regency_wide_quota

from ..models import CoverageSnapshot, CoverageTarget, RegionLevel
from .figures import _top_ucj
from .rules import (
    COVERED_STATES,
    LATEST_PROGRAMME_ORDER,
    contribution_points,
    covered_workers,
    covered_workers_q,
    default_year,
    official_figures_on,
    premium_committed_expression,
    programme_count_filters,
    stored_percent,
    target_achievement_percent,
    ucj_percent,
    workers_needed_for_target,
)

NOMINEE = Nominee._meta.db_table
PROGRAMME = Programme._meta.db_table
SNAPSHOT = CoverageSnapshot._meta.db_table

# The snapshot's columns the statement computes (besides region_code, regency, computed_on/at).
FIGURE_COLUMNS = [
    "level", "region_name", "year", "quota", "nominated", "submitted", "approved", "registered", "active",
    "premium_per_month_rp", "premium_committed_rp", "official_as_of", "official_numerator", "programme_addition",
    "covered", "denominator", "ucj_percent", "contribution_points", "target_percent",
    "target_achievement_percent", "workers_needed_for_target",
]
# Fields the "what changed" report reads (snapshots._REPORTED), old and new.
REPORTED_COLUMNS = ["ucj_percent", "covered", "programme_addition", "nominated", "approved", "registered", "active",
                    "workers_needed_for_target"]
COUNTS = ["nominated", "submitted", "approved", "registered", "active", "premium_committed_rp", "covered",
          "top_addition", "subdistrict_addition"]


@dataclass(frozen=True)
class RegencyOutcome:
    """What the statement did for one regency."""

    regency_id: int
    code: str
    name: str
    rows: int  # the day's rows of the regency (regency, subdistricts, villages)
    rows_written: int  # of which inserted or changed
    subdistricts: int
    villages: int
    first_time: bool  # no earlier snapshot at all
    # (level, code, name, old fields or None, new fields): the rows that moved, and the regency's own row
    moved: list[tuple[str, str, str, dict | None, dict]]


def recompute_statement(regencies: Sequence[tuple[int, str, str]], *, on: dt.date) -> list[RegencyOutcome]:
    """Runs the statement for `regencies` ((id, code, name), already locked by the caller) on `on`.
    Queries: programmes, targets, regency and subdistrict official figures, SET LOCAL (jit, work_mem),
    then the statement. Inside the caller's transaction."""
    regency_ids = [regency_id for regency_id, _, _ in regencies]
    inputs = _regency_inputs(regency_ids, on=on)
    sql, params = _statement(inputs, on=on, computed_at=timezone.now())
    with connection.cursor() as cursor:
        # For this transaction only: the statement's estimated cost sets off PostgreSQL's JIT
        # compiler, which then spends seconds optimising code that runs for less; and the national
        # count per village (~84,000 groups) and the day's rows spill to disk in the default 4 MB.
        cursor.execute("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params)
        columns = [column.name for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    by_regency: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_regency[row["regency_id"]].append(row)
    outcomes = []
    for regency_id, code, name in regencies:
        found = by_regency[regency_id]
        head = next(row for row in found if row["level"] == RegionLevel.REGENCY)
        moved = [
            (row["level"], row["region_code"], row["region_name"],
             {name: row[f"old_{name}"] for name in REPORTED_COLUMNS} if row["existed"] else None,
             {name: row[name] for name in REPORTED_COLUMNS})
            for row in found if row["moved"] or row["level"] == RegionLevel.REGENCY
        ]
        outcomes.append(RegencyOutcome(
            regency_id=regency_id, code=code, name=name, rows=head["rows"], rows_written=head["rows_written"],
            subdistricts=head["subdistricts"], villages=head["villages"], first_time=not head["had_previous"],
            moved=moved,
        ))
    return outcomes


# --- What is decided per regency, in Python with the live figures' functions ----------------------

def _regency_inputs(regency_ids: list[int], *, on: dt.date) -> dict[str, list]:
    """Per regency, as aligned arrays: the coverage year (rules.default_year), the premium of new
    workers, the regency-wide quota, and the regency's UCJ inputs (figures._top_ucj: the official
    figure, else the target's working population); plus the year's and all programme ids and the
    subdistricts' latest official figures."""
    programmes: dict[int, list[Programme]] = defaultdict(list)
    for programme in Programme.objects.filter(regency_id__in=regency_ids).order_by(*LATEST_PROGRAMME_ORDER):
        programmes[programme.regency_id].append(programme)
    targets: dict[int, dict[int, CoverageTarget]] = defaultdict(dict)
    for target in CoverageTarget.objects.filter(regency_id__in=regency_ids):
        targets[target.regency_id][target.year] = target
    officials = official_figures_on(on=on, regency_ids=regency_ids, level="regency")
    default_premium = None
    arrays: dict[str, list] = defaultdict(list)
    for regency_id in regency_ids:
        own = programmes[regency_id]
        year = default_year(on=on, targets=targets[regency_id], programmes=(programme.year for programme in own))
        year_programmes = [programme for programme in own if programme.year == year]
        if own:
            premium = premium_for_new_workers(own, on)
        else:
            default_premium = default_premium or premium_for_new_workers([], on)
            premium = default_premium
        ucj = _top_ucj(officials.get(regency_id), targets[regency_id].get(year), addition=0)
        arrays["regency_id"].append(regency_id)
        arrays["year"].append(year)
        arrays["premium"].append(premium)
        arrays["wide_quota"].append(regency_wide_quota(year_programmes))
        arrays["official_as_of"].append(ucj.get("official_as_of"))
        arrays["official_numerator"].append(ucj.get("official_numerator"))
        arrays["denominator"].append(ucj.get("denominator"))
        arrays["target_percent"].append(ucj.get("target_percent"))
        arrays["year_programme_ids"].extend(programme.pk for programme in year_programmes)
        arrays["programme_ids"].extend(programme.pk for programme in own)
    for subdistrict_id, figure in official_figures_on(on=on, regency_ids=regency_ids, level="subdistrict").items():
        arrays["subdistrict_id"].append(subdistrict_id)
        arrays["subdistrict_as_of"].append(figure.as_of)
        arrays["subdistrict_numerator"].append(figure.numerator)
        arrays["subdistrict_denominator"].append(figure.denominator)
    return arrays


# --- The statement ---------------------------------------------------------------------------------

def _compiled(model, expression) -> tuple[str, list]:
    """A rule's Q or expression as SQL over `model`'s table (unaliased, as the statement names it)."""
    query = Query(model)
    compiler = query.get_compiler(connection=connection)
    if isinstance(expression, Q):
        sql, params = query.build_where(expression).as_sql(compiler, connection)
    else:
        sql, params = compiler.compile(expression.resolve_expression(query, allow_joins=True))
    return sql, list(params)


def _column(sql: str, field=None):
    return RawSQL(sql, (), output_field=field or IntegerField())


def _statement(inputs: dict[str, list], *, on: dt.date, computed_at: dt.datetime) -> tuple[str, dict]:
    """The statement and its named parameters (each piece's parameters are named as it is written,
    so the pieces can be assembled in any order)."""
    params: dict = {}

    def value(item) -> str:
        name = f"p{len(params)}"
        params[name] = item
        return f"%({name})s"

    def sql(model, expression) -> str:
        text, more = _compiled(model, expression)
        values = iter(more)
        return re.sub(r"(?<!%)%s", lambda _: value(next(values)), text)

    # Nominee counts per village, from the rules. Read per programme (a nested loop over the
    # programmes): each programme's nominees come from the index nominee_coverage_count alone (an
    # index-only scan, already in village order), so they are counted per village as they stream by,
    # with no hash table over the country's nominees and no nominee row read; the few villages with
    # nominees in several programmes are summed after.
    year_ids = inputs["year_programme_ids"]
    filters = programme_count_filters(programme_ids=year_ids or [0])
    top_after = _column("r.official_as_of", DateField())
    subdistrict_after = _column("so.as_of", DateField())

    def counted(condition: Q) -> str:  # COUNT(*): a count that reads no column outside the index
        return f"COUNT(*) FILTER (WHERE {sql(Nominee, condition)})"

    counts = [f"{counted(filters[name])} AS {name}" for name in
              ("nominated", "submitted", "approved", "registered", "active")]
    counts.append(f"{sql(Nominee, premium_committed_expression(programme_ids=year_ids or [0]))} AS premium_committed_rp")
    counts.append(f"{counted(covered_workers_q(on=on))} AS covered")
    counts.append(f"{counted(covered_workers_q(on=on, after=top_after))} AS top_addition")
    counts.append(f"COUNT(*) FILTER (WHERE so.as_of IS NOT NULL AND "
                  f"{sql(Nominee, covered_workers_q(on=on, after=subdistrict_after))}) AS subdistrict_addition")
    counts_sql = ",\n         ".join(counts)
    regency_cte = (
        "SELECT * FROM unnest(" + value(inputs["regency_id"]) + "::bigint[], " + value(inputs["year"]) + "::int[], "
        + value(inputs["premium"]) + "::bigint[], " + value(inputs["wide_quota"]) + "::bigint[], "
        + value(inputs["official_as_of"]) + "::date[], " + value(inputs["official_numerator"]) + "::bigint[], "
        + value(inputs["denominator"]) + "::bigint[], " + value(inputs["target_percent"]) + "::numeric[]) "
        "AS r(regency_id, year, premium, wide_quota, official_as_of, official_numerator, denominator, target_percent)"
    )
    subdistrict_cte = (
        "SELECT * FROM unnest(" + value(inputs["subdistrict_id"]) + "::bigint[], "
        + value(inputs["subdistrict_as_of"]) + "::date[], " + value(inputs["subdistrict_numerator"]) + "::bigint[], "
        + value(inputs["subdistrict_denominator"]) + "::bigint[]) AS f(subdistrict_id, as_of, numerator, denominator)"
    )
    year_array = value(year_ids)
    all_array = value(inputs["programme_ids"])
    covered_array = value(sorted(COVERED_STATES))
    # Read per programme: those of the year in full, the regency's others for their covered workers.
    counts_from = f"""
  FROM programme AS {PROGRAMME}
  JOIN regency r ON r.regency_id = {PROGRAMME}.regency_id
  CROSS JOIN LATERAL (
    SELECT {NOMINEE}.village_id,
         {counts_sql}
    FROM {NOMINEE}
    LEFT JOIN subdistrict_village so ON so.village_id = {NOMINEE}.village_id
    WHERE {NOMINEE}.programme_id = {PROGRAMME}.id AND ({PROGRAMME}.of_year OR {NOMINEE}.status = ANY({covered_array}))
    GROUP BY {NOMINEE}.village_id
  ) AS c
  GROUP BY c.village_id"""
    quota_sql = sql(Programme, per_village_quota_expression(_column("vq.quota")))
    quota_year_array = value(year_ids)

    # The rules applied to a region row `g` (its denominator NULL where it has no UCJ).
    covered = covered_workers(official_numerator=_column("g.official_numerator"),
                              addition=_column("g.programme_addition"))
    ucj = ucj_percent(covered=covered, denominator=_column("g.denominator"))
    derived = {
        "covered": sql(Nominee, covered),
        "ucj_percent": sql(Nominee, stored_percent(ucj)),
        "contribution_points": sql(Nominee, stored_percent(
            contribution_points(addition=_column("g.programme_addition"), denominator=_column("g.denominator")))),
        "target_achievement_percent": sql(Nominee, stored_percent(
            target_achievement_percent(ucj=ucj, target_percent=_decimal_column("g.target_percent")))),
        "workers_needed_for_target": sql(Nominee, workers_needed_for_target(
            target_percent=_decimal_column("g.target_percent"), denominator=_column("g.denominator"),
            covered=covered)),
    }
    on_param = value(on)
    at_param = value(computed_at)
    previous_on = value(on)
    stale_on = value(on)
    today_param = value(on)

    figure_list = ", ".join(FIGURE_COLUMNS)
    new_values = ", ".join(f"c.{name}" for name in FIGURE_COLUMNS)
    update_set = ", ".join(f"{name} = EXCLUDED.{name}" for name in ["regency_id", "computed_at", *FIGURE_COLUMNS])
    distinct = (f"({', '.join(f'{SNAPSHOT}.{name}' for name in ['regency_id', *FIGURE_COLUMNS])}) IS DISTINCT FROM "
                f"({', '.join(f'EXCLUDED.{name}' for name in ['regency_id', *FIGURE_COLUMNS])})")
    today_distinct = (f"({', '.join(f't.{name}' for name in ['regency_id', *FIGURE_COLUMNS])}) IS DISTINCT FROM "
                      f"({', '.join(f'c.{name}' for name in ['regency_id', *FIGURE_COLUMNS])})")
    reported_new = ", ".join(f"c.{name}" for name in REPORTED_COLUMNS)
    reported_old = ", ".join(f"p.{name} AS old_{name}" for name in REPORTED_COLUMNS)
    reported_differs = (f"({', '.join(f'c.{name}' for name in REPORTED_COLUMNS)}) IS DISTINCT FROM "
                        f"({', '.join(f'p.{name}' for name in REPORTED_COLUMNS)})")
    sums = ", ".join(f"SUM({name})::bigint AS {name}" for name in ["quota", *COUNTS])
    # A village's counts over its programmes (most villages have one).
    per_village_sums = ", ".join(f"SUM(c.{name})::bigint AS {name}" for name in COUNTS)

    statement = f"""
WITH regency AS ({regency_cte}),
subdistrict_figure AS ({subdistrict_cte}),
subdistrict_village AS (
  SELECT v.id AS village_id, f.as_of FROM villages_village v JOIN subdistrict_figure f ON f.subdistrict_id = v.subdistrict_id
),
programme AS MATERIALIZED (
  -- Whether a programme is of the year, decided once per programme rather than once per nominee.
  SELECT p.*, p.id = ANY({year_array}) AS of_year FROM {PROGRAMME} p WHERE p.id = ANY({all_array})
),
counts AS (
  SELECT c.village_id, {per_village_sums}{counts_from}
),
village_quota AS (
  SELECT v.id AS village_id, SUM({quota_sql}) AS quota
  FROM villages_village v
  JOIN villages_subdistrict s ON s.id = v.subdistrict_id
  JOIN {PROGRAMME} ON {PROGRAMME}.regency_id = s.regency_id AND {PROGRAMME}.id = ANY({quota_year_array})
  LEFT JOIN registrations_villagequota vq ON vq.programme_id = {PROGRAMME}.id AND vq.village_id = v.id
  WHERE NOT v.is_retired
  GROUP BY v.id
),
village AS (
  -- Every village of the regencies; a retired one only while it still holds programme data.
  SELECT v.id, v.code, v.name, v.subdistrict_id, s.regency_id, q.quota, d.working_residents,
         {", ".join(f"COALESCE(c.{name}, 0) AS {name}" for name in COUNTS)}
  FROM villages_village v
  JOIN villages_subdistrict s ON s.id = v.subdistrict_id
  JOIN regency r ON r.regency_id = s.regency_id
  LEFT JOIN counts c ON c.village_id = v.id
  LEFT JOIN village_quota q ON q.village_id = v.id
  LEFT JOIN reports_villagedenominator d ON d.village_id = v.id AND d.year = r.year
  WHERE NOT v.is_retired OR c.nominated > 0 OR c.registered > 0 OR c.covered > 0
),
rolled AS (
  SELECT regency_id, subdistrict_id, GROUPING(subdistrict_id) AS whole_regency, COUNT(*) AS villages, {sums}
  FROM village
  GROUP BY GROUPING SETS ((regency_id), (regency_id, subdistrict_id))
),
region AS (
  SELECT r.regency_id, 'regency' AS level, k.code AS region_code, k.name AS region_name, r.year, r.premium,
         CASE WHEN t.quota IS NULL AND r.wide_quota IS NULL THEN NULL
              ELSE COALESCE(t.quota, 0) + COALESCE(r.wide_quota, 0) END AS quota,
         COALESCE(t.nominated, 0) AS nominated, COALESCE(t.submitted, 0) AS submitted,
         COALESCE(t.approved, 0) AS approved, COALESCE(t.registered, 0) AS registered,
         COALESCE(t.active, 0) AS active, COALESCE(t.premium_committed_rp, 0) AS premium_committed_rp,
         r.official_as_of, r.official_numerator,
         CASE WHEN r.denominator IS NOT NULL THEN COALESCE(t.top_addition, 0) END AS programme_addition,
         r.denominator, r.target_percent
  FROM regency r
  JOIN villages_regency k ON k.id = r.regency_id
  LEFT JOIN rolled t ON t.regency_id = r.regency_id AND t.whole_regency = 1
  UNION ALL
  SELECT s.regency_id, 'subdistrict', s.code, s.name, r.year, r.premium, t.quota,
         COALESCE(t.nominated, 0), COALESCE(t.submitted, 0), COALESCE(t.approved, 0), COALESCE(t.registered, 0),
         COALESCE(t.active, 0), COALESCE(t.premium_committed_rp, 0),
         f.as_of, f.numerator, CASE WHEN f.denominator IS NOT NULL THEN COALESCE(t.subdistrict_addition, 0) END,
         f.denominator, NULL
  FROM villages_subdistrict s
  JOIN regency r ON r.regency_id = s.regency_id
  LEFT JOIN rolled t ON t.subdistrict_id = s.id AND t.whole_regency = 0
  LEFT JOIN subdistrict_figure f ON f.subdistrict_id = s.id
  WHERE NOT s.is_retired OR t.villages > 0
  UNION ALL
  -- Below the regency no official figure exists: a village's UCJ is its covered programme workers
  -- over the working residents it entered (DOMAIN §4).
  SELECT v.regency_id, 'village', v.code, v.name, r.year, r.premium, v.quota,
         v.nominated, v.submitted, v.approved, v.registered, v.active, v.premium_committed_rp,
         NULL, CASE WHEN v.working_residents > 0 THEN 0 END, CASE WHEN v.working_residents > 0 THEN v.covered END,
         CASE WHEN v.working_residents > 0 THEN v.working_residents END, NULL
  FROM village v
  JOIN regency r ON r.regency_id = v.regency_id
),
computed AS MATERIALIZED (
  SELECT g.regency_id, g.level, g.region_code, LEFT(g.region_name, 100) AS region_name, g.year,
         g.quota, g.nominated, g.submitted, g.approved, g.registered, g.active,
         g.premium AS premium_per_month_rp, g.premium_committed_rp, g.official_as_of, g.official_numerator,
         g.programme_addition, {derived["covered"]} AS covered, g.denominator,
         {derived["ucj_percent"]} AS ucj_percent, {derived["contribution_points"]} AS contribution_points,
         g.target_percent, {derived["target_achievement_percent"]} AS target_achievement_percent,
         {derived["workers_needed_for_target"]} AS workers_needed_for_target
  FROM region g
),
previous_day AS (
  SELECT r.regency_id, (SELECT MAX(s.computed_on) FROM {SNAPSHOT} s
                        WHERE s.regency_id = r.regency_id AND s.computed_on <= {previous_on}) AS day
  FROM regency r
),
previous AS (
  SELECT s.* FROM {SNAPSHOT} s JOIN previous_day d ON s.regency_id = d.regency_id AND s.computed_on = d.day
),
written AS (
  INSERT INTO {SNAPSHOT} (region_code, regency_id, computed_on, computed_at, {figure_list})
  SELECT c.region_code, c.regency_id, {on_param}, {at_param}, {new_values}
  FROM computed c JOIN previous_day d ON d.regency_id = c.regency_id
  -- A rerun the same day offers only the rows whose figures moved since its earlier run: a plain
  -- index probe per row, cheaper than the conflict check and row lock of ON CONFLICT. A regency
  -- with no rows yet that day (a new day) needs no probe at all.
  WHERE c.level = 'regency' OR d.day IS DISTINCT FROM {today_param} OR NOT EXISTS (
    SELECT FROM {SNAPSHOT} t WHERE t.region_code = c.region_code AND t.computed_on = {today_param}
    AND NOT {today_distinct})
  ON CONFLICT (region_code, computed_on) DO UPDATE SET {update_set}
  -- Only rows whose figures moved are rewritten; the regency's own row always, so its computed_at
  -- says when the regency was last recomputed (the dashboard's "dihitung").
  WHERE {SNAPSHOT}.level = 'regency' OR {distinct}
  RETURNING regency_id
),
written_count AS (SELECT regency_id, COUNT(*) AS rows_written FROM written GROUP BY regency_id),
retired AS MATERIALIZED (
  SELECT v.code FROM villages_village v JOIN villages_subdistrict s ON s.id = v.subdistrict_id
  JOIN regency r ON r.regency_id = s.regency_id WHERE v.is_retired
  UNION ALL
  SELECT s.code FROM villages_subdistrict s JOIN regency r ON r.regency_id = s.regency_id WHERE s.is_retired
),
stale_code AS (
  -- A region shown earlier today but not now (a village retired since, with no programme data).
  -- EXCEPT (a hashed or sorted set operation) rather than NOT EXISTS: the day's rows are unknown to
  -- the planner's statistics, and a nested anti join over ~90,000 rows each side would never end.
  -- Only a retired village or kecamatan can leave the day's rows, so only their codes are looked up
  -- (from the few retired regions to the day's rows, through the (region_code, computed_on) index).
  SELECT s.region_code FROM retired x JOIN {SNAPSHOT} s ON s.region_code = x.code AND s.computed_on = {stale_on}
  EXCEPT
  SELECT region_code FROM computed
),
stale AS (
  DELETE FROM {SNAPSHOT} s USING stale_code x WHERE s.region_code = x.region_code AND s.computed_on = {stale_on}
),
size AS (
  SELECT regency_id, COUNT(*) AS rows, COUNT(*) FILTER (WHERE level = 'subdistrict') AS subdistricts,
         COUNT(*) FILTER (WHERE level = 'village') AS villages
  FROM computed GROUP BY regency_id
)
SELECT c.regency_id, c.level, c.region_code, c.region_name, {reported_new}, {reported_old},
       p.region_code IS NOT NULL AS existed,
       d.day IS NOT NULL AND (p.region_code IS NULL OR {reported_differs}) AS moved,
       d.day IS NOT NULL AS had_previous, z.rows, COALESCE(w.rows_written, 0) AS rows_written, z.subdistricts,
       z.villages
FROM computed c
JOIN previous_day d ON d.regency_id = c.regency_id
JOIN size z ON z.regency_id = c.regency_id
LEFT JOIN previous p ON p.region_code = c.region_code
LEFT JOIN written_count w ON w.regency_id = c.regency_id
WHERE c.level = 'regency' OR (d.day IS NOT NULL AND (p.region_code IS NULL OR {reported_differs}))
ORDER BY c.level <> 'regency', c.level <> 'subdistrict', c.region_code  -- the report's order: regency, kecamatan, desa
"""
    return statement, params


def _decimal_column(sql: str):
    return RawSQL(sql, (), output_field=DecimalField(max_digits=5, decimal_places=2))
