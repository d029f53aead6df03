"""reports/views.py: the coverage pages of a regency and a subdistrict, the planner on them, and who
may see them (everyone above the village in scope) or enter data (the regency's admin and approver,
the system administrator). Out of scope is a 404 on GET and POST alike.

The Seluma scenario (computed ON 2026-09-30): target 46.80 % of 100,000 working people; BPJS
reported 38,450 active participants as of 30 June 2026; the programme registered 2,020 workers in
Desa Niur on 15 July, all still active, at Rp16,800 for 3 months.
  covered 40,470 → UCJ 40.47 %, 86.47 % of target, contribution 2.02 points;
  needed 46,800 − 40,470 = 6,330 workers → Rp106,344,000 a month, Rp1,276,128,000 a year;
  premium committed 2,020 × 16,800 × 3 = Rp101,808,000 (DOMAIN §3's Seluma check).
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from registrations.enums import NomineeStatus
from reports import services
from reports.coverage import coverage_today, recompute_regency
from reports.models import CoverageSnapshot, CoverageTarget, OfficialFigure, RegionLevel, VillageDenominator
from reports.views import RegionRow
from villages.models import Subdistrict

from .conftest import AS_OF, ON, YEAR

COMPUTED_AT = dt.datetime(2026, 9, 30, 1, 15, tzinfo=dt.UTC)  # 08.15 WIB


@pytest.fixture
def seluma_coverage(seluma, regency_admin, programme, add_nominees, niur):
    """The scenario in the module docstring, recomputed ON."""
    services.coverage_target_set(region=seluma, year=YEAR, target_percent=Decimal("46.80"),
                                 working_population=100_000, population_source="BPS Sakernas Agustus 2025",
                                 entered_by=regency_admin)
    services.official_figure_record(region=seluma, as_of=AS_OF, active_pu=20_000, active_bpu=15_000,
                                    active_jakon=3_000, active_pmi=450, denominator=100_000,
                                    published_percent=Decimal("38.45"), source_document="Surat BPJS 12/2026",
                                    entered_by=regency_admin)
    add_nominees(programme, niur, 2_020, NomineeStatus.ACTIVE, dt.date(2026, 7, 15))
    _recompute(seluma)
    return seluma


def _recompute(regency):
    """recompute_regency ON, at a fixed time of day so that "dihitung …" is exact."""
    recompute_regency(regency.pk, on=ON)
    CoverageSnapshot.objects.filter(regency=regency).update(computed_at=COMPUTED_AT)


def _page(response) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


# --- Scope -----------------------------------------------------------------------------------------

VIEWERS_IN_SCOPE = ["regency_admin", "approver", "reviewer", "viewer", "bpjs_officer", "province_viewer", "sysadmin"]
OUT_OF_SCOPE = ["other_admin", "other_reviewer", "officer"]
ENTRY_PAGES = ["reports:target-edit", "reports:figure-list", "reports:figure-import", "reports:figure-template"]


@pytest.mark.parametrize("persona", VIEWERS_IN_SCOPE + OUT_OF_SCOPE)
@pytest.mark.parametrize(("url_name", "region_fixture"), [("reports:regency-detail", "seluma"),
                                                          ("reports:subdistrict-detail", "sukaraja")])
def test_coverage_pages_are_for_everyone_above_the_village_in_scope(request, db, login, url_name, region_fixture,
                                                                    persona):
    # `db` by name: the autouse reference-data fixture reseeds the premium rates only for tests that ask for it.
    region = request.getfixturevalue(region_fixture)
    client = login(request.getfixturevalue(persona))

    response = client.get(reverse(url_name, args=[region.pk]))

    assert response.status_code == (200 if persona in VIEWERS_IN_SCOPE else 404)


@pytest.mark.parametrize(("persona", "status"), [
    ("regency_admin", 200), ("approver", 200), ("sysadmin", 200),
    ("reviewer", 404), ("viewer", 404), ("bpjs_officer", 404), ("province_viewer", 404),
    ("other_admin", 404), ("officer", 404),
])
@pytest.mark.parametrize("url_name", ENTRY_PAGES + ["reports:denominator-edit"])
def test_entry_pages_are_for_the_regency_admin_approver_and_sysadmin(request, login, seluma, sukaraja, url_name,
                                                                     persona, status):
    region = sukaraja if url_name == "reports:denominator-edit" else seluma
    client = login(request.getfixturevalue(persona))

    response = client.get(reverse(url_name, args=[region.pk]))

    assert response.status_code == status


@pytest.mark.parametrize("persona", ["viewer", "reviewer", "other_admin", "officer"])
def test_posting_entry_forms_without_the_right_is_404_and_saves_nothing(request, login, seluma, sukaraja, niur,
                                                                       persona):
    client = login(request.getfixturevalue(persona))
    posts = [
        (reverse("reports:target-edit", args=[seluma.pk]),
         {"year": "2026", "target_percent": "46,80", "working_population": "100000", "population_source": "BPS"}),
        (reverse("reports:figure-list", args=[seluma.pk]),
         {"as_of": "2026-06-30", "active_pu": "10", "denominator": "100"}),
        (reverse("reports:denominator-edit", args=[sukaraja.pk]), {"year": "2026", f"penduduk_{niur.pk}": "900"}),
        (reverse("reports:figure-import", args=[seluma.pk]), {}),
        (reverse("reports:figure-import-confirm", args=[seluma.pk, "a" * 22]), {}),
    ]

    statuses = [client.post(url, data).status_code for url, data in posts]

    assert statuses == [404] * len(posts)
    assert (CoverageTarget.objects.count(), OfficialFigure.objects.count(), VillageDenominator.objects.count()) == (
        0, 0, 0)


def test_viewer_sees_the_figures_without_entry_links(login, viewer, seluma_coverage):
    response = login(viewer).get(reverse("reports:regency-detail", args=[seluma_coverage.pk]))

    page = _page(response)
    assert response.context["can_enter"] is False
    assert "40,47%" in page
    for url_name in ENTRY_PAGES:
        assert reverse(url_name, args=[seluma_coverage.pk]) not in page
    assert 'method="post" action="/cakupan' not in page


def test_admin_sees_the_entry_links(login, regency_admin, seluma_coverage, sukaraja):
    regency_page = _page(login(regency_admin).get(reverse("reports:regency-detail", args=[seluma_coverage.pk])))
    subdistrict_page = _page(login(regency_admin).get(reverse("reports:subdistrict-detail", args=[sukaraja.pk])))

    for url_name in ["reports:target-edit", "reports:figure-list", "reports:figure-import"]:
        assert reverse(url_name, args=[seluma_coverage.pk]) in regency_page
    assert reverse("reports:denominator-edit", args=[sukaraja.pk]) in subdistrict_page


def test_regency_page_links_to_the_coverage_page(login, reviewer, seluma):
    page = _page(login(reviewer).get(reverse("villages:regency-detail", args=[seluma.pk])))

    assert f'href="{reverse("reports:regency-detail", args=[seluma.pk])}">Cakupan UCJ</a>' in page


# --- The regency page ------------------------------------------------------------------------------

def test_regency_page_shows_ucj_against_target_with_dates(login, viewer, seluma_coverage):
    response = login(viewer).get(reverse("reports:regency-detail", args=[seluma_coverage.pk]))

    page = _page(response)
    assert response.context["snapshot"].computed_on == ON
    assert ("Data per 30 Juni 2026 (angka resmi BPJS Ketenagakerjaan), ditambah pekerja program yang terdaftar "
            "sampai 30 September 2026 · dihitung 30 September 2026 pukul 08.15 WIB") in page
    assert '<span class="ucj-value">40,47%</span>' in page
    assert "Target 46,80% · <strong>86,47% dari target</strong>" in page
    assert "<dt>Peserta aktif tercakup</dt><dd>40.470</dd>" in page
    assert "<dt>Penduduk bekerja</dt><dd>100.000</dd>" in page
    assert "<dt>Kontribusi program</dt><dd>2,02 poin</dd>" in page
    assert "2.020 pekerja program terdaftar sesudah 30 Juni 2026" in page
    assert "<dt>Pekerja yang masih dibutuhkan untuk target</dt><dd>6.330</dd>" in page
    assert '<dt>Iuran mereka per bulan</dt><dd class="money">Rp106.344.000</dd>' in page
    assert '<dt>Iuran mereka per tahun</dt><dd class="money">Rp1.276.128.000</dd>' in page


def test_regency_page_writes_every_date_in_one_form(login, viewer, seluma_coverage):
    """The office's dashboard once mixed "30 Jun 2026", "30 Juni 2026" and "08.15" for times; the text
    now writes a date "30 Juni 2026" and a time "… pukul 08.15 WIB" (common.formatting). Only a
    chart's axis, short of room, abbreviates the month."""
    page = _page(login(viewer).get(reverse("reports:regency-detail", args=[seluma_coverage.pk])))
    text = re.sub(r"<svg.*?</svg>", "", page)

    months = "Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember"
    date = rf"\d{{1,2}} (?:{months}) \d{{4}}"
    # periods ("5 Januari – 20 Februari 2026"), dates and times, in page order
    # (the data's date and the day programme workers are counted to, when it was computed, the
    # contribution's date, the trend's points, the stage's window)
    assert re.findall(rf"\b\d{{1,2}} (?:{months}) – {date}|\b{date}(?: pukul \d\d\.\d\d WIB)?", text) == [
        "30 Juni 2026", "30 September 2026", "30 September 2026 pukul 08.15 WIB", "30 Juni 2026", "30 Juni 2026",
        "30 September 2026", "5 Januari – 20 Februari 2026"]
    assert not re.search(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|Jun|Jul|Agu|Sep|Okt|Nov|Des) \d{4}", text)
    assert not re.search(r"\b\d\d-\d\d-\d{4}\b|\b\d\d:\d\d\b", text)


def test_regency_page_lists_subdistricts_from_the_latest_snapshots(login, viewer, seluma_coverage, sukaraja):
    response = login(viewer).get(reverse("reports:regency-detail", args=[seluma_coverage.pk]))

    rows = response.context["rows"]
    assert len(rows) == 14
    assert rows[0] == RegionRow(code="17.05.01", name="Sukaraja", quota=210, nominated=2_020, submitted=2_020,
                                approved=2_020, registered=2_020, active=2_020, premium_committed_rp=101_808_000,
                                denominator=None, ucj_percent=None, pk=sukaraja.pk)
    assert response.context["total"].premium_committed_rp == 101_808_000
    page = _page(response)
    assert (f'<td><a href="/cakupan/kecamatan/{sukaraja.pk}/">Sukaraja</a> <span class="muted small">17.05.01</span>'
            '</td> <td class="num">210</td> <td class="num">2.020</td> <td class="num">2.020</td> '
            '<td class="num">2.020</td> <td class="num">2.020</td> <td class="num">2.020</td> '
            '<td class="num">Rp101.808.000</td> <td class="num">—</td> <td class="num">—</td>') in page


def test_subdistrict_with_an_official_figure_shows_its_ucj(login, viewer, regency_admin, seluma_coverage,
                                                           sukaraja):
    services.official_figure_record(region=sukaraja, as_of=AS_OF, active_bpu=2_000, denominator=10_000,
                                    entered_by=regency_admin)
    _recompute(seluma_coverage)

    rows = login(viewer).get(reverse("reports:regency-detail", args=[seluma_coverage.pk])).context["rows"]

    # (2,000 official + 2,020 registered after 30 June) ÷ 10,000
    assert (rows[0].code, rows[0].denominator, rows[0].ucj_percent) == ("17.05.01", 10_000, Decimal("40.20"))
    assert [row.ucj_percent for row in rows[1:]] == [None] * 13


def test_regency_page_before_the_first_recompute_says_so_and_shows_live_figures(login, viewer, seluma,
                                                                                 regency_admin, programme,
                                                                                 add_nominees, niur):
    services.coverage_target_set(region=seluma, year=YEAR, target_percent=Decimal("46.80"),
                                 working_population=100_000, population_source="BPS", entered_by=regency_admin)
    services.official_figure_record(region=seluma, as_of=AS_OF, active_pu=38_450, denominator=100_000,
                                    entered_by=regency_admin)
    add_nominees(programme, niur, 2_020, NomineeStatus.ACTIVE, dt.date(2026, 7, 15))

    response = login(viewer).get(reverse("reports:regency-detail", args=[seluma.pk]))

    page = _page(response)
    assert response.context["snapshot"] is None
    assert "belum pernah dihitung; angka di bawah dihitung langsung saat halaman dibuka" in page
    assert '<span class="ucj-value">40,47%</span>' in page
    assert response.context["rows"][0].registered == 2_020


def test_regency_page_without_target_nor_official_figure_says_ucj_cannot_be_computed(login, viewer, seluma):
    page = _page(login(viewer).get(reverse("reports:regency-detail", args=[seluma.pk])))

    assert "UCJ belum bisa dihitung: belum ada angka resmi BPJS maupun target dengan jumlah penduduk bekerja." in page
    assert "Belum ada angka resmi BPJS Ketenagakerjaan" in page


# --- The planner -----------------------------------------------------------------------------------

def test_planner_funding_more_workers(login, viewer, seluma_coverage):
    response = login(viewer).get(reverse("reports:regency-detail", args=[seluma_coverage.pk]), {"tambah": "1000"})

    page = _page(response)
    projection = response.context["projection"]["result"]
    assert (projection.covered, projection.monthly_premium_rp, projection.annual_premium_rp) == (
        41_470, 16_800_000, 201_600_000)
    assert ("Bila <strong>1.000</strong> pekerja lagi didanai: UCJ menjadi <strong>41,47%</strong> "
            "(naik 1,00 poin), tercakup 41.470 pekerja.") in page
    assert "Iuran <strong>Rp16.800.000</strong> per bulan, <strong>Rp201.600.000</strong> per tahun." in page
    assert response.context["target_cost"] is None


def test_planner_cost_of_a_target(login, viewer, seluma_coverage):
    response = login(viewer).get(reverse("reports:regency-detail", args=[seluma_coverage.pk]), {"target": "50"})

    page = _page(response)
    # ceil(50 % × 100,000) − 40,470 = 9,530 workers × Rp16,800
    assert "Untuk mencapai UCJ <strong>50,00%</strong>: perlu <strong>9.530</strong> pekerja lagi." in page
    assert "Iuran <strong>Rp160.104.000</strong> per bulan, <strong>Rp1.921.248.000</strong> per tahun." in page


def test_planner_takes_an_indonesian_decimal_comma_and_both_questions(login, viewer, seluma_coverage):
    response = login(viewer).get(reverse("reports:regency-detail", args=[seluma_coverage.pk]),
                                 {"tambah": "6330", "target": "46,8"})

    assert response.context["projection"]["ucj"] == Decimal("46.80")
    assert response.context["target_cost"]["result"].workers_needed == 6_330


@pytest.mark.parametrize(("query", "field", "message"), [
    ({"tambah": "seribu"}, "tambah", "Jumlah pekerja harus bilangan bulat, mis. 1000."),
    ({"tambah": "0"}, "tambah", "Jumlah pekerja paling sedikit 1."),
    ({"target": "120"}, "target", "Persentase tidak boleh lebih dari 100."),
    ({"target": "0"}, "target", "Target harus lebih dari 0."),
    ({"target": "lima puluh"}, "target", "Tulis persentase sebagai angka, mis. 46,80."),
])
def test_planner_explains_bad_input_in_indonesian(login, viewer, seluma_coverage, query, field, message):
    response = login(viewer).get(reverse("reports:regency-detail", args=[seluma_coverage.pk]), query)

    assert response.context["planner_form"].errors == {field: [message]}
    assert message in response.content.decode()
    assert response.context["projection"] is None and response.context["target_cost"] is None


def test_planner_without_a_denominator_says_why(login, viewer, seluma):
    response = login(viewer).get(reverse("reports:regency-detail", args=[seluma.pk]), {"tambah": "100"})

    assert response.context["planner_form"].errors["tambah"] == [
        f"Kabupaten Seluma belum memiliki angka penduduk bekerja (angka resmi UCJ atau target tahun "
        f"{coverage_today().year}), jadi UCJ belum dapat dihitung."
    ]


# --- The subdistrict page --------------------------------------------------------------------------

def test_subdistrict_page_lists_its_villages_with_ucj_where_a_denominator_exists(login, viewer, regency_admin,
                                                                                 seluma_coverage, sukaraja, niur,
                                                                                 programme):
    services.village_denominator_set(village=niur, year=YEAR, working_residents=4_040, source="Profil desa",
                                     entered_by=regency_admin)
    _recompute(seluma_coverage)

    response = login(viewer).get(reverse("reports:subdistrict-detail", args=[sukaraja.pk]))

    rows = response.context["rows"]
    assert len(rows) == 21
    niur_row = next(row for row in rows if row.code == niur.code)
    assert niur_row == RegionRow(code="17.05.01.2002", name="Niur", quota=10, nominated=2_020, submitted=2_020,
                                 approved=2_020, registered=2_020, active=2_020, premium_committed_rp=101_808_000,
                                 denominator=4_040, ucj_percent=Decimal("50.00"), pk=niur.pk)
    assert niur_row.href == f"/usulan/desa/{niur.pk}/"  # the village's own list: the viewer reviews nothing
    assert [row.ucj_percent for row in rows if row.code != niur.code] == [None] * 20
    assert response.context["own"].registered == 2_020
    page = _page(response)
    assert ('<td class="num">Rp101.808.000</td> <td class="num">4.040</td> <td class="num">50,00%</td>') in page
    assert "Dihitung 30 September 2026 pukul 08.15 WIB · angka resmi kabupaten/kota per 30 Juni 2026" in page


def test_subdistrict_page_shows_only_its_own_villages(login, viewer, seluma_coverage):
    other = Subdistrict.objects.get(code="17.05.02")

    rows = login(viewer).get(reverse("reports:subdistrict-detail", args=[other.pk])).context["rows"]

    assert {row.code[:8] for row in rows} == {"17.05.02"}
    assert len(rows) == 7


# --- Queries do not grow with the regions ----------------------------------------------------------

def _snapshot(regency, code, level, name, **values):
    return CoverageSnapshot.objects.create(
        regency=regency, region_code=code, level=level, region_name=name, computed_on=ON, computed_at=COMPUTED_AT,
        year=YEAR, **values)


@pytest.mark.parametrize("subdistricts", [1, 3])
def test_regency_page_query_count_does_not_grow_with_subdistricts(login, viewer, seluma, django_assert_num_queries,
                                                                  subdistricts):
    _snapshot(seluma, "17.05", RegionLevel.REGENCY, "Kabupaten Seluma", denominator=100_000, official_numerator=38_450,
              programme_addition=0, covered=38_450, official_as_of=AS_OF, premium_per_month_rp=16_800,
              target_percent=Decimal("46.80"))
    for index in range(1, subdistricts + 1):
        _snapshot(seluma, f"17.05.0{index}", RegionLevel.SUBDISTRICT, f"Kecamatan {index}", registered=index)
    client = login(viewer)

    # 1 user, 2 the user's region assignments (scope), 3 the regency with its province,
    # 4 the regency's latest snapshot row, 5 its subdistricts' rows with their ids (links), 6 the
    # regency's trend, 7 the current stage (the regency's programmes: none at all), 8 the premium
    # committed, 9 the benefits paid, 10 the premium bills panel's programmes with a budget (none),
    # 11 the unread notices (header). With a stage, and 6-7 kept for the next request:
    # tests/reports/test_dashboard.py.
    with django_assert_num_queries(11):
        response = client.get(reverse("reports:regency-detail", args=[seluma.pk]), {"tambah": "10", "target": "50"})

    assert [row.registered for row in response.context["rows"]] == list(range(1, subdistricts + 1))
    assert response.context["target_cost"]["result"].workers_needed == 11_550


@pytest.mark.parametrize("villages", [1, 3])
def test_subdistrict_page_query_count_does_not_grow_with_villages(login, viewer, seluma, sukaraja,
                                                                  django_assert_num_queries, villages):
    _snapshot(seluma, "17.05", RegionLevel.REGENCY, "Kabupaten Seluma")
    _snapshot(seluma, "17.05.01", RegionLevel.SUBDISTRICT, "Sukaraja")
    for index in range(1, villages + 1):
        _snapshot(seluma, f"17.05.01.200{index}", RegionLevel.VILLAGE, f"Desa {index}", active=index)
    client = login(viewer)

    # 1 user, 2 the user's region assignments (scope), 3 the subdistrict with its regency,
    # 4 the latest snapshots of the regency, the subdistrict and its villages, 5 the villages' codes
    # and ids (links), 6 the unread notices. The regent's office reviews nothing: its village links
    # are the villages' own lists, with no stage to look up (a reviewer's: test_dashboard.py).
    with django_assert_num_queries(6):
        response = client.get(reverse("reports:subdistrict-detail", args=[sukaraja.pk]))

    assert [row.active for row in response.context["rows"]] == list(range(1, villages + 1))


def _village_table(response) -> str:
    page = response.content.decode()
    return page[page.index('id="per-desa"'):page.index("</section>", page.index('id="per-desa"'))]


def test_subdistrict_table_drawn_once_per_set_of_figures(login, viewer, seluma, sukaraja, django_assert_num_queries):
    """The table and chart are kept under the regency's latest row: the same page again is the same
    table, and new figures (a recompute writing new rows) show at once, without clearing anything."""
    head = _snapshot(seluma, "17.05", RegionLevel.REGENCY, "Kabupaten Seluma")
    _snapshot(seluma, "17.05.01", RegionLevel.SUBDISTRICT, "Sukaraja")
    village = _snapshot(seluma, "17.05.01.2001", RegionLevel.VILLAGE, "Desa Satu", active=4_321)
    client = login(viewer)
    url = reverse("reports:subdistrict-detail", args=[sukaraja.pk])

    first = client.get(url)
    again = client.get(url)
    # A recompute, as reports.coverage writes it: the day's rows, and the regency's own row again
    # with its new computed_at, in one transaction.
    CoverageSnapshot.objects.filter(pk=village.pk).update(active=8_765)
    CoverageSnapshot.objects.filter(pk=head.pk).update(computed_at=COMPUTED_AT + dt.timedelta(minutes=5))
    changed = client.get(url)

    assert "4.321" in _village_table(first)
    assert _village_table(again) == _village_table(first)
    assert again.context["region_chart"] == first.context["region_chart"]
    assert "8.765" in _village_table(changed) and "4.321" not in _village_table(changed)


def test_subdistrict_table_without_the_cache(login, viewer, seluma, sukaraja, monkeypatch):
    """Redis down: the page is drawn in full, as before the cache."""
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("Redis tidak menjawab")

    _snapshot(seluma, "17.05", RegionLevel.REGENCY, "Kabupaten Seluma")
    _snapshot(seluma, "17.05.01", RegionLevel.SUBDISTRICT, "Sukaraja")
    _snapshot(seluma, "17.05.01.2001", RegionLevel.VILLAGE, "Desa Satu", active=4_321)
    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)

    response = login(viewer).get(reverse("reports:subdistrict-detail", args=[sukaraja.pk]))

    assert response.status_code == 200
    assert "4.321" in _village_table(response)
