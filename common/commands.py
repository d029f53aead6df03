"""What the import commands share."""

from pathlib import Path

from django.core.management.base import CommandError


def read_file_argument(file: str) -> tuple[Path, bytes]:
    """The workbook a command was given, read whole; a CommandError in Indonesian when it cannot be
    read (a wrong path, no permission)."""
    path = Path(file)
    try:
        return path, path.read_bytes()
    except OSError as error:
        raise CommandError(f"Tidak bisa membaca {path}: {error.strerror}.") from error
