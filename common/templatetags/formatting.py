"""Template filters for numbers written the Indonesian way, whatever language the browser asks for:
`{% load formatting %}` then `{{ value|number }}` ("2.020"), `{{ value|percent }}` ("46,80%"),
`{{ value|decimal }}` ("2,02"), `{{ value|rupiah }}` ("Rp16.800"); a missing value shows "—".
Each calls common.formatting, the one home of these formats."""

from django import template

from common import formatting

register = template.Library()


def _missing(value) -> bool:
    return value is None or value == ""  # "": a variable the context does not hold


@register.filter
def number(value) -> str:
    return formatting.EMPTY if _missing(value) else formatting.format_number(value)


@register.filter
def decimal(value, places: int = 2) -> str:
    return formatting.EMPTY if _missing(value) else formatting.format_decimal(value, int(places))


@register.filter
def percent(value) -> str:
    return formatting.EMPTY if _missing(value) else formatting.format_percent(value)


@register.filter
def rupiah(value) -> str:
    return formatting.EMPTY if _missing(value) else formatting.format_rupiah(value)
