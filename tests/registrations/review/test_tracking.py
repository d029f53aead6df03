"""registrations/tracking.py and tracking_views.py: where every village stands with its list, the
page, the Excel export the office chases villages with.

The villages: Niur and Lubuk Sahung (Kec. Sukaraja, their officers are personas), Babatan (a
kelurahan in Sukaraja) and Air Periukan (Kec. Air Periukan, first in the sorted list).
"""

import datetime as dt
import itertools
import zoneinfo
from io import BytesIO

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from lokal import count_working_days
from openpyxl import load_workbook

from accounts.enums import Role
from accounts.models import User
from accounts.services import user_create
from common.formatting import format_date
from registrations import services
from registrations.enums import NomineeStatus as S
from registrations.enums import QuotaRule
from registrations.models import Nominee, Programme, VillageSubmission
from registrations.review import tracking
from registrations.review.tracking import SubmissionState as State
from villages.models import Village

from ..conftest import nik_for

BORN = dt.date(1985, 3, 12)
SERIALS = itertools.count(1)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def view_today() -> dt.date:
    """The day the views see: force_login leaves no zone in the session, so the default zone."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(settings.DEFAULT_REGENCY_TIME_ZONE))


@pytest.fixture
def programme(open_programme):
    """open_programme with its window around the views' own today (the test runs in UTC)."""
    today = view_today()
    Programme.objects.filter(pk=open_programme.pk).update(
        nomination_opens=today - dt.timedelta(days=7), nomination_closes=today + dt.timedelta(days=7))
    open_programme.refresh_from_db()
    return open_programme


@pytest.fixture
def babatan(seluma):
    return Village.objects.get(code="17.05.01.1001")


@pytest.fixture
def air_periukan(seluma):
    return Village.objects.get(code="17.05.06.2005")


def officer_of(village, username):
    return user_create(username=username, role=Role.VILLAGE_OFFICER, regions=[village], password="x-12345678",
                       must_change_password=False)


def fill(make_nominee, programme, village, officer, count, *, submit=False):
    """`count` draft nominees in the village (sent to the regency if `submit`), in entry order."""
    nominees = [make_nominee(programme, village, officer, nik=nik_for(BORN, serial=next(SERIALS)),
                             full_name=f"Calon {number}") for number in range(count)]
    if submit:
        services.village_list_submit(programme=programme, village=village, submitted_by=officer)
    return nominees


def set_statuses(nominees, statuses):
    # Arrange only: the workflow's own tests cover the transitions.
    for nominee, status in zip(nominees, statuses, strict=True):
        Nominee.objects.filter(pk=nominee.pk).update(status=status)


@pytest.fixture
def lists(programme, make_nominee, officer, neighbour_officer, regency_admin, niur, lubuk_sahung, babatan,
          air_periukan):
    """Niur: 4 drafts of 10 places. Lubuk Sahung: 3 drafts, its quota lowered to 3. Babatan: 5
    sent, now submitted, verified, approved, active and rejected. Air Periukan: 2 sent, 1 returned."""
    fill(make_nominee, programme, niur, officer, 4)
    services.village_quota_set(programme=programme, village=lubuk_sahung, quota=3, changed_by=regency_admin)
    fill(make_nominee, programme, lubuk_sahung, neighbour_officer, 3)
    babatan_officer = officer_of(babatan, "op-babatan")
    set_statuses(fill(make_nominee, programme, babatan, babatan_officer, 5, submit=True),
                 [S.SUBMITTED, S.VERIFIED, S.APPROVED, S.ACTIVE, S.REJECTED])
    set_statuses(fill(make_nominee, programme, air_periukan, officer_of(air_periukan, "op-air-periukan"), 2,
                      submit=True), [S.RETURNED, S.SUBMITTED])
    return programme


def as_tuple(row):
    return (row.village.name, row.village.subdistrict.name, row.quota, row.filled, row.drafts, row.submitted,
            row.verified, row.approved, row.returned, row.last_submitted_at is not None, row.state,
            tuple(officer.username for officer in row.officers))


def rows_with_nominees(rows):
    return [as_tuple(row) for row in rows if row.filled or row.returned or row.state == State.SENT]


def close_window(programme, *, days_ago=3):
    today = view_today()
    Programme.objects.filter(pk=programme.pk).update(nomination_opens=today - dt.timedelta(days=30),
                                                     nomination_closes=today - dt.timedelta(days=days_ago))
    programme.refresh_from_db()


def page_url(programme, **params):
    url = reverse("registrations:programme-submissions", args=[programme.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in params.items()) if params else "")


def export_url(programme, **params):
    url = reverse("registrations:programme-submissions-export", args=[programme.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in params.items()) if params else "")


# --- The rows and their states ------------------------------------------------------------------

def test_each_state_with_its_exact_row(lists, seluma):
    rows = tracking.submission_rows(lists, today=view_today())

    assert rows_with_nominees(rows) == [
        ("Air Periukan", "Air Periukan", 10, 2, 0, 1, 0, 0, 1, True, State.RETURNED, ("op-air-periukan",)),
        ("Babatan", "Sukaraja", 10, 4, 0, 1, 1, 2, 0, True, State.SENT, ("op-babatan",)),
        ("Lubuk Sahung", "Sukaraja", 3, 3, 3, 0, 0, 0, 0, False, State.FILLED, ("op-lubuk-sahung",)),
        ("Niur", "Sukaraja", 10, 4, 4, 0, 0, 0, 0, False, State.PARTIAL, ("op-niur",)),
    ]
    assert len(rows) == Village.objects.filter(subdistrict__regency=seluma).count() == 202
    assert dict(tracking.state_summary(rows)) == {
        State.EMPTY: 198, State.PARTIAL: 1, State.FILLED: 1, State.RETURNED: 1, State.SENT: 1, State.LATE: 0,
    }


def test_rows_are_sorted_by_subdistrict_then_village(lists, air_periukan):
    rows = tracking.submission_rows(lists, today=view_today())

    keys = [(row.village.subdistrict.name, row.village.name) for row in rows]
    assert keys == sorted(keys)
    assert rows[0].village == air_periukan


def test_after_the_close_villages_that_did_not_send_are_late(lists):
    close_window(lists)

    rows = tracking.submission_rows(lists, today=view_today())

    assert [(name, state) for name, *_, state, _officers in rows_with_nominees(rows)] == [
        ("Air Periukan", State.RETURNED),  # corrections may still be sent after the close
        ("Babatan", State.SENT),
        ("Lubuk Sahung", State.LATE),
        ("Niur", State.LATE),
    ]
    assert dict(tracking.state_summary(rows))[State.LATE] == 200
    assert dict(tracking.state_summary(rows))[State.EMPTY] == 0


def test_sent_village_with_a_new_draft_is_not_sent(lists, make_nominee, niur, officer):
    Nominee.objects.filter(village=niur).delete()
    fill(make_nominee, lists, niur, officer, 1, submit=True)
    fill(make_nominee, lists, niur, officer, 1)

    row = next(row for row in tracking.submission_rows(lists, today=view_today()) if row.village == niur)

    assert (row.filled, row.drafts, row.submitted, row.state) == (2, 1, 1, State.PARTIAL)


def test_programme_without_village_quota_shows_none_and_a_draft_is_filled(programme, make_nominee, niur, officer):
    fill(make_nominee, programme, niur, officer, 1)
    Programme.objects.filter(pk=programme.pk).update(quota_rule=QuotaRule.NONE)
    programme.refresh_from_db()

    row = next(row for row in tracking.submission_rows(programme, today=view_today()) if row.village == niur)

    assert (row.quota, row.filled, row.state) == (None, 1, State.FILLED)


def test_retired_village_is_listed_only_while_it_holds_nominees(lists, niur, lubuk_sahung):
    Village.objects.filter(pk__in=[niur.pk, lubuk_sahung.pk]).update(is_retired=True)
    Nominee.objects.filter(village=lubuk_sahung).delete()

    villages = [row.village for row in tracking.submission_rows(lists, today=view_today())]

    assert niur in villages and lubuk_sahung not in villages


@pytest.mark.parametrize(("today", "closes", "label"), [
    (dt.date(2026, 8, 10), dt.date(2026, 8, 17), "5 hari kerja lagi (ditutup 17 Agustus 2026)"),  # 17-08 is a holiday
    (dt.date(2026, 8, 21), dt.date(2026, 8, 17), "ditutup 4 hari kerja lalu (17 Agustus 2026)"),
    (dt.date(2026, 8, 15), dt.date(2026, 8, 14), "baru ditutup (14 Agustus 2026)"),  # Saturday after a Friday
    (dt.date(2026, 7, 31), dt.date(2026, 8, 14), "belum dibuka (dibuka 1 Agustus 2026)"),
])
def test_deadline_counts_indonesian_working_days(today, closes, label):
    programme = Programme(nomination_opens=dt.date(2026, 8, 1), nomination_closes=closes)

    assert tracking.deadline(programme, today).label == label


# --- The page ------------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["reviewer", "approver", "regency_admin", "viewer", "sysadmin"])
def test_regency_staff_see_the_page(request, login, lists, persona):
    response = login(request.getfixturevalue(persona)).get(page_url(lists))

    assert response.status_code == 200
    assert len(response.context["rows"]) == 202


@pytest.mark.parametrize("persona", ["other_reviewer", "officer", "bpjs_officer", "province_viewer"])
@pytest.mark.parametrize("url", [page_url, export_url])
def test_page_and_export_are_404_outside_the_review_pages(request, login, lists, persona, url):
    response = login(request.getfixturevalue(persona)).get(url(lists))

    assert response.status_code == 404


def test_page_shows_summary_rows_and_working_days_left(login, reviewer, lists, niur):
    response = login(reviewer).get(page_url(lists))

    page = response.content.decode()
    days = count_working_days(view_today(), lists.nomination_closes)
    assert response.context["deadline"].label.startswith(f"{days} hari kerja lagi")
    assert f"{days} hari kerja lagi" in page
    assert dict(response.context["summary"])[State.EMPTY] == 198
    assert "<strong>198</strong> <span>Belum mengisi</span>" in page
    assert reverse("registrations:review-village", args=[lists.pk, niur.pk]) in page
    assert '<span class="badge state-sebagian">Sebagian terisi, belum dikirim</span>' in page
    assert "op-niur" in page


def test_page_after_the_close_says_how_long_ago(login, reviewer, lists):
    close_window(lists, days_ago=10)

    response = login(reviewer).get(page_url(lists))

    days = count_working_days(lists.nomination_closes + dt.timedelta(days=1), view_today())
    assert f"ditutup {days} hari kerja lalu" in response.content.decode()


def test_quota_override_is_shown_and_no_quota_is_a_dash(login, reviewer, lists, lubuk_sahung, niur, sukaraja):
    client = login(reviewer)

    override = client.get(page_url(lists, kecamatan=sukaraja.pk, keadaan="terisi"))
    Programme.objects.filter(pk=lists.pk).update(quota_rule=QuotaRule.NONE)
    no_quota = client.get(page_url(lists, kecamatan=sukaraja.pk, keadaan="terisi"))

    assert [(row.village, row.quota) for row in override.context["rows"]] == [(lubuk_sahung, 3)]
    assert '<td class="num">3</td>' in override.content.decode()
    # Without a quota a village with drafts is never "partly" filled.
    assert [(row.village, row.quota) for row in no_quota.context["rows"]] == [(lubuk_sahung, None), (niur, None)]
    assert '<td class="num">—</td>' in no_quota.content.decode()


def test_filter_by_state_and_subdistrict(login, reviewer, lists, niur, air_periukan, sukaraja):
    client = login(reviewer)

    partial = client.get(page_url(lists, keadaan="sebagian"))
    returned_in_sukaraja = client.get(page_url(lists, kecamatan=sukaraja.pk, keadaan="perbaikan"))
    sukaraja_only = client.get(page_url(lists, kecamatan=sukaraja.pk))

    assert [row.village for row in partial.context["rows"]] == [niur]
    assert returned_in_sukaraja.context["rows"] == []
    assert "Tidak ada desa/kelurahan dengan keadaan ini di Kecamatan Sukaraja." in returned_in_sukaraja.content.decode()
    assert len(sukaraja_only.context["rows"]) == 21
    # The summary counts the chosen subdistrict's villages, whatever the state filter.
    assert dict(returned_in_sukaraja.context["summary"]) == {
        State.EMPTY: 18, State.PARTIAL: 1, State.FILLED: 1, State.RETURNED: 0, State.SENT: 1, State.LATE: 0,
    }
    assert air_periukan not in [row.village for row in sukaraja_only.context["rows"]]


def test_unknown_filters_are_ignored(login, reviewer, lists, other_regency):
    other_subdistrict = other_regency.subdistricts.first()

    response = login(reviewer).get(page_url(lists, kecamatan=other_subdistrict.pk, keadaan="entah"))

    assert (response.context["subdistrict"], response.context["state"]) == (None, "")
    assert len(response.context["rows"]) == 202


@pytest.mark.parametrize("villages_with_nominees", [1, 3])
def test_page_query_count_does_not_grow(login, reviewer, programme, make_nominee, niur, lubuk_sahung, babatan,
                                        officer, neighbour_officer, django_assert_num_queries,
                                        villages_with_nominees):
    officers = [officer, neighbour_officer, officer_of(babatan, "op-babatan")]
    for number, village_officer in enumerate(officers[:villages_with_nominees]):  # numbers: WhatsApp links
        User.objects.filter(pk=village_officer.pk).update(phone=f"+62812345678{number:02d}")
    for village, village_officer in list(zip([niur, lubuk_sahung, babatan], officers))[:villages_with_nominees]:
        fill(make_nominee, programme, village, village_officer, 2, submit=True)
    client = login(reviewer)

    # 1 user, 2 the user's region assignments (scope), 3 the programme with its regency,
    # 4 the subdistricts for the filter, 5 the villages with their counts, quota and last submission,
    # 6 the village officers' names and phone numbers, 7 the unread notices (context processor).
    with django_assert_num_queries(7):
        response = client.get(page_url(programme))
    # The same without the template's notice count, plus the export log row (common.access_log),
    # the rows and the row in one transaction (a savepoint here, two statements).
    with django_assert_num_queries(9):
        export = client.get(export_url(programme))

    assert sum(row.submitted for row in response.context["rows"]) == 2 * villages_with_nominees
    assert export.status_code == 200
    # Every village's officers came with the one query: no query per village or per officer.
    assert sum(bool(contact.phone) for _, contacts in response.context["lines"] for contact in contacts) == \
        villages_with_nominees


# --- The export ----------------------------------------------------------------------------------

def test_export_has_the_page_rows_with_the_officers(login, reviewer, lists, sukaraja, caplog):
    submitted_at = VillageSubmission.objects.get(programme=lists, village__code="17.05.01.1001").last_submitted_at

    response = login(reviewer).get(export_url(lists, kecamatan=sukaraja.pk))

    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Pemantauan%20pengiriman%20Perlindungan%20Pekerja%20Rentan%202026%20"
        f"%E2%80%94%20Tahap%201%20{timezone.localdate(timezone=zoneinfo.ZoneInfo('Asia/Jakarta')):%Y-%m-%d}.xlsx"
    )
    sheet = load_workbook(BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Pemantauan pengiriman usulan desa — Perlindungan Pekerja Rentan 2026 — Tahap 1"
    assert values[1][0] == "Kabupaten Seluma · Kecamatan Sukaraja, semua keadaan"
    assert values[4] == [
        "Kecamatan", "Desa/kelurahan", "Kode wilayah", "Kuota", "Terisi", "Draf belum dikirim",
        "Menunggu verifikasi", "Terverifikasi", "Disetujui", "Dikembalikan", "Terakhir dikirim", "Keadaan",
        "Operator desa", "Nomor HP operator", "Tautan WhatsApp",
    ]
    rows = values[5:]
    assert len(rows) == 21
    local = timezone.localtime(submitted_at, zoneinfo.ZoneInfo("Asia/Jakarta")).replace(tzinfo=None, microsecond=0)
    with_nominees = [row for row in rows if row[4] or row[6]]
    assert [row[:10] + [row[10].replace(microsecond=0) if row[10] else None] + row[11:] for row in with_nominees] == [
        ["Sukaraja", "Babatan", "17.05.01.1001", 10, 4, 0, 1, 1, 2, 0, local, "Sudah dikirim", "op-babatan",
         None, None],
        ["Sukaraja", "Lubuk Sahung", "17.05.01.2003", 3, 3, 3, 0, 0, 0, 0, None, "Terisi, belum dikirim",
         "Joko Susilo (op-lubuk-sahung)", None, None],
        ["Sukaraja", "Niur", "17.05.01.2002", 10, 4, 4, 0, 0, 0, 0, None, "Sebagian terisi, belum dikirim",
         "Siti Aminah (op-niur)", None, None],
    ]
    assert all(row[11] == "Belum mengisi" for row in rows if row not in with_nominees)
    assert [record.getMessage() for record in caplog.records if record.name == "registrations.review.tracking_views"] == [
        f"verifikator-seluma exported the submission tracking of programme {lists.pk} (21 rows)"
    ]


def test_export_follows_the_state_filter(login, viewer, lists):
    response = login(viewer).get(export_url(lists, keadaan="perbaikan"))

    sheet = load_workbook(BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(min_row=6, values_only=True)]
    assert [(row[0], row[1], row[9], row[11]) for row in rows] == [
        ("Air Periukan", "Air Periukan", 1, "Perlu perbaikan"),
    ]


def test_page_links_the_export_with_the_same_filters(login, reviewer, lists, sukaraja):
    response = login(reviewer).get(page_url(lists, kecamatan=sukaraja.pk, keadaan="sebagian"))

    assert f'{export_url(lists)}?kecamatan={sukaraja.pk}&amp;keadaan=sebagian' in response.content.decode()


# --- Links from the programme page -----------------------------------------------------------------

@pytest.mark.parametrize(("persona", "queue", "tracking"), [
    ("reviewer", True, True),
    ("viewer", False, True),  # the regent's office follows the villages' sending, and reviews nothing
    ("bpjs_officer", False, False),
])
def test_programme_page_links_the_queue_and_the_tracking(request, login, programme, persona, queue, tracking):
    page = login(request.getfixturevalue(persona)).get(
        reverse("registrations:programme-detail", args=[programme.pk])).content.decode()

    assert (f'{reverse("registrations:review-queue")}?programme={programme.pk}' in page) is queue
    assert (page_url(programme) in page) is tracking



# --- Reaching the villages: the officers' names, phone numbers and WhatsApp links -------------------

@pytest.fixture
def phones(lists, officer, neighbour_officer):
    """Niur's officer (4 drafts, not sent) and Babatan's (sent) have a mobile number; Lubuk Sahung's a
    landline, which WhatsApp cannot reach."""
    User.objects.filter(pk=officer.pk).update(phone="+6281234567890")
    User.objects.filter(username="op-babatan").update(phone="+6281298765432")
    User.objects.filter(pk=neighbour_officer.pk).update(phone="+62736123456")
    return lists


def contacts_of(response, village_name):
    return next(contacts for row, contacts in response.context["lines"] if row.village.name == village_name)


def message_of(link):
    from urllib.parse import parse_qs, urlsplit
    return parse_qs(urlsplit(link).query)["text"][0]


def test_reviewer_sees_the_officers_and_a_whatsapp_link_for_villages_that_have_not_sent(login, reviewer, phones,
                                                                                        sukaraja):
    response = login(reviewer).get(page_url(phones, kecamatan=sukaraja.pk))

    [niur] = contacts_of(response, "Niur")
    assert (niur.name, niur.phone) == ("Siti Aminah (op-niur)", "0812-3456-7890")
    assert niur.whatsapp.startswith("https://wa.me/6281234567890?text=")
    closes = format_date(phones.nomination_closes)
    assert message_of(niur.whatsapp) == (
        "Yth. Bapak/Ibu Siti Aminah, daftar calon peserta Perlindungan Pekerja Rentan 2026 — Tahap 1 dari Desa Niur "
        f"belum dikirim ke kabupaten. Mohon dilengkapi dan dikirim paling lambat {closes}. Caranya: masuk ke "
        "Jamsostek Portal, menu Desa saya, lalu Kirim ke kabupaten. Terima kasih. — Disnakertrans Kabupaten Seluma")
    # Sent already: nothing to chase. A landline: the number, but no WhatsApp.
    assert [(c.phone, c.whatsapp) for c in contacts_of(response, "Babatan")] == [("0812-9876-5432", "")]
    assert [(c.phone, c.whatsapp) for c in contacts_of(response, "Lubuk Sahung")] == [("0736123456", "")]
    page = response.content.decode()
    assert "Siti Aminah (op-niur)" in page and "HP 0812-3456-7890" in page
    assert niur.whatsapp.replace("&", "&amp;") in page
    # A village without an officer account says so.
    assert page.count("belum ada akun operator") == 18


def test_a_returned_village_is_asked_for_its_corrections(login, approver, phones, air_periukan):
    User.objects.filter(username="op-air-periukan").update(phone="+6285200000001", first_name="Rina", last_name="")

    response = login(approver).get(page_url(phones, keadaan="perbaikan"))

    [contact] = contacts_of(response, "Air Periukan")
    assert "ada 1 calon peserta Perlindungan Pekerja Rentan 2026 — Tahap 1 dari Desa Air Periukan yang " \
           "dikembalikan untuk diperbaiki" in message_of(contact.whatsapp)


@pytest.mark.parametrize("persona", ["viewer", "sysadmin"])
def test_roles_that_call_nobody_see_masked_numbers_and_no_links(request, login, phones, persona, sukaraja):
    response = login(request.getfixturevalue(persona)).get(page_url(phones, kecamatan=sukaraja.pk))

    assert [(c.name, c.phone, c.whatsapp) for c in contacts_of(response, "Niur")] == [
        ("Siti Aminah (op-niur)", "0812****7890", "")]
    page = response.content.decode()
    assert "0812-3456-7890" not in page and "6281234567890" not in page and "wa.me" not in page


def test_export_has_the_officers_numbers_and_links_for_the_staff_who_call(login, reviewer, phones, sukaraja):
    response = login(reviewer).get(export_url(phones, kecamatan=sukaraja.pk))

    sheet = load_workbook(BytesIO(response.content)).active
    rows = {row[1]: row[12:] for row in sheet.iter_rows(min_row=6, values_only=True)}
    niur_name, niur_phone, niur_link = rows["Niur"]
    assert (niur_name, niur_phone) == ("Siti Aminah (op-niur)", "0812-3456-7890")
    assert niur_link.startswith("https://wa.me/6281234567890?text=") and "Desa%20Niur" in niur_link
    assert sheet.cell(row=6 + list(rows).index("Niur"), column=14).data_type == "s"  # the leading 0 kept
    assert rows["Babatan"] == ("op-babatan", "0812-9876-5432", None)
    assert rows["Lubuk Sahung"] == ("Joko Susilo (op-lubuk-sahung)", "0736123456", None)


def test_export_masks_the_numbers_for_the_viewer(login, viewer, phones, sukaraja):
    response = login(viewer).get(export_url(phones, kecamatan=sukaraja.pk))

    sheet = load_workbook(BytesIO(response.content)).active
    rows = {row[1]: row[12:] for row in sheet.iter_rows(min_row=6, values_only=True)}
    assert rows["Niur"] == ("Siti Aminah (op-niur)", "0812****7890", None)
    assert not any("wa.me" in str(value) for row in rows.values() for value in row)
