"""A masked role cannot rebuild a NIK from what it is shown (registrations/identifiers.py).

A NIK is PPKKCC DDMMYY SSSS; the region is on every page (the village, the subdistrict), so the
mask keeps only the serial and a masked role sees the age, never the birth date. For the viewer
(masked) every page and export reaching a nominee is searched for the NIK's hidden digits and
for the birth date in each written form; the reviewer (full identifiers) still gets both.
"""

import datetime as dt
from io import BytesIO

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from registrations import workflow
from registrations.identifiers import birth_label, mask_identifier, shown_birth, shown_kk, shown_nik
from registrations.models import Nominee
from registrations.nik import age_on
from registrations.timeline import HIDDEN_CHANGE, nominee_timeline

from .conftest import KK, NIK_MAN

BORN = dt.date(1990, 5, 15)  # NIK_MAN's birth date
CORRECTED = dt.date(1990, 5, 16)  # a birth date typed wrongly once, then corrected back
# What would rebuild NIK_MAN: its hidden digits (kecamatan and birth date) and the date in every form.
SECRETS = [NIK_MAN, NIK_MAN[4:12], NIK_MAN[6:12], KK, KK[4:12]] + [
    text for day in (BORN, CORRECTED)
    for text in (f"{day:%d-%m-%Y}", f"{day:%d/%m/%Y}", day.isoformat(), f"{day.day} Mei {day.year}",
                 f"{day.day} May {day.year}")
]

pytestmark = pytest.mark.django_db


# --- The rule -------------------------------------------------------------------------------------

def test_the_mask_keeps_the_serial_only():
    assert mask_identifier(NIK_MAN) == "************0001"
    assert mask_identifier(KK) == "************0001"
    assert mask_identifier("17050115") == "********"


def test_a_masked_role_sees_the_age_and_a_full_one_the_date():
    nominee = type("N", (), {"birth_date": BORN})()
    today = dt.date(2026, 5, 14)

    assert shown_birth(nominee, full=False, today=today) == "35 tahun"
    assert shown_birth(nominee, full=False, today=dt.date(2026, 5, 15)) == "36 tahun"
    assert shown_birth(nominee, full=True, today=today) == "15 Mei 1990"
    assert (birth_label(full=True), birth_label(full=False)) == ("Tempat, tanggal lahir", "Tempat lahir, umur")


# --- Every page and export, for the viewer and the reviewer ----------------------------------------

@pytest.fixture
def nominee(open_programme, niur, officer, make_nominee):
    """Budi (NIK_MAN), born 15-05-1990, once corrected to 16-05 and back, sent to the regency."""
    nominee = make_nominee(open_programme, niur, officer, phone="081234567890")
    for day in (CORRECTED, BORN):
        nominee.birth_date = day
        nominee.save()
    workflow.nominee_submit(nominee=Nominee.objects.get(pk=nominee.pk), actor=officer)
    return Nominee.objects.get(pk=nominee.pk)


def _workbook_text(content: bytes) -> str:
    workbook = load_workbook(BytesIO(content))
    return "\n".join(str(value) for sheet in workbook.worksheets
                     for row in sheet.iter_rows(values_only=True) for value in row if value is not None)


def _body(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if content[:2] == b"PK":  # an xlsx workbook
        return _workbook_text(content)
    return content.decode()


def _reached(client, nominee) -> dict[str, str]:
    """What one person gets of the nominee on every page and export they can reach (a page they
    may not open, 404 or 403, is left out)."""
    programme, village = nominee.programme, nominee.village
    regency = village.subdistrict.regency
    today = timezone.localdate()
    api = APIClient()
    api.force_login(client.session_user)
    reached = {
        "nominee page": client.get(reverse("registrations:nominee-detail", args=[nominee.pk])),
        "village review page": client.get(reverse("registrations:review-village", args=[programme.pk, village.pk])),
        "review queue": client.get(reverse("registrations:review-queue"), {"program": programme.pk}),
        "nominative list": client.get(f"{reverse('reports:nominative-village', args=[village.pk])}"
                                      f"?program={programme.pk}"),
        "audit export": client.get(reverse("registrations:audit-events", args=[regency.pk]), {
            "dari": f"{today - dt.timedelta(days=1)}", "sampai": f"{today + dt.timedelta(days=1)}", "unduh": "1"}),
    }
    for path in ("/api/v1/coverage/17.05/", "/api/v1/coverage/17.05/history/", "/api/v1/coverage/17.05/children/"):
        reached[path] = api.get(path)
    assert {response.status_code for response in reached.values()} <= {200, 403, 404}
    return {name: _body(response) for name, response in reached.items() if response.status_code == 200}


@pytest.fixture
def as_(login):
    def _as(user):
        client = login(user)
        client.session_user = user
        return client
    return _as


PAGES = ["nominee page", "village review page", "review queue", "nominative list", "audit export"]
API = ["/api/v1/coverage/17.05/", "/api/v1/coverage/17.05/history/", "/api/v1/coverage/17.05/children/"]


@pytest.mark.parametrize(("persona", "pages"), [
    ("viewer", PAGES),
    ("province_viewer", ["nominee page", "nominative list"]),
    ("sysadmin", ["nominee page", "village review page", "review queue", "nominative list", "audit export"]),
])
def test_nothing_a_masked_role_reaches_rebuilds_the_nik(request, as_, nominee, persona, pages):
    bodies = _reached(as_(request.getfixturevalue(persona)), nominee)

    assert list(bodies) == pages + API
    leaks = [(name, secret) for name, body in bodies.items() for secret in SECRETS if secret in body]
    assert leaks == []
    for name in pages:
        assert "************0001" in bodies[name], name
    age = f"{age_on(BORN, timezone.localdate())} tahun"
    assert f"Seluma, {age}" in bodies["nominee page"]
    assert f"Seluma, {age}" in bodies["nominative list"]
    assert "Tempat lahir, umur" in bodies["nominative list"]


def test_the_admin_shows_the_system_admin_no_birth_date(as_, sysadmin, nominee):
    client = as_(sysadmin)
    history_id = nominee.history.order_by("history_id").first().history_id
    pages = [reverse("admin:registrations_nominee_changelist"),
             reverse("admin:registrations_nominee_change", args=[nominee.pk]),
             reverse("admin:registrations_nominee_history", args=[nominee.pk]),
             reverse("admin:registrations_nominee_simple_history", args=[nominee.pk, history_id])]
    bodies = {page: _body(client.get(page)) for page in pages}

    assert [(page, secret) for page, body in bodies.items() for secret in SECRETS if secret in body] == []
    assert f"{age_on(BORN, timezone.localdate())} tahun" in bodies[pages[1]]


def test_the_reviewer_still_sees_the_nik_and_the_birth_date(as_, reviewer, nominee):
    bodies = _reached(as_(reviewer), nominee)

    assert NIK_MAN in bodies["nominee page"] and "Seluma, 15 Mei 1990" in bodies["nominee page"]
    assert NIK_MAN in bodies["village review page"] and NIK_MAN in bodies["review queue"]
    assert NIK_MAN in bodies["nominative list"] and "Seluma, 15 Mei 1990" in bodies["nominative list"]
    assert "Tempat, tanggal lahir" in bodies["nominative list"]
    assert "************0001" in bodies["audit export"]  # the auditor's export masks for everyone


def test_the_timeline_hides_a_birth_date_correction_from_masked_roles(nominee):
    def corrections(full):
        return [detail for entry in nominee_timeline(nominee, full_identifiers=full) for detail in entry.details
                if detail.label == "Tanggal lahir"]

    assert [(d.previous, d.value) for d in corrections(True)] == [("15 Mei 1990", "16 Mei 1990"),
                                                                  ("16 Mei 1990", "15 Mei 1990")]
    assert [(d.previous, d.value) for d in corrections(False)] == [(None, HIDDEN_CHANGE), (None, HIDDEN_CHANGE)]


def test_shown_identifiers_read_the_stored_new_mask(nominee):
    assert (nominee.nik_masked, nominee.kk_masked) == ("************0001", "************0001")
    assert (shown_nik(nominee, full=False), shown_kk(nominee, full=False)) == ("************0001", "************0001")
    assert set(nominee.history.values_list("nik_masked", flat=True)) == {"************0001"}


# --- The data migration ----------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_the_migration_rewrites_stored_masks(seluma, open_programme, niur, officer, make_nominee):
    nominee = make_nominee(open_programme, niur, officer)
    other = make_nominee(open_programme, niur, officer, nik="1705011505900003", kk="1705011503200007",
                         full_name="Andi")
    # As the old mask wrote them; the history keeps a NIK corrected since (serial 0009).
    Nominee.objects.filter(pk=nominee.pk).update(nik_masked="1705********0001", kk_masked="1705********0001")
    Nominee.objects.filter(pk=other.pk).update(nik_masked="1705********0003", kk_masked="1705********0007")
    nominee.history.update(nik_masked="1705********0009", kk_masked="1705********0001")
    try:
        MigrationExecutor(connection).migrate([("registrations", "0008_export_batch_to_bpjs")])
        MigrationExecutor(connection).migrate([("registrations", "0009_identifier_mask_serial_only")])

        assert sorted(Nominee.objects.values_list("full_name", "nik_masked", "kk_masked")) == [
            ("Andi", "************0003", "************0007"), ("Budi Santoso", "************0001", "************0001")]
        assert set(nominee.history.values_list("nik_masked", "kk_masked")) == {("************0009", "************0001")}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
