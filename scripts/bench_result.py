"""The one machine-readable line each benchmark script ends with, so that `make bench`
(scripts/bench_all.py) can print every figure in one table.

    BENCH-RESULT [{"figure": "...", "rows": 2020, "seconds": 0.53, "floor_seconds": 0.14,
                   "ratio": 3.7, "target": 10.0}, ...]

`seconds` is the figure (a median where the script repeats), `floor_seconds` its floor measured in
the same run (None when the figure has no floor: then `target` is in seconds), `ratio` the first
over the second, `target` the most the ratio (or the time) may be. Extra keys are kept and shown.
"""

from __future__ import annotations

import json

PREFIX = "BENCH-RESULT "


def figure(name: str, *, rows: int, seconds: float, floor_seconds: float | None = None,
           target: float | None = None, **extra) -> dict:
    ratio = seconds / floor_seconds if floor_seconds else None
    return {"figure": name, "rows": rows, "seconds": round(seconds, 4),
            "floor_seconds": round(floor_seconds, 4) if floor_seconds else None,
            "ratio": round(ratio, 2) if ratio is not None else None, "target": target, **extra}


def report(figures: list[dict]) -> None:
    """Prints the line; call it last, after everything a person reads."""
    print(PREFIX + json.dumps(figures), flush=True)


def parse(line: str) -> list[dict] | None:
    """The figures of a BENCH-RESULT line, None for any other line."""
    if not line.startswith(PREFIX):
        return None
    return json.loads(line[len(PREFIX):])


def met(item: dict) -> bool | None:
    """Whether the figure meets its target: the ratio when there is a floor, the seconds otherwise."""
    if item.get("target") is None:
        return None
    value = item["ratio"] if item.get("floor_seconds") else item["seconds"]
    return value is not None and value <= item["target"]
