"""Phone numbers (nomor HP): one form stored, one form written for an office. On lokal-id's parser.
Pure functions, no database.

A nominee's number is stored normalised as E.164 (+6281234567890), however the officer typed it
(`phone_normalised`, called by validation.check_nominee). A file an office or a BPJS branch
imports gets it as they type it themselves (`phone_national`): 081234567890."""

from __future__ import annotations

from lokal import normalize_phone, parse_phone


def phone_normalised(text: str) -> str | None:
    """"0812 3456 7890", "+62 812-3456-7890" or "6281234567890" as "+6281234567890": the form
    stored on a nominee. None when it is not an Indonesian phone number."""
    return normalize_phone(text)


def phone_national(phone: str) -> str:
    """A phone number as an office or a BPJS branch types it: the trunk 0 in place of +62, digits
    only ("+6281234567890" → "081234567890", "+62215551234" → "0215551234"). A branch's import
    reads "+62…" and lokal-id's "0812-3456-7890" as a different or broken number. Written as a text
    cell, so the leading 0 stays. Text that is no Indonesian number (none is stored so; the admin
    could type one) comes back unchanged rather than half converted; "" stays ""."""
    info = parse_phone(phone) if phone else None
    if info is None or not info.valid:
        return phone
    return "0" + info.e164.removeprefix("+62")
