"""Which identifiers a person sees, in one place: the NIK and KK in full or masked, and the mask.

Roles that work with the person, not the statistics (accounts.enums.FULL_IDENTIFIER_ROLES: the
village officer, the regency admin, reviewer and approver, the BPJS officer), see NIK and KK in
full, and with them the phone number, e-mail and mother's maiden name; everyone else sees the
masked NIK and KK (1705********0001) and no contact details. Every page, export, the admin and the
import previews ask here: `identifiers_visible(user)` decides, `shown_nik` / `shown_kk` give the
value to show, `mask_identifier` is the mask.

The masked forms are stored on the nominee (Nominee.nik_masked, kk_masked, written by
services.nominee_create / nominee_update with `mask_identifier`), so a masked list or export never
decrypts a NIK. Changing the mask therefore means changing `mask_identifier` and adding a data
migration that rewrites those two columns with it (as 0004_nominee_kk_masked did).
"""

from __future__ import annotations

from accounts.enums import FULL_IDENTIFIER_ROLES

from .nik import normalise_nik


def identifiers_visible(user) -> bool:
    """NIK and KK unmasked (and the contact details shown); everyone else sees them masked."""
    return user.is_authenticated and user.role in FULL_IDENTIFIER_ROLES


def mask_identifier(value: str) -> str:
    """1705014508950001 → 1705********0001: region and serial only, never the birth date. The one
    mask of a NIK or KK number; anything but 16 characters becomes stars only."""
    return value[:4] + "*" * 8 + value[12:] if len(value) == 16 else "*" * len(value)


def shown_nik(nominee, *, full: bool) -> str:
    """The NIK to show of a saved nominee: in full for `full` (identifiers_visible), else the stored
    masked form, so a masked row never needs the decrypted value."""
    return nominee.nik if full else nominee.nik_masked


def shown_kk(nominee, *, full: bool) -> str:
    """The KK number to show of a saved nominee, as `shown_nik`."""
    return nominee.kk if full else nominee.kk_masked


def masked_typed_nik(text: str) -> str:
    """A NIK as read from an uploaded file (the nominee import, the BPJS answer), masked for its
    preview whoever looks; "" when the text has no NIK shape (the row's error says why)."""
    nik = normalise_nik(text)
    return mask_identifier(nik) if nik is not None else ""
