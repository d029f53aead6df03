"""Phone numbers (nomor HP): one form stored, one form written for an office, one form shown to a
role that does not need the number, one link to chat. On lokal-id's parser. Pure functions, no
database. Here, at the bottom, because a nominee's number (registrations) and an account's number
(accounts) follow the same rules.

A number is stored normalised as E.164 (+6281234567890), however it was typed
(`phone_normalised`: registrations.validation.check_nominee for a nominee, accounts.forms for an
account). A file an office or a BPJS branch imports gets it as they type it themselves
(`phone_national`): 081234567890. A role that does not call the person sees `phone_masked`
(0812****7890), and the office that chases a village gets a WhatsApp link (`whatsapp_link`)."""

from __future__ import annotations

from urllib.parse import quote

from lokal import normalize_phone, parse_phone

# What the forms say when a number cannot be read, the nominee's and the account's alike.
PHONE_INVALID = "Nomor HP tidak valid. Tulis seperti 0812 3456 7890 atau +62 812 3456 7890."


def phone_normalised(text: str) -> str | None:
    """"0812 3456 7890", "+62 812-3456-7890" or "6281234567890" as "+6281234567890": the form
    stored on a nominee or an account. None when it is not an Indonesian phone number."""
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


def phone_masked(phone: str) -> str:
    """The number for a role that does not call the person: the first four and the last four
    digits of the national form ("+6281234567890" → "0812****7890"), as lokal-id's log filter
    masks it. "" stays ""; anything too short to keep eight digits is masked whole."""
    national = phone_national(phone)
    if not national:
        return ""
    if len(national) <= 8:
        return "*" * len(national)
    return national[:4] + "*" * (len(national) - 8) + national[-4:]


def whatsapp_link(phone: str, text: str = "") -> str:
    """https://wa.me/6281234567890?text=… for a mobile number, with `text` as the ready message;
    "" for a landline, an empty or an unreadable number (WhatsApp needs a mobile number)."""
    info = parse_phone(phone) if phone else None
    if info is None or not info.valid or not info.whatsapp or info.type != "mobile":
        return ""
    return f"https://wa.me/{info.whatsapp}" + (f"?text={quote(text, safe='')}" if text else "")
