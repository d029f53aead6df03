"""More than one machine (docs/deployment.md), on one: two gunicorn instances of the app and two
Celery workers, one for the "coverage" queue and one for "files", all on the same PostgreSQL
(the test database, also configured as the "replica", as a real replica would serve the same rows)
and the same Redis. What a person does through one instance is seen through the other; the
recompute runs on the coverage worker and the export on the files worker; when one instance dies,
the other keeps serving.

Its processes use their own queue names (CELERY_QUEUE_PREFIX), so the suite's own worker, which
takes every queue of the test run, never takes their tasks."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from accounts.hashers import PortalArgon2Hasher
from common.db_router import PIN_COOKIE
from common.models import ExportRecord, ExportStatus
from registrations.enums import NomineeStatus
from registrations.models import Nominee
from reports.models import CoverageSnapshot

from ..conftest import PASSWORD
from ..services import reachable, require, wait_for

pytestmark = [pytest.mark.multihost, pytest.mark.celery, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REPLICA_APPLICATION_NAME = "jamsostek-replica-test"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(command: list, env: dict, log: Path) -> subprocess.Popen:
    # Each in its own process group: gunicorn's master and its worker are stopped together.
    with log.open("w") as output:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _stop(process: subprocess.Popen, how=signal.SIGTERM) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, how)
        except ProcessLookupError:
            return
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


class Host:
    def __init__(self, name: str, port: int, process: subprocess.Popen, log: Path):
        self.name, self.url, self.process, self.log = name, f"http://127.0.0.1:{port}", process, log

    def answers(self) -> bool:
        try:
            return Browser().get(f"{self.url}/healthz", timeout=2).status_code == 200
        except OSError:
            return False


@dataclass
class Answer:
    status_code: int
    url: str
    content: bytes
    cookies: dict = field(default_factory=dict)  # what this answer set

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 3xx comes back as an answer; Browser follows it when asked


class Browser:
    """A browser's cookies (shared by every port of 127.0.0.1, as a browser's are) and requests."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def _send(self, url, data=None, headers=None, timeout=30) -> tuple[Answer, str | None]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})
        try:
            response = self._opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            set_cookies = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                set_cookies.load(header)
            answer = Answer(response.status, url, response.read(), {k: v.value for k, v in set_cookies.items()})
            location = response.headers.get("Location")
        return answer, location and urllib.parse.urljoin(url, location)

    def get(self, url, timeout=30, allow_redirects=True) -> Answer:
        answer, location = self._send(url, timeout=timeout)
        while allow_redirects and location and 300 <= answer.status_code < 400:
            answer, location = self._send(location, timeout=timeout)
        return answer

    def post(self, url, data, headers=None, timeout=30, allow_redirects=False) -> Answer:
        answer, location = self._send(url, data, headers, timeout)
        return self.get(location, timeout) if allow_redirects and location else answer


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory):
    """Two app instances (a, b) and two workers (coverage, files), started together and stopped
    (with their children) when the module ends."""
    redis_url = os.environ.get("REDIS_URL", "")
    require(bool(redis_url) and reachable(redis_url, 6379), f"Redis ({redis_url or 'REDIS_URL unset'})")
    folder = tmp_path_factory.mktemp("multihost")
    database = settings.DATABASES["default"]
    database_url = (f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}:"
                    f"{database['PORT'] or 5432}/{database['NAME']}")  # the test database: test_…
    prefix = f"multihost-{uuid.uuid4().hex[:8]}."
    env = {**os.environ, "DATABASE_URL": database_url,
           "REPLICA_DATABASE_URL": f"{database_url}?application_name={REPLICA_APPLICATION_NAME}",
           "REDIS_URL": redis_url, "CELERY_BROKER_URL": redis_url, "CELERY_RESULT_BACKEND": redis_url,
           "CELERY_QUEUE_PREFIX": prefix, "MEDIA_ROOT": str(folder / "media"),
           "EXPORT_INLINE_MAX_ROWS": "1", "COVERAGE_RECOMPUTE_DELAY_SECONDS": "0", "LOG_LEVEL": "INFO"}
    (folder / "media").mkdir()
    processes, hosts, workers = [], {}, {}
    try:
        for name in ("a", "b"):
            port = _free_port()
            log = folder / f"web-{name}.log"
            process = _start([str(BIN / "gunicorn"), "jamsostek_portal.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"],
                             env, log)
            processes.append(process)
            hosts[name] = Host(name, port, process, log)
        for queue in ("coverage", "files"):
            log = folder / f"worker-{queue}.log"
            hostname = f"{queue}-{prefix.rstrip('.')}@%h"
            processes.append(_start(
                [sys.executable, "-m", "celery", "-A", "jamsostek_portal", "worker", "--pool=solo", "--loglevel=INFO",
                 f"--hostname={hostname}", "--without-gossip", "--without-mingle", "--queues", f"{prefix}{queue}"],
                env, log))
            workers[queue] = log
        from jamsostek_portal.celery import app

        deadline = time.monotonic() + 45
        wanted = {f"{queue}-{prefix.rstrip('.')}@" for queue in workers}
        while True:
            answered = {name.split("@")[0] + "@" for reply in app.control.ping(timeout=0.5) for name in reply}
            if wanted <= answered and all(host.answers() for host in hosts.values()):
                break
            if time.monotonic() > deadline or any(process.poll() is not None for process in processes):
                logs = "\n".join(f"--- {path.name}\n{path.read_text()[-2000:]}" for path in folder.glob("*.log"))
                pytest.fail(f"the hosts did not start\n{logs}", pytrace=False)
        yield {"hosts": hosts, "workers": workers, "prefix": prefix}
    finally:
        for process in processes:  # all told at once, then each waited for
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            _stop(process)


def log_in(host: Host, username: str) -> Browser:
    """A browser's session: the login page, then the form with its CSRF token, through `host`."""
    browser = Browser()
    login_url = f"{host.url}{reverse('accounts:login')}"
    page = browser.get(login_url, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = browser.post(login_url, data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
                          headers={"Referer": login_url}, timeout=30, allow_redirects=False)
    assert answer.status_code == 302, answer.text[:500]
    return browser


def post_form(browser: Browser, host: Host, page_path: str, path: str, data: dict) -> Answer:
    page = browser.get(f"{host.url}{page_path}", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return browser.post(f"{host.url}{path}", data={"csrfmiddlewaretoken": token, **data},
                        headers={"Referer": f"{host.url}{page_path}"}, timeout=30, allow_redirects=False)


@pytest.fixture
def arranged(programme, niur, reviewer, add_nominees):
    """Three nominees of Desa Niur waiting for verification; the reviewer's password hashed as in
    production (the app instances do not know the suite's fast hasher); no recompute mark left in
    Redis for Seluma by an earlier test or run (the `worker` fixture's reason)."""
    from django.core.cache import cache

    from reports import triggers

    cache.delete_many([triggers.pending_key(programme.regency_id), triggers.runs_key(programme.regency_id)])
    reviewer.password = PortalArgon2Hasher().encode(PASSWORD, PortalArgon2Hasher().salt())
    reviewer.save(update_fields=["password"])
    nominees = add_nominees(programme, niur, 3, status=NomineeStatus.SUBMITTED)
    return {"programme": programme, "nominees": nominees, "reviewer": reviewer}


def worker_ran(log: Path, task_name: str) -> bool:
    return bool(re.search(rf"Task {re.escape(task_name)}\[[0-9a-f-]+\] succeeded", log.read_text()))


def test_a_decision_made_through_one_instance_is_seen_through_the_other_and_recomputed_on_the_coverage_worker(
        cluster, arranged, seluma):
    a, b = cluster["hosts"]["a"], cluster["hosts"]["b"]
    nominee = arranged["nominees"][0]
    browser = log_in(a, arranged["reviewer"].username)  # the session lives in PostgreSQL: valid on b too
    detail = reverse("registrations:nominee-detail", args=[nominee.pk])

    answer = post_form(browser, a, detail, reverse("registrations:nominee-decide", args=[nominee.pk]),
                       {"action": "verify", "seen_status": NomineeStatus.SUBMITTED, "reason_code": "", "reason": ""})

    assert answer.status_code == 302
    assert answer.cookies.get(PIN_COOKIE) == "1"  # this browser reads from the primary for a while
    assert Nominee.objects.get(pk=nominee.pk).status == NomineeStatus.VERIFIED
    seen_on_b = browser.get(f"{b.url}{detail}", timeout=10)
    assert seen_on_b.status_code == 200
    assert "terverifikasi" in seen_on_b.text.lower()
    # The decision announced a change; its recompute ran on the coverage worker, not the files one.
    wait_for(lambda: worker_ran(cluster["workers"]["coverage"], "reports.recompute_regency_coverage"),
             what="the recompute on the coverage worker")
    assert CoverageSnapshot.objects.filter(regency=seluma).exists()
    assert not worker_ran(cluster["workers"]["files"], "reports.recompute_regency_coverage")


def test_an_export_runs_on_the_files_worker_and_the_dashboard_reads_from_the_replica(cluster, arranged, seluma):
    a, b = cluster["hosts"]["a"], cluster["hosts"]["b"]
    browser = log_in(a, arranged["reviewer"].username)
    for cookie in [cookie for cookie in browser.cookies if cookie.name == PIN_COOKIE]:  # as 10 s later
        browser.cookies.clear(cookie.domain, cookie.path, cookie.name)
    export_path = (f"{reverse('reports:nominative-regency', args=[seluma.pk])}"
                   f"?program={arranged['programme'].pk}")

    answer = browser.get(f"{b.url}{export_path}", timeout=30, allow_redirects=False)

    assert answer.status_code == 302  # 3 rows > EXPORT_INLINE_MAX_ROWS: a job, followed on its page
    record = ExportRecord.objects.get()
    wait_for(lambda: ExportRecord.objects.get(pk=record.pk).status == ExportStatus.DONE,
             what="the export on the files worker")
    # The task logs its success just after the record is marked done.
    wait_for(lambda: worker_ran(cluster["workers"]["files"], "reports.build_export"),
             what="the export task's success in the files worker's log")
    assert not worker_ran(cluster["workers"]["coverage"], "reports.build_export")
    assert ExportRecord.objects.get(pk=record.pk).row_count == 3
    # The export (a marked view, no recent write by this browser) read from the replica connection.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND datname = %s",
                       [REPLICA_APPLICATION_NAME, connection.settings_dict["NAME"]])
        assert cursor.fetchone()[0] >= 1
    download = browser.get(f"{a.url}{reverse('reports:export-download', args=[record.pk])}", timeout=30)
    assert download.status_code == 200 and download.content[:2] == b"PK"  # the shared MEDIA_ROOT


def test_when_one_instance_dies_the_other_keeps_serving(cluster, arranged):
    a, b = cluster["hosts"]["a"], cluster["hosts"]["b"]
    browser = log_in(a, arranged["reviewer"].username)

    _stop(a.process, signal.SIGKILL)

    assert not a.answers()
    assert b.answers()
    queue = browser.get(f"{b.url}{reverse('registrations:review-queue')}", timeout=10)
    assert queue.status_code == 200 and queue.url.startswith(b.url)
    assert arranged["nominees"][1].full_name in queue.text
