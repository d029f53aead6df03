"""What a member in arrears or lapsed looks like on the pages: the nominee's page and the village's
list say since when and how many months are unpaid, counted today (membership's unpaid_note)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from membership import rules, services
from registrations.enums import NomineeStatus as S

TODAY = dt.date(2026, 8, 20)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(rules, "membership_today", lambda: TODAY)


def page_text(response) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_the_nominee_page_says_since_when_and_how_many_months_are_unpaid(login, regency_admin, members):
    [member] = members(1, S.ACTIVE, dt.date(2026, 6, 14))
    services.memberships_update(on=dt.date(2026, 7, 1))  # into arrears on 1 July: 1 month then

    page = page_text(login(regency_admin).get(reverse("registrations:nominee-detail", args=[member.pk])))

    # Counted today (20 August), not when the status changed.
    assert ("<strong>Iuran:</strong> Menunggak sejak 15 Juni 2026: 3 bulan belum dibayar (masa iur s.d. "
            "14 Juni 2026).") in page
    assert '<span class="badge badge-arrears">menunggak</span>' in page
    assert "oleh Sistem (otomatis)</p>" in page  # the daily update, no role


def test_a_lapsed_member_says_so(login, regency_admin, members):
    [member] = members(1, S.LAPSED, dt.date(2026, 3, 31))

    page = page_text(login(regency_admin).get(reverse("registrations:nominee-detail", args=[member.pk])))

    assert "Tidak aktif; menunggak sejak 1 April 2026: 5 bulan belum dibayar (masa iur s.d. 31 Maret 2026)." in page
    assert "tidak aktif (lewat masa tenggang)" in page


def _village_page_queries(client, village) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("registrations:village", args=[village.pk]))
    return len(queries), page_text(response)


@pytest.mark.parametrize("count", [1, 3])
def test_the_village_list_shows_each_member_in_arrears_without_a_query_per_row(login, officer, niur, members,
                                                                             count):
    members(1, S.ARREARS, dt.date(2026, 6, 14))
    client = login(officer)
    one, _ = _village_page_queries(client, niur)
    members(count - 1, S.ARREARS, dt.date(2026, 6, 14))

    queries, page = _village_page_queries(client, niur)

    assert queries == one
    assert page.count("Menunggak sejak 15 Juni 2026: 3 bulan belum dibayar") == count
