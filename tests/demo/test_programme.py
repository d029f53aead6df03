"""demo/scenario.py: `load_demo` gives a newcomer an open Seluma programme with nominees in every state."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.enums import Role
from accounts.models import User
from bpjs.models import ExportBatch
from demo.scenario import DEMO_NOMINEES, DEMO_PROGRAMME_NAME, demo_birth_date, demo_kk, demo_nik
from registrations import workflow
from registrations.checks import ReviewFlag, flag_filter, review_checks
from registrations.enums import ACTIVE_STATES, Action, NomineeStatus
from registrations.models import Nominee, NomineeEvent, Programme
from registrations.nik import age_on, check_kk, check_nik
from registrations.quotas import places_taken
from villages.models import Village

S = NomineeStatus


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """The demo stores its BPJS batch files (with NIKs) under MEDIA_ROOT: keep them out of the tree."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def demo(db):
    # The villages' demo nominees below; the nominating body's are tests/demo/test_bodies.py's.
    call_command("load_demo", stdout=StringIO())
    return Programme.objects.get(name=DEMO_PROGRAMME_NAME)


def birth_date(demo_nominee, programme):
    return demo_birth_date(demo_nominee, coverage_start=programme.coverage_start,
                           max_age_exclusive=programme.max_age_exclusive)


def test_demo_programme_is_open_seluma_stage_one(demo):
    today = dt.date.today()
    assert (demo.regency.code, demo.quota_per_village, demo.includes_jht, demo.months_paid, demo.funding_source,
            demo.bpjs_funding_code, demo.premium_per_month) == ("17.05", 10, False, 3, "apbd", "SG", 16_800)
    assert demo.nomination_opens <= today <= demo.nomination_closes
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    assert demo.coverage_start == next_month


def test_demo_has_every_state(demo):
    """Every state, in the first stage or, for the members Pasar Tais continued, in the second
    (demo/continuation.py); Rina Marlina, the one registered member, left when her village confirmed."""
    statuses = set(Nominee.objects.filter(nominating_body=None, village__subdistrict__regency=demo.regency)
                   .values_list("status", flat=True))
    assert statuses == set(NomineeStatus) - {S.REGISTERED}
    assert Nominee.objects.get(programme=demo, full_name="Rina Marlina").events.last().from_status == S.REGISTERED
    assert Nominee.objects.filter(nominating_body=None, programme=demo).count() == len(DEMO_NOMINEES) == 27


def test_demo_officers_village_has_seven_of_ten_places_taken(demo):
    niur = Village.objects.get(code="17.05.01.2002")
    statuses = sorted(Nominee.objects.filter(nominating_body=None, programme=demo, village=niur).values_list("status", flat=True))

    assert places_taken(demo, niur) == 7
    assert statuses == sorted(["draft", "draft", "returned", "submitted", "submitted", "verified", "approved",
                               "rejected"])
    returned = Nominee.objects.get(programme=demo, village=niur, status=S.RETURNED)
    assert returned.status_reason == ("Nomor KK tidak sesuai kartu keluarga: Nomor KK tidak sama dengan foto "
                                      "kartu keluarga. Periksa lagi, lalu kirim ulang.")
    assert returned.events.last().reason_code == "kk_mismatch"


def test_demo_neighbours_queue_has_two_nominees_to_check(demo):
    lubuk_sahung = Village.objects.get(code="17.05.01.2003")
    queue = list(Nominee.objects.filter(nominating_body=None, programme=demo, village=lubuk_sahung, status=S.SUBMITTED))

    checks = review_checks(demo, queue)

    assert places_taken(demo, lubuk_sahung) == 7
    assert sorted(n.full_name for n in queue if checks[n.pk].has_warnings) == ["Rosmawati", "Sukardi"]
    assert list(Nominee.objects.filter(nominating_body=None, programme=demo).filter(flag_filter(ReviewFlag.NIK_WARNING, demo))
                .values_list("full_name", "confirmed_warnings")) == [("Rosmawati", ["nik_sex_mismatch"])]
    assert list(Nominee.objects.filter(nominating_body=None, programme=demo).filter(flag_filter(ReviewFlag.AGE_LIMIT, demo))
                .values_list("full_name", flat=True)) == ["Sukardi"]
    sukardi = Nominee.objects.get(programme=demo, full_name="Sukardi")
    assert age_on(sukardi.birth_date, demo.coverage_start) == 64
    assert checks[sukardi.pk].near_age_limit and checks[sukardi.pk].age_at_start == 64


def test_every_demo_nominee_has_a_consistent_timeline(demo):
    for nominee in Nominee.objects.filter(nominating_body=None, programme=demo):
        steps = list(nominee.events.values_list("from_status", "to_status"))
        assert steps[0] == ("", S.DRAFT)
        assert all(before[1] == after[0] for before, after in zip(steps, steps[1:], strict=False))
        assert steps[-1][1] == nominee.status
        if nominee.status != S.DRAFT:
            assert steps[1] == (S.DRAFT, S.SUBMITTED)
        if nominee.status in (S.RETURNED, S.REJECTED, S.REFUSED_BY_BPJS, S.ENDED):
            assert nominee.status_reason != "" and nominee.events.last().reason == nominee.status_reason


def test_every_demo_step_is_a_transition_its_actor_may_make(demo):
    """Each event after the draft is a row of workflow.TRANSITIONS, made by someone that row allows,
    with the reason it asks for; an approval is never by the person who verified."""
    for nominee in Nominee.objects.filter(nominating_body=None, programme=demo).select_related("village__subdistrict__regency"):
        events = list(nominee.events.select_related("actor"))
        verified_by = None
        for event in events[1:]:
            rule = workflow.TRANSITIONS.get((event.from_status, event.to_status))
            if event.to_status == S.ENDED and event.actor.role == Role.VILLAGE_OFFICER:
                # The village's confirmation of the second stage (demo/continuation.py).
                rule = workflow.rule_for(Action.CONFIRM_CONTINUATION, event.from_status)
            step = f"{nominee.full_name}: {event.from_status} → {event.to_status} by {event.actor.username}"
            assert rule is not None, step
            assert rule.allowed(User.objects.get(pk=event.actor_id), nominee), step
            if rule.reasons is not None:
                assert event.reason_code in rule.reasons.values, step
            if rule.text_required:
                assert event.reason != "", step
            if event.to_status == S.VERIFIED:
                verified_by = event.actor_id
            if event.to_status == S.APPROVED:
                assert verified_by is not None and event.actor_id != verified_by, step


def test_demo_identifiers_are_valid_and_unique(demo):
    niks = [demo_nik(d, birth_date(d, demo)) for d in DEMO_NOMINEES]
    assert len(set(niks)) == len(niks)
    for demo_nominee, nik in zip(DEMO_NOMINEES, niks, strict=True):
        result = check_nik(nik, birth_date=birth_date(demo_nominee, demo), sex=demo_nominee.sex)
        assert (nik[:4], result.errors, sorted(w.code for w in result.warnings)) == (
            "1705", [], sorted(demo_nominee.confirmed_warnings))
        assert check_kk(demo_kk(demo_nominee))[1] == []
    assert sorted(Nominee.objects.filter(nominating_body=None, programme=demo).values_list("nik_masked", flat=True)) == sorted(
        f"************{nik[12:]}" for nik in niks)


def test_only_the_confirmed_demo_nominee_carries_warnings(demo):
    assert list(Nominee.objects.exclude(confirmed_warnings=[]).values_list("full_name", "sex", "confirmed_warnings")
                ) == [("Rosmawati", "P", ["nik_sex_mismatch"])]


def test_second_run_changes_nothing(demo):
    def snapshot():
        return (
            list(Programme.objects.values_list("pk", "nomination_opens", "nomination_closes", "premium_per_month")),
            list(Nominee.objects.order_by("pk").values_list("pk", "status", "status_reason", "updated_at",
                                                            "birth_date")),
            NomineeEvent.objects.count(),
            Nominee.history.count(),
        )
    before = snapshot()

    call_command("load_demo", stdout=StringIO())

    assert snapshot() == before


def test_demo_active_nominees_fit_their_quotas(demo):
    for village_id in Nominee.objects.filter(nominating_body=None, programme=demo).values_list("village", flat=True).distinct():
        active = Nominee.objects.filter(nominating_body=None, programme=demo, village_id=village_id, status__in=ACTIVE_STATES).count()
        assert active <= 10


def test_demo_hands_each_village_over_in_one_export_batch(demo):
    """Everyone who reached BPJS went in their village's batch (services.export_batch_create);
    the approved ones still wait for the next batch."""
    sent_or_later = {S.SENT_TO_BPJS, S.REGISTERED, S.REFUSED_BY_BPJS, S.ACTIVE, S.ARREARS, S.LAPSED, S.ENDED}
    rows = list(Nominee.objects.filter(nominating_body=None, programme=demo).values_list(
        "village__code", "status", "export_batch__number"))

    batches = {code: number for code, status, number in rows if status in sent_or_later}
    assert sorted(set(batches.items())) == [("17.05.02.1010", f"BPJS-1705-{dt.date.today().year}-001"),
                                            ("17.05.03.2002", f"BPJS-1705-{dt.date.today().year}-002")]
    assert all(number is None for _, status, number in rows if status not in sent_or_later)
    assert [(b.number, b.row_count) for b in ExportBatch.objects.order_by("number")] == [
        (f"BPJS-1705-{dt.date.today().year}-001", 7), (f"BPJS-1705-{dt.date.today().year}-002", 1)]
