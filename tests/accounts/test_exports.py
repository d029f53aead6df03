"""accounts/exports.py: the credentials workbook, built without a database."""

from io import BytesIO

from openpyxl import load_workbook

from accounts.exports import CREDENTIAL_HEADERS, CredentialRow, credentials_workbook


def test_credentials_workbook_keeps_every_cell_as_text():
    rows = [
        CredentialRow("17.05.01.2002", "Niur", "Sukaraja", "op-1705012002", "2345678923"),
        CredentialRow("17.05.02.1010", "Pasar Tais", "Seluma", "op-1705021010", "abCD23efGH"),
    ]

    content = credentials_workbook(regency_name="Kabupaten Seluma", login_url="https://jamsostek.example/masuk/",
                                   rows=rows)

    sheet = load_workbook(BytesIO(content)).active
    assert sheet.title == "Akun desa"
    assert sheet["A1"].value == "Akun operator desa/kelurahan — Kabupaten Seluma"
    assert sheet["A2"].value == (
        "Masuk di https://jamsostek.example/masuk/. Kata sandi awal wajib diganti saat masuk pertama kali."
    )
    assert [cell.value for cell in sheet[4]] == CREDENTIAL_HEADERS
    data = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5)]
    assert data == [
        ["17.05.01.2002", "Niur", "Sukaraja", "op-1705012002", "2345678923"],
        ["17.05.02.1010", "Pasar Tais", "Seluma", "op-1705021010", "abCD23efGH"],
    ]
    # A password of digits only must stay text, or Excel shows it as a number.
    assert {(cell.data_type, cell.number_format) for row in sheet.iter_rows(min_row=5) for cell in row} == {("s", "@")}
    assert sheet.freeze_panes == "A5"


def test_credentials_workbook_with_no_rows_has_only_the_header():
    content = credentials_workbook(regency_name="Kabupaten Seluma", login_url="http://testserver/masuk/", rows=[])

    sheet = load_workbook(BytesIO(content)).active
    assert sheet.max_row == 4
