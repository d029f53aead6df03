"""The regent's dashboard (issue #6): reports/dashboard.py (the current stage's progress over
villages, the premium committed, the tables' sorting) and what the coverage pages show with it —
the trend, the stage, the budget, the sortable table with its bar chart, the drill-down links each
role may open — in a constant number of queries.

The Seluma scenario of test_views.py, computed ON 2026-09-30: target 46.80 % of 100,000; BPJS
reported 38,450 as of 30 June; the 2026 stage I (Rp16,800 a month, 3 months paid) has 2,020 workers
in Desa Niur registered on 15 July, all active: UCJ 40.47 %, 86.47 % of target.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.urls import reverse

from registrations import services as registration_services
from registrations import workflow
from registrations.enums import Action
from registrations.enums import NomineeStatus as S
from registrations.selectors import current_programme
from reports import dashboard, services
from reports.coverage import (
    APPROVED_STATES,
    NOMINATED_STATES,
    REGISTERED_STATES,
    SUBMITTED_STATES,
    recompute_regency,
)
from reports.models import CoverageSnapshot, RegionLevel
from reports.views import RegionRow
from villages.models import Subdistrict, Village

from .conftest import AS_OF, ON, YEAR

COMPUTED_AT = dt.datetime(2026, 9, 30, 1, 15, tzinfo=dt.UTC)


def _village(code):
    return Village.objects.get(code=code)


def _page(response) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def _stage_two(seluma, regency_admin, **fields):
    values = {"name": "Perlindungan Pekerja Rentan 2026", "year": YEAR, "stage": 2,
              "implementing_office": "Dinas Tenaga Kerja Kabupaten Seluma", "coverage_start": dt.date(2026, 9, 1),
              "nomination_opens": dt.date(2026, 7, 1), "nomination_closes": dt.date(2026, 8, 15)}
    values.update(fields)
    return registration_services.programme_create(regency=seluma, created_by=regency_admin, **values)


def _figures(seluma, regency_admin):
    services.coverage_target_set(region=seluma, year=YEAR, target_percent=Decimal("46.80"),
                                 working_population=100_000, population_source="BPS Sakernas Agustus 2025",
                                 entered_by=regency_admin)
    services.official_figure_record(region=seluma, as_of=AS_OF, active_pu=20_000, active_bpu=15_000,
                                    active_jakon=3_000, active_pmi=450, denominator=100_000,
                                    published_percent=Decimal("38.45"), entered_by=regency_admin)


def _recompute(regency, on=ON):
    recompute_regency(regency.pk, on=on)
    CoverageSnapshot.objects.filter(regency=regency, computed_on=on).update(computed_at=COMPUTED_AT)


@pytest.fixture
def seluma_dashboard(seluma, regency_admin, programme, add_nominees, niur):
    """The module docstring's scenario, recomputed ON."""
    _figures(seluma, regency_admin)
    add_nominees(programme, niur, 2_020, S.ACTIVE, dt.date(2026, 7, 15))
    _recompute(seluma)
    return seluma


# --- The current stage's progress ------------------------------------------------------------------

def test_stage_progress_counts_villages_by_how_far_their_list_has_gone(seluma, regency_admin, programme,
                                                                       add_nominees, niur, lubuk_sahung,
                                                                       django_assert_num_queries):
    add_nominees(programme, niur, 9, S.ACTIVE, dt.date(2026, 3, 10))
    add_nominees(programme, niur, 1, S.LAPSED, dt.date(2026, 3, 10))  # registered once: still counts
    add_nominees(programme, niur, 1, S.ENDED)  # holds no place any more
    add_nominees(programme, lubuk_sahung, 5, S.APPROVED)
    add_nominees(programme, lubuk_sahung, 1, S.REJECTED)  # holds no place: the rest is all approved
    add_nominees(programme, _village("17.05.01.1001"), 3, S.SUBMITTED)
    add_nominees(programme, _village("17.05.01.1001"), 1, S.VERIFIED)
    add_nominees(programme, _village("17.05.01.2026"), 1, S.RETURNED)  # sent once, back for correction
    add_nominees(programme, _village("17.05.01.2026"), 1, S.SENT_TO_BPJS)
    add_nominees(programme, _village("17.05.01.2011"), 3, S.SUBMITTED)
    add_nominees(programme, _village("17.05.01.2011"), 2, S.DRAFT)  # part of the list not sent yet
    add_nominees(_stage_two(seluma, regency_admin), _village("17.05.01.1025"), 4, S.ACTIVE, dt.date(2026, 9, 5))
    # A retired village counts only while it holds a place in the stage.
    Village.objects.filter(code__in=["17.05.01.2011", "17.05.02.1009"]).update(is_retired=True)

    with django_assert_num_queries(1):
        progress = dashboard.stage_progress(programme)

    # 202 villages, less Lubuk Kebur (retired, empty); Bukit Peninjauan I (retired, with drafts) stays.
    # Submitted: Niur, Lubuk Sahung, Babatan, Padang Pelawi; all approved: Niur, Lubuk Sahung; all
    # registered: Niur. Kelurahan Sukaraja's nominees are stage II's.
    assert (progress.villages, progress.not_submitted, progress.submitted, progress.fully_approved,
            progress.registered) == (201, 197, 4, 2, 1)


def test_stage_progress_steps_rely_on_the_state_groups_nesting():
    """stage_progress ranks each place by how many groups hold its state: right only while each
    group holds the next."""
    assert NOMINATED_STATES >= SUBMITTED_STATES >= APPROVED_STATES >= REGISTERED_STATES
    assert dashboard._STAGE_STEPS == {"draft": 0, "returned": 1, "submitted": 1, "verified": 1, "approved": 2,
                                      "sent_to_bpjs": 2, "registered": 3, "active": 3, "arrears": 3, "lapsed": 3}


def test_stage_progress_with_no_nominee_has_every_village_not_submitted(seluma, programme):
    progress = dashboard.stage_progress(programme)

    assert (progress.villages, progress.not_submitted, progress.submitted, progress.fully_approved,
            progress.registered) == (202, 202, 0, 0, 0)


def test_stage_programme_is_the_open_stage_else_the_latest(seluma, regency_admin, programme):
    stage_two = _stage_two(seluma, regency_admin)

    assert current_programme(seluma.pk, today=dt.date(2026, 2, 1)) == programme  # stage I's window
    assert current_programme(seluma.pk, today=dt.date(2026, 11, 25)) == stage_two  # none open: the latest


# --- The premium committed ------------------------------------------------------------------------

def test_premium_commitment_per_month_per_year_and_for_the_funded_months(seluma, regency_admin, programme,
                                                                          add_nominees, niur, lubuk_sahung,
                                                                          django_assert_num_queries):
    add_nominees(programme, niur, 2_020, S.ACTIVE, dt.date(2026, 7, 15))
    add_nominees(programme, lubuk_sahung, 10, S.LAPSED, dt.date(2026, 3, 15))
    add_nominees(programme, lubuk_sahung, 5, S.APPROVED)  # not registered yet: nothing committed
    add_nominees(programme, lubuk_sahung, 2, S.ENDED, dt.date(2026, 3, 15))
    last_year = _stage_two(seluma, regency_admin, year=2025, stage=1, coverage_start=dt.date(2025, 3, 1),
                           nomination_opens=dt.date(2025, 1, 5), nomination_closes=dt.date(2025, 2, 20))
    add_nominees(last_year, niur, 7, S.ACTIVE, dt.date(2025, 3, 15))
    recompute_regency(seluma.pk, on=ON)

    with django_assert_num_queries(1):
        commitment = dashboard.premium_commitment(seluma, year=YEAR)

    # 2,030 × Rp16,800 = Rp34,104,000 a month; × 12; × 3 months paid.
    assert commitment == dashboard.PremiumCommitment(workers=2_030, per_month_rp=34_104_000,
                                                     per_year_rp=409_248_000, funded_rp=102_312_000)
    # The funded months are what the snapshot stores as "iuran didanai".
    assert CoverageSnapshot.objects.get(region_code="17.05", computed_on=ON).premium_committed_rp == 102_312_000


# --- Sorting ----------------------------------------------------------------------------------------

def _row(code, name, registered, ucj=None, quota=10):
    return RegionRow(code=code, name=name, quota=quota, nominated=registered, submitted=registered,
                     approved=registered, registered=registered, active=registered, premium_committed_rp=0,
                     denominator=None if ucj is None else 1_000, ucj_percent=ucj)


# "air periukan" is lower-case on purpose: a case-sensitive sort would put it after "Sukaraja".
ROWS = [_row("17.05.03", "air periukan", 5, Decimal("12.00")), _row("17.05.01", "Sukaraja", 20),
        _row("17.05.02", "Seluma", 5, Decimal("30.50"), quota=None)]


@pytest.mark.parametrize(("order", "codes"), [
    (None, ["17.05.01", "17.05.02", "17.05.03"]),
    ("", ["17.05.01", "17.05.02", "17.05.03"]),
    ("kode_salah", ["17.05.01", "17.05.02", "17.05.03"]),  # not on the list: the code order
    ("-terdaftar", ["17.05.01", "17.05.02", "17.05.03"]),  # ties keep the code order
    ("terdaftar", ["17.05.02", "17.05.03", "17.05.01"]),
    ("ucj", ["17.05.03", "17.05.02", "17.05.01"]),  # no UCJ: last
    ("-ucj", ["17.05.02", "17.05.03", "17.05.01"]),  # … whichever the direction
    ("-kuota", ["17.05.01", "17.05.03", "17.05.02"]),
    ("nama", ["17.05.03", "17.05.02", "17.05.01"]),  # A→Z ignoring case: air, Seluma, Sukaraja
    ("-nama", ["17.05.01", "17.05.02", "17.05.03"]),  # Z→A ignoring case: Sukaraja, Seluma, air
])
def test_sort_rows_by_a_whitelisted_column(order, codes):
    assert [row.code for row in dashboard.sort_rows(ROWS, order)] == codes


def test_sort_columns_link_each_header_and_mark_the_sorted_one():
    columns = dashboard.sort_columns("-terdaftar", first_label="Kecamatan",
                                     query=QueryDict("tambah=1000&urut=-terdaftar"))

    by_param = {column.param: column for column in columns}
    assert [column.label for column in columns] == [
        "Kecamatan", "Kuota", "Diusulkan", "Dikirim", "Disetujui", "Terdaftar", "Aktif", "Iuran didanai",
        "Penduduk bekerja", "UCJ"]
    sorted_again = ("descending", "tambah=1000&urut=terdaftar")  # the sorted column reverses
    assert (by_param["terdaftar"].aria_sort, by_param["terdaftar"].query) == sorted_again
    assert (by_param["ucj"].aria_sort, by_param["ucj"].query) == (None, "tambah=1000&urut=-ucj")  # largest first
    assert (by_param["nama"].aria_sort, by_param["nama"].query) == (None, "tambah=1000&urut=nama")  # A→Z
    assert [column.param for column in columns if column.aria_sort] == ["terdaftar"]


# --- The regency page ------------------------------------------------------------------------------

def test_regency_page_shows_the_budget_committed(login, viewer, seluma_dashboard):
    page = _page(login(viewer).get(reverse("reports:regency-detail", args=[seluma_dashboard.pk])))

    assert "<dt>Pekerja program terdaftar di BPJS</dt><dd>2.020</dd>" in page
    # 2,020 × Rp16,800 a month; × 12 a year; × 3 months paid (DOMAIN §3's Seluma check).
    assert '<dt>Iuran per bulan</dt><dd class="money">Rp33.936.000</dd>' in page
    assert '<dt>Iuran per tahun</dt><dd class="money">Rp407.232.000</dd>' in page
    assert '<dt>Iuran didanai</dt><dd class="money">Rp101.808.000</dd>' in page


def test_regency_page_shows_the_progress_to_target_as_a_bar_with_its_figure(login, viewer, seluma_dashboard):
    page = _page(login(viewer).get(reverse("reports:regency-detail", args=[seluma_dashboard.pk])))

    assert '<title id="capaian-target-title">Capaian target UCJ</title>' in page
    assert '<desc id="capaian-target-desc">Capaian 86,47%; ujung batang = target (100%)</desc>' in page
    assert 'width="311.3" height="18" fill="#0b6e4f"' in page  # 86.47 % of the bar


def test_regency_page_shows_the_current_stage_progress(login, viewer, seluma_dashboard, programme, add_nominees,
                                                       lubuk_sahung):
    add_nominees(programme, lubuk_sahung, 3, S.DRAFT)

    response = login(viewer).get(reverse("reports:regency-detail", args=[seluma_dashboard.pk]))

    page = _page(response)
    assert response.context["stage"].programme == programme
    assert ("Perlindungan Pekerja Rentan 2026 — Tahap 1 · pengusulan 5 Januari – 20 Februari 2026 · "
            "202 desa/kelurahan") in page
    assert "<dt>Belum mengirim daftar</dt><dd>201</dd>" in page
    assert "<dt>Sudah mengirim daftar</dt><dd>1</dd>" in page
    assert "<dt>Semua usulan disetujui</dt><dd>1</dd>" in page
    assert "<dt>Semua terdaftar di BPJS</dt><dd>1</dd>" in page
    assert f'<a href="/usulan/program/{programme.pk}/pengiriman/">Lihat pemantauan pengiriman per desa</a>' in page


def test_regency_page_without_a_programme_says_there_is_no_stage(login, bpjs_officer, seluma):
    response = login(bpjs_officer).get(reverse("reports:regency-detail", args=[seluma.pk]))

    assert response.context["stage"] is None
    assert "Belum ada program (tahap) untuk kabupaten/kota ini." in _page(response)


def test_bpjs_sees_the_stage_without_the_tracking_link_it_may_not_open(login, bpjs_officer, seluma_dashboard,
                                                                       programme):
    page = _page(login(bpjs_officer).get(reverse("reports:regency-detail", args=[seluma_dashboard.pk])))

    assert "<dt>Sudah mengirim daftar</dt><dd>1</dd>" in page
    assert f"/usulan/program/{programme.pk}/pengiriman/" not in page


def test_trend_before_any_snapshot_says_none_was_stored(login, viewer, seluma, regency_admin):
    _figures(seluma, regency_admin)

    response = login(viewer).get(reverse("reports:regency-detail", args=[seluma.pk]))

    assert response.context["trend_chart"] is None
    assert ("Belum ada tren: angka cakupan wilayah ini belum pernah disimpan. Grafik tren muncul setelah ada UCJ "
            "pada sedikitnya dua tanggal data") in _page(response)


def test_trend_with_one_data_date_says_a_second_is_needed(login, viewer, seluma, regency_admin, programme,
                                                          add_nominees, niur):
    # A target and no official figure: the one computed day is the only date of data.
    services.coverage_target_set(region=seluma, year=YEAR, target_percent=Decimal("46.80"),
                                 working_population=100_000, population_source="BPS", entered_by=regency_admin)
    add_nominees(programme, niur, 20, S.ACTIVE, dt.date(2026, 7, 15))
    _recompute(seluma)

    response = login(viewer).get(reverse("reports:regency-detail", args=[seluma.pk]))

    assert response.context["trend_chart"] is None
    assert ("Belum ada tren: UCJ baru ada untuk 1 tanggal data. Grafik tren muncul setelah ada UCJ pada "
            "sedikitnya dua tanggal data") in _page(response)
    assert 'class="chart trend-chart"' not in _page(response)


def test_trend_dates_the_official_figure_by_its_date_and_then_the_latest_day(login, viewer, seluma_dashboard):
    _recompute(seluma_dashboard, on=dt.date(2026, 7, 1))  # a day computed on the same official figure

    response = login(viewer).get(reverse("reports:regency-detail", args=[seluma_dashboard.pk]))

    # 30 Jun: BPJS's 38,450 of 100,000; 30 Sep: the 2,020 registered in July on top of it. The
    # computation of 1 Jul stood on the 30 June figure: it is no point of its own.
    page = _page(response)
    assert '<title id="tren-ucj-title">Tren UCJ Kabupaten Seluma</title>' in page
    assert '<desc id="tren-ucj-desc">30 Jun 2026: 38,45%; 30 Sep 2026: 40,47%. Target 46,80%.</desc>' in page
    assert ("UCJ per tanggal data (2 titik): angka resmi BPJS Ketenagakerjaan per 30 Juni 2026; titik per "
            "30 September 2026: angka resmi terakhir ditambah pekerja program yang terdaftar sesudahnya sampai tanggal "
            "itu; garis putus-putus: target 46,80%.") in page
    assert "1 Jul 2026" not in page


def test_trend_leaves_out_other_years_measured_against_another_target(login, viewer, seluma_dashboard):
    _recompute(seluma_dashboard, on=dt.date(2026, 7, 1))
    CoverageSnapshot.objects.create(regency=seluma_dashboard, region_code="17.05", level=RegionLevel.REGENCY,
                                    region_name="Kabupaten Seluma", computed_on=dt.date(2025, 12, 31),
                                    computed_at=COMPUTED_AT, year=2025, ucj_percent=Decimal("20.00"),
                                    covered=20_000, denominator=100_000)

    page = _page(login(viewer).get(reverse("reports:regency-detail", args=[seluma_dashboard.pk])))

    assert '<desc id="tren-ucj-desc">30 Jun 2026: 38,45%; 30 Sep 2026: 40,47%. Target 46,80%.</desc>' in page
    assert "20,00%" not in page


def test_ucj_trend_points():
    rows = [  # (computed_on, official_as_of, official_numerator, covered, denominator)
        (dt.date(2026, 1, 10), None, None, 50, 100_000),  # target only: the programme's UCJ that day
        (dt.date(2026, 2, 2), None, None, None, None),  # no denominator: no point
        (dt.date(2026, 7, 1), dt.date(2026, 6, 30), 38_450, 38_450, 100_000),
        (dt.date(2026, 7, 20), dt.date(2026, 6, 30), 38_450, 38_470, 100_000),  # superseded by 31 Aug
        (dt.date(2026, 9, 3), dt.date(2026, 8, 31), 39_000, 39_010, 100_000),
        (dt.date(2026, 9, 30), dt.date(2026, 8, 31), 39_000, 39_454, 100_000),
    ]

    assert dashboard.ucj_trend(rows) == [
        dashboard.TrendPoint(day=dt.date(2026, 1, 10), ucj=Decimal("0.05"), official=False),
        dashboard.TrendPoint(day=dt.date(2026, 6, 30), ucj=Decimal("38.45"), official=True),
        dashboard.TrendPoint(day=dt.date(2026, 8, 31), ucj=Decimal("39.00"), official=True),
        dashboard.TrendPoint(day=dt.date(2026, 9, 30), ucj=Decimal("39.45"), official=False),  # 39.454
    ]


def test_regency_table_sorts_on_the_server_with_header_links(login, viewer, seluma_dashboard, programme,
                                                             add_nominees):
    add_nominees(programme, _village("17.05.02.1009"), 30, S.ACTIVE, dt.date(2026, 7, 20))
    add_nominees(programme, _village("17.05.03.2002"), 5, S.ACTIVE, dt.date(2026, 7, 20))
    _recompute(seluma_dashboard)

    response = login(viewer).get(reverse("reports:regency-detail", args=[seluma_dashboard.pk]),
                                 {"urut": "-terdaftar"})

    rows = response.context["rows"]
    assert [(row.name, row.registered) for row in rows[:4]] == [
        ("Sukaraja", 2_020), ("Seluma", 30), ("Talo", 5), ("Semidang Alas", 0)]
    page = _page(response)
    assert ('<th scope="col" class="num" aria-sort="descending"><a class="sort-link" '
            'href="?urut=terdaftar#per-kecamatan">Terdaftar <span aria-hidden="true">▼</span></a></th>') in page
    assert '<th scope="col"><a class="sort-link" href="?urut=nama#per-kecamatan">Kecamatan</a></th>' in page
    assert page.count("aria-sort=") == 1
    # The bar chart follows the table's order.
    chart = response.context["region_chart"]
    assert chart.index("<title>Sukaraja: kuota 210") < chart.index("<title>Seluma: kuota") < chart.index(
        "<title>Talo: kuota")
    assert '<title id="grafik-kecamatan-title">Angka program per kecamatan, Kabupaten Seluma</title>' in page


def test_sort_links_keep_the_planners_question(login, viewer, seluma_dashboard):
    page = _page(login(viewer).get(reverse("reports:regency-detail", args=[seluma_dashboard.pk]),
                                   {"tambah": "1000", "urut": "ucj"}))

    assert 'href="?tambah=1000&amp;urut=-ucj#per-kecamatan">UCJ <span aria-hidden="true">▲</span>' in page
    assert "Bila <strong>1.000</strong> pekerja lagi didanai" in page


@pytest.mark.parametrize("persona", ["other_admin", "other_reviewer", "officer"])
def test_sorted_pages_are_404_out_of_scope(request, login, seluma_dashboard, sukaraja, persona):
    client = login(request.getfixturevalue(persona))

    statuses = [client.get(reverse("reports:regency-detail", args=[seluma_dashboard.pk]), {"urut": "ucj"}).status_code,
                client.get(reverse("reports:subdistrict-detail", args=[sukaraja.pk]), {"urut": "-aktif"}).status_code]

    assert statuses == [404, 404]


# --- The subdistrict page -------------------------------------------------------------------------

@pytest.mark.parametrize(("persona", "link"), [
    ("regency_admin", "review"), ("reviewer", "review"), ("approver", "review"), ("sysadmin", "review"),
    # Who reviews nothing reads the village's own list (Field fit 17), the regent's office included.
    ("viewer", "village"), ("bpjs_officer", "village"), ("province_viewer", "village"),
])
def test_each_village_links_to_the_list_the_viewer_may_open(request, login, seluma_dashboard, programme, sukaraja,
                                                            niur, persona, link):
    client = login(request.getfixturevalue(persona))

    response = client.get(reverse("reports:subdistrict-detail", args=[sukaraja.pk]))

    niur_row = next(row for row in response.context["rows"] if row.code == niur.code)
    expected = {"review": f"/usulan/verifikasi/{programme.pk}/desa/{niur.pk}/",
                "village": f"/usulan/desa/{niur.pk}/"}[link]
    assert niur_row.href == expected
    assert f'<a href="{expected}">Niur</a>' in _page(response)
    assert client.get(expected).status_code == 200
    assert all(row.href for row in response.context["rows"])


def test_subdistrict_page_sorts_villages_and_draws_their_bars(login, viewer, seluma_dashboard, programme,
                                                              add_nominees, sukaraja, lubuk_sahung):
    add_nominees(programme, lubuk_sahung, 8, S.APPROVED)
    _recompute(seluma_dashboard)

    response = login(viewer).get(reverse("reports:subdistrict-detail", args=[sukaraja.pk]), {"urut": "-disetujui"})

    assert [(row.name, row.approved) for row in response.context["rows"][:3]] == [
        ("Niur", 2_020), ("Lubuk Sahung", 8), ("Babatan", 0)]  # ties: by code (17.05.01.1001 first)
    page = _page(response)
    assert ('<th scope="col" class="num" aria-sort="descending"><a class="sort-link" '
            'href="?urut=disetujui#per-desa">Disetujui <span aria-hidden="true">▼</span></a></th>') in page
    assert ("<title>Lubuk Sahung: kuota 10, diusulkan 8, disetujui 8, terdaftar 0, aktif 0</title>") in page
    assert ('<title id="grafik-desa-title">Angka program per desa/kelurahan, Kecamatan Sukaraja</title>') in page


# --- Queries do not grow with the regions --------------------------------------------------------------

def _snapshot(regency, code, level, name, on=ON, **values):
    return CoverageSnapshot.objects.create(
        regency=regency, region_code=code, level=level, region_name=name, computed_on=on, computed_at=COMPUTED_AT,
        year=YEAR, **values)


REGENCY_ROW = {"denominator": 100_000, "official_numerator": 38_450, "programme_addition": 0, "covered": 38_450,
               "official_as_of": AS_OF, "premium_per_month_rp": 16_800, "target_percent": Decimal("46.80")}


@pytest.mark.parametrize("subdistricts", [1, 3])
def test_regency_dashboard_query_count_does_not_grow_with_subdistricts(login, viewer, seluma, programme,
                                                                       add_nominees, django_assert_num_queries,
                                                                       subdistricts):
    # Two computed days (a trend line), and per subdistrict a snapshot row and a village with nominees.
    _snapshot(seluma, "17.05", RegionLevel.REGENCY, "Kabupaten Seluma", on=ON - dt.timedelta(days=1),
              ucj_percent=Decimal("38.45"), **REGENCY_ROW)
    _snapshot(seluma, "17.05", RegionLevel.REGENCY, "Kabupaten Seluma", ucj_percent=Decimal("38.45"), **REGENCY_ROW)
    subdistrict_rows = Subdistrict.objects.filter(regency=seluma).order_by("code")[:subdistricts]
    for index, subdistrict in enumerate(subdistrict_rows, start=1):
        _snapshot(seluma, subdistrict.code, RegionLevel.SUBDISTRICT, subdistrict.name, registered=index, quota=10)
        add_nominees(programme, subdistrict.villages.order_by("code").first(), index, S.ACTIVE, dt.date(2026, 7, 1))
    client = login(viewer)

    # 1 user, 2 the user's region assignments (scope), 3 the regency with its province,
    # 4 the regency's latest snapshot row, 5 its subdistricts' rows with their ids (links), 6 the
    # regency's trend, 7 the current stage (the regency's programmes: none open today, so the
    # latest), 8 the premium committed, 9 the benefits paid, 10 the stage's progress over villages,
    # 11 the premium bills panel's programmes with a budget (none: membership.budget.selectors.
    # regency_budget_figures), 12 the stage that continues this one, if any (the planner: none
    # here), 13 the unread notices (header).
    with django_assert_num_queries(13):
        response = client.get(reverse("reports:regency-detail", args=[seluma.pk]), {"urut": "-terdaftar"})
    # The same figures again: the subdistricts' rows and the trend (5, 6), drawn with the headline
    # and the table, are kept in the cache under the regency row read in 4; everything else (the
    # live figures) is read again.
    with django_assert_num_queries(11):
        again = client.get(reverse("reports:regency-detail", args=[seluma.pk]), {"urut": "-terdaftar"})

    assert [row.registered for row in response.context["rows"]] == list(range(subdistricts, 0, -1))
    assert response.context["stage"].registered == subdistricts
    assert response.context["commitment"]["result"].workers == subdistricts * (subdistricts + 1) // 2
    assert response.context["trend_chart"] is not None and response.context["region_chart"] is not None
    assert again.context["rows"] == response.context["rows"]
    assert again.context["trend_chart"] == response.context["trend_chart"]


@pytest.mark.parametrize("villages", [1, 3])
def test_subdistrict_dashboard_query_count_does_not_grow_with_villages(login, reviewer, seluma, sukaraja, programme,
                                                                       add_nominees, django_assert_num_queries,
                                                                       villages):
    _snapshot(seluma, "17.05", RegionLevel.REGENCY, "Kabupaten Seluma")
    _snapshot(seluma, "17.05.01", RegionLevel.SUBDISTRICT, "Sukaraja")
    for index, village in enumerate(sukaraja.villages.order_by("code")[:villages], start=1):
        _snapshot(seluma, village.code, RegionLevel.VILLAGE, village.name, active=index, quota=10)
        add_nominees(programme, village, index, S.ACTIVE, dt.date(2026, 7, 1))
    client = login(reviewer)  # who works the review: its links need the current stage

    # 1 user, 2 the user's region assignments (scope), 3 the subdistrict with its regency,
    # 4 the current stage for the review links (the regency's programmes: none open today, so the
    # latest), 5 the regency's latest snapshot row, 6 the subdistrict's and its villages' rows of
    # that day with the villages' ids (links), 7 the unread notices.
    with django_assert_num_queries(7):
        response = client.get(reverse("reports:subdistrict-detail", args=[sukaraja.pk]), {"urut": "aktif"})
    # The same figures again: the rows, the table and the chart (6) are kept under the row read in 5.
    with django_assert_num_queries(6):
        again = client.get(reverse("reports:subdistrict-detail", args=[sukaraja.pk]), {"urut": "aktif"})

    assert [row.active for row in response.context["rows"]] == list(range(1, villages + 1))
    assert all(row.href.startswith(f"/usulan/verifikasi/{programme.pk}/desa/") for row in response.context["rows"])
    assert again.context["rows"] == response.context["rows"]
    assert again.context["region_table"] == response.context["region_table"]


@pytest.mark.parametrize("asked", [{"x": "1"}, {"urut": "bukan-kolom"}, {"urut": "aktif", "tambah": "50"}])
def test_a_page_asked_more_than_an_order_is_drawn_not_kept(login, reviewer, seluma, sukaraja, django_assert_num_queries,
                                                           asked):
    """Only the table's order varies what is kept: a made-up parameter, an unknown order or the
    planner's question draws the page for that request alone, so nobody fills the cache with
    made-up query strings; the page shows the same rows."""
    _snapshot(seluma, "17.05", RegionLevel.REGENCY, "Kabupaten Seluma")
    _snapshot(seluma, "17.05.01", RegionLevel.SUBDISTRICT, "Sukaraja")
    village = sukaraja.villages.order_by("code").first()
    _snapshot(seluma, village.code, RegionLevel.VILLAGE, village.name, active=3, quota=10)
    client = login(reviewer)
    url = reverse("reports:subdistrict-detail", args=[sukaraja.pk])

    first = client.get(url, asked)
    with django_assert_num_queries(7):  # the village rows read again (6): nothing was kept
        again = client.get(url, asked)

    assert [row.active for row in again.context["rows"]] == [row.active for row in first.context["rows"]] == [3]


# --- Kept figures follow the recompute; live figures follow the change -------------------------------

def test_kept_rows_are_read_again_after_the_recompute_and_the_stage_at_once(
        login, viewer, approver, seluma, regency_admin, programme, add_nominees, niur, lubuk_sahung):
    """A nominee approved: the stage's progress (read for each request) shows it at once; the
    kecamatan table and the trend (kept under the regency's snapshot row) show it once the recompute
    has written the row again, as the snapshot figures always did, and never before."""
    _figures(seluma, regency_admin)
    add_nominees(programme, niur, 2_020, S.ACTIVE, dt.date(2026, 7, 15))
    [waiting] = add_nominees(programme, lubuk_sahung, 1, S.VERIFIED)
    recompute_regency(seluma.pk, on=ON)  # as the worker does: a new computed_at each time
    client = login(viewer)
    url = reverse("reports:regency-detail", args=[seluma.pk])

    def sukaraja(response):
        [row] = [row for row in response.context["rows"] if row.code == lubuk_sahung.subdistrict.code]
        return row.approved

    first = client.get(url)
    workflow.nominee_decide(nominee=waiting, action=Action.APPROVE, actor=approver)
    changed = client.get(url)
    recompute_regency(seluma.pk, on=ON)
    recomputed = client.get(url)

    assert (sukaraja(first), first.context["stage"].fully_approved) == (2_020, 1)
    assert (sukaraja(changed), changed.context["stage"].fully_approved) == (2_020, 2)
    assert (sukaraja(recomputed), recomputed.context["stage"].fully_approved) == (2_021, 2)
    assert "2.021" in _page(recomputed)


def test_kept_rows_are_shown_only_after_the_readers_scope_is_checked(login, viewer, other_reviewer,
                                                                     seluma_dashboard):
    """The kept rows hold no reader's data, and a reader outside the regency still gets the 404,
    with the page's figures kept by an earlier reader."""
    url = reverse("reports:regency-detail", args=[seluma_dashboard.pk])
    assert login(viewer).get(url).status_code == 200

    assert login(other_reviewer).get(url).status_code == 404
    assert login(other_reviewer).get(reverse("reports:regency-summary", args=[seluma_dashboard.pk])).status_code == 404


def test_kept_subdistrict_page_is_404_out_of_scope(login, viewer, other_reviewer, other_admin, seluma_dashboard,
                                                   sukaraja):
    """The subdistrict page kept by a reader of Seluma is still a 404 for a reader of another regency,
    and the regency page kept too."""
    urls = [reverse("reports:subdistrict-detail", args=[sukaraja.pk]),
            reverse("reports:regency-detail", args=[seluma_dashboard.pk])]
    assert [login(viewer).get(url).status_code for url in urls] == [200, 200]

    assert [login(other_reviewer).get(url).status_code for url in urls] == [404, 404]
    assert [login(other_admin).get(url).status_code for url in urls] == [404, 404]


def test_kept_subdistrict_page_shows_the_recompute_at_once(login, viewer, seluma, regency_admin, programme,
                                                           add_nominees, niur, lubuk_sahung, sukaraja):
    """The village table is kept under the regency's latest row: more nominees show once the
    recompute has written the day's rows again, on the same day, and never before."""
    _figures(seluma, regency_admin)
    add_nominees(programme, niur, 2_020, S.ACTIVE, dt.date(2026, 7, 15))
    recompute_regency(seluma.pk, on=ON)  # as the worker does: a new computed_at each time
    client = login(viewer)
    url = reverse("reports:subdistrict-detail", args=[sukaraja.pk])

    def lubuk_sahung_row(response):
        return next(row for row in response.context["rows"] if row.code == lubuk_sahung.code)

    first = client.get(url)
    add_nominees(programme, lubuk_sahung, 7, S.SUBMITTED)
    before_recompute = client.get(url)
    recompute_regency(seluma.pk, on=ON)
    recomputed = client.get(url)

    assert [lubuk_sahung_row(response).submitted for response in (first, before_recompute, recomputed)] == [0, 0, 7]
    assert "<title>Lubuk Sahung: kuota 10, diusulkan 7, disetujui 0, terdaftar 0, aktif 0</title>" in _page(recomputed)
    assert recomputed.context["own"].submitted == first.context["own"].submitted + 7


def test_kept_dashboard_headline_and_trend_follow_the_recompute_and_live_figures_move_at_once(
        login, viewer, seluma, regency_admin, programme, add_nominees, niur):
    """The headline (UCJ, achievement) and the trend are kept with the table under the regency's
    latest row; the premium committed and the stage's progress are read for each request."""
    _figures(seluma, regency_admin)
    add_nominees(programme, niur, 2_020, S.ACTIVE, dt.date(2026, 7, 15))
    recompute_regency(seluma.pk, on=ON)
    client = login(viewer)
    url = reverse("reports:regency-detail", args=[seluma.pk])

    first = client.get(url)
    add_nominees(programme, niur, 980, S.ACTIVE, dt.date(2026, 7, 20))
    live = client.get(url)
    recompute_regency(seluma.pk, on=ON)
    recomputed = client.get(url)

    # 38,450 + 2,020 = 40,470 of 100,000: 40,47 %, 86,47 % of 46,80 %; with 980 more, 41,45 % and 88,57 %.
    assert [response.context["ucj"] for response in (first, live, recomputed)] == [
        Decimal("40.47"), Decimal("40.47"), Decimal("41.45")]
    assert "41,45%" not in _page(live) and "41,45%" in _page(recomputed)
    assert "88,57% dari target" in _page(recomputed)
    assert [response.context["commitment"]["result"].workers for response in (first, live, recomputed)] == [
        2_020, 3_000, 3_000]
    assert "Rp50.400.000" in _page(live)  # 3,000 × Rp16,800 a month, at once


def test_kept_headline_has_the_entry_links_only_for_who_may_enter(login, viewer, regency_admin, seluma):
    """The headline is kept once for readers who may enter figures and once for those who may not:
    neither sees the other's links, whoever came first."""
    services.official_figure_record(region=seluma, as_of=AS_OF, active_pu=20_000, active_bpu=15_000,
                                    active_jakon=3_000, active_pmi=450, denominator=100_000,
                                    published_percent=Decimal("38.45"), entered_by=regency_admin)
    _recompute(seluma)  # UCJ from the official figure, but no target yet
    url = reverse("reports:regency-detail", args=[seluma.pk])
    target_link = f'<a href="{reverse("reports:target-edit", args=[seluma.pk])}">Isi target</a>'

    pages = [_page(login(persona).get(url)) for persona in (viewer, regency_admin, viewer)]

    assert ["Belum ada target UCJ tahun 2026." in page for page in pages] == [True, True, True]
    assert [target_link in page for page in pages] == [False, True, False]


def test_kept_village_links_follow_the_readers_role(login, viewer, reviewer, seluma_dashboard, programme, sukaraja,
                                                    niur):
    """The village table is kept once per place its names lead to: the reviewer's review page, the
    regent's office's read-only list, whoever came first."""
    url = reverse("reports:subdistrict-detail", args=[sukaraja.pk])

    pages = [_page(login(persona).get(url)) for persona in (viewer, reviewer, viewer)]

    review, village = f"/usulan/verifikasi/{programme.pk}/desa/{niur.pk}/", f"/usulan/desa/{niur.pk}/"
    assert [(f'<a href="{review}">Niur</a>' in page, f'<a href="{village}">Niur</a>' in page) for page in pages] == [
        (False, True), (True, False), (False, True)]
