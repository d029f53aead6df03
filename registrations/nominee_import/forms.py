"""The nominee workbook upload form."""

from django import forms

from common import workbooks

from . import workbook as excel


class NomineeUploadForm(forms.Form):
    """A village's file: the portal's template, or OpenSID's participants of a programme, from the
    "Expor" icon (.xlsx) or the "Unduh" button (an HTML report named .xls)."""

    file = forms.FileField(
        label="Berkas Excel (.xlsx, atau .xls dari OpenSID)",
        help_text="Template dari portal, atau daftar peserta dari OpenSID: Bantuan › Program Bantuan › ikon Expor "
                  "di baris program (.xlsx), atau tombol Unduh di daftar peserta program (.xls). Paling besar 5 MB.",
        error_messages={"required": "Pilih berkas yang akan diunggah."},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,application/vnd.openxmlformats-officedocument."
                                                         "spreadsheetml.sheet,application/vnd.ms-excel"}),
    )

    def clean_file(self):
        return workbooks.clean_upload(self.cleaned_data["file"], max_bytes=excel.MAX_BYTES,
                                      extensions=(".xlsx", ".xls"))


class RegencyNomineeUploadForm(forms.Form):
    """The office's list for the whole regency: the template with "Kode desa" filled on every row."""

    file = forms.FileField(
        label="Berkas Excel (.xlsx)",
        help_text=(f"Template dari portal dengan kolom Kode desa terisi di setiap baris. Paling banyak "
                   f"{excel.REGENCY_MAX_ROWS:,} baris, paling besar {excel.REGENCY_MAX_BYTES // 1024 // 1024} MB."
                   ).replace(",", "."),
        error_messages={"required": "Pilih berkas .xlsx yang akan diunggah."},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument."
                                                         "spreadsheetml.sheet"}),
    )

    def clean_file(self):
        return workbooks.clean_upload(self.cleaned_data["file"], max_bytes=excel.REGENCY_MAX_BYTES)
