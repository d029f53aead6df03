"""Possible duplicates the NIK does not catch ("mungkin orang yang sama"): the same person entered
twice, once with a mistyped NIK. The one home of the rule and of the name normalisation it rests on.

The rule: two nominations look alike when their normalised names (`name_key`) and birth dates are
equal, their NIKs differ (an equal NIK is the one-active-nomination rule's business, validation.py),
the other one is active (ACTIVE_STATES), and, where both give a mother's maiden name, its
normalised form is the same (compared through `mother_name_hash`, a keyed hash: the name itself
stays encrypted). Nominee.name_key and Nominee.mother_name_hash are written by services.py (create,
edit, the bulk import), the scale data generator and the migration that added them, always
through `lookalike_keys`.

Who reads it: checks.review_checks (the review queue, a village's review page, the nominee page:
one query for a whole page, the other entry shown only inside the reader's region scope), the
queue's "mungkin orang yang sama" filter (`lookalike_filter`), the nominee import's preview
(`lookalike_places`: one query for the whole file, a warning per row that never says whose; and
`lookalikes_in_file`: two rows of the same file, in memory, the later one warned naming the
earlier row's number), and the nominee form (`entry_lookalike_warning`: one query, the village
named only inside the officer's scope).

The name normalisation folds what differs between two clerks typing the same KTP name: case,
accents, spaces and punctuation, the old spelling (oe→u Soekarno/Sukarno, dj→j, tj→c, ch→kh→h, j→y
Jahja/Yahya, so also sj→sy and nj→ny), double letters, a y after a consonant (Rudy/Rudi),
titles before the name (H., Hj., Drs., Ir., …), degrees after it (", S.Pd", "S.E."), and the ways
of writing Muhammad (Mohammad, Muhamad, Moh., M., …); apart from those words, spaces do not count
("Nur Aini" is "Nuraini"). It is a key for equality, not a spelling
to show: "Joko" and "Yoko" share a key, and a reviewer reads the flag as "look again", not as proof.

Changing `name_key` or `mother_name_hash` changes what every saved nominee should hold: ship the
change with a migration that fills the keys again (as 0014_nominee_lookalike_keys does), or old
and new entries of the same person stop matching.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL

from accounts.scope import RegionScope

from .crypto import keyed_hash
from .enums import ACTIVE_STATES, NomineeStatus
from .models import Nominee

# Titles written before a name on a KTP or a village's list (dots already gone).
_PREFIXES = frozenset({
    "h", "hj", "haji", "hajah", "hajjah", "drs", "dra", "dr", "ir", "prof", "kh", "ust", "ustad", "ustadz",
    "ustazah", "ny", "nn", "tn", "sdr", "sdri", "bpk", "bapak",
})
# Degrees written after a name without a comma ("Budi Santoso S.Pd"; dots already gone).
_DEGREES = frozenset({
    "spd", "spdi", "pd", "pdi", "se", "sh", "st", "sag", "ssos", "sos", "sip", "ssi", "skom", "skm", "ked", "sked",
    "sp", "spt", "sthi", "shi", "sei", "sm", "ssn", "mm", "mpd", "msi", "mh", "mag", "mt", "mkes", "amd", "amk",
    "ama", "ampd", "bsc", "ba",
})
# Muhammad and the ways it is written, after the old-spelling rules (so "Mochammad" is "mohamad").
# Not "mhd": a d before the next word's j would be read as the old "dj" ("M. Jusuf").
_MUHAMMAD = "mhm"
_MUHAMMAD_VARIANTS = frozenset({
    "muhamad", "mohamad", "muhamat", "mohamat", "muhamed", "mohamed", "mamad", "moh", "muh", "mhd", "md",
    "m", "mohd", "muhd",
})
# Old (pre-1972) spelling → modern, applied in this order; j and y are then one letter, which makes
# sj→sy and nj→ny too.
# The words that name_key drops or replaces when they stand apart in a name of more words; anywhere
# else (inside a word, a one-word name) they are letters like any other.
FOLDED_WORDS = _PREFIXES | _DEGREES | _MUHAMMAD_VARIANTS
# kh, the new spelling of ch, is then h: "Achmad", "Akhmad" and "Ahmad", "Rachmat" and "Rahmat" are
# the same names.
_OLD_SPELLING = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("ch", "kh"), ("kh", "h"), ("j", "y"))
_DOUBLE = re.compile(r"(.)\1+")
_Y_AFTER_CONSONANT = re.compile(r"(?<=[^aeiouy])y")
_NOT_NAME = re.compile(r"[^a-z0-9]+")
_DROPPED = re.compile(r"['’`.]")  # inside a word: "Ma'ruf", "S.Pd", "Moh." stay one word


_FOLDABLE = re.compile(r"oe|dj|tj|ch|kh|j|(.)\1|[^aeiouy]y")


def _spelled(text: str) -> str:
    """The old spelling, double letters and a y after a consonant (Rudy/Rudi, Surya/Suria) folded,
    until nothing changes (folding a double letter can make a new pair: "ooe")."""
    while _FOLDABLE.search(text):
        folded = text
        for old, new in _OLD_SPELLING:
            folded = folded.replace(old, new)
        text = _Y_AFTER_CONSONANT.sub("i", _DOUBLE.sub(r"\1", folded))
    return text


def name_key(full_name: str) -> str:
    """The normalised form of a name, as stored in Nominee.name_key: lower-case letters and digits
    only, titles, degrees and spelling variants folded (module docstring). "" for a name with
    nothing left. Idempotent: name_key(name_key(x)) == name_key(x)."""
    text = str(full_name or "")
    if text.isascii():  # nearly every name on a list: no accents to take off
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKD", text).casefold()
        text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.split(",", 1)[0]  # degrees follow a comma: "Siti Aminah, S.Pd., M.Pd."
    words = [word for word in _NOT_NAME.split(_DROPPED.sub("", text)) if word]
    if len(words) > 1:
        # Titles and degrees only around a name of more words: a one-word name (and a stored key)
        # is kept as it is, so the key of a key is the key itself.
        while len(words) > 1 and words[0] in _PREFIXES:
            words.pop(0)
        while len(words) > 1 and words[-1] in _DEGREES:
            words.pop()
        # Muhammad however spelled ("Mochammad" is "mohamad" here); other words are spelled below,
        # joined, so that a space never decides how the letters around it are read.
        words = [_MUHAMMAD if _spelled(word) in _MUHAMMAD_VARIANTS else word for word in words]
    return _spelled("".join(words))


def mother_name_hash(mother_maiden_name: str) -> str:
    """The keyed hash of a mother's maiden name's `name_key` (Nominee.mother_name_hash), "" when
    none is given. Equal for spelling variants; never reversible; not comparable with a NIK's hash."""
    key = name_key(mother_maiden_name)
    return keyed_hash(f"ibu kandung:{key}") if key else ""


def lookalike_keys(full_name: str, mother_maiden_name: str) -> tuple[str, str]:
    """(name_key, mother_name_hash) of a nominee: what every writer of Nominee stores."""
    return name_key(full_name), mother_name_hash(mother_maiden_name or "")


def mothers_agree(first: str, second: str) -> bool:
    """Whether two mother's-name hashes leave two nominations possibly one person: equal, or one
    of them not given."""
    return not first or not second or first == second


# --- Finding them ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Lookalike:
    """Another active nomination that may be the same person. Inside the reader's scope it says
    who and where; outside only that it exists (`in_scope` False, the other fields empty)."""

    in_scope: bool
    nominee_pk: int | None = None
    full_name: str = ""
    village_name: str = ""
    status_label: str = ""


@dataclass(frozen=True)
class _Candidate:
    pk: int
    nik_hash: str
    name_key: str
    birth_date: dt.date
    mother_name_hash: str
    full_name: str
    village_id: int
    village_name: str
    regency_id: int
    province_id: int
    status: str


CANDIDATE_FIELDS = ("pk", "nik_hash", "name_key", "birth_date", "mother_name_hash", "full_name", "village_id",
                    "village__name", "village__subdistrict__regency_id",
                    "village__subdistrict__regency__province_id", "status")


# Up to this many (name, birth date) pairs (the nominee page has one) are asked as ORed pairs, which
# PostgreSQL answers from the index nominee_lookalike one pair at a time (a bitmap OR). More (a page
# of the queue has 50, a file thousands) go as two arrays joined to the table, also through that
# index: 50 ORed pairs took 4 ms to plan for 1 ms of work, the arrays plan in a fraction of that. No
# caller ORs them with other conditions (that would turn the arrays into a scan): review_checks asks
# the page's NIKs in a UNION beside them.
PAIRS_ASKED_ONE_BY_ONE = 8


def _pairs_filter(pairs: Sequence[tuple[str, dt.date]]) -> Q:
    """Q on Nominee for rows whose (name_key, birth_date) is one of `pairs`; served by the index
    nominee_lookalike."""
    if not pairs:
        return Q(pk__in=[])
    if len(pairs) > PAIRS_ASKED_ONE_BY_ONE and connection.vendor == "postgresql":
        table = Nominee._meta.db_table
        return Q(RawSQL(f"({table}.name_key, {table}.birth_date) IN (SELECT * FROM unnest(%s::text[], %s::date[]))",
                        ([key for key, _ in pairs], [day for _, day in pairs]), output_field=BooleanField()))
    query = Q(pk__in=[])
    for key, day in pairs:
        query |= Q(name_key=key, birth_date=day)
    return query


def candidates_filter(nominees: Iterable) -> Q:
    """Q on Nominee for the active nominations that could look like one of `nominees` (objects
    with name_key and birth_date): a caller reads them in the same query as its other checks
    and gives the rows to `lookalikes_among`."""
    pairs = sorted({(n.name_key, n.birth_date) for n in nominees if n.name_key and n.birth_date})
    return _pairs_filter(pairs) & Q(status__in=sorted(ACTIVE_STATES))


def candidate_values(queryset) -> list[_Candidate]:
    """The rows of a queryset filtered with `candidates_filter`, as `lookalikes_among` reads them."""
    return [_Candidate(*row) for row in queryset.values_list(*CANDIDATE_FIELDS)]


def candidate_from_row(row: Sequence) -> _Candidate:
    """A row read as values_list(*CANDIDATE_FIELDS, …more), as `lookalikes_among` reads it (the
    fields after CANDIDATE_FIELDS are the caller's)."""
    return _Candidate(*row[:len(CANDIDATE_FIELDS)])


def _is_lookalike(nominee, other) -> bool:
    return (other.pk != nominee.pk and other.nik_hash != nominee.nik_hash and other.name_key == nominee.name_key
            and other.birth_date == nominee.birth_date and other.status in ACTIVE_STATES
            and mothers_agree(other.mother_name_hash, nominee.mother_name_hash))


def lookalikes_among(nominees: Iterable, candidates: Iterable[_Candidate], *,
                     scope: RegionScope | None) -> dict[int, list[Lookalike]]:
    """nominee pk → the other nominations that may be the same person, in name and village order.
    `scope` is the reader's (accounts.scope.region_scope): an entry outside it is only said to
    exist; None shows none of them in full."""
    by_pair: dict[tuple[str, dt.date], list[_Candidate]] = {}
    for candidate in candidates:
        by_pair.setdefault((candidate.name_key, candidate.birth_date), []).append(candidate)
    result = {}
    for nominee in nominees:
        found = [other for other in by_pair.get((nominee.name_key, nominee.birth_date), [])
                 if nominee.name_key and _is_lookalike(nominee, other)]
        shown = []
        for other in sorted(found, key=lambda o: (o.full_name, o.village_name, o.pk)):
            if scope is not None and scope.sees_village(other.village_id, other.regency_id, other.province_id):
                shown.append(Lookalike(True, other.pk, other.full_name, other.village_name,
                                       NomineeStatus(other.status).label))
            else:
                shown.append(Lookalike(False))
        result[nominee.pk] = shown
    return result


def lookalike_filter() -> Q:
    """Q on Nominee for the queue's filter: some other active nomination looks like this one (the
    same rule as `lookalikes_among`, in SQL)."""
    others = (Nominee.objects.filter(name_key=OuterRef("name_key"), birth_date=OuterRef("birth_date"),
                                     status__in=sorted(ACTIVE_STATES))
              .exclude(pk=OuterRef("pk")).exclude(nik_hash=OuterRef("nik_hash")))
    mothers_equal = others.filter(Q(mother_name_hash="") | Q(mother_name_hash=OuterRef("mother_name_hash")))
    return ~Q(name_key="") & (Q(Exists(mothers_equal)) | (Q(mother_name_hash="") & Q(Exists(others))))


# --- The import's preview -------------------------------------------------------------------


@dataclass(frozen=True)
class LookalikeRow:
    """One row of a file, as the import's preview asks about it."""

    nik_hash: str
    name_key: str
    birth_date: dt.date
    mother_name_hash: str
    pk: int | None = None  # never saved yet


def lookalike_places(rows: Sequence[LookalikeRow]) -> list[list[_Candidate]]:
    """Per row of a file, the active nominations that may be the same person. One query for the
    whole file (on PostgreSQL)."""
    wanted = [row for row in rows if row.name_key and row.birth_date]
    if not wanted:
        return [[] for _ in rows]
    if connection.vendor == "postgresql":
        candidates = candidate_values(Nominee.objects.filter(candidates_filter(wanted)).order_by("pk"))
    else:  # the embedded SQLite (a village's few rows): its limit on parameters
        candidates = [candidate for start in range(0, len(wanted), 400) for candidate in candidate_values(
            Nominee.objects.filter(candidates_filter(wanted[start:start + 400])).order_by("pk"))]
    by_pair: dict[tuple[str, dt.date], list[_Candidate]] = {}
    for candidate in candidates:
        by_pair.setdefault((candidate.name_key, candidate.birth_date), []).append(candidate)
    return [[other for other in by_pair.get((row.name_key, row.birth_date), []) if _is_lookalike(row, other)]
            for row in rows]


def lookalike_warning(others: Sequence[_Candidate], *, village_id: int | None, regency_id: int) -> str:
    """The preview's warning for a row with lookalikes, in words a village officer may read: where,
    never whose (as validation.duplicate_text says of an equal NIK)."""
    if any(other.village_id == village_id for other in others):
        where = "di daftar desa Anda"
    elif any(other.regency_id == regency_id for other in others):
        where = "di desa/kelurahan lain di kabupaten/kota ini"
    else:
        where = "di kabupaten/kota lain"
    return (f"Mungkin orang yang sama dengan calon yang sudah diusulkan {where}: nama dan tanggal lahir sama, "
            "NIK berbeda. Periksa NIK pada KTP; bila orangnya sama, hapus baris ini.")


def _rows_alike(row: LookalikeRow, other: LookalikeRow) -> bool:
    return (bool(row.name_key) and row.nik_hash != other.nik_hash and row.name_key == other.name_key
            and row.birth_date == other.birth_date and mothers_agree(row.mother_name_hash, other.mother_name_hash))


def lookalikes_in_file(rows: Sequence[LookalikeRow]) -> list[list[int]]:
    """Per row of a file, the positions of the EARLIER rows of the same file that may be the same
    person (the same rule as against what is saved, under another NIK of the file). In memory, no
    query. Only the later row is warned: the first one is the entry the officer meant to keep.
    Rows without a NIK hash, name key or birth date are neither compared nor compared with."""
    by_pair: dict[tuple[str, dt.date], list[int]] = {}
    result: list[list[int]] = []
    for index, row in enumerate(rows):
        if not (row.nik_hash and row.name_key and row.birth_date):
            result.append([])
            continue
        earlier = by_pair.setdefault((row.name_key, row.birth_date), [])
        result.append([position for position in earlier if _rows_alike(row, rows[position])])
        earlier.append(index)
    return result


def in_file_warning(row_numbers: Sequence[int]) -> str:
    """The preview's warning for a row that looks like earlier rows of its own file."""
    numbers = ", ".join(str(number) for number in row_numbers)
    return (f"Mungkin orang yang sama dengan baris {numbers} berkas ini: nama dan tanggal lahir sama, NIK berbeda. "
            "Periksa NIK pada KTP; bila orangnya sama, hapus salah satu baris.")


# --- The nominee form -----------------------------------------------------------------------

LOOKALIKE_WARNING = "lookalike"  # the warning's code, kept in Nominee.confirmed_warnings once confirmed


def entry_lookalike_warning(*, full_name: str, birth_date: dt.date | None, mother_maiden_name: str,
                            nik_hash: str | None, exclude_pk: int | None,
                            scope: RegionScope | None) -> str | None:
    """The nominee form's warning when the person typed in looks like an active nomination
    elsewhere, None otherwise. One query (none without a name key, birth date or NIK hash).
    `scope` is the officer's (accounts.scope.region_scope): a village inside it is named, one
    outside is only said to exist ("di luar wilayah Anda"); never whose."""
    key, mother = lookalike_keys(full_name, mother_maiden_name or "")
    if not (key and birth_date and nik_hash):
        return None
    row = LookalikeRow(nik_hash, key, birth_date, mother, pk=exclude_pk)
    others = [other for other in candidate_values(Nominee.objects.filter(candidates_filter([row]))
                                                  .order_by("village__name", "pk"))
              if _is_lookalike(row, other)]
    if not others:
        return None
    named, outside = [], False
    for other in others:
        if scope is not None and scope.sees_village(other.village_id, other.regency_id, other.province_id):
            if other.village_name not in named:
                named.append(other.village_name)
        else:
            outside = True
    places = [f"di desa/kelurahan {', '.join(named)}"] if named else []
    if outside:
        places.append("di luar wilayah Anda")
    return (f"Mungkin orang yang sama dengan calon yang sudah diusulkan {' dan '.join(places)}: nama dan tanggal "
            "lahir sama, NIK berbeda. Periksa NIK pada KTP; bila orangnya sama, jangan simpan data ini.")


__all__ = ["CANDIDATE_FIELDS", "LOOKALIKE_WARNING", "Lookalike", "LookalikeRow", "candidate_from_row",
           "candidate_values", "candidates_filter", "entry_lookalike_warning", "in_file_warning", "lookalike_filter",
           "lookalike_keys", "lookalike_places", "lookalike_warning", "lookalikes_among", "lookalikes_in_file",
           "mother_name_hash", "mothers_agree", "name_key"]
