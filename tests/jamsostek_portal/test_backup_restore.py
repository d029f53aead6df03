"""The restore drill (README, "Backups"): scripts/backup.sh dumps the database and MEDIA_ROOT,
scripts/restore.sh brings both back into a new database and folder, and what comes back is the
same: row counts, a stored file, an encrypted NIK that still decrypts with the installation's key,
and a schema the code accepts (`migrate --check`). A backup that fails leaves no file that could be
taken for the latest backup and says so on stderr with a non-zero exit."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from registrations.crypto import decrypt
from registrations.enums import NomineeStatus
from registrations.models import Nominee

ROOT = Path(__file__).resolve().parents[2]
TABLES = ["registrations_nominee", "registrations_historicalnominee", "accounts_user", "villages_village",
          "registrations_programme"]


def _libpq_env() -> dict:
    db = connection.settings_dict
    return os.environ | {"PGHOST": db["HOST"] or "127.0.0.1", "PGPORT": str(db["PORT"] or 5432),
                         "PGUSER": db["USER"] or "postgres", "PGPASSWORD": db["PASSWORD"] or ""}


def _counts(dbname: str) -> dict[str, int]:
    env = _libpq_env()
    with psycopg.connect(host=env["PGHOST"], port=env["PGPORT"], user=env["PGUSER"], password=env["PGPASSWORD"],
                         dbname=dbname) as conn:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}


@pytest.fixture
def drill_database():
    name = f"{connection.settings_dict['NAME']}_drill"
    yield name
    subprocess.run(["dropdb", "--if-exists", name], env=_libpq_env(), check=True)


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_new_database_with_the_same_data(tmp_path, settings, drill_database, programme,
                                                                   niur, add_nominees):
    media_root = tmp_path / "media"
    (media_root / "bpjs" / "2026").mkdir(parents=True)
    (media_root / "bpjs" / "2026" / "BPJS-1705-2026-001.xlsx").write_bytes(b"batch file")
    backups = tmp_path / "backups"
    backups.mkdir()
    add_nominees(programme, niur, 12, NomineeStatus.SUBMITTED)
    nominee = Nominee.objects.order_by("pk").first()
    live = connection.settings_dict["NAME"]

    made = subprocess.run([ROOT / "scripts" / "backup.sh", live, media_root, backups], env=_libpq_env(),
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    (dump,) = backups.glob("jamsostek-*.dump")
    (archive,) = backups.glob("media-*.tar.gz")
    assert not list(backups.glob("*.partial"))

    restored_media = tmp_path / "restored-media"
    restored = subprocess.run([ROOT / "scripts" / "restore.sh", dump, archive, drill_database, restored_media],
                              env=_libpq_env(), capture_output=True, text=True)
    assert restored.returncode == 0, restored.stderr

    assert _counts(drill_database) == _counts(live)
    assert _counts(drill_database)["registrations_nominee"] == 12
    assert (restored_media / "bpjs" / "2026" / "BPJS-1705-2026-001.xlsx").read_bytes() == b"batch file"
    env = _libpq_env()
    with psycopg.connect(host=env["PGHOST"], port=env["PGPORT"], user=env["PGUSER"], password=env["PGPASSWORD"],
                         dbname=drill_database) as conn:
        (token,) = conn.execute("SELECT nik FROM registrations_nominee WHERE id = %s", [nominee.pk]).fetchone()
    assert token != nominee.nik  # encrypted at rest in the dump too
    assert decrypt(token) == nominee.nik

    url = f"postgres://{env['PGUSER']}@{env['PGHOST']}:{env['PGPORT']}/{drill_database}"
    check = subprocess.run([sys.executable, "manage.py", "migrate", "--check"], cwd=ROOT, capture_output=True,
                           text=True, env=os.environ | {"DATABASE_URL": url,
                                                        "PERSONAL_DATA_KEY": settings.PERSONAL_DATA_KEY})
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_failed_backup_leaves_no_file_and_makes_noise(tmp_path):
    media_root = tmp_path / "media"
    media_root.mkdir()
    backups = tmp_path / "backups"
    backups.mkdir()

    made = subprocess.run([ROOT / "scripts" / "backup.sh", "no_such_database_here", media_root, backups],
                          env=_libpq_env(), capture_output=True, text=True)

    assert made.returncode != 0
    assert "BACKUP FAILED (no_such_database_here)" in made.stderr
    assert list(backups.iterdir()) == []


def test_a_restore_never_overwrites_a_database_in_use(tmp_path, db):
    made = subprocess.run([ROOT / "scripts" / "restore.sh", tmp_path / "x.dump", tmp_path / "x.tar.gz",
                           connection.settings_dict["NAME"], tmp_path / "media"],
                          env=_libpq_env(), capture_output=True, text=True)

    assert made.returncode != 0 and "already exists" in made.stderr
