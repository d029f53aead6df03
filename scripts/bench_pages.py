#!/usr/bin/env python
"""The pages people open most, served by gunicorn on loopback to 16 clients at once, each against
/healthz measured in the same run (issue "Serving": pages at national scale).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jamsostek_bench REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python scripts/bench_pages.py [--seconds 6] [--rounds 2] [--clients 16] [--workers 4]

Needs the national scale data: `manage.py load_regions`, `manage.py generate_scale_data
--per-village 10` and `manage.py recompute_coverage` (the dashboards read the snapshots it writes).
It runs ANALYZE on the tables the pages read (as autovacuum would after the bulk load), makes (or reuses) one account per role, each logged in once (the session cookie is reused by
every request): the regent's viewer of Kabupaten Aceh Utara (11.08), a verifier of Aceh Utara, a
village officer of one of its villages and a province viewer of Aceh (11). Then gunicorn starts
(`--workers` sync workers, the project's gunicorn.conf.py, DEBUG off) on a free loopback port.

Pages, each driven for `--seconds` by `--clients` threads (one request after another each, the
latency from the client), after a short warm-up; `--rounds` times over, the median of the rounds:
- /healthz, the floor: one query, no session, no template;
- a second reference, a signed-in page with nothing on it (the verifier's notices, none): what
  every signed-in page pays before its own work;
- the regent's dashboard of Aceh Utara (852 villages);
- the review queue of Aceh Utara as its verifier;
- the page of Aceh Utara's largest subdistrict;
- a village's list ("Desa saya") as its officer;
- the province page of Aceh as the province viewer;
- the API: the coverage of Aceh Utara's subdistricts (…/coverage/11.08/children/).
The target, for each page: requests/s at least half of /healthz's, p95 at most 3 × /healthz's
(goal beyond: 250 requests/s with p95 at most 100 ms). Only runs on a database ending in _bench.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_load_regions as common  # the database guard and Django setup
from bench_result import report

ROOT = Path(__file__).resolve().parent.parent
PROVINCE, REGENCY = "11", "11.08"  # Aceh, Aceh Utara
RPS_TARGET, P95_TARGET = 0.5, 3.0
WARM_UP_SECONDS = 1.0
SIGNED_IN_REFERENCE = "signed-in, nothing on it (notices)"
PASSWORD = "bench-pages-not-a-real-password"


@dataclass
class Page:
    name: str
    path: str
    cookie: str = ""
    reference: bool = False  # a reference like /healthz, not a page the target is set for


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, workers: int, log) -> subprocess.Popen:
    """gunicorn, its error log into `log` (a file: a pipe nobody reads would fill and stop it)."""
    # The API's per-user rate limit (3,600 an hour) is off here: 16 clients on one account pass it in
    # seconds, and the benchmark would time the "too many requests" answer instead of the page.
    env = {**os.environ, "DEBUG": "false", "DJANGO_SETTINGS_MODULE": "jamsostek_portal.settings",
           "API_THROTTLE_RATE": ""}
    env.pop("DJANGO_ENV", None)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "jamsostek_portal.wsgi", "-c", "gunicorn.conf.py",
                               "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "120",
                               "--access-logfile", os.devnull],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            if server.poll() is not None:
                log.seek(0)
                sys.exit(f"gunicorn did not start:\n{log.read().decode(errors='replace')}")
            time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not answer /healthz within 60 s.")


def accounts_and_pages() -> tuple[list[Page], int]:
    """The accounts (made once, reused), their sessions, and the pages to drive."""
    from django.db.models import Count
    from django.test import Client

    from accounts.enums import Role
    from accounts.models import RegionAssignment, User
    from registrations.models import Nominee
    from villages.models import Province, Regency, Subdistrict, Village

    try:
        province = Province.objects.get(code=PROVINCE)
        regency = Regency.objects.get(code=REGENCY)
    except (Province.DoesNotExist, Regency.DoesNotExist):
        sys.exit("Aceh (11) and Aceh Utara (11.08) are not loaded: run manage.py load_regions, "
                 "generate_scale_data --per-village 10 and recompute_coverage first.")
    subdistrict = (Subdistrict.objects.filter(regency=regency, is_retired=False)
                   .annotate(village_count=Count("villages")).order_by("-village_count", "code").first())
    village = Village.objects.filter(subdistrict=subdistrict, is_retired=False).order_by("code").first()

    def account(username, role, **region):
        user, _ = User.objects.get_or_create(username=username, defaults={"role": role})
        user.role, user.must_change_password, user.is_active = role, False, True
        user.save()
        RegionAssignment.objects.filter(user=user).delete()
        RegionAssignment.objects.create(user=user, **region)
        client = Client()
        client.force_login(user)  # one login: the session row every request of this user reuses
        return f"sessionid={client.cookies['sessionid'].value}"

    viewer = account("bench-pages-viewer", Role.REGENCY_VIEWER, regency=regency)
    reviewer = account("bench-pages-reviewer", Role.REGENCY_REVIEWER, regency=regency)
    officer = account("bench-pages-officer", Role.VILLAGE_OFFICER, village=village)
    province_viewer = account("bench-pages-province", Role.PROVINCE_VIEWER, province=province)
    rows = Nominee.objects.count()
    print(f"{rows:,} nominees; Aceh Utara: {Village.objects.filter(subdistrict__regency=regency).count()} villages; "
          f"largest subdistrict {subdistrict.name}: {subdistrict.village_count} villages")
    pages = [
        Page("/healthz", "/healthz", reference=True),
        # A signed-in page with nothing on it: the verifier's notices, none of them (the session, the user,
        # the unread count, the base template). Every page below pays at least this, so its ratio to
        # /healthz is about the most any of them can reach.
        Page(SIGNED_IN_REFERENCE, "/usulan/pemberitahuan/", reviewer, reference=True),
        Page("dashboard (Aceh Utara)", f"/cakupan/kabupaten/{regency.pk}/", viewer),
        Page("review queue (Aceh Utara)", "/usulan/verifikasi/", reviewer),
        Page(f"subdistrict page ({subdistrict.village_count} villages)", f"/cakupan/kecamatan/{subdistrict.pk}/", viewer),
        Page("village list (officer)", f"/usulan/desa/{village.pk}/", officer),
        Page("province page (Aceh)", f"/wilayah/provinsi/{province.pk}/", province_viewer),
        Page("API coverage children (Aceh Utara)", f"/api/v1/coverage/{REGENCY}/children/", viewer),
    ]
    return pages, rows


def drive(port: int, page: Page, clients: int, seconds: float) -> dict:
    """`clients` threads, each sending the request again as soon as the answer is read."""
    latencies: list[float] = []
    errors = [0]
    sizes = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    headers = {"Cookie": page.cookie} if page.cookie else {}

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, failed, size = [], 0, 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                connection.request("GET", page.path, headers=headers)
                response = connection.getresponse()
                body = response.read()
                if response.status != 200:
                    failed += 1
                size = len(body)
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed
            sizes[0] = max(sizes[0], size)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"rps": len(latencies) / elapsed, "p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
            "errors": errors[0], "requests": len(latencies), "bytes": sizes[0]}


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, round(pct / 100 * (len(values) - 1)))]


def run_pages(port: int, pages: list[Page], args, log) -> dict[str, list[dict]]:
    """gunicorn started, every page driven `args.rounds` times (after a warm-up), gunicorn stopped."""
    server = start_server(port, args.workers, log)
    runs: dict[str, list[dict]] = {page.name: [] for page in pages}
    try:
        for page in pages:  # each worker compiles its templates and opens its connection first
            drive(port, page, args.clients, WARM_UP_SECONDS)
        for round_number in range(args.rounds):
            for page in pages:
                runs[page.name].append(drive(port, page, args.clients, args.seconds))
            print(f"round {round_number + 1}/{args.rounds} done", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    log.seek(0)
    logged = [line for line in log.read().decode(errors="replace").splitlines() if "Traceback" in line]
    if logged:
        print(f"gunicorn logged {len(logged)} tracebacks (errors below)")
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="seconds each page is driven, per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--only", default="", help="drive only the pages whose name contains this (and the references)")
    args = parser.parse_args()

    common.bench_database_config()
    common.django_setup()
    pages, rows = accounts_and_pages()
    from django.db import connection, connections

    with connection.cursor() as cursor:
        # Statistics as autovacuum keeps them: just after generate_scale_data's bulk load they are
        # missing, and the planner scans all 837,620 nominees for a page's 50 NIKs.
        cursor.execute("ANALYZE registrations_nominee, villages_village, villages_subdistrict, "
                       "reports_coveragesnapshot, django_session")
    if args.only:
        pages = [page for page in pages if page.reference or args.only in page.name]
    connections.close_all()

    port = free_port()
    with tempfile.TemporaryFile() as log:
        runs = run_pages(port, pages, args, log)

    def median(name, key):
        return statistics.median(run[key] for run in runs[name])

    floor_rps, floor_p95 = median("/healthz", "rps"), median("/healthz", "p95")
    print(f"\n{args.clients} clients, {args.workers} sync workers, {args.rounds} rounds × {args.seconds:g} s per "
          f"page, medians of the rounds; {rows:,} nominees")
    print(f"{'page':<40} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6} {'KiB':>6} "
          f"{'rps/hz':>7} {'p95/hz':>7}  target (rps >= {RPS_TARGET}x, p95 <= {P95_TARGET:g}x)")
    figures = []
    for page in pages:
        rps, p50, p95 = median(page.name, "rps"), median(page.name, "p50"), median(page.name, "p95")
        errors = sum(run["errors"] for run in runs[page.name])
        size = max(run["bytes"] for run in runs[page.name]) / 1024
        rps_ratio, p95_ratio = rps / floor_rps, p95 / floor_p95
        met = rps_ratio >= RPS_TARGET and p95_ratio <= P95_TARGET and not errors
        verdict = "reference" if page.reference else ("met" if met else "NOT met")
        print(f"{page.name:<40} {rps:7.1f} {p50 * 1000:7.0f} {p95 * 1000:7.0f} {errors:6d} {size:6.1f} "
              f"{rps_ratio:7.2f} {p95_ratio:7.2f}  {verdict}")
        if not page.reference:
            figures.append({"figure": f"page under 16 clients: {page.name}", "rows": rows,
                            "seconds": round(p95, 4), "floor_seconds": round(floor_p95, 4),
                            "ratio": round(p95_ratio, 2), "target": P95_TARGET, "rps": round(rps, 1),
                            "floor_rps": round(floor_rps, 1), "rps_ratio": round(rps_ratio, 2),
                            "p50": round(p50, 4), "errors": errors})
    report(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
