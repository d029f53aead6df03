from django import forms

from common import workbooks

from . import participants


class ParticipantUploadForm(forms.Form):
    file = forms.FileField(
        label="Daftar peserta BPJS (.xlsx)",
        help_text="Kolom: Nomor KPJ · NIK · Nama · Status (aktif/tidak aktif) · Masa iur s.d. Paling besar 5 MB.",
        error_messages={"required": "Pilih berkas .xlsx yang akan diunggah."},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        return workbooks.clean_upload(self.cleaned_data["file"], max_bytes=participants.MAX_BYTES)
