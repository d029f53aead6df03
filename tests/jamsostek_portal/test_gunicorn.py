"""gunicorn.conf.py: the access log of the real server holds the path of each request but never its
query string, where a search may have put a NIK; and the server starts one worker per core."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
NIK = "1705014107900001"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_access_log_has_the_path_but_not_the_query(db):
    port = _free_port()
    settings_dict = connection.settings_dict
    url = (f"postgres://{settings_dict['USER'] or 'postgres'}@{settings_dict['HOST'] or '127.0.0.1'}:"
           f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}")
    server = subprocess.Popen([Path(sys.executable).parent / "gunicorn", "jamsostek_portal.wsgi", "-w", "1",
                               "-b", f"127.0.0.1:{port}"], cwd=ROOT, env=os.environ | {"DATABASE_URL": url},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/tidak-ada/?q={NIK}", timeout=5)
            except urllib.error.HTTPError as answer:
                assert answer.code == 404
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("gunicorn did not answer")
    finally:
        server.terminate()
        log, _ = server.communicate(timeout=30)

    assert '"GET /tidak-ada/" 404' in log
    assert NIK not in log


def _workers(env: dict, *args: str) -> int:
    """The number of workers gunicorn would start from this checkout, as it prints its settings."""
    command = [Path(sys.executable).parent / "gunicorn", "--print-config", *args, "jamsostek_portal.wsgi"]
    printed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True).stdout
    return int(next(line for line in printed.splitlines() if line.startswith("workers ")).split("=")[1])


def test_one_worker_per_core_unless_told_otherwise():
    plain = {key: value for key, value in os.environ.items() if key != "WEB_CONCURRENCY"}
    assert _workers(plain) == len(os.sched_getaffinity(0))  # gunicorn's own default would be 1
    assert _workers(plain | {"WEB_CONCURRENCY": "5"}) == 5
    assert _workers(plain | {"WEB_CONCURRENCY": "5"}, "-w", "3") == 3  # the command line wins
