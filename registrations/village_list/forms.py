"""Forms of the village officer's pages that are not the nominee form (forms.NomineeForm)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.formatting import format_megabytes

MINUTES_MAX_BYTES = 5 * 1024 * 1024
# What the first bytes of an accepted file look like. The extension alone is not enough: a phone
# renames nothing, but a file manager may call a Word document "ba.pdf".
MINUTES_SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


class VillageSubmitForm(forms.Form):
    """"Kirim ke kabupaten": the musdes minutes as a PDF or a photo (JPEG/PNG), at most 5 MB."""

    minutes = forms.FileField(
        label=_("Berita acara musyawarah desa"),
        help_text=_("PDF atau foto (JPG/PNG), paling besar 5 MB."),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
        error_messages={"required": _("Unggah berita acara musyawarah desa (PDF atau foto) sebelum mengirim daftar."),
                        "empty": _("Berkas berita acara kosong. Pilih berkas lain.")},
    )

    def __init__(self, *args, minutes_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minutes"].required = minutes_required

    def clean_minutes(self):
        upload = self.cleaned_data.get("minutes")
        if not upload:
            return None
        name = upload.name.lower()
        extension = name[name.rfind("."):] if "." in name else ""
        if extension not in MINUTES_SIGNATURES:
            raise forms.ValidationError(_("Berita acara harus berupa PDF atau foto JPG/PNG."))
        if upload.size > MINUTES_MAX_BYTES:
            raise forms.ValidationError(
                _("Berkas terlalu besar (%(size)s MB). Paling besar 5 MB: kecilkan foto atau pindai ulang."),
                params={"size": format_megabytes(upload.size)},
            )
        head = upload.read(8)
        upload.seek(0)
        if not head.startswith(MINUTES_SIGNATURES[extension]):
            raise forms.ValidationError(_("Isi berkas bukan PDF atau foto JPG/PNG yang sah. Pilih berkas lain."))
        return upload
