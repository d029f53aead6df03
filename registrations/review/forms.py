"""Forms of the review pages: the decision form, one nominee (nominee page) or many (the queue and
the village review page), which only parses (workflow.py checks the reason against the
transition); the queue's filters; the auditor's export period."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.form_rendering import plain_widgets
from registrations import selectors
from registrations.checks import ReviewFlag
from registrations.enums import Action, DataSource, EndReason, ReviewReason
from registrations.enums import NomineeStatus as S
from registrations.models import OccupationCategory
from registrations.workflow import REVIEW_ACTIONS
from villages.models import Subdistrict, Village

ALL_STATUSES = "all"
# Never a keyed hash (those are 64 hex digits): what a NIK search edited by hand looks for.
NO_NIK_MATCH = "-"
SORT_CHOICES = [
    ("waiting", "Paling lama menunggu"),
    ("-waiting", "Paling baru berubah"),
    ("name", "Nama"),
    ("village", "Desa/kelurahan"),
    ("status", "Status"),
]


def _one_year_after(day: dt.date) -> dt.date:
    """The same calendar day a year later (29 February → 1 March): the first day too many."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, month=3, day=1)


REASON_CHOICES = [("", "— pilih alasan —"), *ReviewReason.choices]


class DecisionForm(forms.Form):
    # Drawn on every queue and village review page: the widgets written without the template engine.
    default_renderer = plain_widgets

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


class ReviewFilterForm(forms.Form):
    """The queue's filters, read from the GET URL (the page POSTs them first, see `queue`).
    Choices are limited to the programme's regency."""

    # Drawn on every request of the queue: the widgets written without the template engine.
    default_renderer = plain_widgets

    programme = forms.IntegerField(required=False, widget=forms.HiddenInput)
    q = forms.CharField(label="Cari nama atau NIK (16 digit)", required=False, max_length=80)
    # The keyed hash of the NIK searched for; kept as a hidden field so that changing another
    # filter keeps the search.
    nik = forms.CharField(required=False, widget=forms.HiddenInput,
                          validators=[RegexValidator(r"\A[0-9a-f]{64}\Z")])
    subdistrict = forms.ModelChoiceField(label="Kecamatan", queryset=Subdistrict.objects.none(), required=False,
                                         empty_label="Semua kecamatan")
    # A search box, not a list: a regency has up to ~2,000 villages, and an <option> each made
    # most of the page's size and time. Typed text is resolved in clean_village (a code, an exact
    # name, or a suggestion as written by village_label); with JavaScript, htmx fills the
    # <datalist> with the villages of the reviewer's scope as they type.
    village = forms.CharField(label="Desa/kelurahan", required=False, max_length=120,
                              help_text="Ketik nama atau kode desa/kelurahan; kosongkan untuk semua.")
    status = forms.ChoiceField(label="Status", choices=[(ALL_STATUSES, "Semua status"), *S.choices])
    occupation = forms.ModelChoiceField(label="Pekerjaan", queryset=OccupationCategory.objects.all(),
                                        required=False, empty_label="Semua pekerjaan")
    flag = forms.ChoiceField(label="Peringatan", choices=[("", "Semua"), *ReviewFlag.choices], required=False)
    data_source = forms.ChoiceField(label="Sumber data", choices=[("", "Semua sumber"), *DataSource.choices],
                                    required=False)
    sort = forms.ChoiceField(label="Urutkan", choices=SORT_CHOICES, required=False)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subdistrict"].queryset = Subdistrict.objects.filter(
            regency_id=programme.regency_id, is_retired=False).order_by("name")
        self.programme = programme
        self.fields["village"].widget.attrs.update({
            "list": "saran-desa", "autocomplete": "off", "placeholder": "Semua desa/kelurahan",
            "hx-get": reverse("registrations:review-village-search", args=[programme.pk]),
            "hx-trigger": "input changed delay:300ms", "hx-target": "#saran-desa", "hx-swap": "innerHTML",
        })
        self.fields["subdistrict"].label_from_instance = lambda s: s.name

    def clean_village(self) -> Village | None:
        text = self.cleaned_data.get("village", "").strip()
        if not text:
            return None
        villages = selectors.review_village_lookup(self.programme, text)
        if not villages:
            raise forms.ValidationError("Desa/kelurahan tidak ditemukan di kabupaten/kota ini. Pilih dari saran "
                                        "atau ketik kodenya (mis. 11.08.01.2001).")
        if len(villages) > 1:
            raise forms.ValidationError(f"Ada {len(villages)} desa/kelurahan bernama {text}: pilih dari saran atau "
                                        "ketik kodenya.")
        village = villages[0]
        # The box shows the village as the suggestions write it, also for an older link by pk.
        if hasattr(self.data, "_mutable"):
            self.data = self.data.copy()
        else:
            self.data = dict(self.data)
        self.data["village"] = village_label(village)
        return village

    def filters(self) -> selectors.ReviewFilters:
        """The valid filters; an invalid one is shown with its error and left out."""
        data = getattr(self, "cleaned_data", {})
        status = data.get("status")
        return selectors.ReviewFilters(
            subdistrict_id=data["subdistrict"].pk if data.get("subdistrict") else None,
            village_id=data["village"].pk if data.get("village") else None,
            status=None if status in (None, "", ALL_STATUSES) else status,
            occupation_id=data["occupation"].pk if data.get("occupation") else None,
            flag=data.get("flag") or "",
            data_source=data.get("data_source") or "",
            q=data.get("q") or "",
            # A bad `nik=` matches nobody: leaving it out, like other invalid filters, would show everybody.
            nik_hash=NO_NIK_MATCH if "nik" in self.errors else data.get("nik") or "",
            sort=data.get("sort") or "waiting",
        )


def village_label(village: Village) -> str:
    """How a suggestion and the filled-in box name a village: readable, and with its code, which
    clean_village reads back."""
    return f"{village.name} (Kec. {village.subdistrict.name}) {village.code}"


class AuditPeriodForm(forms.Form):
    dari = forms.DateField(label="Dari tanggal", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           error_messages={"required": "Isi tanggal awal.", "invalid": "Tanggal awal tidak valid."})
    sampai = forms.DateField(label="Sampai tanggal",
                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                             error_messages={"required": "Isi tanggal akhir.", "invalid": "Tanggal akhir tidak valid."})

    def clean(self):
        data = super().clean()
        start, end = data.get("dari"), data.get("sampai")
        if start and end:
            if start > end:
                self.add_error("sampai", "Tanggal akhir tidak boleh sebelum tanggal awal.")
            elif end >= _one_year_after(start):
                self.add_error("sampai", "Rentang paling lama satu tahun. Unduh per tahun bila perlu lebih.")
        return data
