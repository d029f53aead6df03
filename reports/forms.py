"""Forms of the coverage pages: the year's target, an official figure, village denominators, the
planner and the official-figures upload. They parse and check input; views hand the cleaned data to
reports/services.py (coverage_target_set, official_figure_record, village_denominator_set) or to
reports/planner.py, which have the last word (their ValidationError is shown on the form)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import workbooks
from common.fields import CountField
from common.formatting import read_percent_number
from villages.models import Subdistrict

from . import excel

FIRST_YEAR = 2015  # UCJ targets began with the 2021 Inpres; older official figures may still be entered
PERCENT_ERRORS = {
    "required": _("Isi persentase."),
    "invalid": _("Tulis persentase sebagai angka, mis. 46,80."),
    "min_value": _("Persentase tidak boleh kurang dari 0."),
    "max_value": _("Persentase tidak boleh lebih dari 100."),
    "max_digits": _("Persentase paling banyak 3 angka di depan koma."),
    "max_decimal_places": _("Persentase paling banyak 2 angka di belakang koma."),
    "max_whole_digits": _("Persentase paling banyak 3 angka di depan koma."),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PercentField(forms.DecimalField):
    """A percentage as people write it: "46,80", "46.80" or "46,8 %", in whatever language the
    browser asks for (Django's localized DecimalField reads "46,80" only in Indonesian). The
    range and the places are the field's validators, with PERCENT_ERRORS."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return read_percent_number(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def _count_field(label, *, required=False, minimum=0, help_text="", required_message=None):
    field = CountField(
        label=label, required=required, min_value=minimum, max_value=2_000_000_000, help_text=help_text,
        error_messages={
            "required": required_message or _("Isi angka ini."),
            "invalid": _("Tulis angka bulat, mis. 25400 atau 25.400."),
            "min_value": (_("Tidak boleh negatif.") if minimum == 0
                          else _("Harus lebih dari 0.")),
            "max_value": _("Angka terlalu besar."),
        },
    )
    field.widget.attrs.update(inputmode="numeric")
    return field


def _percent_field(label, *, required=True, help_text=""):
    field = PercentField(label=label, required=required, min_value=Decimal(0), max_value=Decimal(100),
                         max_digits=5, decimal_places=2, localize=True, help_text=help_text,
                         error_messages=PERCENT_ERRORS)
    field.widget.attrs.update(inputmode="decimal")
    return field


def year_choices(today: dt.date | None = None) -> list[int]:
    today = today or timezone.localdate()
    return list(range(today.year + 1, FIRST_YEAR - 1, -1))


class CoverageTargetForm(forms.Form):
    """The year's UCJ target of a regency and the working population it is measured against."""

    year = forms.TypedChoiceField(label=_("Tahun"), coerce=int,
                                  error_messages={"required": _("Pilih tahun."),
                                                  "invalid_choice": _("Pilih tahun dari daftar.")})
    target_percent = _percent_field(_("Target UCJ (%)"), help_text=_("Target dari Kemendagri untuk tahun itu, "
                                                                      "mis. 46,80."))
    working_population = _count_field(_("Penduduk bekerja"), required=True, minimum=1,
                                      help_text=_("Penyebut UCJ, mis. dari BPS Sakernas Agustus."),
                                      required_message=_("Isi jumlah penduduk bekerja."))
    population_source = forms.CharField(
        label=_("Sumber data penduduk bekerja"), max_length=200,
        help_text=_("Mis. BPS Sakernas Agustus 2024."),
        error_messages={"required": _("Isi sumber data penduduk bekerja, mis. BPS Sakernas Agustus 2024."),
                        "max_length": _("Paling panjang 200 karakter.")},
    )

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in year_choices(today)]


class OfficialFigureForm(forms.Form):
    """An official figure as BPJS reports it, for the regency or (optionally) one of its subdistricts."""

    subdistrict = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Subdistrict.objects.none(), required=False,
        empty_label=_("— seluruh kabupaten/kota —"),
        help_text=_("Kosongkan untuk angka kabupaten/kota; pilih kecamatan bila BPJS mengirim angka per kecamatan."),
        error_messages={"invalid_choice": _("Pilih kecamatan dari daftar.")},
    )
    as_of = forms.DateField(label=_("Per tanggal"), widget=DateInput(),
                            error_messages={"required": _("Isi tanggal data BPJS."),
                                            "invalid": _("Tanggal tidak valid.")})
    active_pu = _count_field(_("Peserta aktif PU"), help_text=_("Penerima upah. Kosong berarti 0."))
    active_bpu = _count_field(_("Peserta aktif BPU"), help_text=_("Bukan penerima upah. Kosong berarti 0."))
    active_jakon = _count_field(_("Peserta aktif Jakon"), help_text=_("Jasa konstruksi. Kosong berarti 0."))
    active_pmi = _count_field(_("Peserta aktif PMI"), help_text=_("Pekerja migran. Kosong berarti 0."))
    denominator = _count_field(_("Penduduk bekerja (penyebut)"), required=True, minimum=1,
                               help_text=_("Penyebut yang dipakai BPJS dalam laporan ini."),
                               required_message=_("Isi penduduk bekerja (penyebut); tanpa penyebut UCJ tidak bisa "
                                                  "dihitung."))
    published_percent = _percent_field(_("UCJ yang dipublikasikan (%)"), required=False,
                                       help_text=_("Seperti tertulis di laporan BPJS, mis. 38,45."))
    source_document = forms.CharField(label=_("Dokumen sumber"), max_length=200, required=False,
                                      help_text=_("Mis. nomor surat BPJS Cabang."),
                                      error_messages={"max_length": _("Paling panjang 200 karakter.")})

    def __init__(self, *args, regency, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["subdistrict"].queryset = regency.subdistricts.filter(is_retired=False).order_by("code")
        self.fields["subdistrict"].label_from_instance = lambda subdistrict: f"{subdistrict.name} ({subdistrict.code})"

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of > self.today:
            raise forms.ValidationError(_("Tanggal data tidak boleh sesudah hari ini."))
        return as_of

    def clean(self):
        cleaned = super().clean()
        for name in ("active_pu", "active_bpu", "active_jakon", "active_pmi"):
            if name in cleaned and cleaned[name] is None:
                cleaned[name] = 0
        return cleaned


class VillageDenominatorsForm(forms.Form):
    """Working residents of each village of a subdistrict for one year: one number and one source per
    village. A blank number leaves the village as it is."""

    year = forms.TypedChoiceField(label=_("Tahun"), coerce=int,
                                  error_messages={"required": _("Pilih tahun."),
                                                  "invalid_choice": _("Pilih tahun dari daftar.")})

    def __init__(self, *args, villages, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.villages = list(villages)
        self.fields["year"].choices = [(year, str(year)) for year in year_choices(today)]
        self.fields["year"].widget = forms.HiddenInput()
        for village in self.villages:
            self.fields[self.residents_name(village)] = _count_field(
                _("Penduduk bekerja %(village)s") % {"village": village.name}, minimum=1)
            self.fields[self.source_name(village)] = forms.CharField(
                label=_("Sumber %(village)s") % {"village": village.name}, max_length=200, required=False,
                error_messages={"max_length": _("Paling panjang 200 karakter.")})

    @staticmethod
    def residents_name(village) -> str:
        return f"penduduk_{village.pk}"

    @staticmethod
    def source_name(village) -> str:
        return f"sumber_{village.pk}"

    def rows(self):
        """(village, residents bound field, source bound field) for the template."""
        return [(village, self[self.residents_name(village)], self[self.source_name(village)])
                for village in self.villages]

    def entries(self) -> list[tuple]:
        """(village, working residents, source) for the villages with a number."""
        return [(village, self.cleaned_data[self.residents_name(village)],
                 self.cleaned_data[self.source_name(village)].strip())
                for village in self.villages if self.cleaned_data.get(self.residents_name(village))]


class PlannerForm(forms.Form):
    """The planner's two questions, asked by GET: fund `tambah` more workers, or reach `target` %."""

    tambah = forms.IntegerField(
        label=_("Tambah pekerja yang didanai"), required=False, min_value=1, max_value=10_000_000,
        error_messages={"invalid": _("Jumlah pekerja harus bilangan bulat, mis. 1000."),
                        "min_value": _("Jumlah pekerja paling sedikit 1."),
                        "max_value": _("Jumlah pekerja terlalu besar.")},
    )
    target = PercentField(
        label=_("Target UCJ (%)"), required=False, min_value=Decimal("0.01"), max_value=Decimal(100), max_digits=5,
        decimal_places=2, localize=True,
        error_messages={**PERCENT_ERRORS, "min_value": _("Target harus lebih dari 0.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tambah"].widget.attrs.update(inputmode="numeric")
        self.fields["target"].widget.attrs.update(inputmode="decimal")
        for field in self.fields.values():
            field.conditional = True  # either question alone is enough: no "(boleh kosong)" on the labels


class FigureUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas Excel (.xlsx)"),
        help_text=_("Template angka resmi dari portal, diisi dari laporan BPJS Cabang. Paling besar 2 MB."),
        error_messages={"required": _("Pilih berkas .xlsx yang akan diunggah.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument."
                                                         "spreadsheetml.sheet"}),
    )

    def clean_file(self):
        return workbooks.clean_upload(self.cleaned_data["file"], max_bytes=excel.MAX_BYTES)
