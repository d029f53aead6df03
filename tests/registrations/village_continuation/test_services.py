"""Continuing a previous programme's members (registrations.continuation): the village confirms who
continues and who leaves; continuing members keep their KPJ in the new programme and take its
places, leavers free theirs, and a second confirmation changes nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registrations import continuation, services
from registrations.continuation import Choice
from registrations.enums import EndReason, QuotaRule
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee, NomineeEvent, Notice
from registrations.quotas import quota_standing
from registrations.workflow import TransitionError

from ..conftest import NIK_WOMAN, TODAY
from .conftest import REGISTERED_ON


def _continue(member):
    return Choice(nominee_pk=member.pk, continues=True, seen_status=member.status)


def _leave(member, reason=EndReason.MOVED):
    return Choice(nominee_pk=member.pk, continues=False, seen_status=member.status, reason_code=reason)


def test_continuing_members_keep_their_kpj_and_state_in_the_new_programme(next_stage, niur, officer, members):
    registered, active, lapsed = members

    result = continuation.village_continuation_confirm(
        programme=next_stage, village=niur, actor=officer,
        choices=[_continue(registered), _continue(lapsed), _leave(active, EndReason.WAGED)])

    assert (result.continued, result.left, result.already) == (2, 1, 0)
    carried = {n.continued_from_id: n for n in Nominee.objects.filter(programme=next_stage)}
    assert set(carried) == {registered.pk, lapsed.pk}
    assert [(carried[m.pk].status, carried[m.pk].kpj_number, carried[m.pk].registered_on, carried[m.pk].paid_until,
             carried[m.pk].nik_hash, carried[m.pk].nik, carried[m.pk].full_name) for m in (registered, lapsed)] == [
        (S.REGISTERED, registered.kpj_number, REGISTERED_ON, dt.date(2026, 5, 31), registered.nik_hash,
         registered.nik, registered.full_name),
        (S.ARREARS, lapsed.kpj_number, REGISTERED_ON, dt.date(2026, 5, 31), lapsed.nik_hash, lapsed.nik,
         lapsed.full_name),
    ]
    event = NomineeEvent.objects.get(nominee=carried[registered.pk])
    assert (event.actor, event.from_status, event.to_status, event.reason_code, event.reason) == (
        officer, "", S.REGISTERED, "continued", "Dilanjutkan dari program Perlindungan Pekerja Rentan 2026 — Tahap 1")
    assert carried[registered.pk].history.get().history_type == "+"


def test_previous_nominations_end_continued_or_with_the_leavers_reason(next_stage, niur, officer, members):
    registered, active, lapsed = members

    continuation.village_continuation_confirm(
        programme=next_stage, village=niur, actor=officer,
        choices=[_continue(registered), _leave(active, EndReason.DIED), _leave(lapsed, EndReason.DECLINED)])

    ended = {n.pk: (n.status, n.status_reason) for n in Nominee.objects.filter(programme_id=members[0].programme_id)}
    assert ended == {
        registered.pk: (S.ENDED, "Dilanjutkan di program berikutnya: Perlindungan Pekerja Rentan 2027 — Tahap 1"),
        active.pk: (S.ENDED, "Meninggal dunia"),
        lapsed.pk: (S.ENDED, "Menolak melanjutkan kepesertaan"),
    }
    events = NomineeEvent.objects.filter(nominee__in=members).values_list("nominee", "from_status", "reason_code",
                                                                          "actor")
    assert set(events) == {(registered.pk, S.REGISTERED, "continued", officer.pk),
                           (active.pk, S.ACTIVE, "died", officer.pk), (lapsed.pk, S.ARREARS, "declined", officer.pk)}


def test_a_second_confirmation_duplicates_nothing(next_stage, niur, officer, members):
    choices = [_continue(member) for member in members]
    continuation.village_continuation_confirm(programme=next_stage, village=niur, actor=officer, choices=choices)

    again = continuation.village_continuation_confirm(programme=next_stage, village=niur, actor=officer,
                                                      choices=choices)

    assert (again.continued, again.left, again.already) == (0, 0, 3)
    assert Nominee.objects.filter(programme=next_stage).count() == 3
    assert list(continuation.members_awaiting(next_stage, niur)) == []


def test_leavers_free_places_that_the_usual_nomination_refills(next_stage, niur, officer, members, make_nominee):
    registered, active, lapsed = members
    continuation.village_continuation_confirm(
        programme=next_stage, village=niur, actor=officer,
        choices=[_continue(registered), _continue(active), _leave(lapsed, EndReason.MOVED)])
    standing = quota_standing(next_stage, niur)
    assert (standing.taken, standing.quota, standing.left) == (2, 3, 1)

    newcomer = make_nominee(next_stage, niur, officer)

    assert (newcomer.status, newcomer.continued_from) == (S.DRAFT, None)
    with pytest.raises(ValidationError, match=r"Kuota desa sudah penuh \(3 dari 3\)"):
        make_nominee(next_stage, niur, officer, nik=NIK_WOMAN, sex="P", birth_date=dt.date(1990, 5, 15))


def test_continuing_members_who_do_not_fit_the_quota_are_refused_and_nothing_is_written(
        next_stage, niur, officer, members, make_nominee):
    make_nominee(next_stage, niur, officer)  # a new nominee took one of the three places first

    with pytest.raises(ValidationError, match="1 peserta lanjutan tidak muat. Kuota desa sudah penuh"):
        continuation.village_continuation_confirm(programme=next_stage, village=niur, actor=officer,
                                                  choices=[_continue(member) for member in members])

    assert Nominee.objects.filter(programme=next_stage, continued_from__isnull=False).count() == 0
    assert set(Nominee.objects.filter(pk__in=[m.pk for m in members]).values_list("status", flat=True)) == {
        S.REGISTERED, S.ACTIVE, S.ARREARS}


def test_a_leaver_needs_a_reason(next_stage, niur, officer, members):
    with pytest.raises(ValidationError, match="Pilih alasan berhenti"):
        continuation.village_continuation_confirm(
            programme=next_stage, village=niur, actor=officer,
            choices=[Choice(nominee_pk=members[0].pk, continues=False, seen_status=members[0].status)])
    with pytest.raises(ValidationError, match="Pilih alasan berhenti"):  # not a leaving reason
        continuation.village_continuation_confirm(programme=next_stage, village=niur, actor=officer,
                                                  choices=[_leave(members[0], EndReason.REPLACED)])


def test_a_member_changed_since_the_page_was_shown_is_refused(next_stage, niur, officer, members):
    registered = members[0]
    Nominee.objects.filter(pk=registered.pk).update(status=S.ACTIVE)  # BPJS's participant file meanwhile

    with pytest.raises(TransitionError, match="status sekarang 'aktif'. Muat ulang halaman."):
        continuation.village_continuation_confirm(programme=next_stage, village=niur, actor=officer,
                                                  choices=[_continue(registered), _continue(members[1])])

    assert Nominee.objects.filter(programme=next_stage).count() == 0


def test_only_the_villages_own_officer_confirms(next_stage, niur, neighbour_officer, regency_admin, members):
    for someone in (neighbour_officer, regency_admin):
        with pytest.raises(PermissionDenied):
            continuation.village_continuation_confirm(programme=next_stage, village=niur, actor=someone,
                                                      choices=[_continue(members[0])])


def test_confirmation_waits_for_the_window(next_stage, niur, officer, members):
    with pytest.raises(ValidationError, match="hari ini di luar jadwal"):
        continuation.village_continuation_confirm(programme=next_stage, village=niur, actor=officer,
                                                  choices=[_continue(members[0])],
                                                  today=next_stage.nomination_closes + dt.timedelta(days=1))


def test_a_programme_that_continues_nobody_has_nothing_to_confirm(programme, niur, officer, members):
    with pytest.raises(ValidationError, match="tidak melanjutkan peserta program lain"):
        continuation.village_continuation_confirm(programme=programme, village=niur, actor=officer,
                                                  choices=[_continue(members[0])], today=dt.date(2026, 2, 1))


def test_continued_members_bring_no_notice_but_leavers_do(next_stage, niur, officer, members,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        continuation.village_continuation_confirm(
            programme=next_stage, village=niur, actor=officer,
            choices=[_continue(members[0]), _continue(members[1]), _leave(members[2], EndReason.MOVED)])

    assert [notice.text for notice in Notice.objects.filter(recipient=officer)] == [
        f"{members[2].full_name}: berhenti. Alasan: Pindah domisili"]


@pytest.mark.parametrize("count", [1, 12])
def test_confirming_costs_the_same_statements_for_any_number_of_members(
        count, seluma, regency_admin, programme, niur, officer, add_nominees):
    stage = services.programme_create(
        regency=seluma, created_by=regency_admin, name="Lanjutan", year=2027, stage=1,
        implementing_office="Dinas", coverage_start=dt.date(2027, 1, 1),
        nomination_opens=TODAY - dt.timedelta(days=3), nomination_closes=TODAY + dt.timedelta(days=30),
        quota_rule=QuotaRule.PER_VILLAGE, quota_per_village=20, continues_from=programme)
    rows = add_nominees(programme, niur, count * 2, status=S.ACTIVE, registered_on=REGISTERED_ON)
    choices = [_continue(row) for row in rows[:count]] + [_leave(row) for row in rows[count:]]

    with CaptureQueriesContext(connection) as queries:
        continuation.village_continuation_confirm(programme=stage, village=niur, actor=officer, choices=choices)

    # Savepoints, the village lock, the awaiting rows (locked), the quota (override, places), the
    # workflow's locks and bulk writes, one INSERT … SELECT per membership state, events, history.
    assert len(queries) == 18
    assert Nominee.objects.filter(programme=stage).count() == count


def test_counts_for_the_budget_separate_confirmed_and_awaiting(next_stage, niur, officer, members):
    assert continuation.continuation_counts(next_stage) == continuation.ContinuationCounts(continuing=0, awaiting=3)
    continuation.village_continuation_confirm(programme=next_stage, village=niur, actor=officer,
                                              choices=[_continue(members[0]), _leave(members[1])])

    counts = continuation.continuation_counts(next_stage)

    assert (counts.continuing, counts.awaiting, counts.expected) == (1, 1, 2)


# --- The programme's choice -----------------------------------------------------------------------

def test_programme_may_continue_an_earlier_programme_of_its_regency(next_stage, programme):
    assert next_stage.continues_from == programme


@pytest.mark.parametrize("which, message", [
    ("itself", "tidak bisa melanjutkan pesertanya sendiri"),
    ("later", "bukan program sebelumnya"),
    ("other_regency", "kabupaten/kota yang sama"),
])
def test_programme_refuses_a_source_it_may_not_continue(which, message, next_stage, programme, regency_admin,
                                                        other_regency, other_admin):
    if which == "itself":
        target, source, actor = next_stage, next_stage, regency_admin
    elif which == "later":
        target, source, actor = programme, next_stage, regency_admin
        next_stage.continues_from = None
        next_stage.save()
    else:
        source = services.programme_create(
            regency=other_regency, created_by=other_admin, name="Program Bengkulu Selatan", year=2025, stage=1,
            implementing_office="Dinas", coverage_start=dt.date(2025, 3, 1), nomination_opens=dt.date(2025, 1, 5),
            nomination_closes=dt.date(2025, 2, 20), quota_rule=QuotaRule.PER_VILLAGE, quota_per_village=10)
        target, actor = next_stage, regency_admin

    with pytest.raises(ValidationError, match=message):
        services.programme_update(programme=target, changed_by=actor, continues_from=source)


def test_a_programme_is_continued_once(next_stage, programme, seluma, regency_admin):
    with pytest.raises(ValidationError, match="sudah dilanjutkan oleh Perlindungan Pekerja Rentan 2027"):
        services.programme_create(
            regency=seluma, created_by=regency_admin, name="Tahap II", year=2027, stage=2,
            implementing_office="Dinas", coverage_start=dt.date(2027, 6, 1), nomination_opens=TODAY,
            nomination_closes=TODAY + dt.timedelta(days=3), quota_rule=QuotaRule.NONE, continues_from=programme)
