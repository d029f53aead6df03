"""Settings for Jamsostek Portal, read from the environment (django-environ).

With no variables at all the site runs on the embedded default: a SQLite file in ./var, Celery
tasks executed inline, a development secret generated once into ./var. `DJANGO_ENV=production`
turns the defaults off: the variables listed in PRODUCTION_REQUIRED must then be set, and the
process refuses to start naming the first one that is missing.

Transactions: ATOMIC_REQUESTS stays off. Services and workflow functions own their transactions
(`transaction.atomic` inside the service), so a view never holds a lock longer than the write.
"""

import base64
import secrets
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
IS_PRODUCTION = DJANGO_ENV == "production"

PRODUCTION_REQUIRED = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "PERSONAL_DATA_KEY")
if IS_PRODUCTION:
    for name in PRODUCTION_REQUIRED:
        if not env.str(name, default=""):
            raise ImproperlyConfigured(
                f"DJANGO_ENV=production needs the environment variable {name}; it is not set."
            )


def _development_secret(name: str, generate) -> str:
    """A secret generated once per checkout into ./var, so sessions and encrypted demo data
    survive restarts of `make demo`. Never used with DJANGO_ENV=production."""
    path = VAR_DIR / name
    if not path.exists():
        VAR_DIR.mkdir(exist_ok=True)
        path.write_text(generate())
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _development_secret("dev-secret-key", lambda: secrets.token_urlsafe(50))
# The rule of Django's own check (security.W009): at least 50 characters, at least 5 different, not
# Django's "insecure" placeholder. In production a weak key is refused, as a missing one is: it
# signs sessions and password-reset links.
MIN_SECRET_KEY_LENGTH, MIN_SECRET_KEY_CHARACTERS = 50, 5
if IS_PRODUCTION and (len(SECRET_KEY) < MIN_SECRET_KEY_LENGTH or len(set(SECRET_KEY)) < MIN_SECRET_KEY_CHARACTERS
                      or SECRET_KEY.startswith("django-insecure-")):
    raise ImproperlyConfigured(
        "DJANGO_ENV=production refuses a weak SECRET_KEY (fewer than 50 characters or 5 different ones, or a "
        "placeholder). Generate one with: python -c \"import secrets; print(secrets.token_urlsafe(50))\""
    )
# Fernet key for NIK, KK and other personal identifiers at rest (registrations/crypto.py).
PERSONAL_DATA_KEY = env.str("PERSONAL_DATA_KEY", default="") or _development_secret(
    "dev-personal-data-key", lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
)
DEBUG = env.bool("DEBUG", default=not IS_PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "simple_history",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "common",
    "accounts",
    "villages",
    "registrations",
    "bpjs",
    "membership",
    "reports",
    "api",
    "demo",
    "jamsostek_portal.apps.PortalConfig",  # last: imports every app's tasks (apps.py)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "common.drafts.DraftsDoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.RegencyTimezoneMiddleware",
    "accounts.middleware.ForcePasswordChangeMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by the backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jamsostek_portal.urls"
WSGI_APPLICATION = "jamsostek_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.office",
                "registrations.context_processors.notices",
                "bpjs.context_processors.bpjs_links",
                "common.drafts.drafts",
            ],
        },
    },
]
# Form fields (each label, <input>, <select> and <option>) are drawn by Jinja2: Django's own
# widget templates and the portal's field group (common/form_renderer.py), the same markup as the
# template language gave (only whitespace differs), about three times faster. The nominee form's
# seventeen fields took two thirds of its page's time (docs/BENCHMARKS.md, "The deadline").
FORM_RENDERER = "common.form_renderer.FormRenderer"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'jamsostek.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    # The review queue's index carries the status beside its key on PostgreSQL (INCLUDE); the
    # embedded demo's SQLite builds it on the key alone, which is all it needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Behind PgBouncer in transaction mode (docs/deployment.md) a connection is a different server
# connection at each transaction: no server-side cursor may outlive one, so Django declares none
# (QuerySet.iterator() then reads its rows in one answer; the nominative list reads in chunks of
# ids instead, reports/export_jobs.py).
PGBOUNCER_TRANSACTION_MODE = env.bool("PGBOUNCER_TRANSACTION_MODE", default=False)
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = PGBOUNCER_TRANSACTION_MODE
# Connections are kept between requests (a new PostgreSQL connection per request capped even
# /healthz), checked before reuse so a restarted database costs one reconnect, not an error.
# SQLite (the demo) opens its file per request as before.
_PERSISTENT = DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3"
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60 if _PERSISTENT else 0))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A PostgreSQL read replica (streaming replication of the primary), optional. When set, the
# dashboards, the exports and the API read from it, except what a person has just written
# (common/db_router.py states the rule); without it nothing is routed and everything reads the
# primary. The tests point it at the test database itself (TEST MIRROR).
REPLICA_DATABASE_URL = env.str("REPLICA_DATABASE_URL", default="")
# Seconds after a request that wrote during which that browser's reads stay on the primary: well
# above the replica's usual lag (well under a second on a local network).
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=10)
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = env.db_url_config(REPLICA_DATABASE_URL)
    DATABASES["replica"].update(
        ATOMIC_REQUESTS=False, CONN_MAX_AGE=DATABASES["default"]["CONN_MAX_AGE"], CONN_HEALTH_CHECKS=True,
        DISABLE_SERVER_SIDE_CURSORS=PGBOUNCER_TRANSACTION_MODE, TEST={"MIRROR": "default"},
    )
    DATABASE_ROUTERS = ["common.db_router.ReplicaRouter"]
    MIDDLEWARE.insert(0, "common.db_router.ReplicaReadsMiddleware")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "accounts.hashers.PortalArgon2Hasher",
    # Hashes made before Argon2 was chosen: still accepted, re-hashed with Argon2 at the next login.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "accounts.hashers.InitialPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Proxies whose X-Forwarded-For is believed (accounts/client_ip.py), e.g. 127.0.0.1 when nginx runs
# on the same host: lockouts then key on the visitor's address, not the proxy's.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# django-axes: five wrong passwords for one username from one address lock it for 30 minutes.
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password"]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"  # stored in UTC; shown in the regency's zone (RegencyTimezoneMiddleware)
DEFAULT_REGENCY_TIME_ZONE = env.str("DEFAULT_REGENCY_TIME_ZONE", default="Asia/Jakarta")

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
if IS_PRODUCTION:
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_CONTENT_TYPE_NOSNIFF = True

# The read-only JSON API (api/, /api/v1/): a token (`manage.py api_token USERNAME`, header
# "Authorization: Token <key>") or the page's session; nothing for anonymous callers. Token first,
# so an anonymous call is answered 401 with "WWW-Authenticate: Token" rather than a bare 403.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.PortalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [],  # read-only: no request body is ever parsed
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StrictPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiUserThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Out of scope and missing give one and the same 404 body.
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
}
# Calls per authenticated user (DRF rate syntax, e.g. "3600/hour"); empty turns throttling off.
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="3600/hour") or None
SPECTACULAR_SETTINGS = {
    "TITLE": "Jamsostek Portal API",
    "DESCRIPTION": "Read-only figures of the Jamsostek Portal: UCJ coverage per region (current and history), "
                   "programme figures per region, and BPJS export batch status. No personal data.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Schema and docs describe no data, but the portal is an office tool: signed-in users only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI and Redoc from the drf-spectacular-sidecar package through our static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Celery. With no broker configured, tasks run inline in the web process (the embedded default).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=14 * 60)
CELERY_RESULT_EXPIRES = 24 * 60 * 60
# Beat reads crontab hours in the regencies' zone: "01:00" is 01:00 WIB by default, not UTC.
CELERY_TIMEZONE = DEFAULT_REGENCY_TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    # After midnight, so each regency gets the new day's snapshot row (history accumulates even on
    # days without changes) and any recompute a change failed to schedule is repaired.
    "recompute-all-coverage-nightly": {"task": "reports.recompute_all_coverage", "schedule": crontab(hour=1, minute=0)},
    # Before the nightly recompute: members whose paid period ended go into arrears or lapse
    # (membership.services.memberships_update); the moves schedule their regencies' recomputes.
    "update-memberships-daily": {"task": "membership.update_memberships", "schedule": crontab(hour=0, minute=30)},
    # Export files hold personal data: each is kept EXPORT_FILE_RETENTION_DAYS, then deleted.
    "purge-old-export-files-nightly": {"task": "reports.purge_old_export_files", "schedule": crontab(hour=2, minute=0)},
    # Coverage recomputes a change could not schedule while Redis was down (reports.triggers).
    "recompute-owed-coverage": {"task": "reports.recompute_owed", "schedule": crontab(minute="*/2")},
    # Background jobs whose worker died (kill -9, a lost host) are marked failed (common.jobs).
    "fail-stale-jobs": {"task": "common.fail_stale_jobs", "schedule": crontab(minute="*/5")},
    # Uploads waiting for a confirmation hold NIKs: deleted after UPLOAD_MAX_AGE_HOURS.
    "purge-staged-uploads": {"task": "common.purge_staged_uploads", "schedule": crontab(minute=17)},
}
# A running background job silent (no progress) this long is dead: no task outlives its time limit.
JOB_STALE_AFTER_SECONDS = env.int("JOB_STALE_AFTER_SECONDS", default=CELERY_TASK_TIME_LIMIT + 60)
# A job still queued this long lost its message (a broker restarted without its data).
JOB_QUEUED_STALE_AFTER_SECONDS = env.int("JOB_QUEUED_STALE_AFTER_SECONDS", default=6 * 60 * 60)
# A message taken by a worker that dies is handed to another after this long (acks_late): just
# above the task time limit, so a killed job is redone within minutes, not Redis's default hour.
# Publishing gives up within a few seconds when Redis is down (common.jobs.task_enqueue), so the
# page that starts a job answers "cannot start now" instead of hanging: a 2 s connect timeout and
# one quick retry, for the connection (transport options) and for the message (publish policy).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
# (Kombu's Redis transport reads the connect timeout from its transport options, not from
# broker_connection_timeout.)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 120,
                                   "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
                                   "max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5,
                                    "interval_max": 0.5}
# Sending a task also subscribes to its result in Redis; Celery's default retries that 20 times a
# second apart, which alone held a page 20 s with Redis down.
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = CELERY_BROKER_CONNECTION_TIMEOUT
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 1, "interval_start": 0,
                                                            "interval_step": 0.5, "interval_max": 0.5}}
# Coverage recomputes wait this long after the first change of a burst, so the rest of the burst
# joins the same recompute (reports/triggers.py). Inline tasks (no broker) do not wait at all.
COVERAGE_RECOMPUTE_DELAY_SECONDS = (0 if CELERY_TASK_ALWAYS_EAGER
                                    else env.int("COVERAGE_RECOMPUTE_DELAY_SECONDS", default=5))

# Exports with more rows than this (the nominative list, the coverage recap) are built by the
# worker with a progress page (reports/export_jobs.py); smaller ones download at once.
EXPORT_INLINE_MAX_ROWS = env.int("EXPORT_INLINE_MAX_ROWS", default=2000)
# Bulk review decisions over more nominees than this run as a background job with a progress page
# (registrations/review/decisions.py); smaller ones are decided in the request. At about 0.5 ms a
# nominee (scripts/bench_review.py), 2,000 answer in about a second.
DECISION_INLINE_MAX_ROWS = env.int("DECISION_INLINE_MAX_ROWS", default=2000)
# Days a worker-built export file stays downloadable; the log row stays for good.
EXPORT_FILE_RETENTION_DAYS = env.int("EXPORT_FILE_RETENTION_DAYS", default=30)

# Uploaded workbooks are refused before parsing when their zip declares more parts, more unpacked
# data or a part growing more than this (common/workbook_limits.py). A 50,000-row BPJS answer file
# is 9 parts and about 20 MB unpacked; real sheets grow 5 to 25 times when unpacked, a bomb hundreds.
WORKBOOK_MAX_PARTS = env.int("WORKBOOK_MAX_PARTS", default=200)
WORKBOOK_MAX_UNPACKED_MB = env.int("WORKBOOK_MAX_UNPACKED_MB", default=50)
WORKBOOK_MAX_COMPRESSION_RATIO = env.int("WORKBOOK_MAX_COMPRESSION_RATIO", default=100)
# A BPJS export batch, or a BPJS answer file's preview and apply, with more rows than this runs on
# the worker with a progress page (bpjs/jobs.py); smaller ones run in the request. Measured: 2,020
# rows take about 3 s in the request, gunicorn gives up at 30 s.
BPJS_INLINE_MAX_ROWS = env.int("BPJS_INLINE_MAX_ROWS", default=2500)
# A regency-wide nominee list (the office's Excel import, registrations/nominee_import/regency.py)
# with more rows than this is previewed and saved by the worker with a progress page; a smaller
# one in the request. Checking and saving take a few milliseconds a row, so 2,000 answer in seconds.
NOMINEE_IMPORT_INLINE_MAX_ROWS = env.int("NOMINEE_IMPORT_INLINE_MAX_ROWS", default=2000)
# Rows of one BPJS answer file (the nominee import keeps 1,000, the official figures 500).
BPJS_ANSWER_MAX_ROWS = env.int("BPJS_ANSWER_MAX_ROWS", default=50000)
# Uploads waiting between preview and confirmation (common/uploads.py) are deleted after this many
# hours by beat (they hold NIKs in clear).
UPLOAD_MAX_AGE_HOURS = env.int("UPLOAD_MAX_AGE_HOURS", default=24)


def _database_name() -> str:
    """The name of the database in use, read when a key or message is made rather than at settings
    load, because the test runner renames the database afterwards ("test_…")."""
    from django.db import connections

    return Path(str(connections["default"].settings_dict["NAME"])).name


# Three queues, so that one kind of work never waits behind another when the workers run on
# several hosts (docs/deployment.md): coverage recomputes on "coverage", the jobs that read or write
# files (exports, BPJS batches and answer files, bulk decisions and nominee imports, and the purges
# of MEDIA_ROOT) on "files", everything else (stale-job sweep, health) on Celery's default
# "celery". Routes are by task name, so beat's entries and tasks enqueued by name route the same.
# A worker started without -Q takes only "celery": start one with -Q celery,coverage,files on a
# single server, or one per queue on several. Two installations sharing one Redis use separate
# Redis database numbers (redis://host:6379/0 and …/1), or each its CELERY_QUEUE_PREFIX (e.g.
# "seluma." makes the queues seluma.celery, seluma.coverage, seluma.files; its workers' -Q says so).
TASK_QUEUE_PREFIX = env.str("CELERY_QUEUE_PREFIX", default="")
TASK_QUEUE_DEFAULT, TASK_QUEUE_COVERAGE, TASK_QUEUE_FILES = (
    f"{TASK_QUEUE_PREFIX}{kind}" for kind in ("celery", "coverage", "files"))
TASK_QUEUES = (TASK_QUEUE_DEFAULT, TASK_QUEUE_COVERAGE, TASK_QUEUE_FILES)
CELERY_TASK_DEFAULT_QUEUE = TASK_QUEUE_DEFAULT
CELERY_TASK_ROUTES = {
    "reports.recompute_regency_coverage": {"queue": TASK_QUEUE_COVERAGE},
    "reports.recompute_all_coverage": {"queue": TASK_QUEUE_COVERAGE},
    "reports.build_export": {"queue": TASK_QUEUE_FILES},
    "reports.purge_old_export_files": {"queue": TASK_QUEUE_FILES},
    "bpjs.*": {"queue": TASK_QUEUE_FILES},
    "registrations.*": {"queue": TASK_QUEUE_FILES},  # bulk decision jobs, nominee imports
    "membership.*": {"queue": TASK_QUEUE_FILES},  # participant files, membership updates
    "common.purge_staged_uploads": {"queue": TASK_QUEUE_FILES},
}


def _cache_key(key: str, key_prefix: str, version: int) -> str:
    return f"{_database_name()}:{key_prefix}:{version}:{key}"


# The cache holds coverage's "recompute pending" marks (reports/triggers.py), which the web
# process sets and the worker clears: Redis when there is one, so both see the same marks;
# process memory in the embedded default, where tasks run inline in the web process.
if REDIS_URL:
    # Short timeouts: with Redis down, a page or an API call that touches the cache (the API's rate
    # limit, a coverage mark) goes on without it in seconds (api/throttling.py, reports/triggers.py).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_FUNCTION": _cache_key,
                          "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Login sessions: kept in PostgreSQL and, with Redis, read from Redis (common/sessions.py says how
# a Redis outage is met); a copy lives there for SESSION_CACHE_SECONDS at most.
if REDIS_URL:
    SESSION_ENGINE = "common.sessions"
SESSION_CACHE_SECONDS = env.int("SESSION_CACHE_SECONDS", default=5 * 60)

# Uploads: a village officer's photo of the musdes minutes or a nominee sheet, never more.
# Content-Security-Policy (django-csp): every script, style, image and font comes from the app
# itself, never inline and never from another site (no CDN: village connections and offline
# offices). The API's Swagger page loads its start-up script as a file (api/urls.py) and may set
# inline styles (its own decorator there).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# A form sent without a valid CSRF token gets the Indonesian 403 page (jamsostek_portal/views.py).
CSRF_FAILURE_VIEW = "jamsostek_portal.views.csrf_failure"

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Everything under MEDIA_ROOT holds personal data (staged uploads, BPJS batches, exports): readable
# by the app's own user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # Personal data (NIK, KK, phone) never reaches a log line: lokal-id's Samaran masks it.
        "mask_personal_data": {"()": "lokal.samaran.logging.SamaranFilter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_personal_data"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own loggers (requests, runserver) go through the same masking handler, not the
    # default unfiltered ones: a NIK in a URL must not reach the console in clear.
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
