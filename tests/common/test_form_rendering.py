"""common/form_rendering.py writes <select>, <input> and <textarea> as Django's own widget templates
do: the same form, rendered by both renderers, gives the same HTML byte for byte (selected and
empty values, escaping, safe strings, lazy labels, boolean attributes, option groups, errors).
The review queue's own forms: tests/registrations/review/test_views.py."""

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from common.form_rendering import PlainWidgetRenderer


class Everything(forms.Form):
    name = forms.CharField(label="Nama", max_length=20, help_text="Sesuai KTP")
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    count = forms.IntegerField(required=False)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "data-x": '"<&>"'}))
    kind = forms.ChoiceField(choices=[("", "— pilih —"), ("a", gettext_lazy("Petani & nelayan")),
                                      ("b", mark_safe("<b>tebal</b>")), (3, "Tiga")], required=False)
    grouped = forms.ChoiceField(choices=[("Darat", [("p", "Petani"), ("o", "Ojek")]), ("n", "Nelayan"),
                                         ("Laut", [("m", "Marbot <laut>")])], required=False)
    many = forms.MultipleChoiceField(choices=[("1", "Satu"), ("2", "Dua")], required=False)
    flags = forms.CharField(required=False, widget=forms.TextInput(attrs={"autofocus": True, "disabled": False,
                                                                           "placeholder": "Cari…"}))


def rendered(form_class, data, renderer, **kwargs) -> list[str]:
    form = form_class(data, renderer=renderer, **kwargs) if data is not None else form_class(renderer=renderer,
                                                                                             **kwargs)
    form.is_valid() if data is not None else None
    return [str(field) for field in form]


@pytest.mark.parametrize("data", [
    None,
    {},
    {"name": "Siti <Rahma> & \"Ibu\"", "hidden": "x'y", "count": "12", "day": "2026-02-03",
     "note": "baris 1\nbaris 2 <i>", "kind": "b", "grouped": "m", "many": ["1", "2"], "flags": "a&b"},
    {"name": "", "count": "bukan angka", "day": "31-02-2026", "kind": "tidak ada", "grouped": "o", "many": ["9"]},
])
def test_the_plain_renderer_writes_what_the_templates_write(data):
    assert rendered(Everything, data, PlainWidgetRenderer()) == rendered(Everything, data, DjangoTemplates())


def test_initial_values_are_written_alike():
    initial = {"count": 7, "day": dt.date(2026, 1, 2), "note": "awal", "kind": 3}
    plain = [str(field) for field in Everything(initial=initial, renderer=PlainWidgetRenderer())]
    templates = [str(field) for field in Everything(initial=initial, renderer=DjangoTemplates())]
    assert plain == templates
