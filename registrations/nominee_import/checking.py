"""Checking a nominee file in bulk: a village officer's few rows and an office's regency-wide list
of 200,000 go through this one path, so their outcomes cannot differ.

Each row gets exactly what NomineeForm would say of it (tests/registrations/nominee_import/
test_checking.py holds the two together), without a form and a query per row:
- every field is cleaned by the form's own field (`NomineeForm.base_fields`) and the form's own
  `clean_*` rules (forms.clean_rt, clean_rw, clean_decile); a value of the common shape (a name
  within its length, an ISO date, "L") is accepted without calling the field, so the field's
  wording is what explains every value it refuses;
- then validation.check_nominee_data (NIK, KK, age, phone), as the form's clean() runs it;
- then the model's own limits the form leaves to the model (a phone typed longer than the 16
  characters kept, an income beyond the column), as ModelForm's _post_clean does;
- whether a NIK is already active anywhere: one query for the whole file
  (validation.active_nominations), its message placed where the form puts it;
- the occupation by name, against the active categories read once.
The errors keep the form's order (field by field, then clean(), then the model), which is the
order the preview lists them in.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError

from registrations.enums import DataSource
from registrations.forms import NomineeForm, clean_decile, clean_rt, clean_rw
from registrations.models import Nominee, Programme
from registrations.nik import Issue
from registrations.validation import check_nominee_data

_SLOW = object()  # "not the common shape: let the form's field decide and explain"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATA_SOURCES = frozenset(DataSource.values)
_CLEAN_RULES = {"rt": clean_rt, "rw": clean_rw, "decile": clean_decile}
_INTEGER_RANGES = {"monthly_income": (0, 2147483647), "decile": (0, 32767)}
_RAW_RULES = frozenset({"confirm_warnings", "data_source", "occupation"})  # RowChecker._raw's own reading


def _model_is_stricter(name: str) -> bool:
    """Whether the model may refuse what the form's field accepted (a phone is typed in up to 24
    characters and kept in 16; an income has no upper bound in the form)."""
    model_field, form_field = Nominee._meta.get_field(name), NomineeForm.base_fields[name]
    if name in _INTEGER_RANGES:
        return True
    limit = getattr(form_field, "max_length", None)
    return model_field.max_length is not None and (limit is None or limit > model_field.max_length)


# Model fields whose own limits _post_clean may still refuse; the others the form's field has checked.
_MODEL_FIELDS = {name: Nominee._meta.get_field(name) for name in NomineeForm.Meta.fields
                 if name != "occupation" and _model_is_stricter(name)}


@dataclass
class RowCheck:
    """One row's checks before the file-wide ones: errors by field in the form's order."""

    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[Issue] = field(default_factory=list)
    cleaned: dict = field(default_factory=dict)
    nik_hash: str | None = None
    nik: str | None = None
    kk: str | None = None
    phone: str = ""

    def service_kwargs(self) -> dict:
        """What services.nominees_import takes for a valid row."""
        data = {name: self.cleaned[name] for name in NomineeForm.Meta.fields if name not in ("nik", "kk", "phone",
                                                                                                "occupation")}
        return {**data, "occupation_id": self.cleaned["occupation"], "nik": self.nik, "nik_hash": self.nik_hash,
                "kk": self.kk, "phone": self.phone, "confirmed_warnings": sorted({w.code for w in self.warnings})}


class RowChecker:
    """NomineeForm's checks for one programme, prepared once for a whole file."""

    def __init__(self, *, programme: Programme, occupations: dict[str, int]):
        self.programme = programme
        self.occupations = occupations  # lower-case name → pk, the active categories
        self.fields = NomineeForm.base_fields
        self.data_sources = data_source_values()
        self.fast = {name: self._fast_rule(name, form_field) for name, form_field in self.fields.items()}
        # Per field, in the form's order: (name, whether _raw has a rule for it, the fast rule, the
        # form's clean_* rule), so a row of 100,000 takes no lookups beyond its values.
        self.plan = [(name, name in _RAW_RULES, self.fast[name], _CLEAN_RULES.get(name)) for name in self.fields]

    def check(self, values: dict[str, str]) -> RowCheck:
        result = RowCheck()
        errors, cleaned = result.errors, result.cleaned
        for name, special, fast, rule in self.plan:  # the form's _clean_fields
            try:
                raw = self._raw(name, values) if special else values.get(name, "")
                value = fast(raw) if fast is not None else _SLOW
                if value is _SLOW:
                    value = self._clean_field(name, raw)
                cleaned[name] = rule(value) if rule else value
            except ValidationError as error:
                errors.setdefault(name, []).extend(error.messages)
        if "nik" not in errors and "kk" not in errors:  # the form's clean()
            check = check_nominee_data(programme=self.programme, nik=cleaned["nik"], kk=cleaned["kk"],
                                       birth_date=cleaned.get("birth_date"), sex=cleaned.get("sex"),
                                       phone=cleaned.get("phone", ""))
            if check.nik_hash:
                errors["nik"] = []  # the place of "already nominated", answered for the whole file at once
            for issue in check.errors:
                errors.setdefault(issue.field, []).append(issue.message)
                cleaned.pop(issue.field, None)
            result.warnings = check.warnings
            result.nik, result.nik_hash, result.kk, result.phone = check.nik, check.nik_hash, check.kk, check.phone
        for name, model_field in _MODEL_FIELDS.items():  # the model's limits (ModelForm._post_clean)
            if name in errors or name not in cleaned or not self._beyond_model(name, cleaned[name], model_field):
                continue
            try:
                model_field.clean(cleaned[name], None)
            except ValidationError as error:
                errors.setdefault(name, []).extend(error.messages)
        return result

    def _raw(self, name: str, values: dict[str, str]):
        if name == "confirm_warnings":
            return "on"  # the officer confirms the warnings by confirming the import
        if name == "data_source":
            return _data_source(values.get(name, ""), self.data_sources)
        if name == "occupation":
            typed = values.get(name, "").strip()
            return self.occupations.get(typed.lower(), "") if typed else ""
        return values.get(name, "")

    def _clean_field(self, name: str, value):
        """What the form's field makes of a value the fast rule left (_SLOW)."""
        if name == "occupation":  # resolved by name above; the field would ask the database
            raise ValidationError(self.fields[name].error_messages["required"], code="required")
        return self.fields[name].clean(value)

    @staticmethod
    def _beyond_model(name: str, value, model_field) -> bool:
        if isinstance(value, str):
            return model_field.max_length is not None and len(value) > model_field.max_length
        if isinstance(value, int) and name in _INTEGER_RANGES:
            low, high = _INTEGER_RANGES[name]
            return not low <= value <= high
        return False

    @staticmethod
    def _fast_rule(name: str, form_field):
        """A function accepting the common shape of a value as the field would clean it, or
        answering _SLOW; None when every value goes to the field."""
        if name == "occupation":
            return lambda pk: pk if pk else _SLOW
        if name == "birth_date":
            return _iso_date
        if name in ("sex", "data_source"):
            choices = {"L", "P"} if name == "sex" else _DATA_SOURCES
            return lambda value: value if value in choices else _SLOW
        if name in ("consent", "confirm_warnings"):
            return lambda value: True if value == "on" else _SLOW
        if name == "monthly_income":
            return lambda value: None if value == "" else (
                int(value) if value.isascii() and value.isdigit() and value[0] != "0" else _SLOW)
        if name == "decile":
            return lambda value: None if value == "" else (
                int(value) if value.isascii() and value.isdigit() and len(value) <= 4 else _SLOW)
        if isinstance(form_field, forms.EmailField):
            return lambda value: "" if value == "" else _SLOW
        if type(form_field) is forms.CharField:
            limit, required = form_field.max_length or 10**9, form_field.required

            def text(value):
                if value == "":
                    return _SLOW if required else ""
                return value if len(value) <= limit and "\x00" not in value else _SLOW
            return text
        return None


def _iso_date(value):
    if _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return _SLOW
    return _SLOW


def _data_source(text: str, values: dict[str, str]) -> str:
    """"DTSEN", "dtks", "Usulan desa" → the stored value; blank → usulan desa, the model's default."""
    cleaned = text.strip().lower()
    if not cleaned:
        return DataSource.VILLAGE
    return values.get(cleaned, text)  # else as written: the form says it is no valid choice


def data_source_values() -> dict[str, str]:
    """Value or label (lower case) → the stored value. Built per file, not at import: the labels
    are translated."""
    values = {value: value for value in DataSource.values}
    values.update({str(label).lower(): value for value, label in DataSource.choices})
    return values
