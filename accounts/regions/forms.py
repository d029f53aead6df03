from django import forms

from villages.models import RegencySettings


class RegencySettingsForm(forms.ModelForm):
    # NIPs are printed "19700101 199003 1 002": accept the 21 characters people type, store 18 digits.
    head_nip = forms.CharField(
        label=RegencySettings._meta.get_field("head_nip").verbose_name, max_length=21, required=False,
    )
    class Meta:
        model = RegencySettings
        fields = ["office_name", "office_short_name", "head_name", "head_title", "head_nip", "time_zone",
                  "approval_steps", "registration_means_active"]

    def clean_head_nip(self):
        nip = self.cleaned_data["head_nip"].replace(" ", "")
        if nip and (not nip.isdigit() or len(nip) != 18):
            raise forms.ValidationError("NIP terdiri dari 18 digit angka.")
        return nip
