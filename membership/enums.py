"""The membership app's choices and their named groups."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from registrations.enums import FundingSource


class Benefit(models.TextChoices):
    """The benefits a programme member's claim pays (DOMAIN.md §9): the programme pays JKK and JKM."""

    JKM = "jkm", _("JKM — jaminan kematian")
    JKK = "jkk", _("JKK — jaminan kecelakaan kerja")


class BeneficiaryRelation(models.TextChoices):
    """Who received the benefit: the member (a JKK benefit) or an heir (ahli waris)."""

    MEMBER = "member", _("Peserta sendiri")
    SPOUSE = "spouse", _("Suami/istri")
    CHILD = "child", _("Anak")
    PARENT = "parent", _("Orang tua")
    GRANDCHILD = "grandchild", _("Cucu")
    SIBLING = "sibling", _("Saudara kandung")
    PARENT_IN_LAW = "parent_in_law", _("Mertua")
    OTHER = "other", _("Ahli waris lain")


# A death benefit goes to the heirs, never to the member.
HEIR_RELATIONS = frozenset(set(BeneficiaryRelation) - {BeneficiaryRelation.MEMBER})

# A programme's budget is set in the regency's budget (APBD) and topped up in its amendment
# (APBD-P): the two sources a budget entry may name (DOMAIN.md §9).
BUDGET_SOURCES = (FundingSource.APBD, FundingSource.APBD_P)
BUDGET_SOURCE_CHOICES = [(source.value, source.label) for source in BUDGET_SOURCES]
