"""Forms of the budget room: a budget entry, a premium bill (or its payment), the bill import's upload."""

from __future__ import annotations

import datetime as dt

from django import forms

from common import workbooks
from common.fields import CountField, RupiahField
from registrations.forms import DateInput

from ..enums import BUDGET_SOURCE_CHOICES
from . import workbook


class MonthField(forms.DateField):
    """A month, as the browser's month picker sends it ("2026-03") or as people write it
    ("03-2026", "03/2026"): the first day of that month."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%m-%Y", "%m/%Y"]
    default_error_messages = {"invalid": "Tulis bulan sebagai BB-TTTT, misalnya 03-2026."}

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if isinstance(day, dt.date) else day


class BudgetEntryForm(forms.Form):
    source = forms.ChoiceField(label="Sumber dana", choices=BUDGET_SOURCE_CHOICES)
    amount = RupiahField(label="Jumlah anggaran (Rp)", help_text="Misalnya 101.808.000.",
                         error_messages={"required": "Isi jumlah anggaran."})
    legal_basis = forms.CharField(label="Dasar hukum (Perbup)", max_length=200,
                                  help_text="Misalnya Perbup Seluma Nomor 15 Tahun 2025.",
                                  error_messages={"required": "Isi nomor Perbup yang menetapkan anggaran ini."})
    decided_on = forms.DateField(label="Tanggal penetapan", widget=DateInput(),
                                 error_messages={"required": "Isi tanggal penetapan.",
                                                 "invalid": "Tulis tanggal yang valid."})

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError("Jumlah anggaran harus lebih dari 0.")
        return amount


class BillForm(forms.Form):
    first_month = MonthField(label="Periode mulai (bulan)", error_messages={"required": "Isi bulan pertama tagihan."})
    last_month = MonthField(label="Periode sampai (bulan)",
                            error_messages={"required": "Isi bulan terakhir tagihan (sama dengan bulan mulai untuk "
                                                        "tagihan satu bulan)."})
    members = CountField(label="Jumlah peserta ditagih", min_value=1,
                                 error_messages={"required": "Isi jumlah peserta di tagihan BPJS.",
                                                 "min_value": "Jumlah peserta harus lebih dari 0.",
                                                 "invalid": "Tulis jumlah peserta sebagai angka bulat."})
    amount = RupiahField(label="Jumlah tagihan (Rp)", error_messages={"required": "Isi jumlah tagihan."})
    due_on = forms.DateField(label="Jatuh tempo", widget=DateInput(),
                             error_messages={"required": "Isi tanggal jatuh tempo.",
                                             "invalid": "Tulis tanggal yang valid."})
    paid_on = forms.DateField(label="Tanggal bayar (SP2D)", widget=DateInput(), required=False,
                              help_text="Kosongkan bila belum dibayar.",
                              error_messages={"invalid": "Tulis tanggal yang valid."})
    payment_document = forms.CharField(label="Nomor SP2D", max_length=100, required=False,
                                       help_text="Diisi bersama tanggal bayar.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].widget.attrs["inputmode"] = "numeric"


class BillUploadForm(forms.Form):
    file = forms.FileField(
        label="Berkas Excel (.xlsx)",
        help_text=f"Template tagihan dari portal, diisi dari tagihan BPJS Cabang. Paling besar "
                  f"{workbook.MAX_BYTES // 1024 // 1024} MB.",
        error_messages={"required": "Pilih berkas .xlsx yang akan diunggah."},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument."
                                                         "spreadsheetml.sheet"}),
    )

    def clean_file(self):
        return workbooks.clean_upload(self.cleaned_data["file"], max_bytes=workbook.MAX_BYTES)
