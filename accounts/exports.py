"""Workbooks built from plain rows: pure functions, no database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# The name of a password-reset credentials file begins so (accounts.views; the access log tells resets apart).
PASSWORD_RESET_FILE_PREFIX = "kata-sandi-baru-desa-"

TEXT = "@"


@dataclass(frozen=True)
class CredentialRow:
    village_code: str
    village_name: str
    subdistrict_name: str
    username: str
    password: str


CREDENTIAL_HEADERS = ["Kode desa/kelurahan", "Desa/Kelurahan", "Kecamatan", "Nama pengguna", "Kata sandi awal"]


def credentials_workbook(*, regency_name: str, login_url: str, rows: Iterable[CredentialRow]) -> bytes:
    """The initial credentials of new village accounts, one row per village, every cell text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Akun desa"
    sheet.append([f"Akun operator desa/kelurahan — {regency_name}"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([f"Masuk di {login_url}. Kata sandi awal wajib diganti saat masuk pertama kali."])
    sheet.append([])
    sheet.append(CREDENTIAL_HEADERS)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.village_code, row.village_name, row.subdistrict_name, row.username, row.password])
        for cell in sheet[sheet.max_row]:
            cell.number_format = TEXT
    for index, width in enumerate([20, 30, 24, 22, 18], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A5"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
