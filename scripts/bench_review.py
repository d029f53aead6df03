#!/usr/bin/env python
"""Times bulk review decisions on PostgreSQL against their floor, measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jamsostek_bench .venv/bin/python scripts/bench_review.py

Data: Kabupaten Seluma (17.05, 202 villages) from `generate_scale_data` (demo/scale.py), with
its events and history rows. Before each repetition one UPDATE puts the programme's nominees back
to "terverifikasi" (out of any batch), so an approver may approve them all (two steps, the
default; the scale data's verifier is another user, so four eyes lets them through).

1. 20,200 nominees (--per-village 100): the approval as the page starts it above
   settings.DECISION_INLINE_MAX_ROWS (decisions.decision_start → the decision job, run inline
   here since there is no broker), in a child process whose peak memory (ru_maxrss) is read;
   then the floor for the same rows, once.
2. 2,020 nominees (--per-village 10), REPEAT times each, alternating: a. workflow.nominees_decide
   (the service the page calls below the threshold: every row checked with the workflow's rules,
   then bulk writes); b. the floor: one UPDATE of the status plus INSERT … SELECT of the event and
   history rows, in one transaction. Medians and the ratio a / b.
The coverage recompute is a queued, coalesced task in production (scripts/bench_coverage.py times
it), so its listener is disconnected here; the village notices' listener runs as in production.
It leaves the 2,020 approved, in a programme named "Benchmark" with a `bench-admin`, which
scripts/bench_reports.py starts from. Only runs on a database named jamsostek_bench (or ending in
_bench), which it empties first (`flush`).
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_load_regions as common  # noqa: E402  (the database guard and Django setup)

SELUMA = "17.05"
REPEAT = 5
TARGET_RATIO = 10


def setup_django():
    config = common.bench_database_config()
    common.database_ensure(config)
    common.django_setup()
    from common import events
    from reports import triggers

    events.changed.disconnect(triggers.on_change)  # production queues it; see the docstring


def scale_data(per_village: int) -> int:
    """Replaces the scale data with `per_village` nominees per Seluma village; the programme's id."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("generate_scale_data", SELUMA, "--per-village", str(per_village), "--json", stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])["programmes"][SELUMA]


def users():
    from accounts.enums import Role
    from accounts.models import User
    from accounts.services import user_create
    from villages.models import Regency

    seluma = Regency.objects.get(code=SELUMA)
    made = {}
    for username, role in (("bench-admin", Role.REGENCY_ADMIN), ("bench-approver", Role.REGENCY_APPROVER)):
        made[role] = User.objects.filter(username=username).first() or user_create(
            username=username, role=role, regions=[seluma], password=None, must_change_password=False)
    return made[Role.REGENCY_ADMIN], made[Role.REGENCY_APPROVER]


def reset(programme_id: int) -> list[int]:
    """One UPDATE: every nominee of the programme back to verified, out of any batch."""
    from registrations.models import Nominee

    Nominee.objects.filter(programme_id=programme_id).update(
        status="verified", status_reason="", export_batch=None, kpj_number="", registered_on=None, paid_until=None)
    return list(Nominee.objects.filter(programme_id=programme_id).order_by("pk").values_list("pk", flat=True))


def floor(programme_id: int, approver) -> float:
    """The least any approval must write: the event rows, the status, the history rows."""
    from django.db import connection, transaction

    from registrations.models import Nominee, NomineeEvent

    history = Nominee.history.model
    copied = [f.column for f in history._meta.concrete_fields
              if f.column not in ("history_id", "history_date", "history_change_reason", "history_type",
                                  "history_user_id")]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"""INSERT INTO {NomineeEvent._meta.db_table}
                               (nominee_id, actor_id, from_status, to_status, reason_code, reason, created_at)
                           SELECT id, %s, status, 'approved', '', '', now() FROM registrations_nominee
                           WHERE programme_id = %s AND status = 'verified'""", [approver.pk, programme_id])
        cursor.execute("""UPDATE registrations_nominee SET status = 'approved', status_reason = '',
                              status_changed_at = now(), updated_at = now()
                          WHERE programme_id = %s AND status = 'verified'""", [programme_id])
        cursor.execute(f"""INSERT INTO {history._meta.db_table}
                               ({", ".join(copied)}, history_date, history_type, history_user_id)
                           SELECT {", ".join(copied)}, now(), '~', %s FROM registrations_nominee
                           WHERE programme_id = %s""", [approver.pk, programme_id])
    return time.perf_counter() - started


def child(programme_id: int) -> int:
    """The big approval through the page's path (a job above the threshold), in its own process."""
    setup_django()
    from registrations import tasks  # noqa: F401  (registered, as in a worker: the job is queued by name)
    from registrations.enums import Action
    from registrations.models import Nominee, Programme
    from registrations.review import decisions

    _, approver = users()
    programme = Programme.objects.get(pk=programme_id)
    names = dict(Nominee.objects.filter(programme=programme).order_by("pk").values_list("pk", "full_name"))
    started = time.perf_counter()
    job = decisions.decision_start(user=approver, programme=programme, action=Action.APPROVE, names=names,
                                   seen=dict.fromkeys(names, "verified"))
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    print(json.dumps({"seconds": seconds, "status": job.status, "data": job.result.get("data")}))
    return 0


def main() -> int:
    common.without_broker()  # the decision job runs inline, as the measured path
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        return child(int(sys.argv[2]))
    setup_django()
    from django.core.management import call_command

    from registrations.models import Nominee, OccupationCategory, PremiumRate, Programme
    from registrations.reference_data import seed_reference_data
    from registrations.workflow import nominees_decide
    from villages.loader import load_regions

    call_command("migrate", interactive=False, verbosity=0)
    # A clean slate: what the other benchmarks left goes, the seeded rates and occupations return.
    common.regions_delete()
    seed_reference_data(PremiumRate, OccupationCategory)
    load_regions([SELUMA])
    users()

    # 1. Twenty thousand: the job path in a child process, for its peak memory.
    programme_id = scale_data(100)
    _, approver = users()
    count = len(reset(programme_id))
    run = subprocess.run([sys.executable, __file__, "--child", str(programme_id)], capture_output=True, text=True,
                         check=False)
    if run.returncode:
        print(run.stderr, file=sys.stderr)
        return 1
    measured = json.loads(run.stdout.strip().splitlines()[-1])
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    approved = Nominee.objects.filter(programme_id=programme_id, status="approved").count()
    reset(programme_id)
    big_floor = floor(programme_id, approver)
    print(f"1. Approve {count:,} as a decision job ({measured['status']}, {approved:,} approved): "
          f"{measured['seconds']:.2f} s, peak {peak_mib:.0f} MiB (child process); floor {big_floor:.2f} s; "
          f"ratio {measured['seconds'] / big_floor:.1f}")

    # 2. Two thousand: the service against the floor, alternating.
    programme_id = scale_data(10)
    _, approver = users()
    service, floors = [], []
    for _ in range(REPEAT):
        pks = reset(programme_id)
        floors.append(floor(programme_id, approver))
        pks = reset(programme_id)
        started = time.perf_counter()
        result = nominees_decide(nominee_pks=pks, action="approve", actor=approver,
                                 seen=dict.fromkeys(pks, "verified"))
        service.append(time.perf_counter() - started)
        assert len(result.changed) == len(pks) and not result.refused, result.refused[:3]
    service_median, floor_median = statistics.median(service), statistics.median(floors)
    ratio = service_median / floor_median
    print(f"2. Approve {len(pks):,} (nominees_decide), {REPEAT} runs: "
          f"{', '.join(f'{s * 1000:.0f}' for s in service)} ms → median {service_median * 1000:.0f} ms "
          f"({service_median / len(pks) * 1e6:.0f} µs a nominee)")
    print(f"   floor (UPDATE + INSERT … SELECT of events and history): "
          f"{', '.join(f'{s * 1000:.0f}' for s in floors)} ms → median {floor_median * 1000:.0f} ms")
    print(f"   ratio {ratio:.1f} (target at most {TARGET_RATIO})")

    from bench_result import figure, report

    report([figure("Approve, decision job", rows=count, seconds=measured["seconds"], floor_seconds=big_floor,
                   target=TARGET_RATIO, peak_mib=round(peak_mib)),
            figure("Approve, nominees_decide", rows=len(pks), seconds=service_median, floor_seconds=floor_median,
                   target=TARGET_RATIO)])
    # What scripts/bench_reports.py starts from.
    Programme.objects.filter(pk=programme_id).update(name="Benchmark")
    return 0 if ratio <= TARGET_RATIO and measured["status"] == "done" else 1


if __name__ == "__main__":
    sys.exit(main())
