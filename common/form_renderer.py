"""How every form of the portal is drawn: Django's Jinja2 form renderer, with the portal's own
field group (common/jinja2/common/field.html: the label, "(boleh kosong)" on an optional field,
the widget, its help and its errors), which a page asks for with `{{ field.as_field_group }}`.

Why Jinja2 and not the template language the pages use: the nominee form's seventeen fields were
most of its page's time, drawn one include and three template renders per option at a time
(docs/BENCHMARKS.md, "The deadline"). The widget templates are Django's own, and every value is
escaped by Django's own `conditional_escape` (Jinja2's `finalize`), so a label or an error with a
quote reads `&quot;` as on the rest of the page: the markup is what the template language wrote.
"""

from pathlib import Path

import django.forms
from django.forms.renderers import Jinja2
from django.utils.functional import cached_property
from django.utils.html import conditional_escape


class FormRenderer(Jinja2):
    field_template_name = "common/field.html"

    @cached_property
    def engine(self):
        return self.backend({
            "APP_DIRS": True,
            "DIRS": [Path(django.forms.__file__).parent / self.backend.app_dirname],
            "NAME": "djangoforms",
            "OPTIONS": {"finalize": conditional_escape},
        })
