"""Fault tests (marker `faults`): real services stopped and killed under the app. Each test starts
its OWN throwaway services, never touching the shared PostgreSQL and Redis of the machine:
- `own_redis`: a redis-server on a free port (no persistence), which a test stops and starts again;
- `redis_in_use`: the web side (Django's cache, Celery's broker and result store) pointed at it;
- `start_worker`: a Celery worker process on that Redis, reading the test database;
- `private_postgres`: a PostgreSQL cluster in a temporary directory, on a free port, which a test
  restarts.
Every process started here is stopped by the fixture's finalizer, whatever the test did."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.services import require

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _wait(condition, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}", pytrace=False)
        time.sleep(0.05)


class OwnRedis:
    """A throwaway redis-server; `stop()` kills it (as a crash would), `start()` brings it back on
    the same port, empty."""

    def __init__(self, binary: str, port: int) -> None:
        self.binary, self.port, self.process = binary, port, None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait(lambda: _answers(self.port), f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None
        _wait(lambda: not _answers(self.port), "redis-server to stop")


@pytest.fixture
def own_redis():
    binary = shutil.which("redis-server")
    require(binary is not None, "redis-server (for the fault tests' own Redis)")
    redis = OwnRedis(binary, free_port())
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def redis_in_use(own_redis, settings):
    """The web side of the app on `own_redis`: Django's cache (the API's rate limit, coverage marks)
    and, through a Celery app of its own made current for the test (the same CELERY_* settings,
    another broker and result store), every task enqueued by name. The suite's app, its pools and
    its worker are left untouched."""
    from celery import Celery, _state

    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": own_redis.url}}
    previous = _state.get_current_app()
    app = Celery("jamsostek_portal_faults", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.broker_url = app.conf.result_backend = own_redis.url
    app.set_current()
    try:
        yield own_redis
    finally:
        previous.set_current()
        app.close()


@pytest.fixture
def start_worker(django_db_blocker, tmp_path):
    """start_worker(redis_url) → a Celery worker process (solo pool) on that Redis and the test
    database, also running tests/faults/tasks.py, once it answers a ping; killed at the end of the
    test if still alive. `wait=False` returns at once: a solo worker that takes a waiting message
    first answers no ping until the task ends, so the test waits for the task's own effect."""
    workers: list[subprocess.Popen] = []

    def _start(redis_url: str, *, wait: bool = True) -> subprocess.Popen:
        database = settings.DATABASES["default"]
        database_url = (f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}:"
                        f"{database['PORT'] or 5432}/{database['NAME']}")
        env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "CELERY_BROKER_URL": redis_url,
               "CELERY_RESULT_BACKEND": redis_url, "MEDIA_ROOT": str(tmp_path)}
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "jamsostek_portal", "worker", "--pool=solo", "--loglevel=WARNING",
             f"--hostname=faults-{len(workers)}@{socket.gethostname()}", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "--queues", ",".join(settings.TASK_QUEUES),  # every queue, as on one server
             "--include=tests.faults.tasks"],
            cwd=ROOT, env=env)
        workers.append(worker)
        if not wait:
            return worker
        from celery import current_app  # the test's own app, on its own Redis (redis_in_use)

        hostname = f"faults-{len(workers) - 1}@{socket.gethostname()}"
        _wait(lambda: worker.poll() is not None
              or bool(current_app.control.ping(destination=[hostname], timeout=0.5)), "the Celery worker")
        if worker.poll() is not None:
            pytest.fail("the fault tests' Celery worker did not start", pytrace=False)
        return worker

    yield _start
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)


class PrivateCluster:
    def __init__(self, bin_dir: Path, data: Path, sockets: Path, port: int, as_postgres: list[str]) -> None:
        self.bin_dir, self.data, self.sockets, self.port, self.as_postgres = bin_dir, data, sockets, port, as_postgres

    def pg_ctl(self, *args: str) -> None:
        subprocess.run([*self.as_postgres, str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-w", "-l",
                        str(self.data.parent / "postgres.log"), *args], check=True, stdout=subprocess.DEVNULL)

    def start(self) -> None:
        self.pg_ctl("-o", f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def restart(self) -> None:
        self.pg_ctl("-m", "fast", "-o", f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off",
                    "restart")


@pytest.fixture
def private_postgres():
    """A PostgreSQL cluster of its own (initdb in a temporary directory, trust for local users), on
    a free port; stopped and removed afterwards. initdb refuses to run as root: then the cluster
    belongs to the postgres system user."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    require(bool(candidates), "PostgreSQL's initdb (for the fault tests' private cluster)")
    bin_dir = candidates[-1].parent
    as_postgres: list[str] = []
    # Not under pytest's temporary folder: that one is private to the user running the tests.
    base = Path(tempfile.mkdtemp(prefix="faults-postgres-"))
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        require(runuser is not None, "runuser (initdb refuses root)")
        as_postgres = [runuser, "-u", "postgres", "--"]
        shutil.chown(base, "postgres")
    data, sockets = base / "data", base / "sockets"
    subprocess.run([*as_postgres, "mkdir", str(data), str(sockets)], check=True)
    subprocess.run([*as_postgres, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                    "--no-sync"], check=True, stdout=subprocess.DEVNULL)
    cluster = PrivateCluster(bin_dir, data, sockets, free_port(), as_postgres)
    cluster.start()
    yield cluster
    subprocess.run([*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.rmtree(base, ignore_errors=True)


