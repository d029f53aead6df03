from django import template
from django.utils.html import format_html

from common.replays import FIELD, shown_token

register = template.Library()


@register.simple_tag
def shown_field():
    """The hidden field with the moment the form was shown (common.replays): a replayed POST of
    this form is told the first one worked."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, shown_token())
