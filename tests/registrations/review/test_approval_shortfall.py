"""The warning a regency short of approvers gets (accounts.selectors.approval_shortfall,
workflow.approval_blocked): two approval steps, and the only approver verified a nominee himself,
so four eyes leaves nobody who may approve it. Said on the regency settings page, the queue, the
village review page and the nominee's page."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.enums import Role
from accounts.services import user_create
from registrations import services, workflow
from registrations.enums import Action

from ..conftest import nik_for

pytestmark = pytest.mark.django_db

STUCK = "Calon ini diverifikasi oleh satu-satunya penyetuju; perlu penyetuju lain atau ubah ke satu langkah."
WARNING = "Alur persetujuan dua tahap, tetapi hanya ada satu penyetuju (Bambang Irawan)."


@pytest.fixture
def verified_by_the_approver(open_programme, make_nominee, niur, officer, approver, reviewer):
    """Budi verified by the regency's only approver, Agus verified by the reviewer."""
    budi = make_nominee(open_programme, niur, officer, nik=nik_for(dt.date(1990, 5, 15), serial=1),
                        full_name="Budi Santoso")
    agus = make_nominee(open_programme, niur, officer, nik=nik_for(dt.date(1990, 5, 15), serial=2),
                        full_name="Agus Salim")
    services.village_list_submit(programme=open_programme, village=niur, submitted_by=officer)
    workflow.nominee_decide(nominee=budi, action=Action.VERIFY, actor=approver)
    workflow.nominee_decide(nominee=agus, action=Action.VERIFY, actor=reviewer)
    return {"budi": budi, "agus": agus}


def page(client, url):
    return client.get(url).content.decode()


def test_settings_page_warns_the_regency_admin(login, regency_admin, approver, seluma):
    content = page(login(regency_admin), reverse("villages:regency-settings-edit", args=[seluma.pk]))

    assert "Persetujuan bisa macet." in content and WARNING in content


def test_queue_warns_and_counts_what_nobody_can_approve(login, regency_admin, verified_by_the_approver,
                                                        open_programme):
    content = page(login(regency_admin), f"{reverse('registrations:review-queue')}?programme={open_programme.pk}")

    assert WARNING in content
    assert "1 calon terverifikasi di program ini tidak bisa disetujui siapa pun saat ini." in content
    assert reverse("villages:regency-settings-edit", args=[open_programme.regency_id]) in content


def test_approver_reads_the_warning_too_but_not_the_way_to_the_settings(login, approver, verified_by_the_approver,
                                                                        open_programme):
    content = page(login(approver), f"{reverse('registrations:review-queue')}?programme={open_programme.pk}")

    assert WARNING in content
    assert reverse("villages:regency-settings-edit", args=[open_programme.regency_id]) not in content
    assert "Hanya admin kabupaten/kota yang bisa mengubah alur persetujuan" in content


def test_nominee_page_says_so_on_the_one_the_approver_verified(login, regency_admin, verified_by_the_approver):
    client = login(regency_admin)

    stuck = page(client, reverse("registrations:nominee-detail", args=[verified_by_the_approver["budi"].pk]))
    fine = page(client, reverse("registrations:nominee-detail", args=[verified_by_the_approver["agus"].pk]))

    assert STUCK in stuck
    assert STUCK not in fine


def test_village_review_page_marks_the_row(login, reviewer, verified_by_the_approver, open_programme, niur):
    response = login(reviewer).get(reverse("registrations:review-village", args=[open_programme.pk, niur.pk]))

    rows = {row["nominee"].full_name: row["approval_blocked"] for row in response.context["rows"]}
    assert rows == {"Budi Santoso": STUCK, "Agus Salim": ""}
    assert "1 calon terverifikasi di desa ini tidak bisa disetujui siapa pun saat ini." in response.content.decode()


def test_a_second_approver_ends_the_warning(login, regency_admin, verified_by_the_approver, open_programme, seluma):
    user_create(username="penyetuju-dua", role=Role.REGENCY_APPROVER, regions=[seluma], must_change_password=False)
    client = login(regency_admin)

    queue = page(client, f"{reverse('registrations:review-queue')}?programme={open_programme.pk}")
    nominee = page(client, reverse("registrations:nominee-detail", args=[verified_by_the_approver["budi"].pk]))
    settings_page = page(client, reverse("villages:regency-settings-edit", args=[seluma.pk]))

    assert "Persetujuan bisa macet." not in queue + nominee + settings_page
    assert STUCK not in nominee


def test_one_step_ends_the_warning(login, regency_admin, approver, seluma, open_programme):
    client = login(regency_admin)
    client.post(reverse("villages:regency-settings-edit", args=[seluma.pk]), {
        "office_name": "Dinas Tenaga Kerja", "office_short_name": "Disnaker", "head_title": "Kepala Dinas",
        "time_zone": "Asia/Jakarta", "approval_steps": 1})

    content = page(client, reverse("villages:regency-settings-edit", args=[seluma.pk]))

    assert "Persetujuan bisa macet." not in content
