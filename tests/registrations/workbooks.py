"""Builds the workbooks an officer would upload, for the Excel and import tests."""

from html import escape
from io import BytesIO

from openpyxl import Workbook

from registrations.nominee_import import workbook as excel

TEMPLATE_HEADERS = [column.header for column in excel.TEMPLATE_COLUMNS]


def workbook_bytes(rows, *, headers=TEMPLATE_HEADERS, title="Calon peserta", extra_sheets=()):
    """A header row, then one row per dict (missing keys left blank)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for name in extra_sheets:
        workbook.create_sheet(name, 0)
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(header) for header in headers])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- OpenSID's two downloads of a programme's participants (Bantuan › Program Bantuan) ---------------

OPENSID_EXPORT_HEADERS = ["Peserta", "No. Peserta", "NIK", "Nama", "Tempat Lahir", "Tanggal Lahir", "Alamat"]


def opensid_export_bytes(people, *, programme="BLT Dana Desa 2026", sasaran=1):
    """The "Expor" icon of a programme's row (OpenSID's Program_bantuan::expor): a "Program" sheet
    with the programme's details, then the "Peserta" sheet, every value written as a string.
    `people`: dicts with nik, name, birth_place, birth_date (ISO, as OpenSID stores it), address,
    and kk for a per-family programme (sasaran 2), whose "Peserta" is the KK."""
    workbook = Workbook()
    details = workbook.active
    details.title = "Program"
    for label, value in [("id", "7"), ("Nama Program", programme), ("Sasaran Program", str(sasaran)),
                         ("Keterangan", "Bantuan langsung tunai"), ("Asal Dana", "Dana Desa"),
                         ("Rentang Waktu (Awal)", "2026-01-01"), ("Rentang Waktu (Akhir)", "2026-12-31")]:
        details.append([label, value])
    sheet = workbook.create_sheet("Peserta")
    sheet.append(OPENSID_EXPORT_HEADERS)
    for number, person in enumerate(people, start=1):
        participant = person["kk"] if sasaran == 2 else person["nik"]
        sheet.append([participant, f"BLT-{number:03d}", person["nik"], person["name"], person["birth_place"],
                      person["birth_date"], person["address"]])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def opensid_report_bytes(people, *, programme="BLT Dana Desa 2026", sasaran=1, leave_out_empty_plus=False):
    """The "Unduh" button of a programme's participant list (OpenSID's program_bantuan/cetak view
    with aksi=unduh): an HTML page served as "laporan_bantuan_<programme>_<date>.xls". Title rows
    in a layout table, the participants' table inside it with a two-row header (the card's fields
    under "Identitas di Kartu Peserta"), dates dd-mm-yyyy, sex written out. Per person (sasaran 1)
    the columns before the card are NIK, No. KK ("-" when none), name; per family (sasaran 2)
    No. KK, the head's NIK, the head's name. OpenSID leaves out the second column's cell when its
    value is empty: `leave_out_empty_plus` does the same."""
    first, plus, info = (("NIK", "No. KK", "Nama Penduduk") if sasaran == 1
                         else ("No. KK", "NIK", "Kepala Keluarga"))
    rows = []
    for number, person in enumerate(people, start=1):
        participant = person["nik"] if sasaran == 1 else person["kk"]
        plus_value = (person.get("kk") or "-") if sasaran == 1 else person.get("head_nik", "")
        born = "-".join(reversed(person["birth_date"].split("-")))
        plus_cell = "" if leave_out_empty_plus and not plus_value else f"""
                                <td>
                                    {escape(plus_value)}
                                </td>"""
        rows.append(f"""
                            <tr>
                                <td align="center">
                                    {number}
                                </td>
                                <td class='textx'>
                                    {escape(participant)}
                                </td>{plus_cell}
                                <td>
                                    {escape(person["name"])}
                                </td>
                                <td class='textx' align="center">
                                    BLT-{number:03d}
                                </td>
                                <td class='textx'>
                                    {escape(person["nik"])}
                                </td>
                                <td>
                                    {escape(person["name"].upper())}
                                </td>
                                <td>
                                    {escape(person["birth_place"])}
                                </td>
                                <td class='textx'>
                                    {born}
                                </td>
                                <td>
                                    {"PEREMPUAN" if person["sex"] == "P" else "LAKI-LAKI"}
                                </td>
                                <td>
                                    {escape(person["address"])}
                                </td>
                            </tr>""")
    doctype = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
               '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">')
    page = f"""{doctype}
<html xmlns="http://www.w3.org/1999/xhtml">
	<head>
		<title>Laporan Peserta Program {escape(programme)}</title>
		<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
		<link href="https://niur.desa.id/assets/css/report.css" rel="stylesheet" type="text/css">
		<style type="text/css">
			.textx, td
			{{
				mso-number-format:"\\@";
			}}
		</style>
	</head>
	<body>
		<div id="body">
			<table>
				<tbody>
					<tr>
						<td align="center">
							<h1>PEMERINTAH KABUPATEN SELUMA </h1>
							<h1 style="text-transform: uppercase;"></h1>
							<h1>KECAMATAN SUKARAJA </h1>
							<h1>DESA NIUR</h1>
						</td>
					</tr>
					<tr>
						<td style="padding: 5px 20px;">
							<hr style="border-bottom: 2px solid #000000; height:0px;">
						</td>
					</tr>
					<tr>
						<td align="center" >
							<h4><u>Daftar Peserta Program {escape(programme)}</u></h4>
						</td>
					</tr>
					<tr>
						<td style="padding: 5px 20px;">
							<strong>Sasaran Peserta : </strong>{"Penduduk" if sasaran == 1 else "Keluarga"}<br>
							<strong>Masa Berlaku : </strong>01 Januari 2026 - 31 Desember 2026<br>
							<strong>Keterangan : </strong>Bantuan langsung tunai &amp; pendampingan
						</td>
					</tr>
					<tr>
						<td style="padding: 5px 20px;">
                <table class="border thick">
                    <thead>
                        <tr class="border thick">
                            <th rowspan="2">No</th>
                            <th rowspan="2">
                                {first}
                            </th>
                            <th rowspan="2" nowrap class="text-center">
                                {plus}
                            </th>
                            <th rowspan="2">
                                {info}
                            </th>
                            <th colspan="7" style="text-align: center;">Identitas di Kartu Peserta</th>
                        </tr>
                        <tr class="border thick">
                            <th>No. Kartu Peserta</th>
                            <th>NIK</th>
                            <th>Nama</th>
                            <th>Tempat Lahir</th>
                            <th>Tanggal Lahir</th>
                            <th>Jenis Kelamin</th>
                            <th>Alamat</th>
                        </tr>
                    </thead>
                    <tbody>{"".join(rows)}
                    </tbody>
                </table>
						</td>
					</tr>
				</tbody>
			</table>
		</div>
	</body>
</html>
"""
    return page.encode("utf-8")
