"""Shared fixtures: the services check, the personas, a real Celery worker and a real browser.

Personas (healthchecks-style, one per role and scope) live in Kabupaten Seluma (17.05), loaded
from the real Kemendagri data, with a second regency, Bengkulu Selatan (17.01), for "someone
else's" regency:
  officer            — village officer of Desa Niur (17.05.01.2002)
  neighbour_officer  — village officer of Desa Lubuk Sahung (17.05.01.2003), same subdistrict
  regency_admin, reviewer, approver, viewer (bupati's office), bpjs_officer — Seluma
  province_viewer    — Provinsi Bengkulu (17)
  other_reviewer, other_admin — Bengkulu Selatan
  sysadmin           — system administrator
"""

import datetime as dt
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import settings as hypothesis_settings

from accounts.enums import Role
from accounts.services import user_create
from registrations.reference_data import seed_reference_data
from villages.loader import load_regions
from villages.models import Province, Regency, Subdistrict, Village

from .services import reachable, require

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "rahasia-uji-123"

# Property-based tests (hypothesis) run the same examples on every machine and every run: a failure
# in CI is a failure on the developer's laptop. HYPOTHESIS_PROFILE=explore searches wider, at random.
hypothesis_settings.register_profile("ci", derandomize=True, max_examples=150, deadline=None, database=None,
                                     print_blob=True)
hypothesis_settings.register_profile("explore", max_examples=5000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config):
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        pytest.exit("The suite runs on PostgreSQL: set DATABASE_URL=postgres://… (make test does).", returncode=3)
    elif not reachable(database_url, 5432):
        pytest.exit(
            f"PostgreSQL is not reachable at {database_url.rsplit('@', 1)[-1]}: start it "
            "(see README, 'Running the tests') and run make test again.",
            returncode=3,
        )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Persona passwords need no brute-force resistance; PBKDF2's million rounds would slow every login.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "accounts.hashers.InitialPasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _own_kept_cache(monkeypatch):
    """Pages keep what they draw in the cache under what it is drawn from (common.kept: the coverage
    pages under a regency row's id and computed_at, the blank nominee form under its occupations'
    ids). Redis outlives the test database, and the next run's database hands out the same ids while
    tests write the same computed_at by hand: each test reads and writes its own namespace, so it
    starts with nothing kept, whatever ran before."""
    from common import kept

    monkeypatch.setattr(kept, "NAMESPACE", f"kept-test:{uuid.uuid4().hex}")


@pytest.fixture(autouse=True)
def _reference_data(request):
    """A transactional test (browser, Celery, concurrency) flushes every table when it ends,
    migration-seeded rows included; put the premium rate and categories back before each test.

    Such a test without the worker runs its tasks inline, as the embedded demo does. Queued, they
    would reach the session's worker (started by an earlier test) seconds later, a recompute's
    countdown after the change: a worker transaction still open while the test's flush truncates
    every table can deadlock with it."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server"))
    if marker is None and not transactional and "db" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    ensure_reference_data()
    if not transactional or "celery_worker" in request.fixturenames:
        yield
        return
    from celery._state import _set_task_join_will_block

    from jamsostek_portal.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved
    # Celery marks "inside a task" while it runs one inline (no result.get() there) in a flag
    # global to the process, set and put back around each task. Two tasks run at once by the live
    # server's threads can leave it set, and every later test's result.get() would then refuse.
    _set_task_join_will_block(False)


def ensure_reference_data():
    from registrations.models import OccupationCategory, PremiumRate

    if not (PremiumRate.objects.exists() and OccupationCategory.objects.exists()):
        seed_reference_data(PremiumRate, OccupationCategory)


@pytest.fixture
def seluma(db):
    # Also here: a test that reaches the database only through getfixturevalue() skips the autouse one.
    ensure_reference_data()
    load_regions(["17.05", "17.01"])
    return Regency.objects.get(code="17.05")


@pytest.fixture
def programme(seluma, regency_admin):
    """Seluma's 2026 stage I, its window long closed: 10 per village, lowest tier without JHT
    (Rp16,800), 3 months paid. The coverage and API tests compute ON 2026-09-30 against it; some
    modules define their own `programme` for other windows."""
    from registrations import services as registration_services
    from registrations.enums import QuotaRule

    return registration_services.programme_create(
        regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan 2026", year=2026, stage=1,
        implementing_office="Dinas Tenaga Kerja Kabupaten Seluma", coverage_start=dt.date(2026, 3, 1),
        nomination_opens=dt.date(2026, 1, 5), nomination_closes=dt.date(2026, 2, 20),
        quota_rule=QuotaRule.PER_VILLAGE, quota_per_village=10,
    )


# What add_nominees' nominees carry (the API tests check that no answer contains them).
ARRANGED_NIK_PREFIX = "1705010101900"
ARRANGED_KK = "1705010101200001"
ARRANGED_PHONE = "081234567890"
ARRANGED_NAME = "Warga Uji"


@pytest.fixture
def add_nominees(regency_admin):
    """add_nominees(programme, village, count, status, registered_on=None, batch=None) → the nominees,
    written with bulk_create: arrangement for reading tests, not the workflow's."""
    from registrations.enums import NomineeStatus
    from registrations.models import Nominee, OccupationCategory

    occupation = OccupationCategory.objects.get(name="Petani")

    def _add(programme, village, count, status=NomineeStatus.DRAFT, registered_on=None, batch=None):
        rows = [
            Nominee(
                programme=programme, village=village, status=status, registered_on=registered_on,
                export_batch=batch, kpj_number=f"{index:011d}" if registered_on else "",
                nik=f"{ARRANGED_NIK_PREFIX}{index % 1000:03d}", nik_hash=uuid.uuid4().hex,
                nik_masked="************0001",
                kk=ARRANGED_KK, phone=ARRANGED_PHONE, full_name=f"{ARRANGED_NAME} {index}", birth_place="Tais",
                birth_date=dt.date(1990, 1, 1), sex="L", address="Jalan Desa", rt="001", occupation=occupation,
                consent_at=dt.datetime(2026, 1, 10, tzinfo=dt.UTC), consent_by=regency_admin,
                created_by=regency_admin,
            )
            for index in range(count)
        ]
        return Nominee.objects.bulk_create(rows)

    return _add


@pytest.fixture
def other_regency(seluma):
    return Regency.objects.get(code="17.01")


@pytest.fixture
def sukaraja(seluma):
    """Kecamatan Sukaraja (17.05.01), where Niur and Lubuk Sahung lie: 21 villages."""
    return Subdistrict.objects.get(code="17.05.01")


@pytest.fixture
def niur(seluma):
    return Village.objects.get(code="17.05.01.2002")


@pytest.fixture
def lubuk_sahung(seluma):
    return Village.objects.get(code="17.05.01.2003")


def _persona(username, role, regions, **extra):
    return user_create(username=username, role=role, regions=regions, password=PASSWORD,
                       must_change_password=False, **extra)


@pytest.fixture
def officer(niur):
    return _persona("op-niur", Role.VILLAGE_OFFICER, [niur], full_name="Siti Aminah")


@pytest.fixture
def neighbour_officer(lubuk_sahung):
    return _persona("op-lubuk-sahung", Role.VILLAGE_OFFICER, [lubuk_sahung], full_name="Joko Susilo")


@pytest.fixture
def regency_admin(seluma):
    return _persona("admin-seluma", Role.REGENCY_ADMIN, [seluma], full_name="Rahmat Hidayat")


@pytest.fixture
def reviewer(seluma):
    return _persona("verifikator-seluma", Role.REGENCY_REVIEWER, [seluma], full_name="Sri Wahyuni")


@pytest.fixture
def approver(seluma):
    return _persona("penyetuju-seluma", Role.REGENCY_APPROVER, [seluma], full_name="Bambang Irawan")


@pytest.fixture
def viewer(seluma):
    return _persona("bupati-seluma", Role.REGENCY_VIEWER, [seluma])


@pytest.fixture
def bpjs_officer(seluma):
    return _persona("bpjs-seluma", Role.BPJS_OFFICER, [seluma])


@pytest.fixture
def province_viewer(seluma):
    return _persona("provinsi-bengkulu", Role.PROVINCE_VIEWER, [Province.objects.get(code="17")])


@pytest.fixture
def other_reviewer(other_regency):
    return _persona("verifikator-bs", Role.REGENCY_REVIEWER, [other_regency])


@pytest.fixture
def other_admin(other_regency):
    return _persona("admin-bs", Role.REGENCY_ADMIN, [other_regency])


@pytest.fixture
def sysadmin(seluma):
    return _persona("sysadmin", Role.SYSTEM_ADMIN, [])


@pytest.fixture
def login(client):
    """login(user) → a client logged in as that user."""
    def _login(user):
        client.force_login(user)
        return client
    return _login


# --- Celery: a real worker process on Redis, reading the test database -----------------------

@pytest.fixture(scope="session")
def worker_media_root(tmp_path_factory):
    """The worker's MEDIA_ROOT: files it writes (a batch) or reads (a staged upload)."""
    return tmp_path_factory.mktemp("worker-media")


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, worker_media_root):
    redis_url = os.environ.get("REDIS_URL", "")
    require(bool(redis_url) and reachable(redis_url, 6379), f"Redis ({redis_url or 'REDIS_URL unset'})")
    database = settings.DATABASES["default"]
    test_database_url = (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    env = {**os.environ, "DATABASE_URL": test_database_url, "REDIS_URL": redis_url,
           "CELERY_BROKER_URL": redis_url, "CELERY_RESULT_BACKEND": redis_url, "MEDIA_ROOT": str(worker_media_root)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "jamsostek_portal", "worker", "--pool=solo",
         "--loglevel=WARNING", "--hostname=pytest@%h", "--without-gossip", "--without-mingle",
         "--queues", ",".join(settings.TASK_QUEUES)],  # one worker for every queue, as on one server
        cwd=ROOT, env=env,
    )
    from jamsostek_portal.celery import app

    try:
        deadline = time.monotonic() + 30
        while not app.control.ping(timeout=0.5):
            if worker.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the Celery worker did not start", pytrace=False)
        yield app
    finally:
        worker.terminate()
        worker.wait(timeout=20)


@pytest.fixture
def worker(celery_worker, seluma, other_regency):
    """The session's worker, once it has run whatever an earlier test or run left queued, with no
    coverage recompute mark left in Redis for Seluma or the other regency: each run's new database
    hands out the same ids again, while Redis keeps its keys for hours. Only the worker runs tasks
    (nothing eager), so what a test sees was written by it."""
    from django.core.cache import cache

    from jamsostek_portal.celery import health
    from reports import triggers

    health.delay().get(timeout=30)
    for regency in (seluma, other_regency):
        cache.delete_many([triggers.pending_key(regency.pk), triggers.runs_key(regency.pk)])
    assert not celery_worker.conf.task_always_eager
    return celery_worker


@pytest.fixture
def worker_media(worker, worker_media_root, settings):
    """MEDIA_ROOT shared by the test and the worker, emptied after the test."""
    settings.MEDIA_ROOT = worker_media_root
    yield worker_media_root
    for path in worker_media_root.iterdir():
        shutil.rmtree(path) if path.is_dir() else path.unlink()


@pytest.fixture
def announced():
    """The regencies named by each change announced after commit (common.events.changed): one entry
    per regency per announcement, as the coverage listener schedules them. Run on-commit callbacks
    (django_capture_on_commit_callbacks(execute=True)) to hear what a test's transaction commits."""
    from common import events

    regency_ids: list[int] = []

    def listen(sender, *, changes, **kwargs):
        regency_ids.extend(sorted({change.regency_id for change in changes}))

    events.changed.connect(listen, dispatch_uid="tests.announced")
    yield regency_ids
    events.changed.disconnect(dispatch_uid="tests.announced")


# --- Browser: Playwright driving Debian's Chromium against the live server ---------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists() or bool(shutil.which("chromium")), f"Chromium ({CHROMIUM})")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make next
    # to it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--lang=id-ID"],
        )
        yield browser
        browser.close()


def browser_page(browser, live_server, **screen):
    """A page in a fresh browser context of this screen (Playwright's new_context options), pointed
    at the live server, in Indonesian; a generator for the page fixtures (yield from it)."""
    context = browser.new_context(locale="id-ID", base_url=live_server.url, **screen)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser, live_server):
    """A page on a 360 px wide phone screen, pointed at the live server."""
    yield from browser_page(browser, live_server, viewport={"width": 360, "height": 740}, device_scale_factor=2,
                            is_mobile=True, has_touch=True)


@pytest.fixture
def desk(browser, live_server):
    """A page on an office computer's screen (the regency staff work at desks), on the live server."""
    yield from browser_page(browser, live_server, viewport={"width": 1280, "height": 800})


@pytest.fixture
def screenshot():
    def _save(page, name, *, full_page=True):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)
    return _save
