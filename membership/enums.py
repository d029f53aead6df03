"""Named groups of the membership app's choices."""

from registrations.enums import FundingSource

# A programme's budget is set in the regency's budget (APBD) and topped up in its amendment
# (APBD-P): the two sources a budget entry may name (DOMAIN.md §9).
BUDGET_SOURCES = (FundingSource.APBD, FundingSource.APBD_P)
BUDGET_SOURCE_CHOICES = [(source.value, source.label) for source in BUDGET_SOURCES]
