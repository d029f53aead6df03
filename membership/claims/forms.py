"""Forms of the claims pages: finding the member, the claim itself, and the claims file upload."""

from django import forms

from common import workbooks

from . import imports as claim_import
from membership.enums import BeneficiaryRelation, Benefit
from .services import MAX_AMOUNT, REFERENCE_MAX


class MemberSearchForm(forms.Form):
    # Sent by POST, never in the URL: a NIK in a URL ends up in the access logs.
    cari = forms.CharField(label="Nomor KPJ atau NIK peserta", max_length=40,
                           error_messages={"required": "Ketik nomor KPJ atau NIK peserta."})


class ClaimForm(forms.Form):
    benefit = forms.ChoiceField(label="Jenis manfaat", choices=[("", "— pilih —"), *Benefit.choices],
                                error_messages={"required": "Pilih jenis manfaat."})
    paid_on = forms.DateField(label="Tanggal klaim dibayar", input_formats=["%d-%m-%Y", "%Y-%m-%d"],
                              widget=forms.DateInput(attrs={"placeholder": "HH-BB-TTTT"}),
                              error_messages={"required": "Isi tanggal klaim dibayar.",
                                              "invalid": "Tulis tanggal sebagai HH-BB-TTTT, mis. 14-11-2026."})
    amount = forms.IntegerField(label="Jumlah dibayar (Rp)", min_value=1, max_value=MAX_AMOUNT,
                                error_messages={"required": "Isi jumlah yang dibayar.",
                                                "invalid": "Tulis jumlah sebagai angka utuh, tanpa titik.",
                                                "min_value": "Jumlah klaim harus lebih dari Rp0.",
                                                "max_value": "Jumlah klaim tidak wajar; periksa lagi angkanya."})
    relation = forms.ChoiceField(label="Penerima", choices=[("", "— pilih —"), *BeneficiaryRelation.choices],
                                 error_messages={"required": "Pilih penerima manfaat."})
    beneficiary_name = forms.CharField(label="Nama penerima", max_length=120, required=False)
    bpjs_reference = forms.CharField(label="Nomor referensi BPJS", max_length=REFERENCE_MAX,
                                     error_messages={"required": "Isi nomor referensi klaim dari BPJS."})


class ClaimUploadForm(forms.Form):
    file = forms.FileField(
        label="Berkas klaim dari BPJS (.xlsx)",
        help_text=f"Kolom: {' · '.join(claim_import.COLUMNS.values())}. Paling besar 5 MB.",
        error_messages={"required": "Pilih berkas .xlsx yang akan diunggah."},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        return workbooks.clean_upload(self.cleaned_data["file"], max_bytes=claim_import.MAX_BYTES)
