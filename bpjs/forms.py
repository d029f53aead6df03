"""Forms of the BPJS pages: the branch's answer file upload and the registration file's column layout."""

from django import forms

from common import workbooks

from . import answers as bpjs_import
from . import registration_file


class AnswerUploadForm(forms.Form):
    file = forms.FileField(
        label="Berkas jawaban BPJS (.xlsx)",
        help_text="Kolom: NIK · Nama · Nomor KPJ · Tanggal kepesertaan · Masa iur s.d. · Status (aktif/ditolak) · "
                  "Keterangan. Paling besar 5 MB.",
        error_messages={"required": "Pilih berkas .xlsx yang akan diunggah."},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        return workbooks.clean_upload(self.cleaned_data["file"], max_bytes=bpjs_import.MAX_BYTES)


class RegistrationFileLayoutForm(forms.Form):
    """The stored list is edited as text, one column per line; registration_file reads and checks
    it (the catalogue of columns lives there alone). The reset is read first: with it ticked,
    whatever the text box holds is not checked."""

    reset = forms.BooleanField(label=registration_file.RESET_LABEL, required=False)
    columns = forms.CharField(
        label="Susunan kolom berkas pendaftaran BPJS", required=False,
        widget=forms.Textarea(attrs={"rows": 20, "spellcheck": "false", "autocapitalize": "none"}),
        help_text="Satu kolom per baris, berurutan dari kiri: kode kolom, atau kode kolom, titik dua, lalu judul "
                  "kolom yang dipakai kantor cabang BPJS (mis. nik: NIK KTP). Batch yang sudah dibuat tidak berubah.",
    )

    def __init__(self, *args, columns: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["columns"] = registration_file.layout_text(columns)

    @property
    def catalogue(self) -> list:
        """The columns shown beside the text box."""
        return list(registration_file.COLUMNS.values())

    @property
    def default_keys(self) -> list[str]:
        return registration_file.DEFAULT_LAYOUT

    def clean_columns(self):
        if self.cleaned_data.get("reset"):
            return []
        try:
            return registration_file.layout_parse(self.cleaned_data["columns"])
        except registration_file.LayoutError as error:
            raise forms.ValidationError(error.messages) from None
