"""A form renderer for forms drawn on every request of a busy page (the review queue's filters and
its decision bar): <select>, <input> and <textarea> written in Python exactly as Django's own
widget templates write them, byte for byte; anything else through those templates.

Through the template engine each <option> costs three template renders (select_option.html and
attrs.html twice over), so the queue's eight selects (some 80 options) were a third of its
filter form's time. tests/common/test_form_rendering.py holds the two renderers to the same HTML.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape

_TEXT = (str, Promise)


def _formatted(value) -> str:
    """{{ value|stringformat:'s' }}: the value as text, escaped unless marked safe."""
    return conditional_escape(value if isinstance(value, str) else "%s" % (value,))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, ` name` for True, nothing for False."""
    return "".join(
        "" if value is False else f" {conditional_escape(name)}" if value is True
        else f' {conditional_escape(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
    )


def _input(widget: dict) -> str:
    """input.html (text.html, hidden.html and the other inputs include it)."""
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"{value}' \
           f'{_attrs(widget["attrs"])}>'


def _textarea(widget: dict) -> str | None:
    value = widget["value"]
    if value and not isinstance(value, _TEXT):
        return None  # a number or a date would be localised by the template: leave it to the template
    return f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n' \
           f'{conditional_escape(value) if value else ""}</textarea>'


_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if option["template_name"] != _OPTION_TEMPLATE or not isinstance(option["label"], _TEXT):
                return None
            parts.append(f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                         f'{conditional_escape(option["label"])}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


_WRITERS = {
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/text.html": _input,
    "django/forms/widgets/hidden.html": _input,
    "django/forms/widgets/number.html": _input,
    "django/forms/widgets/date.html": _input,
    "django/forms/widgets/input.html": _input,
    "django/forms/widgets/textarea.html": _textarea,
}


class PlainWidgetRenderer(DjangoTemplates):
    """Django's default renderer (its templates for everything else), with the widgets above
    written in Python. Set as a form's `default_renderer`."""

    def render(self, template_name, context, request=None):
        write = _WRITERS.get(template_name)
        html = write(context["widget"]) if write is not None else None
        # As BaseRenderer.render, which strips what the template wrote.
        return html.strip() if html is not None else super().render(template_name, context, request)


plain_widgets = PlainWidgetRenderer()
