"""registrations/notices.py: who hears about a status change or a submitted list, and what they read."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from accounts.enums import Role
from accounts.services import user_create
from registrations import notices, services, workflow
from registrations.enums import Action, NomineeStatus
from registrations.models import Nominee, Notice, Programme
from villages.models import Village

from .conftest import KK, NIK_MAN, nik_for

S = NomineeStatus


def persona(username, role, regions, *, active=True):
    user = user_create(username=username, role=role, regions=regions, must_change_password=False)
    if not active:
        user.is_active = False
        user.save()
    return user


@pytest.fixture
def bystanders(niur, lubuk_sahung, seluma, other_regency):
    """People who must never hear of Niur's nominees, next to those who may."""
    other_village = Village.objects.filter(subdistrict__regency=other_regency).order_by("code").first()
    return {
        "inactive Niur officer": persona("op-niur-lama", Role.VILLAGE_OFFICER, [niur], active=False),
        "inactive reviewer": persona("verifikator-lama", Role.REGENCY_REVIEWER, [seluma], active=False),
        "officer in Bengkulu Selatan": persona("op-bs", Role.VILLAGE_OFFICER, [other_village]),
    }


@pytest.fixture
def second_niur_officer(niur):
    return persona("op-niur-2", Role.VILLAGE_OFFICER, [niur])


@pytest.fixture
def everyone(officer, neighbour_officer, regency_admin, reviewer, approver, viewer, bpjs_officer, province_viewer,
             other_reviewer, other_admin, sysadmin, bystanders, second_niur_officer):
    """All the personas exist, so a recipient query that is too wide would reach one of them."""


def recipients():
    return sorted(Notice.objects.values_list("recipient__username", flat=True))


def no_identifier(text):
    return re.search(r"\d{6,}", text) is None


@pytest.fixture
def nominee(open_programme, niur, officer, make_nominee):
    return make_nominee(open_programme, niur, officer)


# --- status_changed ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "reason"), [
    (S.RETURNED, "Nomor KK tidak sesuai kartu keluarga: foto buram"),
    (S.REJECTED, "Sudah peserta BPJS Ketenagakerjaan"),
    (S.REFUSED_BY_BPJS, "NIK sudah peserta BPU"),
    (S.ENDED, "Meninggal dunia"),
])
def test_status_changed_tells_the_villages_active_officers(everyone, niur, nominee, status, reason):
    Nominee.objects.filter(pk=nominee.pk).update(status=status, status_reason=reason)

    notices.status_changed(nominee_pk=nominee.pk)

    assert recipients() == ["op-niur", "op-niur-2"]
    assert set(Notice.objects.values_list("text", "url", "read_at")) == {
        (f"Budi Santoso: {status.label}. Alasan: {reason}", reverse("registrations:village", args=[niur.pk]), None),
    }


@pytest.mark.parametrize("status", sorted(set(S) - notices.VILLAGE_IS_TOLD))
def test_status_changed_is_silent_when_the_village_has_nothing_to_do(everyone, nominee, status):
    Nominee.objects.filter(pk=nominee.pk).update(status=status, status_reason="catatan")

    notices.status_changed(nominee_pk=nominee.pk)

    assert not Notice.objects.exists()


def test_status_changed_without_a_reason(everyone, nominee):
    Nominee.objects.filter(pk=nominee.pk).update(status=S.REJECTED, status_reason="")

    notices.status_changed(nominee_pk=nominee.pk)

    assert set(Notice.objects.values_list("text", flat=True)) == {"Budi Santoso: ditolak."}


def test_status_changed_never_carries_the_nik_or_kk(everyone, nominee, officer, reviewer,
                                                   django_capture_on_commit_callbacks):
    workflow.nominee_submit(nominee=nominee, actor=officer)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.nominee_decide(nominee=nominee, action=Action.RETURN, actor=reviewer, reason_code="nik_mismatch",
                                reason="Cocokkan dengan KTP asli")

    texts = list(Notice.objects.values_list("text", flat=True))
    assert len(texts) == 2
    for text in texts:
        assert NIK_MAN not in text and KK not in text and "************0001" not in text
        assert no_identifier(text)


def test_a_long_reason_is_cut_to_the_notice_length(everyone, nominee):
    Nominee.objects.filter(pk=nominee.pk).update(status=S.RETURNED, status_reason="x" * 2100)

    notices.status_changed(nominee_pk=nominee.pk)

    assert {len(text) for text in Notice.objects.values_list("text", flat=True)} == {2000}


def test_a_move_the_village_need_not_hear_of_reads_nothing_for_its_notices(
        everyone, nominee, officer, approver, django_capture_on_commit_callbacks, django_assert_num_queries):
    """A change says which statuses it moved nominees into; sending a list (and any other move the
    village is not told of) then costs the notices no query, while one it is told of still is."""
    from common.events import Change, ChangeKind, changed

    heard = []

    def listen(sender, *, changes, **kwargs):
        heard.extend(changes)

    changed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            workflow.nominee_submit(nominee=nominee, actor=officer)
    finally:
        changed.disconnect(listen)
    assert [(change.kind, change.nominee_ids, change.statuses) for change in heard] == [
        (ChangeKind.STATUS, (nominee.pk,), frozenset({S.SUBMITTED}))]

    regency_id = nominee.village.subdistrict.regency_id
    sent = Change(ChangeKind.STATUS, regency_id, (nominee.pk,), frozenset({S.SUBMITTED, S.APPROVED}))
    with django_assert_num_queries(0):
        notices.on_change(sender=Change, changes=(sent,))
    assert not Notice.objects.exists()

    Nominee.objects.filter(pk=nominee.pk).update(status=S.RETURNED, status_reason="Foto KTP buram")
    returned = Change(ChangeKind.STATUS, regency_id, (nominee.pk,), frozenset({S.RETURNED}))
    notices.on_change(sender=Change, changes=(returned,))
    assert recipients() == ["op-niur", "op-niur-2"]


# --- statuses_changed: BPJS registered the village's nominees -------------------------------------

def registered(nominee, kpj):
    Nominee.objects.filter(pk=nominee.pk).update(status=S.REGISTERED, kpj_number=kpj)


@pytest.mark.parametrize("count", [1, 3])
def test_registered_nominees_give_each_village_one_notice_with_names_and_kpj_numbers(
        everyone, open_programme, niur, lubuk_sahung, officer, neighbour_officer, make_nominee, count,
        django_assert_num_queries):
    niur_people = [make_nominee(open_programme, niur, officer, nik=nik_for(dt.date(1990, 5, 15), serial=serial),
                                full_name=f"Calon {serial}") for serial in range(1, count + 1)]
    neighbour = make_nominee(open_programme, lubuk_sahung, neighbour_officer,
                             nik=nik_for(dt.date(1990, 5, 15), serial=99), full_name="Joko Tetangga")
    for number, nominee in enumerate([*niur_people, neighbour], start=1):
        registered(nominee, f"0000000000{number}")

    # 1 the nominees with their villages and programme, 2 the villages' officers, 3 the notices.
    with django_assert_num_queries(3):
        notices.statuses_changed(nominee_pks=[n.pk for n in [*niur_people, neighbour]])

    names = "; ".join(f"Calon {n}, KPJ 0000000000{n}" for n in range(1, count + 1))
    niur_text = (f"{count} calon peserta Desa Niur terdaftar di BPJS Ketenagakerjaan "
                 f"(Perlindungan Pekerja Rentan 2026 — Tahap 1): {names}.")
    assert sorted(Notice.objects.values_list("recipient__username", "text", "url")) == sorted([
        ("op-niur", niur_text, reverse("registrations:village", args=[niur.pk])),
        ("op-niur-2", niur_text, reverse("registrations:village", args=[niur.pk])),
        ("op-lubuk-sahung", f"1 calon peserta Desa Lubuk Sahung terdaftar di BPJS Ketenagakerjaan "
                            f"(Perlindungan Pekerja Rentan 2026 — Tahap 1): Joko Tetangga, KPJ 0000000000{count + 1}.",
         reverse("registrations:village", args=[lubuk_sahung.pk])),
    ])
    assert not any(nominee.nik in text for nominee in niur_people for text in Notice.objects.values_list("text", flat=True))


def test_nominees_sent_to_bpjs_are_no_news_to_the_village(everyone, nominee):
    Nominee.objects.filter(pk=nominee.pk).update(status=S.SENT_TO_BPJS)

    notices.statuses_changed(nominee_pks=[nominee.pk])

    assert recipients() == []


def test_a_registration_notice_of_many_names_counts_the_rest(everyone, open_programme, niur, officer, make_nominee):
    Programme.objects.filter(pk=open_programme.pk).update(quota_per_village=50)
    open_programme.refresh_from_db()
    people = [make_nominee(open_programme, niur, officer, nik=nik_for(dt.date(1990, 5, 15), serial=serial),
                           full_name=f"Calon {serial:02d} dengan nama yang panjang sekali") for serial in range(1, 41)]
    for serial, nominee in enumerate(people, start=1):
        registered(nominee, f"170500000000{serial:02d}")

    notices.statuses_changed(nominee_pks=[n.pk for n in people])

    text = Notice.objects.filter(recipient=officer).get().text
    assert text.startswith("40 calon peserta Desa Niur terdaftar")
    named = text.count("KPJ ")
    assert 20 < named <= notices.REGISTERED_NAMES_SHOWN and len(text) <= 2000
    assert text.endswith(f"; dan {40 - named} lainnya (lihat daftar desa).")


# --- list_submitted ----------------------------------------------------------------------------------

def test_list_submitted_tells_the_regencys_active_reviewers_and_approvers(everyone, open_programme, niur):
    notices.list_submitted(programme=open_programme, village=niur, count=3)

    assert recipients() == ["penyetuju-seluma", "verifikator-seluma"]
    assert set(Notice.objects.values_list("text", "url")) == {
        ("Desa Niur mengirim 3 calon untuk Perlindungan Pekerja Rentan 2026 — Tahap 1.",
         reverse("registrations:review-village", args=[open_programme.pk, niur.pk])),
    }
    assert all(no_identifier(text) for text in Notice.objects.values_list("text", flat=True))


def test_a_village_list_sent_once_gives_one_notice_per_reviewer(
        everyone, open_programme, niur, officer, make_nominee, django_capture_on_commit_callbacks):
    for serial, nik in enumerate(["1705011505900001", "1705011505900002", "1705011505900003"], start=1):
        make_nominee(open_programme, niur, officer, nik=nik, full_name=f"Calon {serial}")

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.village_list_submit(programme=open_programme, village=niur, submitted_by=officer)

    assert sent == 3
    # Submitting notifies no village officer (status_changed ignores "submitted"), only the regency.
    assert recipients() == ["penyetuju-seluma", "verifikator-seluma"]
    assert set(Notice.objects.values_list("text", flat=True)) == {
        "Desa Niur mengirim 3 calon untuk Perlindungan Pekerja Rentan 2026 — Tahap 1."}


# --- Reading ---------------------------------------------------------------------------------------

def test_unread_count_and_mark_read_are_per_user(officer, reviewer):
    Notice.objects.bulk_create([Notice(recipient=officer, text="satu"), Notice(recipient=officer, text="dua"),
                                Notice(recipient=reviewer, text="tiga")])

    assert (notices.unread_count(officer), notices.unread_count(reviewer)) == (2, 1)
    assert notices.notices_mark_read(user=officer) == 2
    assert (notices.unread_count(officer), notices.unread_count(reviewer)) == (0, 1)
    assert notices.notices_mark_read(user=officer) == 0
