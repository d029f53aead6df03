"""The province dashboard (reports.views.province_detail): the province's UCJ against its own
target, its regencies' programme figures summed, the trend, each regency against its target with a
way down to the regency's dashboard; for the province viewer and the system administrator only;
the same queries however many regencies."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from registrations.enums import NomineeStatus
from reports import services
from reports.coverage import recompute_regency
from villages.enums import RegencyKind
from villages.models import Province, Regency

ON = dt.date(2026, 9, 30)


@pytest.fixture
def bengkulu_figures(seluma, programme, niur, add_nominees, regency_admin, sysadmin):
    """Bengkulu: its own target (50 % of 1,000,000) and BPJS figure (400,000 on 30 June); Seluma's
    target 46.80 % of 100,000 and 38,450 on 30 June; 202 workers registered in Niur on 15 July.
    Province: covered 400,202 → UCJ 40,02 %, 80,04 % of target. Seluma: 38,652 → 38,65 %, 82,59 %."""
    bengkulu = Province.objects.get(code="17")
    for region, percent, population, covered in ((bengkulu, "50", 1_000_000, 400_000),
                                                 (seluma, "46,80", 100_000, 38_450)):
        services.coverage_target_set(region=region, year=2026, target_percent=percent, working_population=population,
                                     population_source="BPS", entered_by=sysadmin)
        services.official_figure_record(region=region, as_of=dt.date(2026, 6, 30), active_pu=covered,
                                        denominator=population, entered_by=sysadmin)
    add_nominees(programme, niur, 202, NomineeStatus.ACTIVE, dt.date(2026, 7, 15))
    recompute_regency(seluma.pk, on=ON)
    return bengkulu


def test_the_province_viewer_reads_the_province_against_its_target_and_each_regency_against_its_own(
        client, province_viewer, bengkulu_figures, seluma):
    client.force_login(province_viewer)

    response = client.get(reverse("reports:province-detail", args=[bengkulu_figures.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Cakupan UCJ Provinsi Bengkulu" in page and "angka per 30 September 2026" in page
    assert "40,02%" in page and "Target 50,00%" in page and "80,04% dari target" in page
    targets = response.context["target_lines"]
    assert [(line.name, line.ucj, line.achievement) for line in targets] == [
        ("Kabupaten Seluma", Decimal("38.65"), Decimal("82.59"))]
    assert f'href="{reverse("reports:regency-detail", args=[seluma.pk])}"' in page  # down to the regency
    assert "Belum punya angka cakupan" in page and "Kabupaten Bengkulu Selatan" in page
    assert (response.context["total"].registered, response.context["total"].quota) == (202, 2_020)


def test_the_trend_is_the_provinces_official_figure_then_its_latest_day(client, province_viewer, bengkulu_figures,
                                                                       seluma):
    recompute_regency(seluma.pk, on=dt.date(2026, 10, 1))
    client.force_login(province_viewer)

    page = client.get(reverse("reports:province-detail", args=[bengkulu_figures.pk])).content.decode()

    assert '<title id="tren-ucj-title">Tren UCJ Bengkulu</title>' in page
    # Bengkulu's own figure (400,000 of 1,000,000 on 30 June), then the latest day with Niur's 202.
    assert '<desc id="tren-ucj-desc">30 Jun 2026: 40,00%; 1 Okt 2026: 40,02%. Target 50,00%.</desc>' in page


def test_a_province_never_computed_shows_live_figures_and_says_so(client, province_viewer, seluma):
    client.force_login(province_viewer)

    page = client.get(reverse("reports:province-detail", args=[seluma.province_id])).content.decode()

    assert "belum pernah dihitung" in page and "Belum ada kabupaten/kota di provinsi ini" in page


@pytest.mark.parametrize("persona", ["regency_admin", "reviewer", "viewer", "bpjs_officer", "officer"])
def test_everyone_below_the_province_gets_the_404(request, client, persona, bengkulu_figures):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("reports:province-detail", args=[bengkulu_figures.pk])).status_code == 404


@pytest.mark.parametrize("count", [1, 4])
def test_the_page_costs_the_same_queries_whatever_the_number_of_regencies(client, sysadmin, count,
                                                                          django_assert_num_queries):
    province = Province.objects.create(code="99", name="Provinsi Uji")
    for number in range(1, count + 1):
        regency = Regency.objects.create(code=f"99.{number:02d}", name=f"Kabupaten Uji {number}", province=province,
                                         kind=RegencyKind.KABUPATEN)
        recompute_regency(regency.pk, on=ON)
    client.force_login(sysadmin)

    # The user, the province, its latest row, its regencies, their latest rows, the trend, the
    # benefits paid to its regencies' people; the base page's notice count. The session is read from Redis.
    with django_assert_num_queries(8):
        response = client.get(reverse("reports:province-detail", args=[province.pk]))

    assert len(response.context["rows"]) == count
