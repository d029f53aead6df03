"""The regent's office opens *Cakupan UCJ* and asks the planner what 1,000 more funded workers
would do. Screenshot for the README: docs/screenshots/coverage-regency.png."""

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
    expect(desk.get_by_text("79,08% dari target")).to_be_visible()  # 27.6779 ÷ 35, not 27.68 ÷ 35

    desk.get_by_label("Tambah pekerja yang didanai").fill("1000")
    desk.get_by_role("button", name="Hitung").click()

    # (28,785 + 1,000) ÷ 104,000 = 28.64 %; 1,000 × Rp16,800 × 12 = Rp201,600,000 a year.
    expect(desk.get_by_text("28,64%")).to_be_visible()
    expect(desk.get_by_text("Rp201.600.000")).to_be_visible()
    screenshot(desk, "coverage-regency")
