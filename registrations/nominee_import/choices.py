"""What the village officer settles in the import's preview for a file that lacks columns: the
fields OpenSID's files do not carry (occupation and consent always; sex and, for a per-person
programme, the KK in its "Expor" workbook).

- Sex comes from the NIK (nik.sex_from_nik: a woman's birth day has 40 added) when the file has
  none for the row. The preview shows it as filled from the NIK, for the officer to compare with
  the KTP and change on the row; it is not an error to retype.
- Occupation and consent can be set once for the whole file ("every row: Petani, consent
  given"), then changed row by row. The whole-file occupation fills only rows whose file has none.
  Consent is never assumed: the box starts unticked, and ticking it (or "sudah setuju" on a row)
  is the officer's act. Saving then records it as the form does: consent_at is the moment of
  saving, consent_by the officer who saved (services.nominees_import).
- No. KK stays required, as on the form (NomineeForm.kk; it is on the nominee and checked by
  nik.check_kk). A row without one gets a box to type it, and the preview says where it can be
  found: OpenSID's "Unduh" report carries it.

The choices wait beside the upload (common.uploads, imports/<token>-pilihan.json: a typed KK is
personal data, so never in the session), keyed by the file's row numbers; nothing is saved before
the officer confirms. Per-row boxes are offered up to PER_ROW_LIMIT rows (a village nominates tens;
a longer file is completed in the rejected-rows workbook). Pure functions, no database.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field

from registrations.nik import sex_from_nik, strip_separators

from . import workbook as excel

PER_ROW_LIMIT = 200  # four boxes a row stays under Django's 1,000 form fields (DATA_UPLOAD_MAX_NUMBER_FIELDS)
YES, NO = "ya", "tidak"
SEXES = {"L": "laki-laki", "P": "perempuan"}
# The fields the preview can fill; a file missing one of these columns shows the choices.
CHOSEN_FIELDS = ("sex", "kk", "occupation", "consent")
KK_MAX_LENGTH = 24  # as NomineeForm.kk
# Form field names on the preview page.
MARKER, ALL_OCCUPATION, ALL_CONSENT = "pilihan", "pekerjaan_semua", "setuju_semua"


def row_field(name: str, number: int) -> str:
    return f"{name}-{number}"


@dataclass
class RowChoice:
    occupation: int | None = None  # an active OccupationCategory pk
    consent: str = ""  # "", YES or NO
    sex: str = ""  # "", "L" or "P"
    kk: str = ""  # as typed

    def is_empty(self) -> bool:
        return self == RowChoice()


@dataclass
class ImportChoices:
    occupation: int | None = None  # for every row whose file has no occupation
    consent: bool = False  # the officer records every row's consent
    rows: dict[int, RowChoice] = field(default_factory=dict)  # by the file's row number

    def row(self, number: int) -> RowChoice:
        return self.rows.get(number) or RowChoice()

    def is_empty(self) -> bool:
        return self.occupation is None and not self.consent and not self.rows

    def to_json(self) -> bytes:
        return json.dumps({"occupation": self.occupation, "consent": self.consent,
                           "rows": {str(number): asdict(choice) for number, choice in self.rows.items()}}).encode()

    @classmethod
    def from_json(cls, content: bytes | None) -> ImportChoices:
        if not content:
            return cls()
        data = json.loads(content)
        return cls(occupation=data.get("occupation"), consent=bool(data.get("consent")),
                   rows={int(number): RowChoice(**choice) for number, choice in data.get("rows", {}).items()})

    @classmethod
    def from_post(cls, data: Mapping[str, str], *, row_numbers: Iterable[int], occupations: Iterable[int],
                  previous: ImportChoices) -> ImportChoices:
        """What the preview's form says. Values it does not offer are ignored (an occupation not
        active, a sex other than L/P). A KK box left empty keeps the KK typed before: the page
        shows it masked, never back in the box."""
        allowed = set(occupations)
        rows = {}
        for number in row_numbers:
            typed_kk = " ".join(data.get(row_field("kk", number), "").split())[:KK_MAX_LENGTH]
            choice = RowChoice(
                occupation=_occupation(data.get(row_field("pekerjaan", number)), allowed),
                consent=_one_of(data.get(row_field("setuju", number)), (YES, NO)),
                sex=_one_of(data.get(row_field("jk", number)), tuple(SEXES)),
                kk=typed_kk or previous.row(number).kk,
            )
            if not choice.is_empty():
                rows[number] = choice
        return cls(occupation=_occupation(data.get(ALL_OCCUPATION), allowed), consent=data.get(ALL_CONSENT) == "on",
                   rows=rows)


def _occupation(value, allowed: set[int]) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and int(text) in allowed else None


def _one_of(value, options: tuple[str, ...]) -> str:
    return value if value in options else ""


@dataclass
class Filled:
    """A row's values once the choices are applied, and how the preview explains them."""

    values: dict[str, str]
    sex_from_nik: str | None = None  # "L"/"P" when the sex was taken from the NIK
    occupation_from_file: bool = False  # the whole-file occupation did not apply: the file had one


def fill_row(row: excel.SheetRow, choices: ImportChoices, occupation_names: Mapping[int, str]) -> Filled:
    """The row's values as they will be checked and saved: the row's own choice first, then the
    file, then the whole-file choice; the sex, failing all of these, from the NIK."""
    values = dict(row.values)
    chosen = choices.row(row.number)
    filled = Filled(values=values)
    file_occupation = values.get("occupation", "").strip()
    occupation = chosen.occupation if chosen.occupation in occupation_names else None
    if occupation is None and not file_occupation and choices.occupation in occupation_names:
        occupation = choices.occupation
    if occupation is not None:
        values["occupation"] = occupation_names[occupation]
    filled.occupation_from_file = bool(file_occupation) and chosen.occupation is None
    if chosen.consent:
        values["consent"] = "on" if chosen.consent == YES else ""
    elif values.get("consent") != "on" and choices.consent:
        values["consent"] = "on"
    if chosen.sex:
        values["sex"] = chosen.sex
    elif not values.get("sex", "").strip():
        sex = sex_from_nik(values.get("nik", ""))
        if sex is not None:
            values["sex"] = filled.sex_from_nik = sex
    if chosen.kk:
        values["kk"] = chosen.kk
    return filled


def kk_missing(row: excel.SheetRow) -> bool:
    """Whether the file gave the row no KK (the preview then offers a box for it)."""
    return not strip_separators(row.values.get("kk", ""))
