"""demo/scale.py and generate_scale_data: valid nominees in every state, deterministic, set-based."""

import datetime as dt
import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from demo import scale
from registrations.enums import NomineeStatus as S
from registrations.enums import QuotaRule
from registrations.lookalikes import name_key
from registrations.models import Nominee, NomineeEvent, Programme, VillageSubmission
from registrations.nik import age_on, check_kk, check_nik
from reports.models import CoverageTarget, OfficialFigure

TODAY = dt.date(2026, 11, 30)


def generate(seluma, per_village, **options):
    return scale.generate([seluma.code], per_village=per_village, today=TODAY, **options)


@pytest.mark.django_db(transaction=True)
def test_every_nominee_passes_the_projects_own_checks(seluma, monkeypatch):
    monkeypatch.setattr(scale, "CHUNK", 300)  # several parts, built by two worker processes
    villages = seluma.subdistricts.filter(villages__is_retired=False).values("villages").count()

    result = generate(seluma, 3, workers=2)

    programme = Programme.objects.get(pk=result.programmes[seluma.code])
    assert (programme.name, programme.quota_rule, programme.regency) == ("Data uji skala 2026", QuotaRule.NONE,
                                                                         seluma)
    nominees = list(Nominee.objects.filter(programme=programme).select_related("village__subdistrict"))
    assert result.nominees == len(nominees) == villages * 3 == 606
    assert Counter(n.village_id for n in nominees) == {village: 3 for village in {n.village_id for n in nominees}}
    assert len({n.nik_hash for n in nominees}) == len(nominees)  # one person, one nomination
    for nominee in nominees:
        check = check_nik(nominee.nik, birth_date=nominee.birth_date, sex=nominee.sex, today=TODAY)
        assert (check.errors, check.warnings) == ([], [])
        assert nominee.nik[:6] == nominee.village.subdistrict.code.replace(".", "")
        assert check_kk(nominee.kk) == (nominee.kk, [])
        assert programme.min_age <= age_on(nominee.birth_date, TODAY) < programme.max_age_exclusive
        assert nominee.nik_masked == "*" * 12 + nominee.nik[12:]
        assert len(nominee.full_name.split()) >= 2
        assert (nominee.name_key, nominee.mother_name_hash) == (name_key(nominee.full_name), "")  # lookalikes


@pytest.mark.django_db(transaction=True)
def test_states_come_with_the_events_and_history_the_workflow_writes(seluma):
    result = generate(seluma, 5)

    nominees = Nominee.objects.filter(programme_id=result.programmes[seluma.code])
    states = Counter(nominees.values_list("status", flat=True))
    assert set(states) == set(scale.STEPS)  # every state of the mix occurs at this size
    assert states[S.REGISTERED] > len(nominees) / 2
    for status, steps in scale.STEPS.items():
        nominee = nominees.filter(status=status).first()
        events = list(nominee.events.values_list("from_status", "to_status"))
        assert events == [(from_status, to_status) for from_status, to_status, _, _ in steps]
        assert list(nominee.history.order_by("history_date", "history_id").values_list("status", flat=True)) == [
            to_status for _, to_status, _, _ in steps]
    registered = nominees.get(pk=nominees.filter(status=S.REGISTERED).first().pk)
    assert (len(registered.kpj_number), registered.paid_until - registered.registered_on) == (11, dt.timedelta(89))
    assert registered.export_batch.row_count == nominees.filter(status__in=scale._IN_BATCH).count()
    sent_villages = set(nominees.exclude(status=S.DRAFT).values_list("village", flat=True))
    assert set(VillageSubmission.objects.filter(programme_id=result.programmes[seluma.code])
               .values_list("village", flat=True)) == sent_villages
    assert NomineeEvent.objects.filter(nominee__programme_id=result.programmes[seluma.code]).count() == sum(
        len(scale.STEPS[status]) * count for status, count in states.items())
    assert CoverageTarget.objects.filter(regency=seluma, year=2026).count() == 1
    assert OfficialFigure.objects.filter(regency=seluma).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_seed_gives_the_same_people_and_a_rerun_replaces_them(seluma):
    def people():
        return sorted(Nominee.objects.values_list("nik", "full_name", "status", "village__code"))

    generate(seluma, 2, seed=7)
    first = people()
    generate(seluma, 2, seed=7)  # a re-run starts the programme over

    assert people() == first
    assert Programme.objects.filter(regency=seluma).count() == 1
    generate(seluma, 2, seed=8)
    assert people() != first


@pytest.mark.django_db(transaction=True)
def test_zero_per_village_gives_an_empty_programme_and_json_names_it(seluma, capsys):
    call_command("generate_scale_data", "1705", "--per-village", "0", "--json")

    last = capsys.readouterr().out.strip().splitlines()[-1]
    programme = Programme.objects.get(regency=seluma)
    assert json.loads(last) == {"nominees": 0, "programmes": {"17.05": programme.pk}}
    assert not Nominee.objects.exists()


@pytest.mark.django_db
def test_refused_in_production(seluma, settings):
    settings.DJANGO_ENV = "production"

    with pytest.raises(CommandError, match="tidak boleh dijalankan di produksi"):
        call_command("generate_scale_data", "17.05", "--per-village", "1")
    assert not Programme.objects.exists()
