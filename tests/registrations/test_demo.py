"""accounts/demo.py: `load_demo` gives a newcomer an open Seluma programme with nominees in every state."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_NOMINEES, DEMO_PROGRAMME_NAME, demo_kk, demo_nik
from registrations.enums import ACTIVE_STATES, NomineeStatus
from registrations.models import Nominee, NomineeEvent, Programme
from registrations.nik import check_kk, check_nik
from registrations.quotas import places_taken
from villages.models import Village


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())
    return Programme.objects.get(name=DEMO_PROGRAMME_NAME)


def test_demo_programme_is_open_seluma_stage_one(demo):
    today = dt.date.today()
    assert (demo.regency.code, demo.quota_per_village, demo.includes_jht, demo.months_paid, demo.funding_source,
            demo.bpjs_funding_code, demo.premium_per_month) == ("17.05", 10, False, 3, "apbd", "SG", 16_800)
    assert demo.nomination_opens <= today <= demo.nomination_closes
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    assert demo.coverage_start == next_month


def test_demo_has_every_state(demo):
    assert set(Nominee.objects.filter(programme=demo).values_list("status", flat=True)) == set(NomineeStatus)
    assert Nominee.objects.filter(programme=demo).count() == len(DEMO_NOMINEES)


def test_demo_officers_village_has_seven_of_ten_places_taken(demo):
    niur = Village.objects.get(code="17.05.01.2002")
    statuses = sorted(Nominee.objects.filter(programme=demo, village=niur).values_list("status", flat=True))

    assert places_taken(demo, niur) == 7
    assert statuses == sorted(["draft", "draft", "returned", "submitted", "submitted", "verified", "approved",
                               "rejected"])
    returned = Nominee.objects.get(programme=demo, village=niur, status=NomineeStatus.RETURNED)
    assert returned.status_reason.startswith("Nomor KK tidak sama")


def test_every_demo_nominee_has_a_consistent_timeline(demo):
    for nominee in Nominee.objects.filter(programme=demo):
        steps = list(nominee.events.values_list("from_status", "to_status"))
        assert steps[0] == ("", NomineeStatus.DRAFT)
        assert all(before[1] == after[0] for before, after in zip(steps, steps[1:], strict=False))
        assert steps[-1][1] == nominee.status
        if nominee.status != NomineeStatus.DRAFT:
            assert steps[1] == (NomineeStatus.DRAFT, NomineeStatus.SUBMITTED)
        if nominee.status in (NomineeStatus.RETURNED, NomineeStatus.REJECTED, NomineeStatus.ENDED):
            assert nominee.status_reason != "" and nominee.events.last().reason == nominee.status_reason


def test_demo_identifiers_are_valid_and_unique(demo):
    niks = [demo_nik(d) for d in DEMO_NOMINEES]
    assert len(set(niks)) == len(niks)
    for demo_nominee, nik in zip(DEMO_NOMINEES, niks, strict=True):
        result = check_nik(nik, birth_date=demo_nominee.birth_date, sex=demo_nominee.sex)
        assert (nik[:4], result.errors, result.warnings) == ("1705", [], [])
        assert check_kk(demo_kk(demo_nominee))[1] == []
    assert sorted(Nominee.objects.filter(programme=demo).values_list("nik_masked", flat=True)) == sorted(
        f"{nik[:4]}********{nik[12:]}" for nik in niks)


def test_second_run_changes_nothing(demo):
    def snapshot():
        return (
            list(Programme.objects.values_list("pk", "nomination_opens", "nomination_closes", "premium_per_month")),
            list(Nominee.objects.order_by("pk").values_list("pk", "status", "status_reason", "updated_at")),
            NomineeEvent.objects.count(),
            Nominee.history.count(),
        )
    before = snapshot()

    call_command("load_demo", stdout=StringIO())

    assert snapshot() == before


def test_demo_active_nominees_fit_their_quotas(demo):
    for village_id in Nominee.objects.filter(programme=demo).values_list("village", flat=True).distinct():
        active = Nominee.objects.filter(programme=demo, village_id=village_id, status__in=ACTIVE_STATES).count()
        assert active <= 10
