"""Server-side SVG charts for the coverage dashboard (issue #6): pure functions from plain numbers
and texts to an SVG string. No database, no JavaScript, no third-party library: the page prints,
and works on a slow village connection, as it arrives.

- `progress_bar`: achievement against a target (0–100 %, the bar full at the target);
- `trend_chart`: a line of UCJ % per computed day with the target as a dashed reference line;
- `region_bars`: per region (subdistrict, village) horizontal bars of nominated / approved /
  registered / active over the quota drawn as an outline behind them.

Reading without colour: every series has its own pattern (hatching, dots, solid) as well as its own
colour, the quota and the target are outlines/dashes, and every value is also written as text, so
a chart reads on a black-and-white printout. Every chart is `role="img"` with a `<title>` and a
`<desc>` (aria-labelledby), and each bar or point has its own `<title>` for a screen reader's or a
mouse's closer look.

Every text that comes in (names, labels) is escaped here, so the template may mark the returned
string safe (`{{ chart|safe }}`). `chart_id` prefixes the ids inside the SVG (patterns, title), so
several charts can share one page; it must be a plain slug.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from common.formatting import format_decimal, format_number, format_percent

_CHART_ID = re.compile(r"^[a-z][a-z0-9-]*$")
_FONT = 'font-family="system-ui, sans-serif"'
INK = "#1d2420"
MUTED = "#5b665f"
GRID = "#d5ddd8"
NOTHING_YET = "belum ada calon"  # a region's bars when every series is zero


@dataclass(frozen=True)
class Series:
    """One kind of bar: its key (the attribute of a BarGroup's values), its label, and how it is
    painted; `pattern` is one of "hatch", "dots", "cross", "solid"."""

    key: str
    label: str
    colour: str
    pattern: str


# The programme's figures in the order a nominee moves through them; the darkest is the furthest.
PROGRAMME_SERIES = (
    Series("nominated", "Diusulkan", "#9cc9b5", "hatch"),
    Series("approved", "Disetujui", "#5c9e84", "dots"),
    Series("registered", "Terdaftar", "#2f7a5e", "cross"),
    Series("active", "Aktif", "#0b4d37", "solid"),
)


@dataclass(frozen=True)
class BarGroup:
    """One region's bars: `values` maps each Series.key to a whole number; `outline` (the quota)
    is None where the region has no quota."""

    label: str
    values: dict[str, int]
    outline: int | None = None


@dataclass(frozen=True)
class TrendPoint:
    """One point of a trend: `x` orders and spaces the points (a date's ordinal: days apart stay days
    apart), `label` names it ("30 Sep 2026", the date of its data), `value` is the UCJ in percent."""

    x: int
    label: str
    value: Decimal


# --- Shared helpers -------------------------------------------------------------------------------

def _check_id(chart_id: str) -> str:
    if not _CHART_ID.match(chart_id):
        raise ValueError(f"chart_id must be a lower-case slug, not {chart_id!r}")
    return chart_id


def _n(value: float) -> str:
    """A coordinate, one decimal at most (a smaller SVG, stable in tests)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def nice_ceiling(value: float, *, steps: int = 5) -> tuple[float, float]:
    """(top, step) of an axis from 0 that holds `value` in at most `steps` round steps (1, 2, 2.5
    or 5 × 10^k): 40.47 → (50, 10); 2,020 → (2,500, 500); 0 → (1, 0.2)."""
    if value <= 0:
        return 1.0, 1.0 / steps
    raw = value / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step * math.ceil(value / step - 1e-9), step


def _tick_text(value: float, *, percent: bool) -> str:
    text = format_number(value) if float(value).is_integer() else format_decimal(value, places=1)
    return f"{text}%" if percent else text


def _svg_open(chart_id: str, width: int, height: int, title: str, description: str, css_class: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'{_FONT} font-size="12">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


def _pattern(chart_id: str, series: Series) -> str:
    """A fill that stays distinct in black and white: the colour under dark hatching or dots."""
    pattern_id = f"{chart_id}-{series.key}"
    base = f'<rect width="6" height="6" fill="{series.colour}"/>'
    marks = {
        "hatch": f'<path d="M0,6 L6,0 M-1,1 L1,-1 M5,7 L7,5" stroke="{INK}" stroke-width="1"/>',
        "dots": f'<circle cx="3" cy="3" r="1.2" fill="{INK}"/>',
        "cross": f'<path d="M0,0 L6,6 M6,0 L0,6" stroke="{INK}" stroke-width="0.8"/>',
        "solid": "",
    }[series.pattern]
    return (f'<pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse">'
            f'{base}{marks}</pattern>')


def _fill(chart_id: str, series: Series) -> str:
    return f"url(#{chart_id}-{series.key})"


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- Progress to target ---------------------------------------------------------------------------

def progress_bar(*, chart_id: str, percent: Decimal, title: str) -> str:
    """A bar from 0 to 100 % of the target (the outline's end is the target), filled to `percent`
    (held at full beyond 100 %), with the percentage written after it. The page states the
    achievement in words beside it, so the bar does not repeat that sentence."""
    _check_id(chart_id)
    width, height, bar_width, bar_height = 480, 28, 360, 18
    share = max(Decimal(0), min(Decimal(percent), Decimal(100))) / Decimal(100)
    value = format_percent(percent)
    description = f"Capaian {value}; ujung batang = target (100%)"
    parts = _svg_open(chart_id, width, height, title, description, "progress-chart")
    parts += [
        f'<rect x="0.5" y="4.5" width="{bar_width}" height="{bar_height}" fill="#fff" stroke="{INK}"/>',
        f'<rect x="0.5" y="4.5" width="{_n(bar_width * float(share))}" height="{bar_height}" fill="#0b6e4f" '
        f'stroke="{INK}"><title>Capaian {value}</title></rect>',
        f'<text x="{bar_width + 8}" y="19" font-weight="700" fill="{INK}">{value}</text>',
        "</svg>",
    ]
    return "".join(parts)


# --- Trend ----------------------------------------------------------------------------------------

# Value labels on at most this many points: the last, the first and evenly spaced ones between,
# none closer than LABEL_SPACING units to another (a date label is about 70 units wide).
LABELLED_POINTS = 7
LABEL_SPACING = 80


def _labelled(positions: Sequence[float]) -> set[int]:
    count = len(positions)
    candidates = sorted({round(index * (count - 1) / (LABELLED_POINTS - 1)) for index in range(LABELLED_POINTS)}
                        if count > LABELLED_POINTS else range(count))
    kept = [count - 1]  # the latest day is the one the page is about
    for index in candidates:
        if all(abs(positions[index] - positions[other]) >= LABEL_SPACING for other in kept):
            kept.append(index)
    return set(kept)


def trend_chart(*, chart_id: str, title: str, points: Sequence[TrendPoint], target: Decimal | None,
                target_label: str = "Target") -> str:
    """A line of `points` (at least two, oldest first) on a 0–top % axis, and, when `target` is
    given, a dashed horizontal line at it labelled "Target 46,80%". Points are spaced by `x`."""
    _check_id(chart_id)
    if len(points) < 2:
        raise ValueError("a trend needs at least two points")
    width, height = 720, 260
    left, right, top, bottom = 52, 110, 20, 44
    plot_width, plot_height = width - left - right, height - top - bottom
    highest = max([float(point.value) for point in points] + ([float(target)] if target is not None else []))
    axis_top, step = nice_ceiling(highest * 1.05)
    first_x, last_x = points[0].x, points[-1].x
    span = (last_x - first_x) or 1

    def x_of(point: TrendPoint) -> float:
        return left + plot_width * (point.x - first_x) / span

    def y_of(value: float) -> float:
        return top + plot_height * (1 - value / axis_top)

    description = "; ".join(f"{point.label}: {format_percent(point.value)}" for point in points)
    if target is not None:
        description += f". {target_label} {format_percent(target)}."
    parts = _svg_open(chart_id, width, height, title, description, "trend-chart")
    ticks = round(axis_top / step)
    for index in range(ticks + 1):
        value = step * index
        y = y_of(value)
        parts.append(f'<line x1="{left}" x2="{left + plot_width}" y1="{_n(y)}" y2="{_n(y)}" stroke="{GRID}"/>')
        parts.append(f'<text x="{left - 6}" y="{_n(y + 4)}" text-anchor="end" fill="{MUTED}">'
                     f'{_tick_text(value, percent=True)}</text>')
    if target is not None:
        y = y_of(float(target))
        text = f"{target_label} {format_percent(target)}"
        parts.append(f'<g class="trend-target"><title>{escape(text)}</title>'
                     f'<line x1="{left}" x2="{left + plot_width}" y1="{_n(y)}" y2="{_n(y)}" stroke="{INK}" '
                     f'stroke-width="1.5" stroke-dasharray="6 4"/>'
                     f'<text x="{left + plot_width + 6}" y="{_n(y + 4)}" fill="{INK}">{escape(text)}</text></g>')
    line = " ".join(f"{_n(x_of(point))},{_n(y_of(float(point.value)))}" for point in points)
    parts.append(f'<polyline points="{line}" fill="none" stroke="#0b6e4f" stroke-width="2.5"/>')
    labelled = _labelled([x_of(point) for point in points])
    for index, point in enumerate(points):
        x, y = x_of(point), y_of(float(point.value))
        value = format_percent(point.value)
        parts.append(f'<g class="trend-point"><title>{escape(point.label)}: {value}</title>'
                     f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4" fill="#fff" stroke="{INK}" stroke-width="1.5"/>')
        if index in labelled:
            anchor = "start" if index == 0 else "end" if index == len(points) - 1 else "middle"
            # A white halo keeps the value readable where it crosses the target's dashes.
            parts.append(f'<text x="{_n(x)}" y="{_n(y - 9)}" text-anchor="{anchor}" font-weight="700" '
                         f'fill="{INK}" stroke="#fff" stroke-width="3" paint-order="stroke">{value}</text>'
                         f'<text x="{_n(x)}" y="{height - bottom + 18}" text-anchor="{anchor}" '
                         f'fill="{MUTED}">{escape(point.label)}</text>')
        parts.append("</g>")
    parts.append(f'<line x1="{left}" x2="{left + plot_width}" y1="{top + plot_height}" y2="{top + plot_height}" '
                 f'stroke="{INK}"/>')
    parts.append("</svg>")
    return "".join(parts)


# --- Regions' bars --------------------------------------------------------------------------------

def region_bars(*, chart_id: str, title: str, groups: Sequence[BarGroup],
                series: Sequence[Series] = PROGRAMME_SERIES, outline_label: str = "Kuota") -> str:
    """Per group (a region): one thin bar per series, one under the other, over a dashed outline
    as long as the group's quota; the value written after each bar, the quota under the name.
    A legend on top shows each series' pattern with its name. All bars share one scale."""
    _check_id(chart_id)
    width, label_width, value_width = 720, 170, 56
    bar_height, bar_gap, group_gap, legend_height, axis_height = 9, 2, 12, 30, 22
    plot_width = width - label_width - value_width
    band = len(series) * bar_height + (len(series) - 1) * bar_gap
    height = legend_height + len(groups) * (band + group_gap) + axis_height
    highest = max([group.values.get(item.key, 0) for group in groups for item in series]
                  + [group.outline or 0 for group in groups] + [0])
    axis_top, step = nice_ceiling(float(highest))

    def length(value: int) -> float:
        return plot_width * value / axis_top

    description = "; ".join(_group_text(group, series, outline_label) for group in groups) or "Belum ada data."
    parts = _svg_open(chart_id, width, height, title, description, "bars-chart")
    parts.append("<defs>" + "".join(_pattern(chart_id, item) for item in series) + "</defs>")
    # Legend: the quota outline, then each series' swatch.
    parts.append('<g class="chart-legend">')
    parts.append(f'<rect x="0.5" y="6.5" width="14" height="12" fill="#fff" stroke="{INK}" stroke-dasharray="3 2"/>'
                 f'<text x="20" y="17" fill="{INK}">{escape(outline_label)}</text>')
    x = 20 + 7.5 * len(outline_label) + 16
    for item in series:
        parts.append(f'<rect x="{_n(x)}" y="6.5" width="14" height="12" fill="{_fill(chart_id, item)}" '
                     f'stroke="{INK}" stroke-width="0.5"/>'
                     f'<text x="{_n(x + 20)}" y="17" fill="{INK}">{escape(item.label)}</text>')
        x += 20 + 7.5 * len(item.label) + 16
    parts.append("</g>")
    for index in range(round(axis_top / step) + 1):
        tick_x = label_width + length(step * index)
        parts.append(f'<line x1="{_n(tick_x)}" x2="{_n(tick_x)}" y1="{legend_height - 4}" '
                     f'y2="{height - axis_height + 2}" stroke="{GRID}"/>'
                     f'<text x="{_n(tick_x)}" y="{height - 6}" text-anchor="middle" fill="{MUTED}">'
                     f'{_tick_text(step * index, percent=False)}</text>')
    for position, group in enumerate(groups):
        y = legend_height + position * (band + group_gap)
        parts.append(f'<g class="bar-group"><title>{escape(_group_text(group, series, outline_label))}</title>')
        parts.append(f'<text x="0" y="{_n(y + 12)}" font-weight="600" fill="{INK}">'
                     f'{escape(_shorten(group.label, 24))}</text>')
        if group.outline is not None:
            parts.append(f'<text x="0" y="{_n(y + 26)}" font-size="11" fill="{MUTED}">'
                         f'{escape(outline_label.lower())} {format_number(group.outline)}</text>')
            parts.append(f'<rect x="{label_width}" y="{_n(y - 1.5)}" width="{_n(length(group.outline))}" '
                         f'height="{band + 3}" fill="#f5f7f6" stroke="{INK}" stroke-dasharray="4 3"/>')
        if not any(group.values.get(item.key, 0) for item in series):
            # Four stacked zeros read as clutter; one line says the same, and prints.
            parts.append(f'<text x="{label_width + 6}" y="{_n(y + band / 2 + 4)}" font-size="11" fill="{MUTED}">'
                         f'{NOTHING_YET}</text></g>')
            continue
        for row, item in enumerate(series):
            value = group.values.get(item.key, 0)
            bar_y = y + row * (bar_height + bar_gap)
            parts.append(f'<rect x="{label_width}" y="{_n(bar_y)}" width="{_n(length(value))}" height="{bar_height}" '
                         f'fill="{_fill(chart_id, item)}" stroke="{INK}" stroke-width="0.5"/>'
                         f'<text x="{_n(label_width + length(value) + 4)}" y="{_n(bar_y + bar_height - 1)}" '
                         f'font-size="10" fill="{INK}">{format_number(value)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _group_text(group: BarGroup, series: Sequence[Series], outline_label: str) -> str:
    figures = [f"{item.label.lower()} {format_number(group.values.get(item.key, 0))}" for item in series]
    if group.outline is not None:
        figures.insert(0, f"{outline_label.lower()} {format_number(group.outline)}")
    return f"{group.label}: " + ", ".join(figures)
