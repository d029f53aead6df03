"""registrations/timeline.py: a nominee's workflow events and field corrections, merged and in order."""

import pytest

from registrations import services, workflow
from registrations.enums import Action
from registrations.models import Nominee, OccupationCategory
from registrations.timeline import Detail, EntryKind, nominee_timeline
from registrations.validation import check_nominee

from .conftest import nik_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(open_programme, niur, officer, make_nominee):
    return make_nominee(open_programme, niur, officer)


def correct(nominee, officer, *, nik=None, **fields):
    """The officer saves corrected data, the way the edit page does (services.nominee_update);
    what is not passed stays as it is in the database."""
    nominee = Nominee.objects.get(pk=nominee.pk)
    check = check_nominee(programme=nominee.programme, village=nominee.village, nik=nik or nominee.nik, kk=nominee.kk,
                          birth_date=nominee.birth_date, sex=nominee.sex, phone=fields.pop("phone", nominee.phone),
                          exclude_pk=nominee.pk)
    assert check.errors == []
    return services.nominee_update(nominee=nominee, changed_by=officer, nik=check.nik, nik_hash=check.nik_hash,
                                   kk=check.kk, phone=check.phone, confirmed_warnings=check.warning_codes, **fields)


def summary(entries):
    return [(entry.kind, entry.who, entry.title, entry.details) for entry in entries]


def test_the_whole_story_in_order(draft, officer, reviewer, approver):
    nelayan = OccupationCategory.objects.get(name="Nelayan")
    correct(draft, officer, occupation=nelayan, phone="081234567890")
    workflow.nominee_submit(nominee=draft, actor=officer)
    workflow.nominee_decide(nominee=draft, action=Action.RETURN, actor=reviewer, reason_code="kk_mismatch",
                            reason="Nomor KK beda satu angka")
    correct(draft, officer, birth_place="Tais")
    workflow.nominee_submit(nominee=draft, actor=officer)
    workflow.nominee_decide(nominee=draft, action=Action.VERIFY, actor=reviewer)
    workflow.nominee_decide(nominee=draft, action=Action.APPROVE, actor=approver)

    entries = nominee_timeline(draft)

    assert summary(entries) == [
        (EntryKind.EVENT, "Siti Aminah", "Dibuat", []),
        (EntryKind.EDIT, "Siti Aminah", "Data diubah", [
            Detail("Nomor HP", "0812-3456-7890", previous="—"),
            Detail("Pekerjaan", "Nelayan", previous="Petani"),
        ]),
        (EntryKind.EVENT, "Siti Aminah", "Dikirim ke kabupaten", []),
        (EntryKind.EVENT, "Sri Wahyuni", "Dikembalikan ke desa untuk diperbaiki",
         [Detail("Alasan", "Nomor KK tidak sesuai kartu keluarga: Nomor KK beda satu angka")]),
        (EntryKind.EDIT, "Siti Aminah", "Data diubah", [Detail("Tempat lahir", "Tais", previous="Seluma")]),
        (EntryKind.EVENT, "Siti Aminah", "Dikirim lagi ke kabupaten setelah diperbaiki", []),
        (EntryKind.EVENT, "Sri Wahyuni", "Diverifikasi", []),
        (EntryKind.EVENT, "Bambang Irawan", "Disetujui", []),
    ]
    assert [entry.when for entry in entries] == sorted(entry.when for entry in entries)
    assert [entry.role for entry in entries][-2:] == ["Verifikator dinas", "Penyetuju dinas"]
    assert [entry.status for entry in entries if entry.kind == EntryKind.EVENT] == [
        "draft", "submitted", "returned", "submitted", "verified", "approved"]


def test_a_nik_correction_shows_only_masked_values(draft, officer):
    new_nik = nik_for(draft.birth_date, serial=7)

    correct(draft, officer, nik=new_nik)

    assert summary(nominee_timeline(draft))[1:] == [
        (EntryKind.EDIT, "Siti Aminah", "Data diubah",
         [Detail("NIK (disamarkan)", "************0007", previous="************0001")]),
    ]


def test_contact_changes_are_hidden_without_full_identifiers(draft, officer):
    correct(draft, officer, phone="081234567890", email="budi@example.com", rt="003")

    assert summary(nominee_timeline(draft, full_identifiers=False))[1][3] == [
        Detail("RT", "003", previous="001"),
        Detail("Nomor HP", "diubah (tidak ditampilkan)"),
        Detail("Email", "diubah (tidak ditampilkan)"),
    ]


def test_choices_and_amounts_read_as_labels(draft, officer):
    correct(draft, officer, data_source="dtks", monthly_income=1_500_000)

    assert summary(nominee_timeline(draft))[1][3] == [
        Detail("Penghasilan per bulan (Rp)", "Rp1.500.000", previous="—"),
        Detail("Sumber data", "DTKS", previous="Usulan desa"),
    ]


def test_a_save_that_changes_nothing_is_not_an_entry(draft, officer):
    correct(draft, officer)

    assert summary(nominee_timeline(draft)) == [(EntryKind.EVENT, "Siti Aminah", "Dibuat", [])]


@pytest.mark.parametrize("edits", [1, 3])
def test_query_count_does_not_grow_with_edits(draft, officer, django_assert_num_queries, edits):
    occupations = list(OccupationCategory.objects.filter(name__in=["Nelayan", "Petani"]).order_by("name"))
    for index in range(edits):
        correct(draft, officer, occupation=occupations[index % 2], address=f"Jalan Desa No. {index + 2}")
    workflow.nominee_submit(nominee=draft, actor=officer)

    # 1 events with their actors, 2 history with its users, 3 the occupation names.
    with django_assert_num_queries(3):
        entries = nominee_timeline(draft)

    assert [entry.kind for entry in entries] == [EntryKind.EVENT, *[EntryKind.EDIT] * edits, EntryKind.EVENT]
