"""jamsostek_portal/settings.py: production refuses to start without its variables; the embedded
default needs none. Each case starts a fresh Python with a clean environment."""

import subprocess
import sys
from pathlib import Path

import pytest

from jamsostek_portal.settings import PRODUCTION_REQUIRED

ROOT = Path(__file__).resolve().parent.parent.parent
SAMPLE_VALUES = {
    "SECRET_KEY": "k7Vq2-mZ9pX_rT4wL8cN1bY6hJ3sD0fG5aE2uI9oP7lK4jH1gF8dS6",
    "ALLOWED_HOSTS": "jamsostek.selumakab.go.id",
    "DATABASE_URL": "postgres://jamsostek@db.internal:5432/jamsostek",
    "PERSONAL_DATA_KEY": "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=",
}
PRODUCTION_ENV = {"DJANGO_ENV": "production", **{name: SAMPLE_VALUES.get(name, "x") for name in PRODUCTION_REQUIRED}}


def django_setup(env: dict[str, str], then: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {then}"],
        cwd=ROOT, env={"DJANGO_SETTINGS_MODULE": "jamsostek_portal.settings", **env},
        capture_output=True, text=True, timeout=60,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_naming_the_missing_variable(missing):
    env = {name: value for name, value in PRODUCTION_ENV.items() if name != missing}

    result = django_setup(env)

    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: "
        f"DJANGO_ENV=production needs the environment variable {missing}; it is not set."
    )


def test_production_treats_an_empty_secret_key_as_missing():
    result = django_setup({**PRODUCTION_ENV, "SECRET_KEY": ""})

    assert "DJANGO_ENV=production needs the environment variable SECRET_KEY" in result.stderr


@pytest.mark.parametrize("weak", ["changeme", "x" * 60, "django-insecure-" + "a1b2c3d4e5" * 5,
                                  "s3cr3t-but-too-short-1234567890"])
def test_production_refuses_a_weak_secret_key(weak):
    result = django_setup({**PRODUCTION_ENV, "SECRET_KEY": weak})

    assert result.returncode != 0
    assert "DJANGO_ENV=production refuses a weak SECRET_KEY" in result.stderr.strip().splitlines()[-1]


def test_production_starts_with_its_variables_and_without_debug():
    result = django_setup(PRODUCTION_ENV, "from django.conf import settings as s; "
                                          "print(s.DEBUG, s.ALLOWED_HOSTS, s.SESSION_COOKIE_SECURE)")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['jamsostek.selumakab.go.id'] True"


def test_embedded_default_needs_no_variables():
    result = django_setup({}, "from django.conf import settings as s; "
                              "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG)")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3 True True"
