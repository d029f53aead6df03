"""The regent's dashboard's budget panel (templates/membership/includes_budget_dashboard.html):
the figures of the budget page for the regency's programmes, read where the panel is drawn so the
dashboard's view need not know the membership app."""

from django import template
from django.utils import timezone

from membership.budget.selectors import regency_budget_figures

register = template.Library()


@register.simple_tag
def budget_figures_for(regency):
    """The regency's latest programmes with a budget or a bill, with their figures (one query when
    there are none, four otherwise)."""
    return regency_budget_figures(regency.pk, today=timezone.localdate())
