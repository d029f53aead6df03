"""The village's confirmation form: per previous member, continue or leave with a reason."""

from __future__ import annotations

from django import forms

from registrations.continuation import CONTINUE, LEAVE, Choice
from registrations.enums import LEAVING_REASONS, EndReason

FATES = [(CONTINUE, "Lanjut"), (LEAVE, "Berhenti")]
# As the village knows it: a waged worker is one whose employer registers them with BPJS.
_SAID = {EndReason.WAGED: "Menjadi pekerja penerima upah (didaftarkan pemberi kerja)"}
REASONS = [("", "— pilih alasan berhenti —"),
           *((str(reason), _SAID.get(reason, reason.label)) for reason in LEAVING_REASONS)]


class ContinuationForm(forms.Form):
    """One pair of fields per member shown (`members`: the nominees awaiting confirmation on this
    page): `nasib_<pk>` (lanjut/berhenti, lanjut by default) and `alasan_<pk>` (required to leave),
    with `status_<pk>`, the status shown, so a member changed meanwhile is refused by the workflow."""

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for member in self.members:
            self.fields[f"nasib_{member.pk}"] = forms.ChoiceField(
                label=member.full_name, choices=FATES, initial=CONTINUE, widget=forms.RadioSelect,
                error_messages={"required": f"Pilih lanjut atau berhenti untuk {member.full_name}.",
                                "invalid_choice": f"Pilih lanjut atau berhenti untuk {member.full_name}."})
            self.fields[f"alasan_{member.pk}"] = forms.ChoiceField(
                label=f"Alasan berhenti {member.full_name}", choices=REASONS, required=False,
                error_messages={"invalid_choice": "Pilih alasan dari daftar."})
            self.fields[f"status_{member.pk}"] = forms.CharField(widget=forms.HiddenInput, initial=member.status)

    def clean(self):
        cleaned = super().clean()
        for member in self.members:
            if cleaned.get(f"nasib_{member.pk}") == LEAVE and not cleaned.get(f"alasan_{member.pk}"):
                self.add_error(f"alasan_{member.pk}", f"Pilih alasan berhenti untuk {member.full_name}.")
        return cleaned

    def rows(self):
        """(member, fate field, reason field) per member, for the template."""
        return [(member, self[f"nasib_{member.pk}"], self[f"alasan_{member.pk}"], self[f"status_{member.pk}"])
                for member in self.members]

    def choices(self) -> list[Choice]:
        return [Choice(nominee_pk=member.pk, continues=self.cleaned_data[f"nasib_{member.pk}"] == CONTINUE,
                       seen_status=self.cleaned_data[f"status_{member.pk}"] or member.status,
                       reason_code=self.cleaned_data[f"alasan_{member.pk}"])
                for member in self.members]
