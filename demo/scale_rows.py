"""The rows of the scale data (demo/scale.py), built in worker processes.

Spawned workers import this module before Django is set up (`worker_setup` does that), so it
imports no model at the top: what encrypts and masks is imported inside `build_rows`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import random
from dataclasses import dataclass

from registrations.enums import DataSource, NomineeStatus, ReviewReason

S = NomineeStatus
PROGRAMME_NAME = "Data uji skala {year}"
ACTOR_USERNAME = "uji-skala"
CHUNK = 20_000  # rows a worker builds at a time (whole subdistricts: NIK serials count per subdistrict)
# NIK serials start here: clear of the demo's and of hand-made test NIKs (small serials).
SERIAL_BASE = 5000

# Share of each state among the nominees (sums to 100): most registered, the rest spread along
# the way, as a regency looks some months into its programme.
STATE_MIX: list[tuple[str, int]] = [
    (S.DRAFT, 4), (S.SUBMITTED, 8), (S.VERIFIED, 6), (S.RETURNED, 3), (S.REJECTED, 2), (S.APPROVED, 8),
    (S.SENT_TO_BPJS, 8), (S.REGISTERED, 55), (S.REFUSED_BY_BPJS, 2), (S.ACTIVE, 4),
]
# The workflow's steps that lead to each state (from, to, reason code, reason), in order.
_SUBMIT = ("", S.DRAFT, "", ""), (S.DRAFT, S.SUBMITTED, "", "")
_APPROVE = (*_SUBMIT, (S.SUBMITTED, S.VERIFIED, "", ""), (S.VERIFIED, S.APPROVED, "", ""))
_SENT = (*_APPROVE, (S.APPROVED, S.SENT_TO_BPJS, "", ""))
STEPS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    S.DRAFT: _SUBMIT[:1],
    S.SUBMITTED: _SUBMIT,
    S.VERIFIED: _APPROVE[:3],
    S.RETURNED: (*_SUBMIT, (S.SUBMITTED, S.RETURNED, ReviewReason.DATA_INCOMPLETE,
                            ReviewReason.DATA_INCOMPLETE.label)),
    S.REJECTED: (*_SUBMIT, (S.SUBMITTED, S.REJECTED, ReviewReason.NOT_VULNERABLE,
                            ReviewReason.NOT_VULNERABLE.label)),
    S.APPROVED: _APPROVE,
    S.SENT_TO_BPJS: _SENT,
    S.REGISTERED: (*_SENT, (S.SENT_TO_BPJS, S.REGISTERED, "", "")),
    S.REFUSED_BY_BPJS: (*_SENT, (S.SENT_TO_BPJS, S.REFUSED_BY_BPJS, "", "Data tidak lengkap menurut BPJS")),
    S.ACTIVE: (*_SENT, (S.SENT_TO_BPJS, S.REGISTERED, "", ""), (S.REGISTERED, S.ACTIVE, "", "")),
}
_IN_BATCH = {S.SENT_TO_BPJS, S.REGISTERED, S.REFUSED_BY_BPJS, S.ACTIVE}
_REGISTERED = {S.REGISTERED, S.ACTIVE}
_SENT_LIST = set(STEPS) - {S.DRAFT}


@dataclass(frozen=True)
class _Village:
    pk: int
    code: str
    subdistrict_code: str
    postal_code: str
    name: str


@dataclass(frozen=True)
class _Job:
    """One worker's share of a regency: the villages and everything a row needs."""

    seed: int
    regency_code: str
    programme_id: int
    batch_id: int
    actor_id: int
    occupation_ids: tuple[int, ...]
    villages: tuple[_Village, ...]
    per_village: int
    first_index: int  # the regency's running number of its first nominee (unique KPJ numbers)
    today: dt.date
    opens: dt.date
    personal_data_key: str


def _seeded(seed: int, *parts: object) -> random.Random:
    digest = hashlib.sha256(":".join(map(str, (seed, *parts))).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _names():
    # lokal-id's stand-in name lists (kembaran): realistic Indonesian first and last names by sex.
    from lokal._kembaran_data import FEMALE_FIRST, FEMALE_LAST, MALE_FIRST, MALE_LAST

    return {"L": (MALE_FIRST, MALE_LAST), "P": (FEMALE_FIRST, FEMALE_LAST)}


def _state(rng: random.Random) -> str:
    pick = rng.randrange(100)
    for status, share in STATE_MIX:
        if pick < share:
            return status
        pick -= share
    return S.REGISTERED


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


NOMINEE_COLUMNS = [
    "programme_id", "village_id", "status", "status_reason", "status_changed_at", "nik", "nik_hash", "nik_masked",
    "kk", "kk_masked", "full_name", "birth_place", "birth_date", "sex", "address", "rt", "rw", "postal_code",
    "phone", "email", "occupation_id", "monthly_income", "data_source", "decile", "mother_maiden_name",
    "name_key", "mother_name_hash", "export_batch_id", "kpj_number", "registered_on", "paid_until", "confirmed_warnings", "consent_at",
    "consent_by_id", "created_by_id", "created_at", "updated_at",
]


def worker_setup() -> None:
    """A spawned worker starts Django from the parent's environment (DJANGO_SETTINGS_MODULE)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jamsostek_portal.settings")
    django.setup()


def build_rows(job: _Job) -> bytes:
    """The COPY text (tab-separated) of one regency's nominees. Runs in a worker process: the
    personal-data key comes with the job, so encryption matches the model's."""
    from django.conf import settings
    from django.utils import timezone

    from registrations.crypto import encrypt
    from registrations.identifiers import mask_identifier
    from registrations.lookalikes import lookalike_keys
    from registrations.nik import nik_search_hash

    settings.PERSONAL_DATA_KEY = job.personal_data_key  # a spawned worker reads its own environment
    reasons = {status: str(steps[-1][3]) for status, steps in STEPS.items()}  # labels: translated now
    names = _names()
    out = io.StringIO()
    serials: dict[str, int] = {}
    index = job.first_index
    now = timezone.now()
    for village in job.villages:
        rng = _seeded(job.seed, village.code)
        prefix = village.subdistrict_code.replace(".", "")
        for _ in range(job.per_village):
            index += 1
            sex = "L" if rng.random() < 0.55 else "P"
            age_days = rng.randrange(19 * 365, 63 * 365)
            birth = job.today - dt.timedelta(days=age_days)
            day = birth.day + (40 if sex == "P" else 0)
            key = f"{prefix}{day:02d}{birth:%m%y}"
            serials[key] = serial = serials.get(key, SERIAL_BASE) + 1
            nik = f"{key}{serial:04d}"
            kk = f"{prefix}{rng.randrange(1, 28):02d}{rng.randrange(1, 13):02d}{rng.randrange(0, 25):02d}" \
                 f"{rng.randrange(1, 10_000):04d}"
            first, last = names[sex]
            full_name = f"{rng.choice(first)} {rng.choice(last)}"
            status = _state(rng)
            created = dt.datetime.combine(job.opens, dt.time(8), tzinfo=dt.UTC) + dt.timedelta(
                minutes=rng.randrange(0, 20 * 24 * 60))
            changed = created + dt.timedelta(days=len(STEPS[status]) - 1)
            registered = status in _REGISTERED
            registered_on = job.opens + dt.timedelta(days=45) if registered else None
            paid_until = registered_on + dt.timedelta(days=89) if registered else None
            values = [
                job.programme_id, village.pk, status, reasons[status] if status in (
                    S.RETURNED, S.REJECTED, S.REFUSED_BY_BPJS) else "", changed.isoformat(),
                encrypt(nik), nik_search_hash(nik), mask_identifier(nik), encrypt(kk), mask_identifier(kk), full_name,
                village.name.title(), birth.isoformat(), sex,
                f"Dusun {rng.randrange(1, 6)}, Desa {village.name.title()}", f"{rng.randrange(1, 21):03d}",
                f"{rng.randrange(1, 8):03d}", village.postal_code,
                f"+628{rng.randrange(11, 99)}{rng.randrange(10_000_000, 99_999_999)}", "",
                rng.choice(job.occupation_ids), None,
                DataSource.DTSEN if rng.random() < 0.6 else DataSource.VILLAGE, rng.randrange(1, 5), "",
                *lookalike_keys(full_name, ""), job.batch_id if status in _IN_BATCH else None,
                f"{job.programme_id:05d}{index:06d}" if registered else "",
                registered_on.isoformat() if registered_on else None,
                paid_until.isoformat() if paid_until else None,
                "[]", created.isoformat(), job.actor_id, job.actor_id, created.isoformat(), now.isoformat(),
            ]
            out.write("\t".join(_copy_text(value) for value in values))
            out.write("\n")
    return out.getvalue().encode()


