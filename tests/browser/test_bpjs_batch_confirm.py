"""Making a BPJS batch in a real browser: the office sees the approved nominees the batch would
take before anything changes, confirms, and a double tap on the button makes one batch. The
screenshot goes to docs/screenshots/ for the user guide (docs/panduan/04-penyetuju.md)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bpjs.models import ExportBatch
from registrations import workflow
from registrations.enums import Action
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee

from .conftest import PEOPLE, log_in, niur_list_submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def approved_programme(seeded, seluma, niur, officer, reviewer, approver, regency_admin):
    """Desa Niur's three nominees entered, sent, verified and approved by the people whose job it is."""
    programme = niur_list_submitted(regency=seluma, village=niur, officer=officer, regency_admin=regency_admin,
                                    year=timezone.localdate().year)
    pks = list(Nominee.objects.values_list("pk", flat=True))
    for action, actor in ((Action.VERIFY, reviewer), (Action.APPROVE, approver)):
        assert len(workflow.nominees_decide(nominee_pks=pks, action=action, actor=actor).changed) == 3
    return programme


def test_the_approver_sees_who_goes_in_the_batch_then_makes_it_once(desk, screenshot, approved_programme, approver):
    held = []  # the POSTs the "server" has not answered yet: a slow line

    def hold_post(route):
        if route.request.method == "POST":
            held.append(route)
        else:
            route.continue_()

    log_in(desk, approver)
    desk.goto(f"/usulan/program/{approved_programme.pk}/bpjs/")
    desk.get_by_role("link", name="Buat batch kirim BPJS (3 calon disetujui)").click()

    # The confirmation: the count, the villages, each person; nothing sent yet.
    expect(desk.get_by_role("heading", name="Buat batch kirim BPJS")).to_be_visible()
    expect(desk.locator(".batch-summary")).to_contain_text("3 calon disetujui dari 1 desa/kelurahan")
    rows = desk.locator("table.batch-nominees tbody tr")
    expect(rows).to_have_count(3)
    for name, nik, _ in PEOPLE:
        row = desk.get_by_role("row", name=name)
        expect(row).to_contain_text("Niur")
        expect(row).to_contain_text(nik)  # the approver works with the person: the NIK in full
    assert Nominee.objects.filter(status=S.SENT_TO_BPJS).count() == 0
    screenshot(desk, "bpjs-batch-confirm", full_page=False)

    desk.route("**/bpjs/buat/", hold_post)
    # A double tap: two clicks before the page has gone. Sent from inside the page, after this call
    # returns: any Playwright call on the page waits for the page the held POST is loading.
    desk.evaluate("""() => setTimeout(() => {
        const button = document.querySelector("form[data-once] button[type=submit]");
        button.click();
        button.click();
    }, 0)""")
    desk.wait_for_timeout(700)
    assert len(held) == 1  # the form marked data-once sent itself once (static/js/app.js)
    held[0].continue_()

    expect(desk.get_by_text("dibuat: 3 calon tercatat dikirim ke BPJS.")).to_be_visible()
    assert len(held) == 1
    batch = ExportBatch.objects.get()
    assert batch.row_count == 3
    assert Nominee.objects.filter(status=S.SENT_TO_BPJS, export_batch=batch).count() == 3
    expect(desk.get_by_role("row", name=batch.number)).to_be_visible()


def test_cancelling_the_confirmation_sends_nobody(desk, approved_programme, regency_admin):
    log_in(desk, regency_admin)
    desk.goto(f"/usulan/program/{approved_programme.pk}/bpjs/")
    desk.get_by_role("link", name="Buat batch kirim BPJS (3 calon disetujui)").click()

    desk.get_by_role("link", name="Batal").click()

    expect(desk.get_by_role("link", name="Buat batch kirim BPJS (3 calon disetujui)")).to_be_visible()
    assert not ExportBatch.objects.exists()
    assert Nominee.objects.filter(status=S.APPROVED).count() == 3
