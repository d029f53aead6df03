"""The planner's continuation part: a stage that continues an earlier one's members needs premium
for its continuing members and for its new places, shown apart on the regent's dashboard."""

import datetime as dt

import pytest
from django.urls import reverse

from registrations import continuation, services
from registrations.enums import EndReason, QuotaRule
from registrations.enums import NomineeStatus as S
from reports.planner import continuation_budget

TODAY = dt.date.today()


def test_seluma_continuing_1800_of_2020_places_costs_its_three_months_budget():
    budget = continuation_budget(continuing=1_500, awaiting=300, quota=2_020, premium_per_month=16_800, months=3)

    assert (budget.expected, budget.new_places, budget.over_quota) == (1_800, 220, 0)
    assert (budget.continuing_monthly_rp, budget.continuing_premium_rp) == (30_240_000, 90_720_000)
    assert (budget.new_places_monthly_rp, budget.new_places_premium_rp) == (3_696_000, 11_088_000)
    assert budget.total_premium_rp == 101_808_000  # 2,020 × Rp16,800 × 3 (DOMAIN §3)


def test_continuing_members_beyond_the_quota_leave_no_new_place():
    budget = continuation_budget(continuing=0, awaiting=12, quota=10, premium_per_month=16_800, months=1)

    assert (budget.new_places, budget.over_quota, budget.new_places_premium_rp) == (0, 2, 0)
    assert budget.total_premium_rp == 12 * 16_800


def test_without_quota_the_new_places_are_unknown():
    budget = continuation_budget(continuing=4, awaiting=0, quota=None, premium_per_month=16_800, months=6)

    assert (budget.new_places, budget.new_places_premium_rp) == (None, None)
    assert budget.total_premium_rp == 4 * 16_800 * 6


@pytest.fixture
def next_stage(seluma, regency_admin, programme):
    return services.programme_create(
        regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan 2027", year=2027, stage=1,
        implementing_office="Dinas", coverage_start=dt.date(2027, 1, 1),
        nomination_opens=TODAY - dt.timedelta(days=3), nomination_closes=TODAY + dt.timedelta(days=30),
        quota_rule=QuotaRule.REGENCY_TOTAL, quota_total=10, months_paid=12, continues_from=programme)


def test_dashboard_planner_shows_continuing_members_and_new_places_apart(
        login, viewer, officer, niur, programme, next_stage, add_nominees):
    members = add_nominees(programme, niur, 4, status=S.ACTIVE, registered_on=dt.date(2026, 3, 1))
    continuation.village_continuation_confirm(programme=next_stage, village=niur, actor=officer, choices=[
        continuation.Choice(nominee_pk=members[0].pk, continues=True, seen_status=S.ACTIVE),
        continuation.Choice(nominee_pk=members[1].pk, continues=False, seen_status=S.ACTIVE,
                            reason_code=EndReason.MOVED)])

    response = login(viewer).get(reverse("reports:regency-detail", args=[next_stage.regency_id]))

    budget = response.context["continuation"]["budget"]
    # 1 confirmed + 2 awaiting continue; 10 − 3 = 7 new places; Rp16,800 × 12 months each.
    assert (budget.continuing, budget.awaiting, budget.new_places) == (1, 2, 7)
    html = response.content.decode()
    assert "Anggaran Perlindungan Pekerja Rentan 2027 — Tahap 1: peserta lanjutan dan tempat baru" in html
    assert "Rp604.800" in html  # 3 × 16,800 × 12
    assert "Rp1.411.200" in html  # 7 × 16,800 × 12
    assert "Rp2.016.000" in html  # 10 × 16,800 × 12


def test_dashboard_without_a_continuing_stage_shows_no_continuation(login, viewer, seluma, programme):
    response = login(viewer).get(reverse("reports:regency-detail", args=[seluma.pk]))

    assert response.context["continuation"] is None
    assert "peserta lanjutan dan tempat baru" not in response.content.decode()


def test_while_the_current_stage_runs_the_planner_shows_the_stage_prepared_to_continue_it(
        login, viewer, niur, seluma, regency_admin, add_nominees):
    """The Perbup of the next stage is drafted while the current one still runs: the dashboard's
    current stage continues nobody, and the planner shows the stage that continues it (its window
    not open yet, so every member still waits for the village's confirmation)."""
    def stage(number, opens, continues_from=None):
        return services.programme_create(
            regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan 2026", year=2026,
            stage=number, implementing_office="Dinas", coverage_start=opens + dt.timedelta(days=60),
            nomination_opens=opens, nomination_closes=opens + dt.timedelta(days=20), quota_rule=QuotaRule.REGENCY_TOTAL,
            quota_total=10, months_paid=3, continues_from=continues_from)

    running = stage(1, TODAY - dt.timedelta(days=5))
    add_nominees(running, niur, 3, status=S.ACTIVE, registered_on=dt.date(2026, 3, 1))
    stage(2, TODAY + dt.timedelta(days=30), continues_from=running)

    response = login(viewer).get(reverse("reports:regency-detail", args=[seluma.pk]))

    assert response.context["stage"].programme == running  # the dashboard's stage is still the running one
    budget = response.context["continuation"]["budget"]
    assert (budget.continuing, budget.awaiting, budget.new_places) == (0, 3, 7)
    assert response.context["continuation"]["source"] == running
    assert "Anggaran Perlindungan Pekerja Rentan 2026 — Tahap 2: peserta lanjutan dan tempat baru" in (
        response.content.decode())
    assert "Melanjutkan peserta Perlindungan Pekerja Rentan 2026 — Tahap 1." in response.content.decode()
