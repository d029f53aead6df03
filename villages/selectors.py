"""Reads of the regions themselves: counts, codes, a regency's settings. Who may see which region
is accounts.scope's (the user's assignments and role live there)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .loader import RegionCodeError, normalize_codes
from .models import Province, Regency, RegencySettings, Subdistrict, Village


def subdistricts_with_counts(regency: Regency) -> QuerySet[Subdistrict]:
    """A regency's subdistricts with village counts by kind, in one query."""
    return (
        regency.subdistricts.filter(is_retired=False)
        .annotate(
            village_count=Count("villages", filter=Q(villages__is_retired=False)),
            kelurahan_count=Count("villages", filter=Q(villages__is_retired=False, villages__kind="kelurahan")),
        )
        .order_by("code")
    )


def regency_settings_get(regency: Regency) -> RegencySettings:
    """The regency's settings; created with the defaults on first use."""
    from .services import regency_settings_ensure

    return regency_settings_ensure(regency=regency)


class UnknownRegion(LookupError):
    """A province or regency code that is malformed or not loaded (message in Indonesian)."""


def region_by_code(code: str) -> Province | Regency:
    """The province ("17") or regency ("17.05" or "1705") a management command names. Normalised with the
    region loader's rules; raises UnknownRegion for a malformed code or one not in the database."""
    try:
        (dotted,) = normalize_codes([code])
    except RegionCodeError as error:
        raise UnknownRegion(str(error)) from None
    model = Province if "." not in dotted else Regency
    region = model.objects.filter(code=dotted).first()
    if region is None:
        raise UnknownRegion(
            f"Wilayah dengan kode {dotted} belum ada di basis data: periksa kodenya, atau muat wilayahnya "
            f"dengan 'manage.py load_regions {dotted[:2]}'."
        )
    return region


def regency_of(region) -> Regency | None:
    """The regency a Regency, Subdistrict or Village belongs to (None for a province or anything
    else). A village costs a query unless its subdistrict was loaded with it."""
    if isinstance(region, Regency):
        return region
    if isinstance(region, Subdistrict):
        return region.regency
    if isinstance(region, Village):
        return region.subdistrict.regency
    return None


def normalise_village_code(text: str) -> str | None:
    """A village (desa/kelurahan) code as stored, "17.05.01.2002", from how people write it:
    with or without the dots ("1705012002"), with spaces. None when it has not that shape."""
    digits = "".join(str(text).replace(".", "").split())
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return None
    return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"
