#!/usr/bin/env python
"""`make bench`: builds the scale data and runs every benchmark with its floor measured in the same
run, then prints one table of all the figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jamsostek_bench REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python scripts/bench_all.py [--only NAME,NAME] [--markdown]

The steps, in order, on one database whose name ends in _bench (the region loader empties it, and
so does the review benchmark, which keeps only Seluma; the national steps come before it):
regions (the whole country, loaded cold), scale-data (`generate_scale_data --per-village 10` for
the whole country, timed: 837,620 nominees, target 240 s), coverage (the national, a province's
and a regency's recompute), pages (the dashboard, queue, subdistrict, village list, province page
and API under 16 clients through gunicorn, against /healthz), burst (200 village officers adding a
nominee and sending their list at once through gunicorn, invariants checked), review (approving
Seluma's lists),
reports (the BPJS round trip and exports of one regency), bpjs (2,020 and 20,000 rows, in the
request and as jobs), upload-limits (hostile workbooks), export (100,000 rows of Aceh Utara; its
data is built first) and import (100,000 rows for Aceh Utara). Each step is a script of its own
that prints what it measured and ends with a BENCH-RESULT line (scripts/bench_result.py); a step
that fails is shown as failed and the others still run. The whole run takes about half an hour
on two cores. --only runs the named steps alone (on data an earlier run left); --markdown prints
the table as Markdown for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench_result import met, parse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SCALE_TARGET_SECONDS = 240.0


def manage(*args: str) -> list[str]:
    return [PYTHON, str(ROOT / "manage.py"), *args]


def script(name: str, *args: str) -> list[str]:
    return [PYTHON, str(ROOT / "scripts" / name), *args]


# (step, commands: all but the last prepare; the last is measured, and its BENCH-RESULT is read)
STEPS: list[tuple[str, list[list[str]]]] = [
    ("regions", [script("bench_load_regions.py")]),
    ("scale-data", [manage("generate_scale_data", "--per-village", "10", "--json")]),
    ("coverage", [script("bench_coverage.py")]),
    ("pages", [script("bench_pages.py")]),
    ("burst", [script("bench_burst.py")]),
    ("review", [script("bench_review.py")]),
    ("reports", [script("bench_reports.py")]),
    ("bpjs", [script("bench_bpjs.py")]),
    ("upload-limits", [script("bench_upload_limits.py")]),
    ("export", [manage("load_regions", "11.08"), manage("generate_scale_data", "11.08", "--per-village", "132"),
                script("bench_export.py")]),
    ("import", [script("bench_import.py")]),
]


def run(command: list[str]) -> tuple[int, list[dict], str, float]:
    """Runs `command`, passing its output through; its exit status, figures, last line and wall time."""
    started = time.perf_counter()
    figures: list[dict] = []
    last = ""
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, bufsize=1) as process:
        for line in process.stdout:
            parsed = parse(line)
            if parsed is None:
                sys.stdout.write(line)
                last = line.strip() or last
            else:
                figures.extend(parsed)
    return process.returncode, figures, last, time.perf_counter() - started


def duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds * 1000:.3g} ms" if seconds < 1 else f"{seconds:.3g} s"


def table(rows: list[dict], *, markdown: bool) -> str:
    header = ["Figure", "Rows", "Time", "Floor", "Ratio", "Target", "Met"]
    body = []
    for item in rows:
        verdict = met(item)
        target = item.get("target")
        body.append([
            item["figure"], f"{item['rows']:,}" if item.get("rows") else "",
            duration(item.get("seconds")), duration(item.get("floor_seconds")),
            f"{item['ratio']:.2f}×" if item.get("ratio") is not None else "",
            "" if target is None else (f"≤ {target:g}×" if item.get("floor_seconds") else f"≤ {target:g} s"),
            item.get("status") or ("" if verdict is None else "yes" if verdict else "NO"),
        ])
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        return "\n".join(lines)
    widths = [max(len(str(row[index])) for row in [header, *body]) for index in range(len(header))]
    return "\n".join("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
                     for row in [header, *body])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated steps: " + ", ".join(name for name, _ in STEPS))
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    options = parser.parse_args()
    names = [name for name, _ in STEPS]
    chosen = options.only.split(",") if options.only else names
    unknown = sorted(set(chosen) - set(names))
    if unknown:
        parser.error(f"unknown steps: {', '.join(unknown)}")
    if not os.environ.get("DATABASE_URL", "").rstrip("/").endswith("_bench"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database whose name ends in _bench (it is emptied).")

    rows: list[dict] = []
    failed = []
    for name, commands in STEPS:
        if name not in chosen:
            continue
        print(f"\n===== {name} =====", flush=True)
        for command in commands:
            status, figures, last, seconds = run(command)
            if status:
                failed.append(name)
                rows.append({"figure": f"{name}: FAILED (exit {status}), see its output above", "rows": 0,
                             "seconds": None, "status": "failed"})
                break
        else:
            if name == "scale-data":
                figures = [{"figure": "generate_scale_data, whole country, 10 a village",
                            "rows": json.loads(last)["nominees"], "seconds": round(seconds, 1),
                            "floor_seconds": None, "ratio": None, "target": SCALE_TARGET_SECONDS}]
            rows.extend(figures or [{"figure": f"{name}: ran (figures in its output above)", "rows": 0,
                                     "seconds": None}])

    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"\n===== All figures ({dt.date.today():%Y-%m-%d}, {os.cpu_count()} cores, load {load}) =====")
    print(table(rows, markdown=options.markdown))
    if failed:
        print(f"\nFailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
