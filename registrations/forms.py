import functools
from pathlib import Path

import django
from django import forms
from django.conf import settings
from django.forms.models import ModelChoiceIterator
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from common.fields import RupiahField
from common.kept import kept, sources_digest
from common.formatting import format_phone

from .enums import Sex
from .lookalikes import LOOKALIKE_WARNING, entry_lookalike_warning
from .models import Nominee, OccupationCategory
from .nik import Issue
from .validation import check_nominee


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class WrittenDateField(forms.DateField):
    """A date field whose "invalid" message may name the value it could not read (`%(value)s`):
    in an Excel import the officer looks for that cell among hundreds ("31-02-1990")."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            if error.code != "invalid":
                raise
            written = " ".join(str(value).split())
            shown = written if len(written) <= 30 else f"{written[:29]}…"
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid",
                                        params={"value": shown}) from None


class ReadOnceChoiceIterator(ModelChoiceIterator):
    """A select's options from its queryset as read, its rows kept: one plain query however often
    the options are asked for, where Django's own iterator opens a server-side cursor each time."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class NomineeForm(forms.ModelForm):
    """The validation of one nominee typed in on the village page. `clean()` runs
    validation.check_nominee. The Excel import checks a whole file at once with the same fields,
    the same `clean_*` rules below and validation.check_nominee_data (nominee_import/checking.py);
    tests/registrations/nominee_import/test_checking.py holds the two to the same outcomes.
    `scope` (the officer's accounts.scope.region_scope) decides whether the "mungkin orang yang
    sama" warning may name the other nomination's village; the import warns of the same in its
    preview (lookalikes.lookalike_places)."""

    nik = forms.CharField(label=_("NIK"), max_length=24, help_text=_("16 digit sesuai KTP."),
                          error_messages={"required": _("NIK wajib diisi: 16 angka dari KTP/KK.")},
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    kk = forms.CharField(label=_("No. KK"), max_length=24, help_text=_("16 digit sesuai kartu keluarga."),
                         error_messages={"required": _("No. KK wajib diisi: 16 angka dari kartu keluarga.")},
                         widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    phone = forms.CharField(label=_("Nomor HP"), max_length=24, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    monthly_income = RupiahField(label=_("Penghasilan per bulan (Rp)"), required=False,
                                 help_text=_("Boleh dikosongkan. Tulis tanpa sen, misalnya 1.500.000."))
    consent = forms.BooleanField(
        label=_("Calon peserta setuju datanya dipakai untuk pendaftaran BPJS Ketenagakerjaan"),
        error_messages={"required": _("Persetujuan calon peserta wajib dicatat sebelum data disimpan.")},
    )
    confirm_warnings = forms.BooleanField(
        label=_("Saya sudah mencocokkan data ini dengan KTP; simpan walaupun ada peringatan"), required=False,
    )

    class Meta:
        model = Nominee
        fields = ["nik", "kk", "full_name", "birth_place", "birth_date", "sex", "address", "rt", "rw",
                  "postal_code", "phone", "email", "occupation", "monthly_income", "data_source", "decile",
                  "mother_maiden_name"]
        field_classes = {"birth_date": WrittenDateField}
        widgets = {
            "birth_date": DateInput(),
            # A name, typed on a phone: one line, not the model's text box.
            "mother_maiden_name": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {
            "decile": _("Peringkat kesejahteraan keluarga di DTSEN (dulu DTKS), 1–10: desil 1 = 10% keluarga "
                        "termiskin, desil 10 = paling mampu. Tanyakan ke operator data desa atau dinas sosial. "
                        "Kosongkan bila tidak tahu."),
        }
        error_messages = {
            "full_name": {"required": _("Isi nama lengkap sesuai KTP.")},
            "birth_place": {"required": _("Isi tempat lahir.")},
            "birth_date": {"required": _("Isi tanggal lahir."),
                           "invalid": _("Tanggal lahir '%(value)s' tidak dapat dibaca: tulis HH-BB-TTTT, "
                                        "mis. 15-05-1990.")},
            "sex": {"required": _("Pilih jenis kelamin.")},
            "address": {"required": _("Isi alamat.")},
            "rt": {"required": _("Isi RT.")},
            "occupation": {"required": _("Pilih pekerjaan.")},
        }

    def __init__(self, *args, programme, village, instance=None, scope=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        self.programme, self.village, self.scope = programme, village, scope
        self.fields["occupation"].iterator = ReadOnceChoiceIterator  # before the queryset, which builds the options
        self.fields["occupation"].queryset = OccupationCategory.objects.filter(is_active=True)
        # Selects open on a prompt that says what to choose, not Django's "---------".
        self.fields["occupation"].empty_label = _("— pilih pekerjaan —")
        self.fields["sex"].choices = [("", _("— pilih jenis kelamin —")), *Sex.choices]
        self.fields["decile"].widget.attrs.update(min=1, max=10)
        self.fields["rt"].widget.attrs["inputmode"] = "numeric"
        self.fields["rw"].widget.attrs["inputmode"] = "numeric"
        self.fields["postal_code"].widget.attrs["inputmode"] = "numeric"
        if instance is not None and instance.pk:
            self.initial.setdefault("consent", True)
            if instance.phone:  # shown as people write it; validation stores it as +62… again
                self.initial["phone"] = format_phone(instance.phone)
        # No village yet: a nominating body's officer picks it on the form (body_list.forms).
        if not self.is_bound and not (instance and instance.pk) and village is not None and village.postal_code:
            self.initial.setdefault("postal_code", village.postal_code)
        self.nominee_check = None

    def _get_validation_exclusions(self):
        # Checked once, by the form: the occupation was read by its field (an active one), and the
        # decile's range by clean_decile. The model's own checks of the two would each cost a query
        # on every save (the foreign key looked up again; the decile's CheckConstraint evaluated
        # by the database), and the table's constraints still hold whatever reaches them.
        return super()._get_validation_exclusions() | {"occupation", "decile"}

    def clean_rt(self):
        return clean_rt(self.cleaned_data["rt"])

    def clean_rw(self):
        return clean_rw(self.cleaned_data["rw"])

    def clean_decile(self):
        return clean_decile(self.cleaned_data["decile"])

    def clean(self):
        cleaned = super().clean()
        if self.errors.get("nik") or self.errors.get("kk"):
            return cleaned
        self.nominee_check = check_nominee(
            programme=self.programme, village=self.village, nik=cleaned.get("nik", ""), kk=cleaned.get("kk", ""),
            birth_date=cleaned.get("birth_date"), sex=cleaned.get("sex"), phone=cleaned.get("phone", ""),
            exclude_pk=self.instance.pk,
        )
        for issue in self.nominee_check.errors:
            self.add_error(issue.field if issue.field in self.fields else None, issue.message)
        if not self.errors:  # one query, only for a person otherwise ready to save
            lookalike = entry_lookalike_warning(
                full_name=cleaned.get("full_name", ""), birth_date=cleaned.get("birth_date"),
                mother_maiden_name=cleaned.get("mother_maiden_name") or "", nik_hash=self.nominee_check.nik_hash,
                exclude_pk=self.instance.pk, scope=self.scope)
            if lookalike:
                self.nominee_check.warnings.append(Issue("full_name", LOOKALIKE_WARNING, lookalike))
        if self.nominee_check.warnings and not cleaned.get("confirm_warnings") and not self.errors:
            self.add_error("confirm_warnings", _("Ada peringatan di atas. Cocokkan dengan KTP, lalu centang kotak ini."))
        return cleaned

    @property
    def warnings(self):
        return self.nominee_check.warnings if self.nominee_check else []

    def service_kwargs(self) -> dict:
        """What services.nominee_create / nominee_update take, from a valid form."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name not in ("nik", "kk", "phone")}
        return {**data, "nik": self.nominee_check.nik, "nik_hash": self.nominee_check.nik_hash, "kk": self.nominee_check.kk,
                "phone": self.nominee_check.phone, "confirmed_warnings": self.nominee_check.warning_codes}


def clean_rt(value: str) -> str:
    return _pad_neighbourhood(value, "RT")


def clean_rw(value: str) -> str:
    return _pad_neighbourhood(value, "RW") if value else ""


def clean_decile(decile: int | None) -> int | None:
    if decile is not None and not 1 <= decile <= 10:
        raise forms.ValidationError(_("Desil antara 1 dan 10."))
    return decile


def _pad_neighbourhood(value: str, label: str) -> str:
    digits = value.strip().lstrip("0") or "0"
    if not digits.isdigit() or len(digits) > 3:
        raise forms.ValidationError(f"{label} diisi angka, mis. 3 atau 003.")
    return digits.zfill(3)


# --- A new nominee's blank form, drawn once for what it shows --------------------------------------

BLANK_FIELDS_TEMPLATES = (  # the fields and what they include (their widgets: common/jinja2, Django's)
    "registrations/includes_nominee_fields.html", "includes/form_errors.html", "registrations/nominee_checkbox.html",
)


def blank_fields(form: NomineeForm) -> str | None:
    """The fields of a new nominee's form with nothing typed in yet, kept once drawn (common.kept)
    under everything they show: the language, the initial values (the village's postal code) and
    the active occupations, read here in the one query the select would make; and how they are
    drawn (`_blank_drawn_with`). At a deadline every village officer opens this form at once, and
    its seventeen fields are about a third of the page's work. None for any other form (values
    typed, errors shown, an existing nominee, a nominating body's form with its villages to
    choose): drawn for its request. Nothing in it is personal: a blank form holds no one's data."""
    if type(form) is not NomineeForm or form.is_bound or form.instance.pk is not None:
        return None
    occupations = tuple((category.pk, str(category)) for category in form.fields["occupation"].queryset)
    shown = (get_language(), tuple(sorted((name, repr(value)) for name, value in form.initial.items())), occupations)

    def draw() -> str:
        return str(render_to_string(BLANK_FIELDS_TEMPLATES[0], {"form": form}))

    drawn = kept("blank-nominee-fields", shown, draw, drawn_with=_blank_drawn_with())
    return mark_safe(drawn)  # noqa: S308 - our own templates drew it, escaping included; the cache kept the text


@functools.cache
def _blank_drawn_with() -> str:
    """How the blank form is drawn: its templates, the field template every form uses, this module
    (the fields, labels and widgets) and Django's version (its widget templates), once per process."""
    field_template = Path(settings.BASE_DIR, "common", "jinja2", "common", "field.html")
    return sources_digest(BLANK_FIELDS_TEMPLATES, field_template.read_text(encoding="utf-8"),
                          Path(__file__).read_text(encoding="utf-8"), django.get_version())
