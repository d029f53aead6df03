"""A web process knows every task: the apps enqueue each other's tasks by name, and without a
broker (the demo) Celery runs a task inline only when it knows the name; an unknown name goes to a
broker that is not there, and the recompute or the job never runs."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["common", "villages", "accounts", "registrations", "bpjs", "reports", "api", "demo"]


def declared_task_names() -> set[str]:
    names = set()
    for app in APPS:
        for path in (ROOT / app).rglob("tasks.py"):
            names |= set(re.findall(r'name="([a-z_]+\.[a-z_]+)"', path.read_text()))
    return names


def test_a_web_process_without_a_broker_knows_every_task_so_it_runs_them_inline(tmp_path):
    code = ("import django, json; django.setup(); from celery import current_app; "
            "print(json.dumps({'eager': current_app.conf.task_always_eager, "
            "'tasks': sorted(name for name in current_app.tasks if not name.startswith('celery.'))}))")
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "DJANGO_ENV")}
    env.update(DJANGO_SETTINGS_MODULE="jamsostek_portal.settings", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                         check=True)
    answer = json.loads(run.stdout.strip().splitlines()[-1])

    declared = declared_task_names()
    assert {"reports.recompute_regency_coverage", "reports.build_export", "registrations.run_decision_job",
            "bpjs.create_export_batch"} <= declared
    assert answer["eager"] is True
    assert declared <= set(answer["tasks"])
