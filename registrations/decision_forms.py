"""The decision form: one nominee (nominee page) or many (the queue and the village review page).
It only parses; workflow.py checks the reason against the transition."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import Action, EndReason, ReviewReason
from .workflow import REVIEW_ACTIONS

REASON_CHOICES = [("", "— pilih alasan —"), *ReviewReason.choices]


class DecisionForm(forms.Form):
    action = forms.ChoiceField(label=_("Keputusan"), choices=[(a, Action(a).label) for a in REVIEW_ACTIONS])
    reason_code = forms.ChoiceField(label=_("Alasan"), choices=REASON_CHOICES, required=False,
                                    help_text=_("Wajib untuk mengembalikan atau menolak."))
    reason = forms.CharField(label=_("Keterangan"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Ditampilkan ke operator desa. Wajib untuk 'Lainnya' dan buka kembali."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Required for some decisions only: includes/field.html must not call them "boleh kosong".
        self.fields["reason_code"].conditional = self.fields["reason"].conditional = True

    def clean(self):
        data = super().clean()
        if data.get("action") in (Action.RETURN, Action.REJECT) and not data.get("reason_code"):
            self.add_error("reason_code", "Pilih alasan mengembalikan atau menolak.")
        if data.get("action") not in (Action.RETURN, Action.REJECT):
            data["reason_code"] = ""
        return data


class BulkDecisionForm(DecisionForm):
    """A selection (`nominee` checkboxes, each with a hidden `seen-<pk>` status) or a whole village."""

    village = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EndForm(forms.Form):
    # No reason preselected: ending a membership is chosen, never defaulted.
    reason_code = forms.ChoiceField(label=_("Alasan berhenti"), choices=[("", "— pilih alasan —"), *EndReason.choices])
    reason = forms.CharField(label=_("Keterangan"), required=False, max_length=1000)
