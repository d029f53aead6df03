#!/usr/bin/env bash
# Restores one backup made by scripts/backup.sh into a NEW database and media folder (never over
# the ones in use), then checks the schema against the code.
#
#   scripts/restore.sh DUMP_FILE MEDIA_ARCHIVE NEW_DATABASE NEW_MEDIA_ROOT
#
# Afterwards point DATABASE_URL and MEDIA_ROOT at the new ones (README, "Restoring a backup").
set -euo pipefail

dump=${1:?dump file}
media=${2:?media archive}
database=${3:?new database name}
media_root=${4:?new MEDIA_ROOT folder}

if psql -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'" postgres | grep -q 1; then
  echo "RESTORE REFUSED: database $database already exists; restore into a new one" >&2
  exit 1
fi
if [ -e "$media_root" ] && [ -n "$(ls -A "$media_root" 2>/dev/null)" ]; then
  echo "RESTORE REFUSED: $media_root is not empty; restore into a new folder" >&2
  exit 1
fi
createdb "$database"
pg_restore --no-owner --exit-on-error --dbname="$database" "$dump"
mkdir -p "$media_root"
tar -xzf "$media" -C "$media_root"
echo "restored $dump into $database and $media into $media_root"
