"""The archive check every uploaded workbook passes before any reader parses it.

An .xlsx is a zip of XML parts. A file of a few megabytes can declare parts that unpack to
gigabytes (a decompression bomb: 2.4 MB unpacking to 1.1 GB kept a worker busy for 45 s and took
1.35 GB of memory), or hold thousands of parts. The zip's central directory says how large each
part is unpacked, and Python's zipfile never hands out more than that declared size (a part that
lies gets cut there and fails its CRC), so the declared sizes are enough to refuse such a file in
milliseconds, before openpyxl (or any other reader) touches it:

- at most `max_parts` parts (settings.WORKBOOK_MAX_PARTS);
- at most `max_unpacked_bytes` for all parts together (settings.WORKBOOK_MAX_UNPACKED_MB);
- no part above RATIO_FLOOR_BYTES unpacked that grows more than `max_ratio` times
  (settings.WORKBOOK_MAX_COMPRESSION_RATIO). Real sheets grow 5 to 25 times; a bomb, hundreds.

The XML itself is parsed with defusedxml (openpyxl uses it when it is installed): no entity
expansion, no external entities. Every reader (common.workbooks.opened_workbook, and any other
reader of uploads, such as common.workbooks.fast_workbook) calls `check_workbook_archive` first.
Pure functions, no database.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings

from .formatting import format_megabytes
from .workbooks import WorkbookError

RATIO_FLOOR_BYTES = 1024 * 1024  # small parts (styles, a short sheet) may compress oddly well; they are harmless
_RESAVE = "Buka berkas di Excel atau LibreOffice, simpan sebagai \"Excel Workbook (.xlsx)\", lalu unggah lagi."


@dataclass(frozen=True)
class WorkbookLimits:
    max_parts: int
    max_unpacked_bytes: int
    max_ratio: int

    @classmethod
    def from_settings(cls, *, max_unpacked_mb: int | None = None) -> WorkbookLimits:
        """The configured limits; `max_unpacked_mb`, when given, replaces WORKBOOK_MAX_UNPACKED_MB
        for a kind of file that is large by nature (a regency-wide nominee list)."""
        return cls(max_parts=settings.WORKBOOK_MAX_PARTS,
                   max_unpacked_bytes=(max_unpacked_mb or settings.WORKBOOK_MAX_UNPACKED_MB) * 1024 * 1024,
                   max_ratio=settings.WORKBOOK_MAX_COMPRESSION_RATIO)


def check_workbook_archive(content, limits: WorkbookLimits | None = None) -> None:
    """Refuses (WorkbookError, with a message for the officer) a workbook whose zip declares too
    many parts, too much unpacked data, or a part that grows suspiciously much. `content` is the
    upload's bytes or an open binary file; nothing is unpacked."""
    limits = limits or WorkbookLimits.from_settings()
    source = BytesIO(content) if isinstance(content, bytes | bytearray) else content
    try:
        with zipfile.ZipFile(source) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise WorkbookError(f"Berkas ini bukan berkas Excel yang utuh. {_RESAVE}") from error
    if len(parts) > limits.max_parts:
        raise WorkbookError(f"Berkas Excel ini terdiri dari terlalu banyak bagian ({len(parts)}; batasnya "
                            f"{limits.max_parts}), sehingga tidak dibaca. {_RESAVE}")
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limits.max_unpacked_bytes:
        raise WorkbookError(
            f"Isi berkas Excel ini terlalu besar setelah dibuka ({format_megabytes(unpacked)} MB; batasnya "
            f"{limits.max_unpacked_bytes // 1024 // 1024} MB), sehingga tidak dibaca. Hapus lembar, gambar atau "
            "baris yang tidak perlu, atau bagi data menjadi beberapa berkas.")
    for part in parts:
        if part.file_size > RATIO_FLOOR_BYTES and part.file_size > limits.max_ratio * max(part.compress_size, 1):
            raise WorkbookError(
                f"Berkas Excel ini tidak wajar: salah satu bagiannya membesar lebih dari {limits.max_ratio} kali "
                f"saat dibuka, sehingga tidak dibaca. {_RESAVE}")

