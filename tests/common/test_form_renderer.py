"""common/form_renderer.py: every form field drawn by Jinja2 in the portal's field group, with the
markup (and the escaping) the template language gave it."""

from django import forms
from django.template import engines


class PersonForm(forms.Form):
    name = forms.CharField(label="Nama")
    note = forms.CharField(label="Catatan", required=False, help_text='Mis. "pindah ke dusun 2"')


def drawn(form, field_name):
    return engines["django"].from_string("{{ field.as_field_group }}").render({"field": form[field_name]})


def test_a_required_field_with_its_error_escaped_as_on_the_page():
    form = PersonForm({"name": "Wayan", "note": ""})
    form.add_error("name", 'Isi nama sesuai KTP, bukan "panggilan" atau O\'Neil.')

    assert drawn(form, "name") == (
        '<div class="field has-error">\n'
        '  <label for="id_name">Nama</label>\n'
        '  <input type="text" name="name" value="Wayan" required aria-invalid="true" aria-describedby="id_name_error" id="id_name">\n'
        '  \n'
        '  <div id="id_name_error"><p class="error" role="alert">Isi nama sesuai KTP, bukan &quot;panggilan&quot; atau '
        'O&#x27;Neil.</p></div>\n'
        '</div>')


def test_an_optional_field_says_it_may_be_left_empty_and_links_its_help():
    html = drawn(PersonForm(), "note")

    assert '<label for="id_note">Catatan <span class="muted">(boleh kosong)</span></label>' in html
    assert 'aria-describedby="id_note_helptext"' in html
    assert '<small class="help" id="id_note_helptext">Mis. &quot;pindah ke dusun 2&quot;</small>' in html


def test_a_field_of_a_pair_where_either_is_enough_is_not_marked_optional():
    form = PersonForm()
    form.fields["note"].conditional = True

    assert "(boleh kosong)" not in drawn(form, "note")
