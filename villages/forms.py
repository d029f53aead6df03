from django import forms

from .models import RegencySettings


class RegencySettingsForm(forms.ModelForm):
    class Meta:
        model = RegencySettings
        fields = ["office_name", "office_short_name", "head_name", "head_title", "head_nip", "time_zone"]

    def clean_head_nip(self):
        nip = self.cleaned_data["head_nip"].replace(" ", "")
        if nip and (not nip.isdigit() or len(nip) != 18):
            raise forms.ValidationError("NIP terdiri dari 18 digit angka.")
        return nip
