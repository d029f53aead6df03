"""Coverage figures of a region (DOMAIN.md §4), computed live: `figures_for` for a province,
regency or subdistrict, `regency_figures` for a regency and everything below it (what
recompute_regency stores).

Counting happens in PostgreSQL: one grouped query over the villages (conditional counts of their
nominees) gives every village's programme figures; subdistricts, the regency and the province are
sums of those village rows, so a regency costs the same handful of queries however many villages
and nominees it has.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery

from common.formatting import display_percent
from registrations.models import Programme
from registrations.premiums import MONTHS_PER_YEAR, premium_cost, premium_for_new_workers
from registrations.quotas import quota_overrides, regency_wide_quota, villages_quota
from villages.models import Province, Regency, Subdistrict, Village

from ..models import CoverageTarget, OfficialFigure, RegionLevel, VillageDenominator
from .rules import (
    LATEST_PROGRAMME_ORDER,
    contribution_points,
    covered_workers,
    covered_workers_q,
    default_year,
    official_figure_on,
    period_for,
    premium_committed_expression,
    programme_count_filters,
    stored_percent,
    target_achievement_percent,
    ucj_percent,
    workers_needed_for_target,
)


@dataclass(frozen=True)
class ProgrammeFigures:
    """The programme's own numbers in a region, over all stages of the year."""

    quota: int | None = None
    nominated: int = 0
    submitted: int = 0
    approved: int = 0
    registered: int = 0
    active: int = 0
    premium_committed_rp: int = 0

    @classmethod
    def total(cls, parts: Iterable[ProgrammeFigures], *, extra_quota: int | None = None) -> ProgrammeFigures:
        """The sum of regions' figures; the quota is None only when no part (nor `extra_quota`) has one."""
        parts = list(parts)
        quotas = [part.quota for part in parts if part.quota is not None]
        if extra_quota is not None:
            quotas.append(extra_quota)
        return cls(
            quota=sum(quotas) if quotas else None,
            nominated=sum(part.nominated for part in parts),
            submitted=sum(part.submitted for part in parts),
            approved=sum(part.approved for part in parts),
            registered=sum(part.registered for part in parts),
            active=sum(part.active for part in parts),
            premium_committed_rp=sum(part.premium_committed_rp for part in parts),
        )


@dataclass(frozen=True)
class CoverageFigures:
    """The figures of one region for a year, on a date. UCJ fields are None where the region has no
    denominator (no official figure, and for a regency or province no target either)."""

    level: str  # RegionLevel
    region_code: str
    region_name: str
    year: int
    on: dt.date
    programme: ProgrammeFigures
    premium_per_month_rp: int
    denominator: int | None = None  # the working population UCJ is measured against
    official_as_of: dt.date | None = None
    official_numerator: int | None = None
    programme_addition: int | None = None
    target_percent: Decimal | None = None

    @property
    def has_ucj(self) -> bool:
        return self.denominator is not None

    @property
    def working_population(self) -> int | None:
        return self.denominator

    @property
    def covered(self) -> int | None:
        """DOMAIN §4: official numerator + the programme addition."""
        if not self.has_ucj:
            return None
        return covered_workers(official_numerator=self.official_numerator or 0, addition=self.programme_addition or 0)

    @property
    def ucj_percent(self) -> Decimal | None:
        return ucj_percent(covered=self.covered, denominator=self.denominator) if self.has_ucj else None

    @property
    def contribution_points(self) -> Decimal | None:
        if not self.has_ucj:
            return None
        return contribution_points(addition=self.programme_addition or 0, denominator=self.denominator)

    @property
    def target_achievement_percent(self) -> Decimal | None:
        if not self.has_ucj or self.target_percent is None:
            return None
        return target_achievement_percent(ucj=self.ucj_percent, target_percent=self.target_percent)

    @property
    def workers_needed_for_target(self) -> int | None:
        if not self.has_ucj or self.target_percent is None:
            return None
        return workers_needed_for_target(target_percent=self.target_percent, denominator=self.denominator,
                                         covered=self.covered)

    @property
    def monthly_premium_for_needed_rp(self) -> int | None:
        needed = self.workers_needed_for_target
        return None if needed is None else premium_cost(members=needed, premium_per_month=self.premium_per_month_rp)

    @property
    def annual_premium_for_needed_rp(self) -> int | None:
        needed = self.workers_needed_for_target
        return None if needed is None else premium_cost(
            members=needed, premium_per_month=self.premium_per_month_rp, months=MONTHS_PER_YEAR)

    def as_json(self, add: int | None = None) -> dict:
        """The `coverage --json` object (issue 5): percentages as numbers with 2 decimals, Rupiah as
        integers, dates ISO, null where the region has no denominator or no target. With `add`, the
        planner's projection for N more workers at this premium for 12 months."""
        data = {
            # The code as typed on the command line; name and level beside it for people reading.
            "region": self.region_code, "region_name": self.region_name, "region_level": str(self.level),
            "year": self.year,
            "on": self.on.isoformat(),
            "as_of": self.official_as_of.isoformat() if self.official_as_of else None,
            "working_population": self.denominator,
            "official_numerator": self.official_numerator,
            "programme_addition": self.programme_addition,
            "covered": self.covered,
            "ucj_percent": _json_percent(self.ucj_percent),
            "contribution_points": _json_percent(self.contribution_points),
            "target_percent": _json_percent(self.target_percent),
            "target_achievement_percent": _json_percent(self.target_achievement_percent),
            "workers_needed_for_target": self.workers_needed_for_target,
            "premium_per_month_rp": self.premium_per_month_rp,
            "monthly_premium_for_needed_rp": self.monthly_premium_for_needed_rp,
            "annual_premium_for_needed_rp": self.annual_premium_for_needed_rp,
            "programme": {
                "quota": self.programme.quota,
                "nominated": self.programme.nominated,
                "submitted": self.programme.submitted,
                "approved": self.programme.approved,
                "registered": self.programme.registered,
                "active": self.programme.active,
                "premium_committed_rp": self.programme.premium_committed_rp,
            },
        }
        if add is not None:
            from ..planner import fund_more_workers

            projection = fund_more_workers(self, add)
            data.update({
                "add": add,
                "projected_covered": projection.covered,
                "projected_percent": _json_percent(projection.ucj_percent),
                "projected_monthly_premium_rp": projection.monthly_premium_rp,
                "projected_annual_premium_rp": projection.annual_premium_rp,
            })
        return data

    @classmethod
    def from_snapshot(cls, row) -> CoverageFigures:
        """A stored CoverageSnapshot's inputs as figures again, so the derived numbers (UCJ,
        contribution, achievement, workers needed, the planner) come from the rules, not from the
        stored columns (rows stored before the publishing rule kept 4 significant places). The
        inverse of `snapshot_fields`."""
        return cls(
            level=row.level, region_code=row.region_code, region_name=row.region_name, year=row.year,
            on=row.computed_on, premium_per_month_rp=row.premium_per_month_rp,
            programme=ProgrammeFigures(quota=row.quota, nominated=row.nominated, submitted=row.submitted,
                                       approved=row.approved, registered=row.registered, active=row.active,
                                       premium_committed_rp=row.premium_committed_rp),
            denominator=row.denominator, official_as_of=row.official_as_of, official_numerator=row.official_numerator,
            programme_addition=row.programme_addition, target_percent=row.target_percent,
        )

    def snapshot_fields(self) -> dict:
        """The CoverageSnapshot columns for these figures (percentages at stored precision)."""
        return {
            "level": self.level, "region_code": self.region_code, "region_name": self.region_name[:100],
            "year": self.year, "quota": self.programme.quota, "nominated": self.programme.nominated,
            "submitted": self.programme.submitted, "approved": self.programme.approved,
            "registered": self.programme.registered, "active": self.programme.active,
            "premium_per_month_rp": self.premium_per_month_rp,
            "premium_committed_rp": self.programme.premium_committed_rp,
            "official_as_of": self.official_as_of if self.has_ucj else None,
            "official_numerator": self.official_numerator if self.has_ucj else None,
            "programme_addition": self.programme_addition if self.has_ucj else None,
            "covered": self.covered, "denominator": self.denominator,
            "ucj_percent": stored_percent(self.ucj_percent),
            "contribution_points": stored_percent(self.contribution_points),
            "target_percent": self.target_percent if self.has_ucj else None,
            "target_achievement_percent": stored_percent(self.target_achievement_percent),
            "workers_needed_for_target": self.workers_needed_for_target,
        }


def _json_percent(value: Decimal | None) -> float | None:
    # A float prints as 82.16 in JSON; the value was rounded half-up as a Decimal first.
    return None if value is None else float(display_percent(value))


def figures_for(region: Province | Regency | Subdistrict, *, year: int | None = None,
                on: dt.date | None = None) -> CoverageFigures:
    """The figures of a province, regency or subdistrict, computed now from the same rules as the
    snapshots. `on` defaults to today (31 December for a past year), `year` to `default_year`."""
    year, on = period_for(year=year, on=on)
    if isinstance(region, Province):
        return _province_figures(region, year=year, on=on)
    if isinstance(region, Regency):
        return _regency_figures(region, year=year, on=on)[0]
    if isinstance(region, Subdistrict):
        rows = _regency_figures(region.regency, year=year, on=on)
        found = next((row for row in rows if row.region_code == region.code), None)
        # A retired kecamatan with no village left is not among the regency's rows: nothing to count.
        return found or CoverageFigures(level=RegionLevel.SUBDISTRICT, region_code=region.code,
                                        region_name=region.name, year=rows[0].year, on=on,
                                        programme=ProgrammeFigures(), premium_per_month_rp=rows[0].premium_per_month_rp)
    raise TypeError(f"figures_for takes a Province, Regency or Subdistrict, not {type(region).__name__}")


def regency_figures(regency: Regency, *, year: int | None = None, on: dt.date | None = None,
                    ) -> list[CoverageFigures]:
    """The regency, then its subdistricts and villages by code: what recompute_regency stores."""
    year, on = period_for(year=year, on=on)
    return _regency_figures(regency, year=year, on=on)


@dataclass(frozen=True)
class _VillageRow:
    pk: int
    code: str
    name: str
    subdistrict_id: int
    regency_id: int
    is_retired: bool
    programme: ProgrammeFigures
    covered: int  # every covered programme worker (the village's own UCJ numerator)
    top_addition: int  # covered and registered after the regency's (or province's) official as-of
    subdistrict_addition: int  # covered and registered after the subdistrict's official as-of
    working_residents: int | None

    @property
    def keep(self) -> bool:
        """Retired villages appear only while they still hold programme data."""
        return not self.is_retired or bool(self.programme.nominated or self.programme.registered or self.covered)


def _village_rows(villages, *, programmes: Sequence[Programme], year: int, on: dt.date,
                  top_after: dt.date | None) -> list[_VillageRow]:
    """Every village of `villages` with its programme figures, in ONE grouped query (conditional
    counts over the village's nominees), plus one query for quota overrides."""
    programme_ids = [programme.pk for programme in programmes]
    nominees = "nominees__"
    count_filters = programme_count_filters(programme_ids=programme_ids, prefix=nominees)
    subdistrict_as_of = Subquery(
        OfficialFigure.objects.filter(subdistrict_id=OuterRef("subdistrict_id"), as_of__lte=on)
        .order_by("-as_of").values("as_of")[:1]
    )
    working_residents = Subquery(
        VillageDenominator.objects.filter(village_id=OuterRef("pk"), year=year).values("working_residents")[:1]
    )
    covered = covered_workers_q(on=on, prefix=nominees)
    rows = (
        villages.order_by()
        .values("pk", "code", "name", "subdistrict_id", "subdistrict__regency_id", "is_retired")
        .annotate(
            working_residents=working_residents,
            **{name: Count("nominees", filter=condition) for name, condition in count_filters.items()},
            premium_committed_rp=premium_committed_expression(programme_ids=programme_ids, prefix=nominees),
            covered=Count("nominees", filter=covered),
            top_addition=Count("nominees", filter=covered_workers_q(on=on, after=top_after, prefix=nominees)),
            subdistrict_addition=Count(
                "nominees", filter=covered & Q(nominees__registered_on__gt=subdistrict_as_of)),
        )
        .order_by("code")
    )
    overrides = quota_overrides(programmes)
    return [
        _VillageRow(
            pk=row["pk"], code=row["code"], name=row["name"], subdistrict_id=row["subdistrict_id"],
            regency_id=row["subdistrict__regency_id"], is_retired=row["is_retired"],
            programme=ProgrammeFigures(
                quota=villages_quota(programmes, village_id=row["pk"], regency_id=row["subdistrict__regency_id"],
                                     is_retired=row["is_retired"], overrides=overrides),
                nominated=row["nominated"], submitted=row["submitted"], approved=row["approved"],
                registered=row["registered"], active=row["active"],
                premium_committed_rp=int(row["premium_committed_rp"]),
            ),
            covered=row["covered"], top_addition=row["top_addition"],
            subdistrict_addition=row["subdistrict_addition"], working_residents=row["working_residents"],
        )
        for row in rows
    ]


def _regency_figures(regency: Regency, *, year: int | None, on: dt.date) -> list[CoverageFigures]:
    """[regency, subdistricts…, villages…] in a constant number of queries: programmes, targets,
    official figures (regency, subdistricts), subdistricts, the grouped village query, overrides."""
    programmes = list(Programme.objects.filter(regency=regency).order_by(*LATEST_PROGRAMME_ORDER))
    targets = {target.year: target for target in CoverageTarget.objects.filter(regency=regency)}
    if year is None:
        year = default_year(on=on, targets=targets, programmes=(programme.year for programme in programmes))
    year_programmes = [programme for programme in programmes if programme.year == year]
    premium = premium_for_new_workers(programmes, on)
    target = targets.get(year)
    official = official_figure_on(regency=regency, on=on)
    subdistrict_figures = _latest_subdistrict_figures(regency, on=on)
    subdistricts = list(Subdistrict.objects.filter(regency=regency).values("pk", "code", "name", "is_retired")
                        .order_by("code"))
    villages = [row for row in _village_rows(Village.objects.filter(subdistrict__regency=regency),
                                             programmes=year_programmes, year=year, on=on,
                                             top_after=official.as_of if official else None) if row.keep]

    common = {"year": year, "on": on, "premium_per_month_rp": premium}
    regency_row = CoverageFigures(
        level=RegionLevel.REGENCY, region_code=regency.code, region_name=regency.name,
        programme=ProgrammeFigures.total((row.programme for row in villages),
                                         extra_quota=regency_wide_quota(year_programmes)),
        **common, **_top_ucj(official, target, addition=sum(row.top_addition for row in villages)),
    )
    rows = [regency_row]
    by_subdistrict: dict[int, list[_VillageRow]] = {}
    for row in villages:
        by_subdistrict.setdefault(row.subdistrict_id, []).append(row)
    for subdistrict in subdistricts:
        own = by_subdistrict.get(subdistrict["pk"], [])
        if subdistrict["is_retired"] and not own:
            continue
        figure = subdistrict_figures.get(subdistrict["pk"])
        ucj = {}
        if figure is not None:
            ucj = {"denominator": figure.denominator, "official_as_of": figure.as_of,
                   "official_numerator": figure.numerator,
                   "programme_addition": sum(row.subdistrict_addition for row in own)}
        rows.append(CoverageFigures(
            level=RegionLevel.SUBDISTRICT, region_code=subdistrict["code"], region_name=subdistrict["name"],
            programme=ProgrammeFigures.total(row.programme for row in own), **common, **ucj,
        ))
    for row in villages:
        ucj = {}
        if row.working_residents:
            # DOMAIN §4: below the regency no official figure exists; a village's UCJ is its covered
            # programme workers over the working residents it entered.
            ucj = {"denominator": row.working_residents, "official_numerator": 0, "programme_addition": row.covered}
        rows.append(CoverageFigures(level=RegionLevel.VILLAGE, region_code=row.code, region_name=row.name,
                                    programme=row.programme, **common, **ucj))
    return rows


def _top_ucj(official: OfficialFigure | None, target: CoverageTarget | None, *, addition: int) -> dict:
    """DOMAIN §4 for a regency or province: the official figure's numerator and denominator; with no
    official figure yet, the target's working population and a numerator of 0 (every covered
    programme worker is then the addition); nothing when there is neither."""
    target_percent = target.target_percent if target is not None else None
    if official is not None:
        return {"denominator": official.denominator, "official_as_of": official.as_of,
                "official_numerator": official.numerator, "programme_addition": addition,
                "target_percent": target_percent}
    if target is not None:
        return {"denominator": target.working_population, "official_numerator": 0, "programme_addition": addition,
                "target_percent": target_percent}
    return {}


def _latest_subdistrict_figures(regency: Regency, *, on: dt.date) -> dict[int, OfficialFigure]:
    """subdistrict id → its latest official figure on or before `on`, in one query."""
    latest = (OfficialFigure.objects.filter(subdistrict_id=OuterRef("subdistrict_id"), as_of__lte=on)
              .order_by("-as_of").values("as_of")[:1])
    figures = OfficialFigure.objects.filter(subdistrict__regency=regency, as_of=Subquery(latest))
    return {figure.subdistrict_id: figure for figure in figures}


def _province_figures(province: Province, *, year: int | None, on: dt.date) -> CoverageFigures:
    """A province: the same village rows over all its regencies, summed; its own target and figure."""
    programmes = list(Programme.objects.filter(regency__province=province).order_by(*LATEST_PROGRAMME_ORDER))
    targets = {target.year: target for target in CoverageTarget.objects.filter(province=province)}
    if year is None:
        year = default_year(on=on, targets=targets, programmes=(programme.year for programme in programmes))
    year_programmes = [programme for programme in programmes if programme.year == year]
    official = official_figure_on(province=province, on=on)
    villages = _village_rows(Village.objects.filter(subdistrict__regency__province=province),
                             programmes=year_programmes, year=year, on=on,
                             top_after=official.as_of if official else None)
    return CoverageFigures(
        level=RegionLevel.PROVINCE, region_code=province.code, region_name=province.name, year=year, on=on,
        premium_per_month_rp=premium_for_new_workers(programmes, on),
        programme=ProgrammeFigures.total((row.programme for row in villages),
                                         extra_quota=regency_wide_quota(year_programmes)),
        **_top_ucj(official, targets.get(year), addition=sum(row.top_addition for row in villages)),
    )
