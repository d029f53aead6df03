"""The branch's claims file in a real browser: the BPJS officer uploads it from the claims list,
checks the preview and saves it; the result page lists what was recorded. The screenshot goes to
docs/screenshots/ for the user guide (docs/panduan/09-klaim-manfaat.md)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from membership.models import BenefitClaim
from tests.membership.claims.test_claim_import import claims_file

from .conftest import PEOPLE, log_in
from .test_claims_journey import member  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bpjs_officer_imports_the_claims_file_and_sees_what_was_recorded(
        desk, screenshot, tmp_path, member, seluma, bpjs_officer):  # noqa: F811
    paid_on = timezone.localdate().strftime("%d-%m-%Y")
    path = tmp_path / "klaim.xlsx"
    path.write_bytes(claims_file([
        ["", "01705000123", PEOPLE[0][0], "JKM", paid_on, "42.000.000", "Istri", "Siti Aminah", "JKM-1705-0042"]]))

    log_in(desk, bpjs_officer)
    desk.goto(f"/kepesertaan/kabupaten/{seluma.pk}/klaim/")
    desk.get_by_role("link", name="Impor berkas klaim").click()
    desk.get_by_label("Berkas klaim dari BPJS (.xlsx)").set_input_files(str(path))
    desk.get_by_role("button", name="Unggah dan periksa").click()
    expect(desk.get_by_role("heading", name="Pratinjau berkas klaim")).to_be_visible()
    desk.get_by_role("button", name="Simpan 1 klaim").click()

    expect(desk.get_by_role("heading", name="Hasil impor berkas klaim")).to_be_visible()
    expect(desk.get_by_text("Berkas klaim disimpan: 1 klaim dicatat, 0 sudah tercatat sebelumnya")).to_be_visible()
    expect(desk.get_by_role("row", name="Budi Santoso")).to_contain_text("Dicatat")
    screenshot(desk, "claims-import-result")
    assert BenefitClaim.objects.get().nominee_id == member.pk
