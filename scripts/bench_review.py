#!/usr/bin/env python
"""Times a whole regency's review on PostgreSQL: Seluma's 202 villages × 10 nominees = 2,020.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jamsostek_bench .venv/bin/python scripts/bench_review.py

Steps, each through the same code the pages call:
1. 2,020 nominees entered with services.nominee_create (NIK check, quota lock, encryption);
2. 202 villages send their lists (services.village_list_submit → workflow, one event each);
3. the reviewer verifies village by village (202 × workflow.nominees_decide, "verify the whole
   village" on the village review page);
4. the approver approves all 2,020 in one bulk decision;
5. the review queue page (first page of 50 of 2,020, reviewer) rendered 5 times: median and the
   number of queries.
Only runs on a database named jamsostek_bench, which it empties first (`flush`).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_load_regions as common  # noqa: E402  (the database guard and Django setup)

SELUMA = "17.05"


def timed(title: str, function):
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    print(f"{title}: {seconds:.2f} s")
    return seconds, result


def main() -> int:
    config = common.bench_database_config()
    common.database_ensure(config)
    common.django_setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.enums import Role
    from accounts.services import user_create
    from common.events import collected
    from registrations import services, workflow
    from registrations.enums import NomineeStatus
    from registrations.models import Nominee, OccupationCategory, PremiumRate
    from registrations.reference_data import seed_reference_data
    from registrations.validation import check_nominee
    from villages.loader import load_regions
    from villages.models import Regency, Village

    call_command("migrate", interactive=False, verbosity=0)
    # A clean slate: what the other benchmarks left in jamsostek_bench goes, the seeded rates return.
    common.regions_delete()
    seed_reference_data(PremiumRate, OccupationCategory)
    load_regions([SELUMA])

    seluma = Regency.objects.get(code=SELUMA)
    villages = list(Village.objects.filter(subdistrict__regency=seluma, is_retired=False)
                    .select_related("subdistrict").order_by("code"))
    admin = user_create(username="bench-admin", role=Role.REGENCY_ADMIN, regions=[seluma], password=None,
                           must_change_password=False)
    reviewer = user_create(username="bench-reviewer", role=Role.REGENCY_REVIEWER, regions=[seluma], password=None,
                           must_change_password=False)
    approver = user_create(username="bench-approver", role=Role.REGENCY_APPROVER, regions=[seluma], password=None,
                           must_change_password=False)
    officers = {v.pk: user_create(username=f"bench-op-{v.code}", role=Role.VILLAGE_OFFICER, regions=[v],
                                  password=None) for v in villages}
    today = dt.date.today()
    programme = services.programme_create(
        regency=seluma, created_by=admin, name="Benchmark", year=today.year, stage=1,
        coverage_start=today + dt.timedelta(days=30), nomination_opens=today - dt.timedelta(days=1),
        nomination_closes=today + dt.timedelta(days=20), quota_per_village=10,
    )
    farmer = OccupationCategory.objects.get(name="Petani")
    print(f"Seluma: {len(villages)} villages; quota 10 each → {len(villages) * 10} nominees.\n")

    def enter_all():
        serial = 0
        for village in villages:
            subdistrict = village.code.split(".")[2]
            for number in range(10):
                serial += 1
                birth = dt.date(1970 + number, 1 + number, 1 + (serial % 28))
                nik = f"1705{subdistrict}{birth:%d%m%y}{serial:04d}"
                check = check_nominee(programme=programme, village=village, nik=nik, kk=f"170501010120{serial:04d}",
                                      birth_date=birth, sex="L")
                assert not check.errors, check.errors
                services.nominee_create(
                    programme=programme, village=village, created_by=officers[village.pk], nik=check.nik,
                    nik_hash=check.nik_hash, kk=check.kk, full_name=f"Pekerja {serial}", birth_place="Tais",
                    birth_date=birth, sex="L", address="Jalan Desa", rt="001", occupation=farmer,
                )

    def submit_all():
        for village in villages:
            services.village_list_submit(programme=programme, village=village, submitted_by=officers[village.pk])

    def verify_by_village():
        refused = 0
        for village in villages:
            pks = list(Nominee.objects.filter(programme=programme, village=village,
                                              status=NomineeStatus.SUBMITTED).values_list("pk", flat=True))
            refused += len(workflow.nominees_decide(nominee_pks=pks, action="verify", actor=reviewer).refused)
        return refused

    def approve_all():
        pks = list(Nominee.objects.filter(programme=programme, status=NomineeStatus.VERIFIED)
                   .values_list("pk", flat=True))
        return workflow.nominees_decide(nominee_pks=pks, action="approve", actor=approver)

    # With no broker here, a coverage recompute would run inline after every single change; in
    # production it is a queued, coalesced task (scripts/bench_coverage.py times it). So each step
    # runs in collected(): the step's one recompute runs at its end and is part of its time.
    def batched(step):
        def run():
            with collected():
                return step()
        return run

    entered, _ = timed("1. Enter 2,020 nominees (services.nominee_create)", batched(enter_all))
    submitted, _ = timed("2. 202 villages send their lists (village_list_submit)", batched(submit_all))
    verified, refused = timed("3. Reviewer verifies 202 villages (nominees_decide per village)",
                              batched(verify_by_village))
    approved, result = timed("4. Approver approves 2,020 in one bulk decision", batched(approve_all))
    count = Nominee.objects.filter(programme=programme, status=NomineeStatus.APPROVED).count()
    print(f"   approved: {count}, refused: {refused + len(result.refused)}")

    client = Client()
    client.force_login(reviewer)
    url = f"/usulan/verifikasi/?programme={programme.pk}&status=approved"
    durations = []
    for _ in range(5):
        connection.queries_log.clear()  # the bulk steps filled the debug log; count this page alone
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            durations.append(time.perf_counter() - started)
        if response.status_code != 200:
            print(f"Queue page answered {response.status_code}", file=sys.stderr)
            return 1
    print(f"5. Queue page, first 50 of {count} (median of 5): {statistics.median(durations) * 1000:.0f} ms, "
          f"{len(queries)} queries")
    print(f"\nSummary: enter {entered:.1f} s · submit {submitted:.1f} s · verify {verified:.1f} s · "
          f"approve {approved:.1f} s · queue {statistics.median(durations) * 1000:.0f} ms")
    return 0 if count == len(villages) * 10 else 1


if __name__ == "__main__":
    sys.exit(main())
