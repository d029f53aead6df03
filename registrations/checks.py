"""What a reviewer should look at before deciding, in one place: the queue's "peringatan" filter,
the village review page and the nominee page all read these.

- NIK result: the NIK checked again against the birth date and sex on the form (nik.check_nik);
- warnings the village officer confirmed when saving (Nominee.confirmed_warnings);
- other nominations of the same NIK (any status, any programme, by the keyed hash);
- age at the coverage start, and whether the person reaches the upper age limit within a year;
- other active nominations that may be the same person under another NIK ("mungkin orang yang
  sama": the rule is lookalikes.py's), named only inside the reader's region scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, TextChoices
from django.utils.translation import gettext_lazy as _

from accounts.scope import RegionScope

from . import lookalikes
from .enums import NomineeStatus
from .lookalikes import Lookalike
from .models import Nominee, Programme
from .nik import age_on, check_nik

# The labels of the warning codes nik.check_nik and the nominee form (lookalikes.LOOKALIKE_WARNING) give,
# as a reviewer reads them.
WARNING_LABELS = {
    "nik_region_unknown": "Kode wilayah di NIK tidak dikenal",
    "nik_birth_date_mismatch": "Tanggal lahir berbeda dengan NIK",
    "nik_sex_mismatch": "Jenis kelamin berbeda dengan NIK",
    "lookalike": "Mungkin orang yang sama dengan calon lain (nama dan tanggal lahir sama, NIK beda)",
}
# A person who reaches the upper age limit within this many months of the start is flagged.
AGE_LIMIT_WINDOW_MONTHS = 12


class ReviewFlag(TextChoices):
    """The queue's warning filter."""

    NIK_WARNING = "nik", _("NIK tidak cocok (peringatan dikonfirmasi desa)")
    AGE_LIMIT = "age", _("Mencapai batas usia dalam 12 bulan")
    OTHER_NOMINATION = "other_nomination", _("NIK pernah/sedang diusulkan di tempat lain")
    LOOKALIKE = "lookalike", _("Mungkin orang yang sama (nama dan tanggal lahir sama, NIK beda)")


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, 28))


def age_limit_born_before(programme: Programme) -> dt.date:
    """People born on or before this date reach max_age_exclusive within the window."""
    limit_day = _add_months(programme.coverage_start, AGE_LIMIT_WINDOW_MONTHS)
    try:
        return limit_day.replace(year=limit_day.year - programme.max_age_exclusive)
    except ValueError:  # 29 February
        return limit_day.replace(year=limit_day.year - programme.max_age_exclusive, day=28)


def other_nomination_exists() -> Exists:
    return Exists(Nominee.objects.filter(nik_hash=OuterRef("nik_hash")).exclude(pk=OuterRef("pk")))


def flag_filter(flag: str, programme: Programme) -> Q:
    """A Q on Nominee for the queue's warning filter (works on PostgreSQL and SQLite)."""
    if flag == ReviewFlag.NIK_WARNING:
        return ~Q(confirmed_warnings=[])
    if flag == ReviewFlag.AGE_LIMIT:
        return Q(birth_date__lte=age_limit_born_before(programme))
    if flag == ReviewFlag.OTHER_NOMINATION:
        return Q(other_nomination_exists())
    if flag == ReviewFlag.LOOKALIKE:
        return lookalikes.lookalike_filter()
    raise ValueError(flag)


@dataclass
class OtherNomination:
    """Where else the NIK was nominated; shown to regency staff only (never to another village)."""

    nominee_pk: int
    village_name: str
    programme_name: str
    status_label: str


@dataclass
class NomineeChecks:
    nik_ok: bool
    nik_messages: list[str] = field(default_factory=list)
    confirmed_warnings: list[str] = field(default_factory=list)
    other_nominations: list[OtherNomination] = field(default_factory=list)
    age_at_start: int = 0
    near_age_limit: bool = False
    lookalikes: list[Lookalike] = field(default_factory=list)

    @property
    def has_warnings(self) -> bool:
        return not self.nik_ok or bool(self.confirmed_warnings or self.other_nominations or self.near_age_limit
                                       or self.lookalikes)


def review_checks(programme: Programme, nominees: list[Nominee], *,
                  scope: RegionScope | None = None) -> dict[int, NomineeChecks]:
    """The checks for a page of nominees of one programme, keyed by pk. One query (the other
    nominations of all their NIKs, and the active nominations that look like them), whatever the
    number of rows; NIKs are decrypted in memory. `scope` is the reader's (accounts.scope.
    region_scope): a lookalike outside it is only said to exist (None: none is named)."""
    fields = (*lookalikes.CANDIDATE_FIELDS, "programme__name", "programme__stage", "created_at")
    # Two branches of a UNION, each on its own index (nominee_nik_hash; nominee_lookalike), read as
    # plain values: ORed in one WHERE, the planner spent more on a page's 50 pairs than on the work.
    same_nik = Nominee.objects.filter(nik_hash__in={n.nik_hash for n in nominees}).order_by().values_list(*fields)
    alike = Nominee.objects.filter(lookalikes.candidates_filter(nominees)).order_by().values_list(*fields)
    by_nik: dict[str, list[tuple]] = {}
    candidates = []
    for row in same_nik.union(alike).order_by("created_at", "pk"):
        candidate = lookalikes.candidate_from_row(row)
        candidates.append(candidate)
        by_nik.setdefault(candidate.nik_hash, []).append((candidate, *row[len(lookalikes.CANDIDATE_FIELDS):]))
    lookalike_rows = lookalikes.lookalikes_among(nominees, candidates, scope=scope)
    born_before = age_limit_born_before(programme)
    result = {}
    for nominee in nominees:
        nik = check_nik(nominee.nik, birth_date=nominee.birth_date, sex=nominee.sex)
        result[nominee.pk] = NomineeChecks(
            nik_ok=not nik.errors and not nik.warnings,
            nik_messages=[issue.message for issue in nik.errors + nik.warnings],
            confirmed_warnings=[WARNING_LABELS.get(code, code) for code in nominee.confirmed_warnings],
            other_nominations=[
                OtherNomination(o.pk, o.village_name, str(Programme(name=programme_name, stage=stage)),
                                NomineeStatus(o.status).label)
                for o, programme_name, stage, _created_at in by_nik.get(nominee.nik_hash, ()) if o.pk != nominee.pk
            ],
            age_at_start=age_on(nominee.birth_date, programme.coverage_start),
            near_age_limit=nominee.birth_date <= born_before,
            lookalikes=lookalike_rows.get(nominee.pk, []),
        )
    return result
