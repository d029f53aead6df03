"""The demo's continuation (DOMAIN.md §9, registrations.continuation): Seluma's second stage, topped up
in the APBD-P, continues the demo programme's members without re-nomination.

Its nomination window opens the day after the first stage's closes, so while the demo's first stage
is open it stays the stage villages and the dashboard work on (registrations.selectors.
current_programme); the programme list shows the second stage as "belum dibuka", its page says whom
it continues, and the office's continuation page (registrations.continuation_status) shows where
each village stands. Kelurahan Pasar Tais has already confirmed, on the window's first day: Dewi
Lestari and Hasanudin continue (same KPJ, same membership state), Rina Marlina leaves because she
now works for an employer who registers her. Desa Napal Melintang has not confirmed yet (Ani
Suryani waits), so the planner counts continuing members, members awaiting and the new places.

Written through the same services as the pages (programme_create as the regency admin,
village_continuation_confirm as the village officer). Once: a second run changes nothing."""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from membership.rules import add_months
from registrations import continuation, services
from registrations.enums import EndReason, FundingSource
from registrations.models import Programme
from villages.models import Regency, Village

STAGE_TWO_NAME = "Perlindungan Pekerja Rentan 2026 Lanjutan"
CONFIRMED_VILLAGE_CODE = "17.05.02.1010"  # Kelurahan Pasar Tais
CONFIRMED_VILLAGE_OFFICER = "op-1705021010"
# Pasar Tais's members and the village's answer: None continues, an EndReason leaves.
PASAR_TAIS_ANSWER = {"Dewi Lestari": None, "Hasanudin": None, "Rina Marlina": EndReason.WAGED}


def demo_continuation_load(regency: Regency, *, programme_name: str, admin_username: str) -> Programme | None:
    """Creates the second stage continuing `programme_name` (once) and Pasar Tais's confirmation
    (once); returns the second stage, or None when the demo has no first stage."""
    first = Programme.objects.filter(regency=regency, name=programme_name).first()
    if first is None:
        return None
    stage_two = Programme.objects.filter(regency=regency, continues_from=first).first()
    if stage_two is None:
        opens = first.nomination_closes + dt.timedelta(days=1)
        stage_two = services.programme_create(
            regency=regency, created_by=User.objects.get(username=admin_username), name=STAGE_TWO_NAME,
            year=first.year, stage=first.stage + 1, continues_from=first,
            legal_basis="Perbup Seluma Nomor 15 Tahun 2025 (contoh), perubahan APBD-P",
            implementing_office=first.implementing_office, funding_source=FundingSource.APBD_P,
            bpjs_funding_code=first.bpjs_funding_code, includes_jht=first.includes_jht,
            income_tier=first.income_tier, months_paid=first.months_paid,
            # The second stage pays the months after the first stage's.
            coverage_start=add_months(first.coverage_start, first.months_paid),
            nomination_opens=opens, nomination_closes=opens + dt.timedelta(days=30),
            min_age=first.min_age, max_age_exclusive=first.max_age_exclusive, quota_rule=first.quota_rule,
            quota_per_village=first.quota_per_village, quota_total=first.quota_total,
            requires_minutes=False,
        )
    _village_confirms(stage_two)
    return stage_two


def _village_confirms(stage_two: Programme) -> None:
    village = Village.objects.select_related("subdistrict").get(code=CONFIRMED_VILLAGE_CODE)
    if continuation.continued_in(stage_two, village).exists():
        return
    awaiting = list(continuation.members_awaiting(stage_two, village).filter(full_name__in=list(PASAR_TAIS_ANSWER)))
    if not awaiting:
        return
    choices = [continuation.Choice(nominee_pk=member.pk, continues=PASAR_TAIS_ANSWER[member.full_name] is None,
                                   seen_status=member.status,
                                   reason_code=str(PASAR_TAIS_ANSWER[member.full_name] or ""))
               for member in awaiting]
    # The window opens after the first stage's: the village answered on its first day.
    continuation.village_continuation_confirm(
        programme=stage_two, village=village, actor=User.objects.get(username=CONFIRMED_VILLAGE_OFFICER),
        choices=choices, today=stage_two.nomination_opens)
