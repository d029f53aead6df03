""""Mungkin orang yang sama" (registrations/lookalikes.py): the same person nominated twice under two
NIKs, flagged to the reviewer on the queue, a village's review page and the nominee's page; named
only inside the reader's scope; in the import's preview as a warning per row; one query per page."""

import datetime as dt

import pytest
from django.apps import apps
from django.urls import reverse

from accounts.enums import Role
from accounts.services import user_create
from registrations import lookalikes, services, workflow
from registrations.enums import Action
from registrations.lookalikes import lookalike_keys, name_key
from registrations.models import Nominee
from registrations.nominee_import import importing as imports
from registrations.validation import check_nominee
from villages.models import Village

from ..conftest import TODAY, nik_for, nominee_fields
from ..nominee_import.test_importing import VALID_ROW, upload, upload_url
from ..workbooks import workbook_bytes

pytestmark = pytest.mark.django_db

QUEUE = reverse("registrations:review-queue")
BORN = dt.date(1990, 5, 15)
ALL = {"status": "all"}


@pytest.fixture
def make(occupation_petani):
    """make(programme, village, officer, nik, name, birth_date, mother) → a draft nominee created as
    the form creates one (check_nominee, then services.nominee_create)."""
    def _make(programme, village, officer, nik, name, birth_date, mother=""):
        fields = nominee_fields(occupation=occupation_petani, nik=nik, full_name=name, birth_date=birth_date)
        check = check_nominee(programme=programme, village=village, nik=fields.pop("nik"), kk=fields.pop("kk"),
                              birth_date=birth_date, sex=fields["sex"], phone=fields.pop("phone"))
        assert check.errors == []
        return services.nominee_create(programme=programme, village=village, created_by=officer, nik=check.nik,
                                       nik_hash=check.nik_hash, kk=check.kk, phone=check.phone,
                                       confirmed_warnings=check.warning_codes, mother_maiden_name=mother, **fields)
    return _make


@pytest.fixture
def add(open_programme, make):
    """add(village, officer, name, serial, …) → a draft nominee of Seluma with a valid NIK of Sukaraja."""
    def _add(village, officer, name, serial, *, birth_date=BORN, mother=""):
        return make(open_programme, village, officer, nik_for(birth_date, "L", serial), name, birth_date, mother)
    return _add


def flags(response, name):
    """The lookalikes shown for `name` on a page with rows."""
    rows = [row for row in response.context["rows"] if row["nominee"].full_name == name]
    return [(o.in_scope, o.full_name, o.village_name, o.status_label) for o in rows[0]["checks"].lookalikes]


def queue(client, **params):
    return client.get(QUEUE, {**ALL, **params})


# --- The keys are written wherever a nominee is -------------------------------------------------

def test_create_edit_and_import_write_the_keys(open_programme, niur, officer, add, regency_admin):
    budi = add(niur, officer, "H. Budi Santoso, S.Pd", 1, mother="Siti Djoeleha")

    assert budi.name_key == "budisantoso"
    assert (budi.name_key, budi.mother_name_hash) == lookalike_keys("Budi Santoso", "Siti Juleha")

    services.nominee_update(nominee=budi, changed_by=officer, nik=budi.nik, nik_hash=budi.nik_hash, kk=budi.kk,
                            full_name="Budi Santosa", mother_maiden_name="")
    budi.refresh_from_db()
    assert (budi.name_key, budi.mother_name_hash) == ("budisantosa", "")

    imports.import_apply(content=workbook_bytes([{**VALID_ROW, "NIK": nik_for(BORN, "L", 7),
                                                  "Nama lengkap": "Moh. Jusuf"}]),
                         programme=open_programme, village=niur, created_by=officer)
    assert Nominee.objects.get(full_name="Moh. Jusuf").name_key == name_key("Muhammad Yusuf")


def test_the_migration_fills_the_keys_of_nominees_saved_before_it(niur, officer, add):
    from importlib import import_module
    migration = import_module("registrations.migrations.0014_nominee_lookalike_keys")
    budi = add(niur, officer, "Budi Santoso", 1, mother="Siti Juleha")
    plain = add(niur, officer, "Drs. Joko", 2)
    Nominee.objects.update(name_key="", mother_name_hash="")

    migration.fill_lookalike_keys(apps, None)

    assert dict(Nominee.objects.values_list("pk", "name_key")) == {budi.pk: "budisantoso", plain.pk: "yoko"}
    assert Nominee.objects.get(pk=budi.pk).mother_name_hash == lookalike_keys("", "Siti Juleha")[1]
    assert Nominee.objects.get(pk=plain.pk).mother_name_hash == ""


# --- Who is flagged -----------------------------------------------------------------------------

def test_spelling_variants_in_another_village_are_flagged_both_ways(login, reviewer, niur, lubuk_sahung, officer,
                                                                    neighbour_officer, add):
    add(niur, officer, "Mochammad Soekarno", 1)
    add(lubuk_sahung, neighbour_officer, "M. Sukarno", 2)
    add(lubuk_sahung, neighbour_officer, "Budi Santoso", 3)

    response = queue(login(reviewer))

    assert flags(response, "Mochammad Soekarno") == [(True, "M. Sukarno", "Lubuk Sahung", "draf")]
    assert flags(response, "M. Sukarno") == [(True, "Mochammad Soekarno", "Niur", "draf")]
    assert flags(response, "Budi Santoso") == []
    assert "Mungkin orang yang sama:" in response.content.decode()


def test_the_village_review_page_flags_them_too(login, reviewer, open_programme, niur, lubuk_sahung, officer,
                                                neighbour_officer, add):
    add(niur, officer, "Budi Santoso", 1)
    add(lubuk_sahung, neighbour_officer, "Boedi Santoso", 2)

    response = login(reviewer).get(reverse("registrations:review-village", args=[open_programme.pk, niur.pk]))

    assert flags(response, "Budi Santoso") == [(True, "Boedi Santoso", "Lubuk Sahung", "draf")]
    assert "Mungkin orang yang sama:" in response.content.decode()


def test_a_different_birth_date_is_not_flagged(login, reviewer, niur, lubuk_sahung, officer, neighbour_officer, add):
    add(niur, officer, "Budi Santoso", 1)
    add(lubuk_sahung, neighbour_officer, "Budi Santoso", 2, birth_date=dt.date(1990, 5, 16))

    response = queue(login(reviewer))

    assert flags(response, "Budi Santoso") == []
    assert "Mungkin orang yang sama:" not in response.content.decode()


def test_mothers_names_that_differ_are_not_flagged_one_missing_is(login, reviewer, niur, lubuk_sahung, officer,
                                                                  neighbour_officer, add):
    add(niur, officer, "Budi Santoso", 1, mother="Siti Djoeleha")
    add(lubuk_sahung, neighbour_officer, "Budi Santoso", 2, mother="Aminah")
    add(lubuk_sahung, neighbour_officer, "Ahmad Fauzi", 3, mother="Siti Juleha")
    add(niur, officer, "Ahmad Fauzi", 4, mother="SITI JOELEHA")
    add(niur, officer, "Dedi Kurniawan", 5, mother="Rahma")
    add(lubuk_sahung, neighbour_officer, "Dedy Kurniawan", 6)

    client = login(reviewer)

    assert flags(queue(client), "Budi Santoso") == []
    assert [other[1] for other in flags(queue(client), "Ahmad Fauzi")] == ["Ahmad Fauzi"]  # each sees the other
    assert [other[1] for other in flags(queue(client), "Dedi Kurniawan")] == ["Dedy Kurniawan"]


def test_only_active_nominations_count(login, reviewer, niur, lubuk_sahung, officer, neighbour_officer, add):
    budi = add(niur, officer, "Budi Santoso", 1)
    services.village_list_submit(programme=budi.programme, village=niur, submitted_by=officer)
    workflow.nominee_decide(nominee=budi, action=Action.REJECT, actor=reviewer, reason_code="duplicate")
    add(lubuk_sahung, neighbour_officer, "Budi Santoso", 2)

    response = queue(login(reviewer))

    rows = {row["nominee"].village.name: row["checks"].lookalikes for row in response.context["rows"]}
    assert rows["Lubuk Sahung"] == []  # the rejected one in Niur does not count
    assert [o.full_name for o in rows["Niur"]] == ["Budi Santoso"]  # the rejected one still sees the active one


# --- Scope ---------------------------------------------------------------------------------------

@pytest.fixture
def elsewhere(other_regency, other_admin, make):
    """A nominee in Bengkulu Selatan, outside Seluma's staff's scope: Budi Santoso, born the same day."""
    village = Village.objects.filter(subdistrict__regency=other_regency, is_retired=False).select_related(
        "subdistrict").order_by("code").first()
    programme = services.programme_create(
        regency=other_regency, created_by=other_admin, name="Program Bengkulu Selatan", year=2026, stage=1,
        implementing_office="Disnaker BS", coverage_start=TODAY + dt.timedelta(days=14),
        nomination_opens=TODAY - dt.timedelta(days=7), nomination_closes=TODAY + dt.timedelta(days=7))
    officer = user_create(username="op-bs", role=Role.VILLAGE_OFFICER, regions=[village], password="x-123456789",
                          must_change_password=False)
    code = village.subdistrict.code.split(".")
    return make(programme, village, officer, nik_for(BORN, "L", 9, code[2], regency="".join(code[:2])),
                "Boedi Santoso", BORN)


def test_an_entry_outside_the_scope_is_only_said_to_exist(login, reviewer, sysadmin, niur, officer, add, elsewhere):
    budi = add(niur, officer, "Budi Santoso", 1)

    response = queue(login(reviewer))
    page = response.content.decode()

    assert flags(response, "Budi Santoso") == [(False, "", "", "")]
    assert "ada entri serupa di luar wilayah Anda" in page
    assert "Boedi Santoso" not in page and elsewhere.village.name not in page
    assert reverse("registrations:nominee-detail", args=[elsewhere.pk]) not in page
    # The system administrator sees every region: the other entry is named.
    everything = login(sysadmin).get(reverse("registrations:nominee-detail", args=[budi.pk])).content.decode()
    assert "Boedi Santoso" in everything and reverse("registrations:nominee-detail", args=[elsewhere.pk]) in everything


def test_the_nominee_page_names_the_other_entry_with_a_link(login, reviewer, officer, niur, lubuk_sahung,
                                                            neighbour_officer, add):
    budi = add(niur, officer, "Budi Santoso", 1)
    other = add(lubuk_sahung, neighbour_officer, "BUDI SANTOSO, S.E.", 2)

    page = login(reviewer).get(reverse("registrations:nominee-detail", args=[budi.pk])).content.decode()

    assert "Mungkin orang yang sama:" in page
    link = reverse("registrations:nominee-detail", args=[other.pk])
    assert f'<a href="{link}">BUDI SANTOSO, S.E.</a>, Lubuk Sahung' in page
    # The village officer's own view of the page has no review checks, so no flag and no neighbour's name.
    own = login(officer).get(reverse("registrations:nominee-detail", args=[budi.pk])).content.decode()
    assert "Mungkin orang yang sama:" not in own and "BUDI SANTOSO, S.E." not in own


def test_the_queue_filter_shows_only_the_flagged(login, reviewer, niur, lubuk_sahung, officer, neighbour_officer,
                                                 add):
    add(niur, officer, "Siti Rahma", 1, mother="Aminah")
    add(lubuk_sahung, neighbour_officer, "Siti Rachma", 2)
    add(niur, officer, "Joko Susilo", 3, mother="Aminah")
    add(lubuk_sahung, neighbour_officer, "Djoko Soesilo", 4, mother="Rahma")  # mothers differ
    add(niur, officer, "Ahmad Fauzi", 5)

    response = queue(login(reviewer), flag="lookalike")

    assert sorted(row["nominee"].full_name for row in response.context["rows"]) == ["Siti Rachma", "Siti Rahma"]


@pytest.mark.parametrize("pairs", [1, 3])
def test_queue_query_count_does_not_grow_with_lookalikes(login, reviewer, niur, lubuk_sahung, officer,
                                                         neighbour_officer, add, elsewhere, pairs,
                                                         django_assert_num_queries):
    for number in range(pairs):
        add(niur, officer, f"Calon Sama {number}", number * 2 + 1)
        add(lubuk_sahung, neighbour_officer, f"Calon  Sama {number}", number * 2 + 2)
    add(niur, officer, "Budi Santoso", 40)  # like the nominee outside the scope
    client = login(reviewer)
    queue(client)  # the first page view creates the regency settings: not what is measured

    # As tests/registrations/review/test_views.py counts the queue: 12 queries, the lookalikes read
    # in the same query as the other nominations of the page's NIKs (review_checks).
    with django_assert_num_queries(11):
        response = queue(client)

    assert sum(len(row["checks"].lookalikes) for row in response.context["rows"]) == pairs * 2 + 1


# --- The import's preview -----------------------------------------------------------------------

# A page's pairs are asked one by one, a file's as two arrays: both ways give the same answer.
@pytest.mark.parametrize("one_by_one", [200, 1])
def test_the_import_preview_warns_per_row_without_saying_whose(open_programme, niur, lubuk_sahung, officer,
                                                               neighbour_officer, add, elsewhere, one_by_one,
                                                               monkeypatch):
    monkeypatch.setattr(lookalikes, "PAIRS_ASKED_ONE_BY_ONE", one_by_one)
    add(niur, officer, "Siti Rahma", 1)
    add(lubuk_sahung, neighbour_officer, "Ahmad Fauzi", 2)
    rows = [{**VALID_ROW, "NIK": nik_for(BORN, "L", 11), "Nama lengkap": "Siti Rachma"},
            {**VALID_ROW, "NIK": nik_for(BORN, "L", 12), "Nama lengkap": "Achmad Fauzi"},
            {**VALID_ROW, "NIK": nik_for(BORN, "L", 13), "Nama lengkap": "Boedi Santoso"},
            {**VALID_ROW, "NIK": nik_for(BORN, "L", 14), "Nama lengkap": "Dewi Lestari"},
            {**VALID_ROW, "NIK": nik_for(BORN, "L", 15), "Nama lengkap": "Siti Rahma",
             "Tanggal lahir": "16-05-1990"}]
    rows[-1]["NIK"] = nik_for(dt.date(1990, 5, 16), "L", 15)

    report = imports.import_preview(content=workbook_bytes(rows), programme=open_programme, village=niur)

    warnings = [[p.message for p in row.warnings] for row in report.rows]
    assert [row.status for row in report.rows] == ["warning", "warning", "warning", "ok", "ok"]
    assert warnings[0] == ["Mungkin orang yang sama dengan calon yang sudah diusulkan di daftar desa Anda: nama dan "
                           "tanggal lahir sama, NIK berbeda. Periksa NIK pada KTP; bila orangnya sama, hapus baris "
                           "ini."]
    assert "di desa/kelurahan lain di kabupaten/kota ini" in warnings[1][0]
    assert "di kabupaten/kota lain" in warnings[2][0]
    assert not any("Ahmad" in w or "Boedi" in w for row in warnings for w in row)



def test_the_village_sees_the_warning_on_its_preview_page(login, open_programme, niur, lubuk_sahung, officer,
                                                          neighbour_officer, add, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    add(lubuk_sahung, neighbour_officer, "Budi Santoso", 1)
    client = login(officer)
    rows = [{**VALID_ROW, "NIK": nik_for(BORN, "L", 31), "Nama lengkap": "Boedi Santoso"}]

    uploaded = client.post(upload_url(niur), {"file": upload(workbook_bytes(rows))})
    page = client.get(uploaded["Location"]).content.decode()

    assert ("Mungkin orang yang sama dengan calon yang sudah diusulkan di desa/kelurahan lain di kabupaten/kota ini"
            in page)
    assert "Lubuk Sahung" not in page  # where in words, never whose or which village
