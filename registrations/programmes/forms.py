"""Forms of the programme pages: a programme stage and a village's quota override."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registrations.continuation import continuation_sources
from registrations.enums import MonthsPaid
from registrations.forms import DateInput
from registrations.models import Programme
from villages.models import Village


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["name", "year", "stage", "legal_basis", "implementing_office", "funding_source",
                  "bpjs_funding_code", "includes_jht", "income_tier", "months_paid", "coverage_start",
                  "nomination_opens", "nomination_closes", "min_age", "max_age_exclusive", "quota_rule",
                  "quota_per_village", "quota_total", "requires_minutes", "continues_from"]
        widgets = {"coverage_start": DateInput(), "nomination_opens": DateInput(), "nomination_closes": DateInput(),
                   "months_paid": forms.Select(choices=MonthsPaid.choices)}

    def __init__(self, *args, regency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["implementing_office"].required = False
        # Only the regency's other programmes (continuation.py checks which of them may be continued).
        self.fields["continues_from"].queryset = continuation_sources(self.instance, regency.pk)
        self.fields["continues_from"].empty_label = "— Tidak, peserta diusulkan baru —"
        self.fields["continues_from"].error_messages["invalid_choice"] = "Pilih program sebelumnya dari daftar."

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("nomination_opens"), cleaned.get("nomination_closes")
        if opens and closes and opens > closes:
            self.add_error("nomination_closes", _("Tanggal tutup harus sesudah tanggal buka."))
        if cleaned.get("quota_rule") == "regency_total" and not cleaned.get("quota_total"):
            self.add_error("quota_total", _("Isi kuota seluruh kabupaten untuk aturan kuota ini."))
        low, high = cleaned.get("min_age"), cleaned.get("max_age_exclusive")
        if low is not None and high is not None and low >= high:
            self.add_error("max_age_exclusive", _("Batas atas usia harus lebih besar dari usia minimal."))
        return cleaned


class VillageQuotaForm(forms.Form):
    """One village's quota in a per-village programme."""

    village = forms.ModelChoiceField(label="Desa/kelurahan", queryset=Village.objects.none(),
                                     error_messages={"required": "Pilih desa/kelurahan.",
                                                     "invalid_choice": "Pilih desa/kelurahan dari daftar."})
    quota = forms.IntegerField(label="Kuota", min_value=0, max_value=10_000,
                               error_messages={"required": "Isi kuota desa.",
                                               "min_value": "Kuota tidak boleh negatif."})

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = (
            Village.objects.filter(subdistrict__regency_id=programme.regency_id, is_retired=False)
            .select_related("subdistrict").order_by("code")
        )
        self.fields["village"].label_from_instance = (
            lambda village: f"{village.name} — Kec. {village.subdistrict.name} ({village.code})"
        )
        self.fields["quota"].widget.attrs["inputmode"] = "numeric"
        self.fields["quota"].help_text = (
            f"Kuota umum program ini {programme.quota_per_village} per desa; isi angka itu untuk kembali ke kuota umum."
        )
