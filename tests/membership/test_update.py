"""The daily membership update (membership.services.memberships_update, the update_memberships
command and the beat task): members follow their payment — arrears after the paid period, lapsed
beyond the grace period, active again when paid — with event rows by the system account, one
announcement per regency, a fixed number of queries, and nothing changed by a second run."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.system import SYSTEM_USERNAME
from membership import services
from membership.models import GracePeriod
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee, NomineeEvent
from reports import services as report_services
from reports.coverage import recompute_regency
from reports.models import CoverageSnapshot, RegionLevel
from villages.models import RegencySettings

PAID_UNTIL = dt.date(2026, 6, 14)


def status_of(nominee):
    return Nominee.objects.get(pk=nominee.pk).status


def test_a_member_whose_paid_period_ended_is_in_arrears_with_the_date_and_months_unpaid(members):
    [member] = members(1, S.ACTIVE, PAID_UNTIL)

    result = services.memberships_update(on=dt.date(2026, 7, 20))

    saved = Nominee.objects.get(pk=member.pk)
    assert (result.moved, saved.status) == ({S.ARREARS: 1}, S.ARREARS)
    assert saved.status_reason == ("Masa iur s.d. 14 Juni 2026 lewat: 2 bulan belum dibayar; tidak aktif setelah "
                                   "14 September 2026.")
    event = saved.events.get()
    assert (event.actor.username, event.from_status, event.to_status) == (SYSTEM_USERNAME, S.ACTIVE, S.ARREARS)


def test_unpaid_beyond_the_grace_period_lapses(members):
    [in_arrears] = members(1, S.ARREARS, PAID_UNTIL)
    [still_active] = members(1, S.ACTIVE, PAID_UNTIL)

    services.memberships_update(on=dt.date(2026, 9, 15))

    assert (status_of(in_arrears), status_of(still_active)) == (S.LAPSED, S.LAPSED)
    assert Nominee.objects.get(pk=in_arrears.pk).status_reason == (
        "Masa iur s.d. 14 Juni 2026: 4 bulan belum dibayar, lebih dari masa tenggang 3 bulan.")


def test_a_dated_grace_period_row_changes_when_members_lapse(members):
    GracePeriod.objects.create(valid_from=dt.date(2026, 7, 1), months=1, legal_basis="Peraturan baru (uji)")
    [member] = members(1, S.ARREARS, PAID_UNTIL)

    services.memberships_update(on=dt.date(2026, 7, 15))

    assert status_of(member) == S.LAPSED


def test_paid_again_brings_arrears_and_lapsed_members_back_to_active(members):
    [in_arrears] = members(1, S.ARREARS, dt.date(2026, 12, 14))
    [lapsed] = members(1, S.LAPSED, dt.date(2026, 12, 14))

    services.memberships_update(on=dt.date(2026, 9, 15))

    assert (status_of(in_arrears), status_of(lapsed)) == (S.ACTIVE, S.ACTIVE)
    assert Nominee.objects.get(pk=lapsed.pk).events.get().reason == "Iuran dibayar s.d. 14 Desember 2026."


def test_registered_members_inside_their_paid_period_become_active_where_the_regency_says_so(seluma, members):
    [member] = members(1, S.REGISTERED, PAID_UNTIL)

    services.memberships_update(on=dt.date(2026, 4, 1))

    assert status_of(member) == S.ACTIVE


def test_a_regency_waiting_for_bpjs_keeps_registered_members_registered(seluma, members):
    RegencySettings.objects.update_or_create(regency=seluma, defaults={"registration_means_active": False})
    [member] = members(1, S.REGISTERED, PAID_UNTIL)

    result = services.memberships_update(on=dt.date(2026, 4, 1))

    assert (result.total, status_of(member)) == (0, S.REGISTERED)


def test_members_without_a_paid_up_date_and_ended_ones_are_left_alone(members):
    [unknown] = members(1, S.ACTIVE, None)
    [ended] = members(1, S.ENDED, PAID_UNTIL)

    result = services.memberships_update(on=dt.date(2026, 12, 1))

    assert (result.total, status_of(unknown), status_of(ended)) == (0, S.ACTIVE, S.ENDED)


def test_a_second_run_changes_nothing(members):
    members(2, S.ACTIVE, PAID_UNTIL)
    members(1, S.ACTIVE, dt.date(2026, 5, 1))
    on = dt.date(2026, 8, 20)
    first = services.memberships_update(on=on)
    events = NomineeEvent.objects.count()

    second = services.memberships_update(on=on)

    assert (first.moved, second.moved, NomineeEvent.objects.count()) == ({S.ARREARS: 2, S.LAPSED: 1}, {}, events)


def test_one_announcement_per_regency_touched(members, announced, django_capture_on_commit_callbacks, seluma):
    members(3, S.ACTIVE, PAID_UNTIL)

    with django_capture_on_commit_callbacks(execute=True):
        services.memberships_update(on=dt.date(2026, 7, 1))

    assert announced == [seluma.pk]


def _queries(on):
    with CaptureQueriesContext(connection) as queries:
        services.memberships_update(on=on)
    return len(queries)


@pytest.mark.parametrize("count", [1, 3])
def test_the_update_costs_the_same_queries_whatever_the_number_of_members(members, count):
    members(count, S.ACTIVE, PAID_UNTIL)
    members(count, S.ARREARS, dt.date(2026, 3, 31))
    services.memberships_update(on=dt.date(2026, 1, 1))  # the system account exists from here on

    # The grace period, the members read, the system account, the lock, their villages, the UPDATE,
    # the history rows, the event rows, and the transaction's savepoint pair: the same for 2 or 6.
    assert _queries(dt.date(2026, 7, 20)) == 10


def test_the_command_reports_what_moved(members):
    members(2, S.ACTIVE, PAID_UNTIL)
    out = StringIO()

    call_command("update_memberships", "--today", "2026-07-20", stdout=out)

    assert out.getvalue() == "Kepesertaan per 2026-07-20: 2 peserta berubah status (menunggak: 2).\n"


def test_the_command_refuses_an_unreadable_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Tanggal '20-07-2026' tidak terbaca; tulis YYYY-MM-DD."):
        call_command("update_memberships", "--today", "20-07-2026")


def test_the_update_runs_daily_before_the_nightly_recompute():
    [entry] = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values()
               if entry["task"] == "membership.update_memberships"]

    assert (entry["schedule"].hour, entry["schedule"].minute) == ({0}, {30})


def test_a_member_whose_paid_period_ended_drops_out_of_the_dashboards_figure(login, viewer, seluma,
                                                                              regency_admin, members):
    report_services.official_figure_record(region=seluma, as_of=dt.date(2026, 1, 31), active_pu=20_000,
                                           active_bpu=15_000, active_jakon=3_000, active_pmi=450,
                                           denominator=100_000, published_percent=Decimal("38.45"),
                                           entered_by=regency_admin)
    members(3, S.ACTIVE, dt.date(2026, 12, 14))
    members(2, S.ACTIVE, PAID_UNTIL)
    recompute_regency(seluma.pk, on=dt.date(2026, 6, 1))  # all five paid up
    on = dt.date(2026, 7, 20)

    services.memberships_update(on=on)
    recompute_regency(seluma.pk, on=on)

    def regency_row(day):
        return CoverageSnapshot.objects.get(regency=seluma, level=RegionLevel.REGENCY, computed_on=day)

    before, after = regency_row(dt.date(2026, 6, 1)), regency_row(on)
    assert (before.covered, before.active) == (38_455, 5)
    assert (after.covered, after.active, after.registered) == (38_453, 3, 5)  # two in arrears, still members
    page = " ".join(login(viewer).get(reverse("reports:regency-detail", args=[seluma.pk])).content.decode().split())
    assert "<dt>Peserta aktif tercakup</dt><dd>38.453</dd>" in page


def test_the_system_account_sees_every_regency_but_cannot_log_in(db):
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    from accounts.scope import region_scope
    from accounts.system import system_account

    account = system_account()

    assert region_scope(account).everything and not account.has_usable_password()
    assert authenticate(RequestFactory().post("/masuk/"), username=SYSTEM_USERNAME, password="") is None
    assert system_account().pk == account.pk  # made once


def test_the_beat_task_updates_as_of_today(members, monkeypatch):
    from membership import rules, tasks

    monkeypatch.setattr(rules, "membership_today", lambda: dt.date(2026, 7, 20))
    members(2, S.ACTIVE, PAID_UNTIL)

    assert tasks.update_memberships() == {"on": "2026-07-20", "moved": {S.ARREARS: 2}, "refused": 0}
    assert tasks.update_memberships()["moved"] == {}  # the same day again: nothing
