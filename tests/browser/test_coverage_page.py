"""The regent's office opens *Cakupan UCJ* and asks the planner what 1,000 more funded workers
would do; the province viewer reads the province and goes down to a regency. Screenshots for the
README and the guide: docs/screenshots/coverage-regency.png, dashboard-province.png."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from reports import coverage, services

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_viewer_reads_the_ucj_and_plans_a_thousand_more_workers(desk, screenshot, seluma, regency_admin, viewer):
    today = dt.date.today()
    services.coverage_target_set(region=seluma, year=today.year, target_percent=Decimal("35.00"),
                                 working_population=104_000, population_source="BPS Sakernas Agustus",
                                 entered_by=regency_admin)
    services.official_figure_record(region=seluma, as_of=today - dt.timedelta(days=30), active_pu=19_250,
                                    active_bpu=8_310, active_jakon=1_140, active_pmi=85, denominator=104_000,
                                    published_percent=Decimal("27.68"), source_document="BPJS Cabang Bengkulu",
                                    entered_by=regency_admin)
    coverage.recompute_regency(seluma.pk)

    log_in(desk, viewer)  # the regent's office starts on the dashboard

    # 19,250 + 8,310 + 1,140 + 85 = 28,785 of 104,000 = 27.68 %; 35 % is the target.
    expect(desk.get_by_text("27,68%").first).to_be_visible()
    expect(desk.get_by_text("79,09% dari target")).to_be_visible()  # 27.68 ÷ 35, the UCJ shown (not 27.6779…)

    desk.get_by_label("Tambah pekerja yang didanai").fill("1000")
    desk.get_by_role("button", name="Hitung").click()

    # (28,785 + 1,000) ÷ 104,000 = 28.64 %; 1,000 × Rp16,800 × 12 = Rp201,600,000 a year.
    expect(desk.get_by_text("28,64%")).to_be_visible()
    expect(desk.get_by_text("Rp201.600.000")).to_be_visible()
    screenshot(desk, "coverage-regency")


def test_province_viewer_starts_on_the_province_and_drills_down_to_a_regency(desk, screenshot, seluma, sysadmin,
                                                                             regency_admin, province_viewer):
    from villages.models import Province

    today = dt.date.today()
    bengkulu = Province.objects.get(code="17")
    for region, percent, population, active in ((bengkulu, "45,00", 1_000_000, 350_000),
                                                (seluma, "35,00", 104_000, 28_785)):
        services.coverage_target_set(region=region, year=today.year, target_percent=percent,
                                     working_population=population, population_source="BPS Sakernas Agustus",
                                     entered_by=sysadmin)
        services.official_figure_record(region=region, as_of=today - dt.timedelta(days=30), active_pu=active,
                                        denominator=population, entered_by=sysadmin)
    coverage.recompute_regency(seluma.pk)

    log_in(desk, province_viewer)  # the province viewer starts on the province dashboard

    expect(desk.get_by_role("heading", name="Cakupan UCJ Provinsi Bengkulu")).to_be_visible()
    expect(desk.get_by_text("35,00%").first).to_be_visible()  # 350,000 ÷ 1,000,000
    expect(desk.get_by_text("77,78% dari target")).to_be_visible()  # 35 ÷ 45
    table = desk.locator("#target-kabupaten table")
    expect(table.get_by_role("row").nth(1)).to_contain_text("79,09%")  # Seluma: 27.68 ÷ 35, the UCJ shown
    screenshot(desk, "dashboard-province")

    table.get_by_role("link", name="Kabupaten Seluma").click()
    expect(desk.get_by_role("heading", name="Cakupan UCJ Kabupaten Seluma")).to_be_visible()
