"""The rules of the coverage engine, each in one named function with its DOMAIN.md reference
(§4 UCJ): which nominee states count for what, the official figure on a date, the programme
addition (the double-counting rule), UCJ, contribution, target achievement, workers needed, and
the rounding of stored percentages. The live figures, the snapshots and the planner all go
through these; how a figure is written for people (Indonesian numbers, the 2 decimals shown) is
common.formatting's.

Two rules are not coverage's own and live below, in registrations, which reports may import:
- premium arithmetic (DOMAIN §3) is registrations.premiums': the premium per month of workers still
  to be funded (`premium_for_new_workers`), what workers cost (`premium_cost`, MONTHS_PER_YEAR),
  and what one registered worker's funding commits, as the SQL expression
  (`funded_premium_expression`) that `premium_committed_expression` sums over the registered states;
- quotas are registrations.quotas': the figures read a village's quota over the year's programmes
  with `quota_overrides` + `villages_quota` and the regency-wide places with `regency_wide_quota`,
  which apply the same `per_village_quota` rule as the village page, the import and the tracking
  page. Quotas are summed in Python over the village rows (one query for the overrides), not in
  SQL: a village's quota does not depend on its nominees, so the grouped nominee query needs none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, DateField, DecimalField, IntegerField, Q, Sum, Value, When
from django.db.models.expressions import BaseExpression, Combinable
from django.db.models.functions import Cast, Ceil, Coalesce, NullIf, Round
from django.db.models.lookups import LessThan
from django.utils import timezone

from common.formatting import PERCENT_DECIMAL_PLACES, display_percent
from registrations.enums import ACTIVE_STATES, MEMBER_STATES, NomineeStatus
from registrations.premiums import funded_premium_expression
from villages.models import Province, Regency, Subdistrict

from ..models import OfficialFigure

# The package re-exports these as reports.coverage.* (reports/coverage/__init__.py).
__all__ = [
    "HUNDRED", "STORED_PLACES", "NOMINATED_STATES", "SUBMITTED_STATES",
    "APPROVED_STATES", "REGISTERED_STATES", "ACTIVE_MEMBER_STATES", "COVERED_STATES", "LATEST_PROGRAMME_ORDER",
    "coverage_today", "period_for", "default_year", "official_figure_on", "official_figures_on", "covered_workers_q",
    "paid_on_q",
    "programme_count_filters", "premium_committed_expression", "covered_workers", "ucj_percent", "contribution_points",
    "target_achievement_percent", "workers_needed_for_target", "ucj_points_between", "published_percent",
    "stored_percent",
]

HUNDRED = Decimal(100)
# Percentages are published with 2 places, half up: the places shown, in JSON and as typed
# (common.formatting.PERCENT_DECIMAL_PLACES), and those every derived percentage starts from.
PUBLISHED_DECIMALS = PERCENT_DECIMAL_PLACES
# The snapshot columns (CoverageSnapshot.ucj_percent …) have 4 places; they hold the published
# value (38.4500). Rows stored before the rounding rule hold 4 significant places; nothing reads
# them for a figure: the pages and the API derive every percentage from a row's counts again
# (CoverageFigures.from_snapshot), and the trend from its covered and denominator.
STORED_DECIMALS = 4
STORED_PLACES = Decimal("0.0001")

# --- Which nominee states count for what (DOMAIN.md §4 on top of the §7 lifecycle) -----------

S = NomineeStatus
#: nominated: holds a quota place (registrations.enums.ACTIVE_STATES).
NOMINATED_STATES = ACTIVE_STATES
#: submitted: reached the regency (every place-holding state but a draft still at the village).
SUBMITTED_STATES = ACTIVE_STATES - {S.DRAFT}
#: approved by the regency, whatever BPJS did next (a lapsed member was approved too).
APPROVED_STATES = frozenset({S.APPROVED, S.SENT_TO_BPJS, *MEMBER_STATES})
#: registered with BPJS at some point and not ended: the premium was committed for them.
REGISTERED_STATES = MEMBER_STATES
#: active programme members; also the states that still count toward UCJ (arrears, lapsed and ended
#: do not), inside their paid period (covered_workers_q).
ACTIVE_MEMBER_STATES = frozenset({S.REGISTERED, S.ACTIVE})
COVERED_STATES = ACTIVE_MEMBER_STATES

# A regency's programmes, newest first: the first one's premium is "the programme's rate".
LATEST_PROGRAMME_ORDER = ("-year", "-stage", "-coverage_start", "-pk")


# --- The rules ---------------------------------------------------------------------------------

def coverage_today() -> dt.date:
    """The date figures are computed for when none is given: today in the regencies' default time
    zone (settings.DEFAULT_REGENCY_TIME_ZONE), so a recompute at 01:00 WIB is not dated yesterday."""
    return timezone.localdate(timezone=ZoneInfo(settings.DEFAULT_REGENCY_TIME_ZONE))


def period_for(*, year: int | None, on: dt.date | None) -> tuple[int | None, dt.date]:
    """The date a question about `year` is answered on: the given date, else today, but for a past
    year its 31 December (the figures at the end of that year). The year stays None when not given
    (then `default_year` picks it)."""
    today = coverage_today()
    if on is None:
        on = today if year is None or year >= today.year else dt.date(year, 12, 31)
    return year, on


def default_year(*, on: dt.date, targets: Iterable[int], programmes: Iterable[int]) -> int:
    """The coverage year when none is asked for: the latest year, not after `on`, that has a target
    or a programme (so in early January the dashboard still shows last year's target until this
    year's is entered); `on`'s year when there is neither."""
    years = [year for year in (*targets, *programmes) if year <= on.year]
    return max(years, default=on.year)


def official_figure_on(*, on: dt.date, province: Province | None = None, regency: Regency | None = None,
                       subdistrict: Subdistrict | None = None) -> OfficialFigure | None:
    """DOMAIN §4: the official numerator and denominator are those of the latest OfficialFigure of
    the region with as_of on or before the date."""
    region = {"province": province, "regency": regency, "subdistrict": subdistrict}
    region = {key: value for key, value in region.items() if value is not None}
    return OfficialFigure.objects.filter(**region, as_of__lte=on).order_by("-as_of").first()


def official_figures_on(*, on: dt.date, regency_ids: Sequence[int], level: str) -> dict[int, OfficialFigure]:
    """`official_figure_on` for many regions at once, in one query: region id → its latest figure on
    or before `on`, for the regencies `regency_ids` (level "regency") or their subdistricts
    (level "subdistrict")."""
    region = {"regency": "regency_id", "subdistrict": "subdistrict_id"}[level]
    scope = {"regency_id__in": regency_ids} if level == "regency" else {"subdistrict__regency_id__in": regency_ids}
    figures = (OfficialFigure.objects.filter(**scope, as_of__lte=on).order_by(region, "-as_of").distinct(region))
    return {getattr(figure, region): figure for figure in figures}


def covered_workers_q(*, on: dt.date, after=None, prefix: str = "") -> Q:
    """DOMAIN §4, the programme addition: the programme's workers registered with BPJS after the
    official figure's as-of date (registered_on > after) and on or before `on`, and still covered
    (registered or active, and paid on `on`: `paid_on_q`; arrears, lapsed and ended no longer
    count). A worker registered on or before the
    as-of date is already inside the official numerator and must not be counted twice. With no
    official figure (`after` None) every covered worker registered by `on` is an addition.
    `after` may be an SQL expression (each regency's own as-of date in the set-based recompute); a
    NULL there means no official figure, as None does."""
    query = Q(**{f"{prefix}status__in": sorted(COVERED_STATES), f"{prefix}registered_on__lte": on})
    query &= paid_on_q(on=on, prefix=prefix)
    if _is_sql(after):
        after = Coalesce(after, Value(dt.date.min), output_field=DateField())
    if after is not None:
        query &= Q(**{f"{prefix}registered_on__gt": after})
    return query


def paid_on_q(*, on: dt.date, prefix: str = "") -> Q:
    """DOMAIN §9: a member counts as active on `on` only inside the paid period: premiums paid up to
    `on` or later (membership.rules.is_paid_on, in SQL). A member BPJS gave no paid-up date for yet
    (an answer without "masa iur s.d.") is inside the paid period its registration opened."""
    return Q(**{f"{prefix}paid_until__isnull": True}) | Q(**{f"{prefix}paid_until__gte": on})


def programme_count_filters(*, programme_ids: Sequence[int], prefix: str = "") -> dict[str, Q]:
    """DOMAIN §4, the programme figures of a region: nominees of the year's programmes, counted by
    the state groups above. Keys are the CoverageSnapshot field names."""
    of_year = Q(**{f"{prefix}programme_id__in": list(programme_ids)})
    states = {"nominated": NOMINATED_STATES, "submitted": SUBMITTED_STATES, "approved": APPROVED_STATES,
              "registered": REGISTERED_STATES, "active": ACTIVE_MEMBER_STATES}
    return {name: of_year & Q(**{f"{prefix}status__in": sorted(group)}) for name, group in states.items()}


def premium_committed_expression(*, programme_ids: Sequence[int], prefix: str = ""):
    """DOMAIN §3: premium committed ("iuran didanai") = Σ registrations.premiums.funded_premium over
    the registered workers (REGISTERED_STATES): each one's programme premium per month × its months
    paid. Seluma: 2,020 × Rp16,800 × 3 = Rp101,808,000."""
    registered = programme_count_filters(programme_ids=programme_ids, prefix=prefix)["registered"]
    return Coalesce(Sum(funded_premium_expression(prefix), filter=registered), 0)


def covered_workers(*, official_numerator, addition):
    """DOMAIN §4: the region's covered workers = the official numerator + the programme addition."""
    return official_numerator + addition


def published_percent(value):
    """A percentage as published: 2 decimals, half up (DOMAIN §4: "38,45%"). The one rounding of
    every percentage below; None (NULL) stays None. In SQL, PostgreSQL's ROUND on numeric, which
    rounds half away from zero: half up for these positive figures."""
    if _is_sql(value):
        return Round(value, PUBLISHED_DECIMALS)
    return display_percent(value)


def ucj_percent(*, covered, denominator):
    """DOMAIN §4: UCJ % = covered ÷ working population × 100, published (2 decimals)."""
    return published_percent(_exact(covered) * HUNDRED / _exact(denominator))


def contribution_points(*, addition, denominator):
    """DOMAIN §4: the programme's contribution in UCJ points = addition ÷ denominator × 100,
    published (2 decimals)."""
    return published_percent(_exact(addition) * HUNDRED / _exact(denominator))


def target_achievement_percent(*, ucj, target_percent):
    """DOMAIN §4: target achievement = UCJ ÷ target × 100, from the UCJ as published (Serdang
    Bedagai: 38.45 ÷ 46.80 → 82.16 %, whatever digits followed 38.45), published; None (NULL) for a
    zero target."""
    if _is_sql(target_percent):
        target_percent = NullIf(target_percent, Value(0))
    elif not target_percent:
        return None
    return published_percent(_exact(published_percent(ucj)) * HUNDRED / _exact(target_percent))


def ucj_points_between(*, before, after):
    """The UCJ points between two UCJ figures (the planner's "naik 0,67 poin"): the difference of
    the published figures, so it is the difference a reader takes of the two numbers shown."""
    return published_percent(after) - published_percent(before)


def workers_needed_for_target(*, target_percent, denominator, covered):
    """DOMAIN §4: workers still needed = ceil(target % × denominator ÷ 100) − covered, never below 0."""
    needed_total = _ceiling(_exact(target_percent) * _exact(denominator) / HUNDRED)
    return _at_least_zero(needed_total - covered)


def stored_percent(value):
    """A percentage as a snapshot column keeps it: the published value (the rules above give
    it) in the column's 4 places. None stays None."""
    if _is_sql(value):
        return Round(value, STORED_DECIMALS)
    return None if value is None else Decimal(value).quantize(STORED_PLACES, rounding=ROUND_HALF_UP)


# --- One formula for Python and SQL --------------------------------------------------------------
# The arithmetic rules above take numbers (and give Decimals) or Django SQL expressions (and give the
# same formula as an expression), so the live figures and the set-based recompute
# (reports/coverage/statement.py) share one definition of each.

def _is_sql(value) -> bool:
    return isinstance(value, (BaseExpression, Combinable))


def _exact(value):
    """A number as a Decimal; an SQL expression as NUMERIC with 30 decimals, so PostgreSQL divides
    to at least that scale and rounding to the stored 4 places agrees with Python's."""
    if _is_sql(value):
        return Cast(value, DecimalField(max_digits=60, decimal_places=30))
    return Decimal(value)


def _ceiling(value):
    if _is_sql(value):
        return Ceil(value)
    return int(value.to_integral_value(ROUND_CEILING))


def _at_least_zero(value):
    if _is_sql(value):
        # Not GREATEST: it skips NULLs, and a region without a target must stay NULL.
        return Case(When(LessThan(value, Value(0)), then=Value(0)), default=value, output_field=IntegerField())
    return max(0, value)
