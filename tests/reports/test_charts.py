"""reports/charts.py: pure SVG from plain numbers, no database. What a reader of the page or of a
black-and-white printout notices: the values written as text, the title and description a screen
reader announces, patterns and dashes besides colour, names escaped, and the geometry (bar lengths,
point positions) proportional to the numbers."""

import re
from decimal import Decimal

import pytest

from reports import charts
from reports.charts import BarGroup, TrendPoint


def _count(svg: str, text: str) -> int:
    return svg.count(text)


@pytest.mark.parametrize(("value", "expected"), [
    (40.47, (50.0, 10.0)),
    (2_020, (2_500.0, 500.0)),
    (10, (10.0, 2.0)),
    (0.3, (0.3, 0.1)),
    (0, (1.0, 0.2)),
])
def test_nice_ceiling_holds_the_value_in_round_steps(value, expected):
    top, step = charts.nice_ceiling(value)

    assert (top, step) == pytest.approx(expected)


# --- Progress to target -------------------------------------------------------------------------------

def test_progress_bar_fills_to_the_achievement_and_writes_it():
    svg = charts.progress_bar(chart_id="capaian", percent=Decimal("86.47"), title="Capaian target UCJ")

    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="chart progress-chart"')
    assert 'role="img" aria-labelledby="capaian-title capaian-desc"' in svg
    assert '<title id="capaian-title">Capaian target UCJ</title>' in svg
    assert '<desc id="capaian-desc">Capaian 86,47%; ujung batang = target (100%)</desc>' in svg
    # 86.47 % of the 360-unit track, after the track's own outline.
    assert '<rect x="0.5" y="4.5" width="311.3" height="18" fill="#0b6e4f"' in svg
    assert '>86,47%</text>' in svg


def test_progress_bar_beyond_the_target_is_full_but_says_the_real_figure():
    svg = charts.progress_bar(chart_id="capaian", percent=Decimal("112.50"), title="Capaian target UCJ")

    assert 'width="360" height="18" fill="#0b6e4f"' in svg
    assert ">112,50%</text>" in svg


# --- Trend ----------------------------------------------------------------------------------------

def _points(*values):
    return [TrendPoint(x=700_000 + 10 * index, label=f"{index + 1} Okt 2026", value=Decimal(value))
            for index, value in enumerate(values)]


def test_trend_chart_draws_the_days_and_the_target_with_text_values():
    svg = charts.trend_chart(chart_id="tren", title="Tren UCJ Kabupaten Seluma",
                             points=_points("38.45", "40.47"), target=Decimal("46.80"))

    assert '<title id="tren-title">Tren UCJ Kabupaten Seluma</title>' in svg
    assert ('<desc id="tren-desc">1 Okt 2026: 38,45%; 2 Okt 2026: 40,47%. Target 46,80%.</desc>') in svg
    # The axis reaches 50 % (46.80 × 1.05 = 49.1 → 50) in steps of 10.
    assert [label for label in re.findall(r'fill="#5b665f">(\d+%)</text>', svg)] == [
        "0%", "10%", "20%", "30%", "40%", "50%"]
    # The target is a dashed line, labelled at its end: it reads without colour.
    assert 'stroke-dasharray="6 4"' in svg and ">Target 46,80%</text>" in svg
    # First point at the left edge, last at the right; y = 20 + 196 × (1 − v ÷ 50).
    assert '<polyline points="52,65.3 610,57.4"' in svg
    assert "<title>1 Okt 2026: 38,45%</title>" in svg and "<title>2 Okt 2026: 40,47%</title>" in svg
    assert _count(svg, ">38,45%</text>") == 1 and _count(svg, ">40,47%</text>") == 1


def test_trend_chart_spaces_points_by_their_days():
    points = [TrendPoint(x=0, label="a", value=Decimal("10")), TrendPoint(x=1, label="b", value=Decimal("10")),
              TrendPoint(x=4, label="c", value=Decimal("10"))]

    svg = charts.trend_chart(chart_id="tren", title="Tren", points=points, target=None)

    # 558 units of plot for 4 days: the second point a quarter of the way, not half.
    assert re.search(r'<polyline points="52,[\d.]+ 191.5,[\d.]+ 610,[\d.]+"', svg)
    assert "Target" not in svg


def test_trend_chart_labels_at_most_seven_points_but_titles_every_one():
    svg = charts.trend_chart(chart_id="tren", title="Tren", points=_points(*["30"] * 30), target=None)

    assert _count(svg, '<g class="trend-point">') == 30
    # Of the 7 evenly spaced candidates (days 1, 6, 11, 15, 20, 25, 30), day 15 is too close to day 11.
    assert re.findall(r'fill="#5b665f">(\d+) Okt 2026</text>', svg) == ["1", "6", "11", "20", "25", "30"]
    assert _count(svg, ">30,00%</text>") == 6


def test_trend_chart_needs_two_points():
    with pytest.raises(ValueError, match="at least two points"):
        charts.trend_chart(chart_id="tren", title="Tren", points=_points("30"), target=None)


# --- Regions' bars --------------------------------------------------------------------------------

def _group(label, quota, nominated, approved, registered, active):
    return BarGroup(label=label, outline=quota, values={"nominated": nominated, "approved": approved,
                                                        "registered": registered, "active": active})


def test_region_bars_draw_each_figure_over_the_quota_outline():
    svg = charts.region_bars(chart_id="grafik-kecamatan", title="Angka program per kecamatan",
                             groups=[_group("Sukaraja", 210, 200, 150, 100, 90), _group("Talo", None, 0, 0, 0, 0)])

    assert '<title id="grafik-kecamatan-title">Angka program per kecamatan</title>' in svg
    assert ('<desc id="grafik-kecamatan-desc">Sukaraja: kuota 210, diusulkan 200, disetujui 150, terdaftar 100, '
            'aktif 90; Talo: diusulkan 0, disetujui 0, terdaftar 0, aktif 0</desc>') in svg
    # One scale for all: the axis ends at 250 (210 → 250); the plot is 494 units wide.
    assert '<rect x="170" y="28.5" width="415" height="45"' in svg  # quota 210 ÷ 250 × 494, dashed
    assert 'width="395.2" height="9" fill="url(#grafik-kecamatan-nominated)"' in svg  # 200 ÷ 250 × 494
    assert 'width="177.8" height="9" fill="url(#grafik-kecamatan-active)"' in svg  # 90 ÷ 250 × 494
    assert _count(svg, 'stroke-dasharray="4 3"') == 1  # Talo has no quota: no outline
    assert ">kuota 210</text>" in svg
    assert [value for value in re.findall(r'font-size="10" fill="#1d2420">([\d.]+)</text>', svg)] == [
        "200", "150", "100", "90"]
    # Talo has nothing yet: one line says so instead of four empty bars and four zeros.
    assert _count(svg, ">belum ada calon</text>") == 1
    assert _count(svg, 'fill="url(#grafik-kecamatan-nominated)"') == 2  # Sukaraja's bar and the legend


def test_region_bars_tell_the_series_apart_without_colour():
    svg = charts.region_bars(chart_id="grafik", title="Grafik", groups=[_group("Niur", 10, 1, 1, 1, 1)])

    # Each series has its own pattern (hatching, dots, cross-hatching, solid) and a legend entry.
    for key in ("nominated", "approved", "registered", "active"):
        assert f'<pattern id="grafik-{key}" width="6" height="6" patternUnits="userSpaceOnUse">' in svg
    assert '<path d="M0,6 L6,0' in svg and '<circle cx="3" cy="3" r="1.2"' in svg and '<path d="M0,0 L6,6' in svg
    legend = svg[svg.index('<g class="chart-legend">'):]
    assert [text for text in re.findall(r'fill="#1d2420">([A-Za-z]+)</text>', legend)[:5]] == [
        "Kuota", "Diusulkan", "Disetujui", "Terdaftar", "Aktif"]


def test_region_bars_escape_names_and_shorten_long_ones_keeping_the_full_name_in_the_title():
    svg = charts.region_bars(chart_id="grafik", title="<b>Grafik</b>",
                             groups=[_group('Desa <script>"x"</script> Panjang Sekali Namanya', 10, 1, 1, 1, 1)])

    assert "<script>" not in svg and "<b>" not in svg
    assert '<title id="grafik-title">&lt;b&gt;Grafik&lt;/b&gt;</title>' in svg
    assert ">Desa &lt;script&gt;&quot;x&quot;&lt;/scrip…</text>" in svg  # 24 characters
    assert ("<title>Desa &lt;script&gt;&quot;x&quot;&lt;/script&gt; Panjang Sekali Namanya: kuota 10, "
            "diusulkan 1, disetujui 1, terdaftar 1, aktif 1</title>") in svg


def test_region_bars_grow_with_the_regions():
    one = charts.region_bars(chart_id="grafik", title="G", groups=[_group("A", 10, 1, 1, 1, 1)])
    three = charts.region_bars(chart_id="grafik", title="G", groups=[_group(name, 10, 1, 1, 1, 1) for name in "ABC"])

    assert 'viewBox="0 0 720 106"' in one  # legend 30 + (4 bars × 9 + 3 gaps × 2 + 12 between) + axis 22
    assert 'viewBox="0 0 720 214"' in three


def test_chart_ids_must_be_slugs():
    with pytest.raises(ValueError, match="slug"):
        charts.region_bars(chart_id='x" onload="alert(1)', title="G", groups=[])


def test_trend_chart_keeps_labels_of_close_days_apart_and_always_labels_the_latest():
    # Days 0, 1 and 2 are a few units apart on a 60-day axis: only one of the first two is written.
    points = [TrendPoint(x=day, label=f"hari {day}", value=Decimal("30")) for day in (0, 1, 2, 60)]

    svg = charts.trend_chart(chart_id="tren", title="Tren", points=points, target=None)

    assert re.findall(r'fill="#5b665f">(hari \d+)</text>', svg) == ["hari 0", "hari 60"]
    assert _count(svg, "<title>hari 1: 30,00%</title>") == 1  # still there for a closer look
