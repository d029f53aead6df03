"""Forms of the claims pages: finding the member, the claim itself, and the claims file upload."""

from django import forms

from common import workbooks
from common.fields import RupiahField
from membership.enums import BeneficiaryRelation, Benefit
from registrations.forms import DateInput, WrittenDateField

from . import imports as claim_import
from .services import REFERENCE_MAX


class MemberSearchForm(forms.Form):
    # Sent by POST, never in the URL: a NIK in a URL ends up in the access logs.
    cari = forms.CharField(label="Nomor KPJ atau NIK peserta", max_length=40,
                           error_messages={"required": "Ketik nomor KPJ atau NIK peserta."})


class ClaimForm(forms.Form):
    benefit = forms.ChoiceField(label="Jenis manfaat", choices=[("", "— pilih —"), *Benefit.choices],
                                error_messages={"required": "Pilih jenis manfaat."})
    paid_on = WrittenDateField(label="Tanggal klaim dibayar", widget=DateInput(),
                               input_formats=["%Y-%m-%d", "%d-%m-%Y"],
                               error_messages={"required": "Isi tanggal klaim dibayar.",
                                               "invalid": "Tanggal \"%(value)s\" tidak terbaca."})
    # The limits are services.claim_problems' (MAX_AMOUNT): the form only reads the number.
    amount = RupiahField(label="Jumlah dibayar (Rp)", help_text="Misalnya 42.000.000.",
                         error_messages={"required": "Isi jumlah yang dibayar."})
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
