"""demo/continuation.py: the demo's second stage continues the first stage's members; Pasar Tais has
confirmed, Napal Melintang waits, and the first stage stays the one villages work on."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from demo.continuation import STAGE_TWO_NAME
from demo.scenario import DEMO_PROGRAMME_NAME
from membership.rules import add_months
from registrations import continuation
from registrations.continuation_status.selectors import village_continuation_rows
from registrations.enums import EndReason
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee, NomineeEvent, Programme
from registrations.selectors import current_programme
from reports.continuation_plan import continuation_plan
from villages.models import Village


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def stages(db):
    call_command("load_demo", stdout=StringIO())
    return Programme.objects.get(name=DEMO_PROGRAMME_NAME), Programme.objects.get(name=STAGE_TWO_NAME)


def test_second_stage_continues_the_first_and_opens_after_it(stages):
    first, second = stages

    assert (second.continues_from, second.year, second.stage, second.funding_source) == (first, first.year, 2,
                                                                                         "apbd_p")
    assert second.nomination_opens == first.nomination_closes + dt.timedelta(days=1)
    assert second.coverage_start == add_months(first.coverage_start, 3)  # after the first stage's 3 months
    # The villages and the dashboard still work on the first stage while its window is open.
    assert current_programme(first.regency_id) == first


def test_pasar_tais_confirmed_and_napal_melintang_waits(stages):
    first, second = stages
    pasar_tais = Village.objects.get(code="17.05.02.1010")
    napal_melintang = Village.objects.get(code="17.05.03.2002")

    continued = list(Nominee.objects.filter(programme=second).order_by("full_name")
                     .values_list("full_name", "status", "kpj_number", "continued_from__programme"))
    rina = Nominee.objects.get(programme=first, full_name="Rina Marlina")

    assert continued == [("Dewi Lestari", S.ACTIVE, "00000000017", first.pk),
                         ("Hasanudin", S.LAPSED, "00000000019", first.pk)]
    assert (rina.status, rina.events.last().reason_code) == (S.ENDED, EndReason.WAGED)
    assert list(continuation.members_awaiting(second, pasar_tais)) == []
    assert [m.full_name for m in continuation.members_awaiting(second, napal_melintang)] == ["Ani Suryani"]


def test_planner_counts_continuing_members_awaiting_ones_and_new_places(stages):
    _, second = stages

    budget = continuation_plan(second)["budget"]

    # Seluma's 202 villages × 10 places; 2 continue, 1 awaits its village, the rest are new places.
    assert (budget.continuing, budget.awaiting, budget.new_places) == (2, 1, 2_020 - 3)


def test_second_load_changes_nothing(stages):
    before = (list(Programme.objects.order_by("pk").values_list("pk", "continues_from")),
              list(Nominee.objects.order_by("pk").values_list("pk", "status", "updated_at")),
              NomineeEvent.objects.count())

    call_command("load_demo", stdout=StringIO())

    assert (list(Programme.objects.order_by("pk").values_list("pk", "continues_from")),
            list(Nominee.objects.order_by("pk").values_list("pk", "status", "updated_at")),
            NomineeEvent.objects.count()) == before


def test_office_sees_pasar_tais_confirmed_and_napal_melintang_waiting(stages):
    _, second = stages

    rows = [(row.village_name, row.state, row.continuing, row.leaving, row.awaiting)
            for row in village_continuation_rows(second)]

    # Sarmini (moved) and Supriyadi (died) ended during the first stage: no choice of Pasar Tais.
    assert rows == [("Napal Melintang", "belum", 0, 0, 1), ("Pasar Tais", "sudah", 2, 1, 0)]
