"""Which identifiers a person sees, in one place: the NIK and KK in full or masked, and the mask.

Roles that work with the person, not the statistics (accounts.enums.FULL_IDENTIFIER_ROLES: the
village officer, the regency admin, reviewer and approver, the BPJS officer), see NIK and KK in
full, and with them the phone number, e-mail and mother's maiden name; everyone else sees the
masked NIK and KK (************0001) and no contact details. Every page, export, the admin and the
import previews ask here: `identifiers_visible(user)` decides, `shown_nik` / `shown_kk` give the
value to show (`shown_identifier_fields`: the fields they read, for an export of plain values),
`mask_identifier` is the mask, `shown_birth` / `shown_birth_date` the birth date or the age.

The rule for a masked role: nothing it is shown may rebuild a NIK. A NIK is PPKKCC DDMMYY SSSS
(region of issue, the birth date with 40 added to the day for women, a serial), and the region
and the birth date are on the page anyway (the village, the subdistrict, the date of birth). So
the mask keeps only the serial, the last 4 digits (`mask_identifier`, the KK number alike), and a
masked role sees the age in whole years ("34 tahun", `shown_birth`), never the birth date: not
on a page, in an export, in the timeline's corrections (timeline.py) nor in the API.

The masked forms are stored on the nominee (Nominee.nik_masked, kk_masked, written by
services.nominee_create / nominee_update with `mask_identifier`), so a masked list or export never
decrypts a NIK. Changing the mask therefore means changing `mask_identifier` and adding a data
migration that rewrites those two columns and their history copies (as
0009_identifier_mask_serial_only did).
"""

from __future__ import annotations

import datetime as dt

from accounts.enums import FULL_IDENTIFIER_ROLES
from common.formatting import format_date

from .nik import age_on, normalise_nik


def identifiers_visible(user) -> bool:
    """NIK and KK unmasked (and the contact details shown); everyone else sees them masked."""
    return user.is_authenticated and user.role in FULL_IDENTIFIER_ROLES


def mask_identifier(value: str) -> str:
    """1705014508950001 → ************0001: the serial only, neither the region nor the birth date.
    The one mask of a NIK or KK number; anything but 16 characters becomes stars only."""
    return "*" * 12 + value[12:] if len(value) == 16 else "*" * len(value)


def shown_identifier_fields(*, full: bool) -> tuple[str, str]:
    """The Nominee fields that hold the NIK and the KK number to show: the encrypted ones in full
    for `full` (identifiers_visible), else their stored masked forms. `shown_nik` and `shown_kk`
    read them from a saved nominee; a bulk export reads them as plain values."""
    return ("nik", "kk") if full else ("nik_masked", "kk_masked")


def shown_nik(nominee, *, full: bool) -> str:
    """The NIK to show of a saved nominee: in full for `full` (identifiers_visible), else the stored
    masked form, so a masked row never needs the decrypted value."""
    return getattr(nominee, shown_identifier_fields(full=full)[0])


def shown_kk(nominee, *, full: bool) -> str:
    """The KK number to show of a saved nominee, as `shown_nik`."""
    return getattr(nominee, shown_identifier_fields(full=full)[1])


def shown_birth(nominee, *, full: bool, today: dt.date) -> str:
    """The birth date to show of a nominee (`shown_birth_date`)."""
    return shown_birth_date(nominee.birth_date, full=full, today=today)


def shown_birth_date(birth_date: dt.date, *, full: bool, today: dt.date) -> str:
    """The birth date to show: "15 Mei 1990" for `full` (identifiers_visible), else the age in whole
    years on `today` ("36 tahun"), which cannot rebuild the NIK's date digits."""
    if full:
        return format_date(birth_date)
    return f"{age_on(birth_date, today)} tahun"


def birth_label(*, full: bool) -> str:
    """The heading of `shown_birth`'s value after the place of birth."""
    return "Tempat, tanggal lahir" if full else "Tempat lahir, umur"


def masked_typed_nik(text: str) -> str:
    """A NIK as read from an uploaded file (the nominee import, the BPJS answer), masked for its
    preview whoever looks; "" when the text has no NIK shape (the row's error says why)."""
    nik = normalise_nik(text)
    return mask_identifier(nik) if nik is not None else ""
