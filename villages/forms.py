from django import forms

from registrations import bpjs_export

from .models import RegencySettings


class RegencySettingsForm(forms.ModelForm):
    # NIPs are printed "19700101 199003 1 002": accept the 21 characters people type, store 18 digits.
    head_nip = forms.CharField(
        label=RegencySettings._meta.get_field("head_nip").verbose_name, max_length=21, required=False,
    )
    # The stored list is edited as text, one column per line; registrations.bpjs_export reads and
    # checks it (the catalogue of columns lives there alone).
    bpjs_export_layout = forms.CharField(
        label="Susunan kolom berkas pendaftaran BPJS", required=False,
        widget=forms.Textarea(attrs={"rows": 20, "spellcheck": "false", "autocapitalize": "none"}),
        help_text="Satu kolom per baris, berurutan dari kiri: kode kolom, atau kode kolom, titik dua, lalu judul "
                  "kolom yang dipakai kantor cabang BPJS (mis. nik: NIK KTP). Batch yang sudah dibuat tidak berubah.",
    )
    bpjs_export_layout_reset = forms.BooleanField(label=bpjs_export.RESET_LABEL, required=False)

    # The reset is read first: with it ticked, whatever the text box holds is not checked.
    field_order = ["office_name", "office_short_name", "head_name", "head_title", "head_nip", "time_zone",
                   "approval_steps", "bpjs_export_layout_reset", "bpjs_export_layout"]

    class Meta:
        model = RegencySettings
        fields = ["office_name", "office_short_name", "head_name", "head_title", "head_nip", "time_zone",
                  "approval_steps", "bpjs_export_layout"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["bpjs_export_layout"] = bpjs_export.layout_text(self.instance.bpjs_export_layout)

    @property
    def bpjs_columns(self) -> list[bpjs_export.ExportColumn]:
        """The catalogue shown beside the text box."""
        return list(bpjs_export.COLUMNS.values())

    @property
    def bpjs_default_keys(self) -> list[str]:
        return bpjs_export.DEFAULT_LAYOUT

    def clean_head_nip(self):
        nip = self.cleaned_data["head_nip"].replace(" ", "")
        if nip and (not nip.isdigit() or len(nip) != 18):
            raise forms.ValidationError("NIP terdiri dari 18 digit angka.")
        return nip

    def clean_bpjs_export_layout(self):
        if self.cleaned_data.get("bpjs_export_layout_reset"):
            return []
        try:
            return bpjs_export.layout_parse(self.cleaned_data["bpjs_export_layout"])
        except bpjs_export.LayoutError as error:
            raise forms.ValidationError(error.messages) from None

    def clean(self):
        cleaned = super().clean()
        cleaned.pop("bpjs_export_layout_reset", None)  # not a setting: only how the layout was chosen
        return cleaned
