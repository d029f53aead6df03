"""BPJS's participant file: membership/participants.py, its pages (membership/views.py) and the
import_bpjs_participants command. Members of Seluma registered on 15 March 2026, judged on
ON = 20 July 2026."""

import datetime as dt
import json
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from common import workbooks
from membership import participants, rules
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee, NomineeEvent

ON = dt.date(2026, 7, 20)
HEADERS = ["Nomor KPJ", "NIK", "Nama", "Status", "Masa iur s.d."]


def participant_file(rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def people(members, lubuk_sahung):
    """Four members of Seluma (their NIKs and KPJs known): 0 active paid to 14-06 (so in arrears
    on ON), 1 in arrears, 2 lapsed, 3 active paid to 14-12; and one more member the file leaves out."""
    made = {}
    for index, status in enumerate([S.ACTIVE, S.ARREARS, S.LAPSED, S.ACTIVE]):
        [member] = members(1, status, dt.date(2026, 12, 14) if index == 3 else dt.date(2026, 6, 14))
        nik = f"17050101019{index:05d}"
        from registrations.nik import nik_search_hash

        Nominee.objects.filter(pk=member.pk).update(nik=nik, nik_hash=nik_search_hash(nik),
                                                    kpj_number=f"0001234567{index}", full_name=f"Peserta {index}")
        made[index] = (Nominee.objects.get(pk=member.pk), nik)
    [left_out] = members(1, S.ACTIVE, dt.date(2026, 12, 14), village=lubuk_sahung)
    Nominee.objects.filter(pk=left_out.pk).update(full_name="Tidak Tercantum", kpj_number="00099999999")
    made["left_out"] = (left_out, "")
    return made


def row(people, index, status="aktif", paid_until="14-12-2026"):
    nominee, nik = people[index]
    return [nominee.kpj_number, nik, nominee.full_name, status, paid_until]


def the_file(people):
    """Row 2: 0 paid (arrears would-be → active), 3: 1 paid (arrears → active), 4: 2 paid again
    (lapsed → active), 5: 3 listed as BPJS's "tidak aktif" (active → lapsed)."""
    return participant_file([row(people, 0), row(people, 1), row(people, 2),
                             row(people, 3, "Tidak Aktif", "14-12-2026")])


def statuses(people):
    return {key: Nominee.objects.get(pk=nominee.pk).status for key, (nominee, _) in people.items()}


def test_preview_says_what_each_row_does_and_writes_nothing(people, seluma):
    events = NomineeEvent.objects.count()

    report = participants.participants_preview(content=the_file(people), regency=seluma, on=ON)

    assert [(r.row, r.outcome, r.from_status, r.to_status) for r in report.rows] == [
        (2, "paid", S.ACTIVE, S.ACTIVE), (3, "paid", S.ARREARS, S.ACTIVE), (4, "paid", S.LAPSED, S.ACTIVE),
        (5, "unpaid", S.ACTIVE, S.LAPSED)]
    assert report.rows[1].message == ("Peserta 1: masa iur s.d. 14 Juni 2026 → 14 Desember 2026, "
                                      "'menunggak' → 'aktif'.")
    assert [member.full_name for member in report.unlisted] == ["Tidak Tercantum"]
    assert NomineeEvent.objects.count() == events


def test_apply_extends_paid_until_moves_members_and_flags_the_unlisted_without_moving_them(
        people, seluma, bpjs_officer, announced, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = participants.participants_apply(content=the_file(people), regency=seluma, actor=bpjs_officer,
                                                 on=ON)

    assert statuses(people) == {0: S.ACTIVE, 1: S.ACTIVE, 2: S.ACTIVE, 3: S.LAPSED, "left_out": S.ACTIVE}
    assert {Nominee.objects.get(pk=people[i][0].pk).paid_until for i in range(4)} == {dt.date(2026, 12, 14)}
    event = Nominee.objects.get(pk=people[2][0].pk).events.get()
    assert (event.actor, event.from_status, event.to_status, event.reason) == (
        bpjs_officer, S.LAPSED, S.ACTIVE, "Daftar peserta BPJS per 20 Juli 2026: aktif, masa iur s.d. 14 Desember 2026.")
    assert (report.applied_count, [m.full_name for m in report.unlisted]) == (4, ["Tidak Tercantum"])
    assert announced == [seluma.pk]  # one coverage recompute for the file


def test_reimporting_the_same_file_changes_nothing(people, seluma, bpjs_officer):
    content = the_file(people)
    participants.participants_apply(content=content, regency=seluma, actor=bpjs_officer, on=ON)
    events = NomineeEvent.objects.count()

    again = participants.participants_apply(content=content, regency=seluma, actor=bpjs_officer, on=ON)

    assert [r.outcome for r in again.rows] == ["unchanged"] * 4
    assert (again.applied_count, NomineeEvent.objects.count()) == (0, events)


@pytest.mark.parametrize(("cells", "words"), [
    ([17050101019000000, None, "aktif", "14-12-2026"], "NIK tersimpan sebagai angka"),
    ([None, 12345670, "aktif", "14-12-2026"], "Nomor KPJ tersimpan sebagai angka"),
    ([None, None, "aktif", "31-13-2026"], 'Masa iur s.d. "31-13-2026" bukan tanggal'),
    ([None, None, "aktif", None], "Masa iur s.d. kosong, padahal status aktif."),
    ([None, None, "keluar", "14-12-2026"], 'Status "keluar" tidak dikenal: isi aktif atau tidak aktif.'),
])
def test_a_malformed_row_refuses_the_whole_file_with_its_row_and_reason(people, seluma, bpjs_officer, cells, words):
    nik, kpj, status, paid_until = cells
    bad = row(people, 1, status, paid_until)
    bad[1] = nik if nik is not None else bad[1]
    bad[0] = kpj if kpj is not None else bad[0]
    content = participant_file([row(people, 0), bad])
    before = statuses(people)

    report = participants.participants_preview(content=content, regency=seluma, on=ON)
    with pytest.raises(participants.FileRefused, match="Berkas ditolak: 1 baris tidak sah. Tidak ada yang disimpan"):
        participants.participants_apply(content=content, regency=seluma, actor=bpjs_officer, on=ON)

    assert (report.rows[1].row, report.rows[1].outcome, words in report.rows[1].message) == (3, "malformed", True)
    assert statuses(people) == before
    assert Nominee.objects.get(pk=people[0][0].pk).paid_until == dt.date(2026, 6, 14)  # nothing saved


def test_unknown_people_other_kpjs_and_non_members_are_left_alone(people, seluma, programme, niur, add_nominees):
    [submitted] = add_nominees(programme, niur, 1, S.SUBMITTED)
    from registrations.nik import nik_search_hash

    Nominee.objects.filter(pk=submitted.pk).update(nik_hash=nik_search_hash("1705010101900777"))
    wrong_kpj = row(people, 1)
    wrong_kpj[0] = "00055555555"
    content = participant_file([["00011111111", "1705010101999999", "Orang Lain", "aktif", "14-12-2026"],
                                ["00022222222", "1705010101900777", "Calon", "aktif", "14-12-2026"], wrong_kpj])

    report = participants.participants_preview(content=content, regency=seluma, on=ON)

    assert [r.outcome for r in report.rows] == ["unknown", "not_a_member", "kpj_mismatch"]


@pytest.mark.parametrize("content, message", [
    (b"not a workbook", "Berkas harus berformat Excel .xlsx."),
    (participant_file([["1", "2"]], headers=["NIK", "Nama"]), "Kolom Nomor KPJ, Status, Masa iur s.d. tidak ditemukan"),
])
def test_a_wrong_file_is_refused(seluma, content, message):
    with pytest.raises(workbooks.WorkbookError) as error:
        participants.participants_preview(content=content, regency=seluma, on=ON)

    assert message in str(error.value)


def test_a_bomb_is_refused_before_a_row_is_read(people, seluma):
    from tests.workbook_bombs import bomb

    content = bomb(title="Peserta", header=HEADERS, row=row(people, 0))

    with pytest.raises(workbooks.WorkbookError, match="terlalu besar setelah dibuka|tidak wajar"):
        participants.participants_preview(content=content, regency=seluma, on=ON)


def test_only_the_bpjs_officer_and_the_office_may_apply(people, seluma, viewer):
    from registrations.workflow import TransitionError

    with pytest.raises(TransitionError):
        participants.participants_apply(content=the_file(people), regency=seluma, actor=viewer, on=ON)


# --- The pages ------------------------------------------------------------------------------------

def upload_url(regency):
    return reverse("membership:participant-upload", args=[regency.pk])


@pytest.fixture
def on_day(monkeypatch):
    monkeypatch.setattr(rules, "membership_today", lambda: ON)


@pytest.mark.parametrize("persona", ["bpjs_officer", "regency_admin"])
def test_upload_preview_confirm_result(request, login, people, seluma, persona, on_day,
                                       django_capture_on_commit_callbacks, django_assert_max_num_queries):
    client = login(request.getfixturevalue(persona))

    response = client.post(upload_url(seluma), {"file": SimpleUploadedFile("peserta.xlsx", the_file(people))})
    preview_url = response.url
    preview = client.get(preview_url)
    page = " ".join(preview.content.decode().split())
    assert "Simpan 4 perubahan" in page and "Tidak Tercantum" in page
    assert people[0][1] not in page  # NIKs masked
    with django_capture_on_commit_callbacks(execute=True):
        result = client.post(preview_url + "simpan/", follow=True)

    page = " ".join(result.content.decode().split())
    assert "4 peserta diperbarui, 0 tidak berubah, 1 peserta tidak ada di daftar BPJS" in page
    assert statuses(people)[3] == S.LAPSED


def test_a_refused_file_shows_no_save_button(login, people, seluma, bpjs_officer, on_day):
    content = participant_file([row(people, 0, "keluar")])
    client = login(bpjs_officer)

    preview = client.get(client.post(upload_url(seluma), {"file": SimpleUploadedFile("p.xlsx", content)}).url)

    page = " ".join(preview.content.decode().split())
    assert "Berkas ditolak: ada baris yang tidak sah" in page and "Simpan" not in page.split("Berkas ditolak")[1][:200]


def test_someone_elses_upload_is_a_404(login, people, seluma, bpjs_officer, regency_admin, on_day):
    url = login(bpjs_officer).post(upload_url(seluma), {"file": SimpleUploadedFile("p.xlsx", the_file(people))}).url

    assert login(regency_admin).get(url).status_code == 404


def test_the_regency_bpjs_page_links_the_import(login, seluma, bpjs_officer):
    page = login(bpjs_officer).get(reverse("registrations:bpjs-regency", args=[seluma.pk])).content.decode()

    assert upload_url(seluma) in page


# --- The command ----------------------------------------------------------------------------------

def test_command_dry_run_json_writes_nothing_and_masks_the_nik(people, seluma, tmp_path, capsys):
    path = tmp_path / "peserta.xlsx"
    path.write_bytes(the_file(people))
    before = statuses(people)

    call_command("import_bpjs_participants", str(path), "--regency", "17.05", "--dry-run", "--json",
                 "--today", "2026-07-20")

    data = json.loads(capsys.readouterr().out)
    assert [r["outcome"] for r in data["rows"]] == ["paid", "paid", "paid", "unpaid"]
    assert people[0][1] not in json.dumps(data) and statuses(people) == before


def test_command_applies_as_the_named_account(people, seluma, bpjs_officer, tmp_path, capsys):
    path = tmp_path / "peserta.xlsx"
    path.write_bytes(the_file(people))

    call_command("import_bpjs_participants", str(path), "--regency", "17.05", "--as", bpjs_officer.username,
                 "--today", "2026-07-20")

    assert "Daftar peserta BPJS diimpor: 4 peserta diperbarui" in capsys.readouterr().out
    assert statuses(people)[2] == S.ACTIVE


def test_command_refuses_a_malformed_file(people, seluma, bpjs_officer, tmp_path):
    path = tmp_path / "peserta.xlsx"
    path.write_bytes(participant_file([row(people, 0, "keluar")]))

    with pytest.raises(CommandError, match="Berkas ditolak"):
        call_command("import_bpjs_participants", str(path), "--regency", "17.05", "--as", bpjs_officer.username)


def test_a_paid_up_date_extended_without_a_move_is_in_the_members_history(people, seluma, bpjs_officer):
    content = participant_file([row(people, 3, "aktif", "14-03-2027")])  # active, paid further

    report = participants.participants_apply(content=content, regency=seluma, actor=bpjs_officer, on=ON)

    member = Nominee.objects.get(pk=people[3][0].pk)
    assert (report.rows[0].outcome, member.status, member.paid_until) == ("paid", S.ACTIVE, dt.date(2027, 3, 14))
    assert (member.history.latest().history_user, member.events.count()) == (bpjs_officer, 0)


def _apply_queries(content, seluma, actor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    actor = User.objects.get(pk=actor.pk)  # as a request has it: its regions not read yet
    with CaptureQueriesContext(connection) as queries:
        participants.participants_apply(content=content, regency=seluma, actor=actor, on=ON)
    return len(queries)


def test_the_import_costs_the_same_queries_for_one_member_or_three(people, seluma, bpjs_officer, members):
    more = members(4, S.ARREARS, dt.date(2026, 6, 14))
    from registrations.nik import nik_search_hash

    rows = []
    for index, member in enumerate(more):
        nik = f"17050101019{index + 50:05d}"
        Nominee.objects.filter(pk=member.pk).update(nik_hash=nik_search_hash(nik), kpj_number=f"0007700000{index}")
        rows.append([f"0007700000{index}", nik, "Peserta", "aktif", "14-12-2026"])
    # One member paid again and one with a later date only; then three paid again, one moved by
    # its date passing, one with a later date only. The file's reads (its members, those it leaves
    # out, the grace period), the regions of the officer, the date UPDATE and its history rows,
    # and the bulk move: the same statements whatever the rows.
    one = _apply_queries(participant_file([rows[0], row(people, 3, "aktif", "14-01-2027")]), seluma, bpjs_officer)
    three = _apply_queries(participant_file([*rows[1:], row(people, 3, "aktif", "14-02-2027"),
                                             row(people, 0, "aktif", "14-06-2026")]), seluma, bpjs_officer)

    assert one == three
