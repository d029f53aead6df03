"""Membership follows payment, in a real browser: the BPJS officer uploads the branch's monthly
participant list, checks the preview and saves it; a member whose paid period ended shows in
arrears on their page. Screenshots go to docs/screenshots/ for the user guide
(docs/panduan/07-kepesertaan.md)."""

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook
from playwright.sync_api import expect

from membership import rules, services
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee
from registrations.nik import nik_search_hash

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADERS = ["Nomor KPJ", "NIK", "Nama", "Status", "Masa iur s.d."]
NAMES = ["Dewi Lestari", "Supriyadi", "Hasanudin", "Ani Suryani"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def members(seeded, programme, niur, lubuk_sahung, add_nominees):
    """Dewi and Supriyadi in arrears, Hasanudin lapsed, Ani active; Rusdi (Lubuk Sahung) in arrears
    and left out of BPJS's list."""
    today = rules.membership_today()
    made = []
    for index, (name, status, days) in enumerate([("Dewi Lestari", S.ARREARS, -20), ("Supriyadi", S.ARREARS, -40),
                                                  ("Hasanudin", S.LAPSED, -150), ("Ani Suryani", S.ACTIVE, 30)]):
        [member] = add_nominees(programme, niur, 1, status, today - dt.timedelta(days=200))
        nik = f"17050101018{index:05d}"
        Nominee.objects.filter(pk=member.pk).update(
            full_name=name, nik=nik, nik_hash=nik_search_hash(nik), kpj_number=f"0003300000{index}",
            paid_until=today + dt.timedelta(days=days))
        made.append((name, nik, f"0003300000{index}"))
    [rusdi] = add_nominees(programme, lubuk_sahung, 1, S.ACTIVE, today - dt.timedelta(days=200))
    Nominee.objects.filter(pk=rusdi.pk).update(full_name="Rusdi", kpj_number="00033000009",
                                               paid_until=today - dt.timedelta(days=45))
    services.memberships_update(on=today)
    return made, Nominee.objects.get(pk=rusdi.pk)


def participant_file(made) -> bytes:
    """The branch's list: Dewi and Hasanudin paid three more months, Supriyadi not active, Ani as
    she was."""
    today = rules.membership_today()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    paid = today + dt.timedelta(days=80)
    for (name, nik, kpj), (status, until) in zip(made, [("aktif", paid), ("tidak aktif", None), ("aktif", paid),
                                                        ("aktif", today + dt.timedelta(days=30))], strict=True):
        sheet.append([kpj, nik, name.upper(), status, until])
    for cell in sheet["A"] + sheet["B"]:
        cell.number_format = "@"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_bpjs_officer_imports_the_participant_list_and_a_member_in_arrears_shows_it(
        desk, screenshot, tmp_path, members, seluma, bpjs_officer):
    made, rusdi = members
    path = tmp_path / "daftar-peserta.xlsx"
    path.write_bytes(participant_file(made))

    log_in(desk, bpjs_officer)
    desk.goto(reverse("registrations:bpjs-regency", args=[seluma.pk]))
    desk.get_by_role("link", name="Impor daftar peserta BPJS (status dan masa iur)").click()
    expect(desk.get_by_role("heading", name="Impor daftar peserta BPJS")).to_be_visible()
    desk.get_by_label("Daftar peserta BPJS (.xlsx)").set_input_files(str(path))
    desk.get_by_role("button", name="Unggah dan periksa").click()

    expect(desk.get_by_role("heading", name="Pratinjau daftar peserta BPJS")).to_be_visible()
    expect(desk.get_by_role("button", name="Simpan 3 perubahan")).to_be_visible()
    expect(desk.get_by_role("row", name="Rusdi")).to_be_visible()  # not in BPJS's list: flagged, not moved
    screenshot(desk, "membership-participants-preview")

    desk.get_by_role("button", name="Simpan 3 perubahan").click()
    expect(desk.get_by_role("heading", name="Hasil impor daftar peserta BPJS")).to_be_visible()
    expect(desk.get_by_text("3 peserta diperbarui, 1 tidak berubah, 1 peserta tidak ada di daftar BPJS").first
           ).to_be_visible()
    screenshot(desk, "membership-participants-result")
    assert dict(Nominee.objects.filter(full_name__in=NAMES).values_list("full_name", "status")) == {
        "Dewi Lestari": S.ACTIVE, "Supriyadi": S.LAPSED, "Hasanudin": S.ACTIVE, "Ani Suryani": S.ACTIVE}

    # Rusdi, left out of the list, is still in arrears: his page says since when and how long.
    desk.goto(reverse("registrations:nominee-detail", args=[rusdi.pk]))
    expect(desk.locator(".badge-arrears").first).to_have_text("menunggak")
    expect(desk.get_by_text("bulan belum dibayar").first).to_be_visible()
    screenshot(desk, "membership-nominee-arrears")
