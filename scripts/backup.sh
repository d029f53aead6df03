#!/usr/bin/env bash
# Nightly backup of one installation: the database (pg_dump, custom format) and MEDIA_ROOT (batch
# files, musdes minutes, export files) into BACKUP_DIR, each as a dated file.
#
#   scripts/backup.sh DATABASE MEDIA_ROOT BACKUP_DIR [KEEP_DAYS]
#
# Each file is written under a temporary name, checked (pg_restore --list reads the whole dump's
# table of contents; tar -t reads the whole archive) and only then renamed into place, so a failed
# or cut-off run never leaves a truncated file that looks like the latest backup. On any failure
# the partial files are removed, the reason goes to stderr and to syslog (priority user.err), and
# the exit status is non-zero: cron mails the output to MAILTO. Old backups are deleted only after
# a successful run. Connection settings come from the usual libpq variables (PGHOST, PGUSER, …).
set -euo pipefail

database=${1:?database name}
media_root=${2:?MEDIA_ROOT}
backup_dir=${3:?backup folder}
keep_days=${4:-30}
stamp=$(date +%F-%H%M)
dump="$backup_dir/jamsostek-$stamp.dump"
media="$backup_dir/media-$stamp.tar.gz"

fail() {
  rm -f "$dump.partial" "$media.partial"
  echo "BACKUP FAILED ($database): $1" >&2
  logger -p user.err -t jamsostek-backup "backup of $database failed: $1" 2>/dev/null || true
  exit 1
}
trap 'fail "interrupted or a command failed (line $LINENO)"' ERR INT TERM

[ -d "$backup_dir" ] || fail "no backup folder $backup_dir"
[ -d "$media_root" ] || fail "no MEDIA_ROOT folder $media_root"

pg_dump --format=custom --file="$dump.partial" "$database" || fail "pg_dump exited with $?"
pg_restore --list "$dump.partial" >/dev/null || fail "the dump cannot be read back"
tar -czf "$media.partial" -C "$media_root" . || fail "tar of $media_root exited with $?"
tar -tzf "$media.partial" >/dev/null || fail "the media archive cannot be read back"

mv "$dump.partial" "$dump"
mv "$media.partial" "$media"
trap - ERR INT TERM
find "$backup_dir" -maxdepth 1 \( -name 'jamsostek-*.dump' -o -name 'media-*.tar.gz' \) -mtime +"$keep_days" -delete
echo "backup of $database: $dump ($(du -h "$dump" | cut -f1)), $media ($(du -h "$media" | cut -f1))"
