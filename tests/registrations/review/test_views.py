"""The regency's review pages (registrations/review/views.py): the queue, a village's list with its
checks, and bulk decisions, tried by the reviewer and approver of Seluma and by everyone else."""

import datetime as dt
import html
import re
import zoneinfo

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.services import user_create
from common.formatting import format_datetime
from registrations import services, workflow
from registrations.crypto import keyed_hash
from registrations.enums import Action, DataSource
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee, NomineeEvent, OccupationCategory, VillageSubmission
from registrations.review.forms import village_label
from villages.models import Subdistrict, Village

from ..conftest import nik_for, years_before

pytestmark = pytest.mark.django_db

QUEUE = reverse("registrations:review-queue")
BORN = dt.date(1990, 5, 15)


# --- Arrange -------------------------------------------------------------------------------------

@pytest.fixture
def napal(seluma):
    """Desa Napal Melintang, Kec. Talo: a village in another subdistrict of Seluma."""
    return Village.objects.get(code="17.05.03.2002")


@pytest.fixture
def napal_officer(napal):
    return user_create(username="op-napal", role=Role.VILLAGE_OFFICER, regions=[napal], password="x-123456789",
                       must_change_password=False, full_name="Yanti")


@pytest.fixture
def add(open_programme, make_nominee):
    """add(village, officer, name, serial, …) → a draft nominee with a valid NIK of its subdistrict."""
    def _add(village, officer, name, serial, *, birth_date=BORN, nik_birth_date=None, sex="L", subdistrict="01"):
        nik = nik_for(nik_birth_date or birth_date, sex, serial, subdistrict)
        return make_nominee(open_programme, village, officer, nik=nik, full_name=name, birth_date=birth_date,
                            sex=sex)
    return _add


def submit(programme, village, officer):
    services.village_list_submit(programme=programme, village=village, submitted_by=officer)


def statuses(*nominees):
    return [Nominee.objects.get(pk=n.pk).status for n in nominees]


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def names(response):
    return [row["nominee"].full_name for row in response.context["rows"]]


@pytest.fixture
def people(open_programme, add, niur, lubuk_sahung, napal, officer, neighbour_officer, napal_officer, reviewer):
    """Four nominees of Seluma, each standing out in one way:
    Budi (Niur, Sukaraja) plain; Siti (Lubuk Sahung, Sukaraja) a fisher from DTKS whose birth date
    differs from her NIK (the officer confirmed the warning); Ahmad (Napal Melintang, Talo) turns 65
    a month after the start; Dewi (Niur) already verified by Sri. All but Dewi are submitted."""
    start = open_programme.coverage_start
    budi = add(niur, officer, "Budi Santoso", 1)
    dewi = add(niur, officer, "Dewi Lestari", 2, sex="P")
    siti = add(lubuk_sahung, neighbour_officer, "Siti Rahma", 3, sex="P", birth_date=dt.date(1991, 6, 1),
               nik_birth_date=dt.date(1991, 6, 2))
    old = years_before(start + dt.timedelta(days=30), 65)
    ahmad = add(napal, napal_officer, "Ahmad Fauzi", 4, birth_date=old, subdistrict="03")
    Nominee.objects.filter(pk=siti.pk).update(occupation=OccupationCategory.objects.get(name="Nelayan"),
                                              data_source=DataSource.DTKS)
    for village, village_officer in ((niur, officer), (lubuk_sahung, neighbour_officer), (napal, napal_officer)):
        submit(open_programme, village, village_officer)
    workflow.nominee_decide(nominee=dewi, action=Action.VERIFY, actor=reviewer)
    return {"budi": budi, "siti": siti, "ahmad": ahmad, "dewi": dewi}


def queue_url(programme, **params):
    query = "&".join(f"{key}={value}" for key, value in {"programme": programme.pk, **params}.items())
    return f"{QUEUE}?{query}"


def bulk_url(programme):
    return reverse("registrations:review-bulk", args=[programme.pk])


def village_url(programme, village):
    return reverse("registrations:review-village", args=[programme.pk, village.pk])


# --- The queue -----------------------------------------------------------------------------------

def test_reviewer_queue_shows_submitted_nominees_by_default(login, reviewer, people, open_programme):
    response = login(reviewer).get(QUEUE)

    page = response.content.decode()
    assert response.context["programme"] == open_programme
    assert sorted(names(response)) == ["Ahmad Fauzi", "Budi Santoso", "Siti Rahma"]
    assert "Ditampilkan: calon berstatus <strong>dikirim ke kabupaten</strong>, yang menunggu keputusan Anda" in page
    # Counts per status under the other filters: 3 submitted, 1 verified, 4 in all.
    assert [(link["label"], link["count"]) for link in response.context["status_links"]] == [
        ("Semua status", 4), ("dikirim ke kabupaten", 3), ("terverifikasi", 1)]
    assert reverse("registrations:nominee-detail", args=[people["budi"].pk]) in page
    assert village_url(open_programme, people["budi"].village) in page
    assert f'name="seen-{people["budi"].pk}" value="submitted"' in page
    assert nik_for(BORN, "L", 1) in page  # the reviewer works with the person: full NIK


def test_approver_queue_shows_verified_nominees_by_default(login, approver, people):
    response = login(approver).get(QUEUE)

    assert names(response) == ["Dewi Lestari"]
    assert "calon berstatus <strong>terverifikasi</strong>" in response.content.decode()


def test_one_step_regency_approver_sees_submitted_by_default(login, approver, people, seluma):
    from villages.selectors import regency_settings_get

    settings = regency_settings_get(seluma)
    settings.approval_steps = 1
    settings.save()

    response = login(approver).get(QUEUE)

    assert sorted(names(response)) == ["Ahmad Fauzi", "Budi Santoso", "Siti Rahma"]


# --- The village box: a search field, with suggestions from the reviewer's scope -----------------

def village_search_url(programme):
    return reverse("registrations:review-village-search", args=[programme.pk])


def suggestions(response):
    return [html.unescape(value) for value in re.findall(r'<option value="([^"]*)">', response.content.decode())]


def test_village_search_suggests_only_villages_of_the_reviewers_scope(login, reviewer, open_programme,
                                                                      other_regency):
    # Both regencies have villages called "Lubuk …": only Seluma's are suggested.
    assert Village.objects.filter(subdistrict__regency=other_regency, name__icontains="lubuk").exists()
    expected = [village_label(village) for village in Village.objects.filter(
        subdistrict__regency=open_programme.regency, name__icontains="lubuk", is_retired=False,
    ).select_related("subdistrict").order_by("name", "code")]

    response = login(reviewer).get(village_search_url(open_programme), {"village": "luBuk"})

    assert response.status_code == 200
    assert expected and suggestions(response) == expected
    assert all(" 17.05." in suggestion for suggestion in suggestions(response))


def test_village_search_by_code_and_too_short(login, reviewer, open_programme, niur, lubuk_sahung):
    client = login(reviewer)

    by_code = client.get(village_search_url(open_programme), {"village": "17.05.01.200"})
    too_short = client.get(village_search_url(open_programme), {"village": "l"})

    assert village_label(niur) in suggestions(by_code)
    assert village_label(lubuk_sahung) in suggestions(by_code)
    assert all(" 17.05.01.200" in suggestion for suggestion in suggestions(by_code))
    assert suggestions(too_short) == []


@pytest.mark.parametrize("who", ["other_reviewer", "officer", "province_viewer"])
def test_village_search_is_not_found_outside_the_review_pages(request, login, open_programme, who):
    response = login(request.getfixturevalue(who)).get(village_search_url(open_programme), {"village": "lubuk"})

    assert response.status_code == 404


@pytest.mark.parametrize("typed", ["suggestion", "code", "name", "pk"])
def test_queue_filters_by_the_village_typed(login, reviewer, people, open_programme, niur, typed):
    value = {"suggestion": village_label(niur), "code": niur.code, "name": niur.name.upper(),
             "pk": str(niur.pk)}[typed]

    response = login(reviewer).get(QUEUE, {"programme": open_programme.pk, "status": "all", "sort": "name",
                                           "village": value})

    assert names(response) == ["Budi Santoso", "Dewi Lestari"]
    assert f'value="{village_label(niur)}"' in response.content.decode()  # the box names the village


def test_queue_filter_form_post_keeps_the_village(login, reviewer, people, open_programme, niur):
    response = login(reviewer).post(QUEUE, {"programme": open_programme.pk, "status": "all",
                                            "village": village_label(niur)}, follow=True)

    assert sorted(names(response)) == ["Budi Santoso", "Dewi Lestari"]


def test_queue_unknown_village_is_said_and_left_out(login, reviewer, people, open_programme):
    response = login(reviewer).get(QUEUE, {"programme": open_programme.pk, "status": "all",
                                           "village": "Desa Yang Tidak Ada"})

    assert "Desa/kelurahan tidak ditemukan di kabupaten/kota ini." in response.content.decode()
    assert len(names(response)) == 4


@pytest.mark.parametrize(("filters", "expected"), [
    ({"subdistrict": "talo"}, ["Ahmad Fauzi"]),
    ({"village": "lubuk_sahung"}, ["Siti Rahma"]),
    ({"village": "niur"}, ["Budi Santoso", "Dewi Lestari"]),
    ({"status": "verified"}, ["Dewi Lestari"]),
    ({"status": "submitted"}, ["Ahmad Fauzi", "Budi Santoso", "Siti Rahma"]),
    ({"occupation": "nelayan"}, ["Siti Rahma"]),
    ({"flag": "nik"}, ["Siti Rahma"]),
    ({"flag": "age"}, ["Ahmad Fauzi"]),
    ({"data_source": "dtks"}, ["Siti Rahma"]),
    ({"q": "sIti"}, ["Siti Rahma"]),
    ({"q": "santo"}, ["Budi Santoso"]),
])
def test_queue_filters(login, reviewer, people, open_programme, lubuk_sahung, niur, filters, expected):
    lookups = {
        "talo": lambda: Subdistrict.objects.get(code="17.05.03").pk,
        "lubuk_sahung": lambda: lubuk_sahung.pk, "niur": lambda: niur.pk,
        "nelayan": lambda: OccupationCategory.objects.get(name="Nelayan").pk,
    }
    params = {"programme": open_programme.pk, "status": "all", "sort": "name",
              **{key: lookups[value]() if value in lookups else value for key, value in filters.items()}}

    response = login(reviewer).get(QUEUE, params)

    assert response.status_code == 200
    assert names(response) == expected


def test_queue_empty_state(login, reviewer, people, open_programme):
    response = login(reviewer).get(queue_url(open_programme, q="Tidak Ada Orang Ini"))

    assert names(response) == []
    assert "Tidak ada calon yang cocok dengan saringan ini (status: dikirim ke kabupaten)." in response.content.decode()


@pytest.mark.parametrize(("sort", "expected"), [
    ("name", ["Ahmad Fauzi", "Budi Santoso", "Dewi Lestari", "Siti Rahma"]),
    ("village", ["Siti Rahma", "Ahmad Fauzi", "Budi Santoso", "Dewi Lestari"]),
    ("status", ["Ahmad Fauzi", "Budi Santoso", "Siti Rahma", "Dewi Lestari"]),
    ("-waiting", ["Dewi Lestari", "Ahmad Fauzi", "Siti Rahma", "Budi Santoso"]),
    ("status_reason; DROP TABLE", ["Budi Santoso", "Siti Rahma", "Ahmad Fauzi", "Dewi Lestari"]),  # not whitelisted
])
def test_queue_sorting(login, reviewer, people, open_programme, sort, expected):
    response = login(reviewer).get(QUEUE, {"programme": open_programme.pk, "status": "all", "sort": sort})

    assert names(response) == expected


def test_queue_pagination_keeps_the_filters(login, reviewer, people, open_programme, monkeypatch):
    from registrations.review import views as review_views

    monkeypatch.setattr(review_views, "PAGE_SIZE", 2)
    client = login(reviewer)

    first = client.get(QUEUE, {"programme": open_programme.pk, "status": "all", "sort": "name"})
    second = client.get(QUEUE, {"programme": open_programme.pk, "status": "all", "sort": "name", "page": 2})

    assert f"?programme={open_programme.pk}&amp;status=all&amp;sort=name&amp;page=2" in first.content.decode()
    assert names(first) == ["Ahmad Fauzi", "Budi Santoso"]
    assert names(second) == ["Dewi Lestari", "Siti Rahma"]


# --- Searching by NIK: never in a URL --------------------------------------------------------------

def spaced(nik):
    """The NIK as written on a form, with spaces."""
    return " ".join(nik[i:i + 4] for i in range(0, 16, 4))


def urls_in(page):
    """Every link and `next` field of a page: what could end up in an access log."""
    return re.findall(r'(?:href|action)="([^"]*)"', page) + re.findall(r'name="next" value="([^"]*)"', page)


def test_nik_search_redirects_to_its_keyed_hash(login, reviewer, people, open_programme):
    nik = people["ahmad"].nik
    client = login(reviewer)

    response = client.post(QUEUE, {"programme": open_programme.pk, "q": spaced(nik), "status": "all",
                                   "sort": "name", "subdistrict": "", "csrfmiddlewaretoken": "x"})
    result = client.get(response["Location"])

    assert response.status_code == 303
    assert response["Location"] == f"{QUEUE}?programme={open_programme.pk}&status=all&sort=name&nik={keyed_hash(nik)}"
    assert nik[:12] not in response["Location"]
    assert names(result) == ["Ahmad Fauzi"]
    page = result.content.decode()
    assert "Saringan aktif: <strong>pencarian NIK</strong>" in page
    assert f'href="?programme={open_programme.pk}&amp;status=all&amp;sort=name">Hapus pencarian NIK</a>' in page
    assert all(nik[:12] not in url for url in urls_in(page))


def test_nik_search_pages_and_next_field_carry_no_nik(login, reviewer, people, open_programme, lubuk_sahung,
                                                      neighbour_officer, add, monkeypatch):
    from registrations.review import views as review_views

    # Siti rejected, then proposed again with the same NIK: two rows for one NIK search.
    workflow.nominee_decide(nominee=people["siti"], action=Action.REJECT, actor=reviewer, reason_code="age")
    add(lubuk_sahung, neighbour_officer, "Siti Rahma Baru", 3, sex="P", birth_date=dt.date(1991, 6, 1),
        nik_birth_date=dt.date(1991, 6, 2))
    monkeypatch.setattr(review_views, "PAGE_SIZE", 1)
    nik = people["siti"].nik
    client = login(reviewer)
    found = client.post(QUEUE, {"programme": open_programme.pk, "q": nik, "status": "all", "sort": "name"})

    first = client.get(found["Location"])

    page = first.content.decode()
    assert names(first) == ["Siti Rahma"]
    assert (f"?programme={open_programme.pk}&amp;status=all&amp;sort=name&amp;nik={keyed_hash(nik)}&amp;page=2"
            in page)
    assert first.context["next"] == found["Location"]
    assert f'name="next" value="{found["Location"].replace("&", "&amp;")}"' in page
    assert f'name="nik" value="{keyed_hash(nik)}"' in page  # changing another filter keeps the search
    assert all(nik[:12] not in url for url in urls_in(page))
    assert names(client.get(found["Location"] + "&page=2")) == ["Siti Rahma Baru"]


def test_name_search_stays_in_the_url(login, reviewer, people, open_programme):
    response = login(reviewer).post(QUEUE, {"programme": open_programme.pk, "q": " siti ", "status": "all"})

    assert response.status_code == 303
    assert response["Location"] == f"{QUEUE}?programme={open_programme.pk}&q=siti&status=all"


def test_other_filters_keep_the_nik_search_and_a_new_search_replaces_it(login, reviewer, people, open_programme):
    nik_hash = keyed_hash(people["ahmad"].nik)
    client = login(reviewer)

    kept = client.post(QUEUE, {"programme": open_programme.pk, "nik": nik_hash, "q": "", "status": "submitted"})
    replaced = client.post(QUEUE, {"programme": open_programme.pk, "nik": nik_hash, "q": "budi", "status": "all"})

    assert kept["Location"] == f"{QUEUE}?programme={open_programme.pk}&nik={nik_hash}&status=submitted"
    assert replaced["Location"] == f"{QUEUE}?programme={open_programme.pk}&q=budi&status=all"


def test_nik_in_q_of_a_get_url_is_redirected_to_its_hash(login, reviewer, people, open_programme):
    nik = people["budi"].nik

    response = login(reviewer).get(queue_url(open_programme, q=nik, status="all", page=2))

    assert response.status_code == 303
    assert response["Location"] == f"{QUEUE}?programme={open_programme.pk}&status=all&nik={keyed_hash(nik)}"


@pytest.mark.parametrize("value", [
    "abc",
    "budi_nik",  # the NIK itself is no keyed hash
    "0" * 64,  # well formed, nobody's
    "budi_hash_upper",
    "%00",
])
def test_nik_search_with_a_bad_value_matches_nothing(login, reviewer, people, open_programme, value):
    nik = people["budi"].nik
    value = {"budi_nik": nik, "budi_hash_upper": keyed_hash(nik).upper()}.get(value, value)

    response = login(reviewer).get(f"{queue_url(open_programme, status='all')}&nik={value}")

    assert response.status_code == 200
    assert names(response) == []
    assert response.context["total"] == 0


def test_empty_nik_is_no_filter(login, reviewer, people, open_programme):
    response = login(reviewer).get(queue_url(open_programme, status="all", nik=""))

    assert len(names(response)) == 4


def test_filter_form_needs_the_csrf_token(reviewer, people, open_programme):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)

    page = client.get(queue_url(open_programme)).content.decode()
    response = client.post(QUEUE, {"programme": open_programme.pk, "q": people["budi"].nik})

    assert f'<form method="post" action="{QUEUE}" class="review-filters"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert response.status_code == 403


def test_viewer_reads_the_queue_with_masked_nik_and_no_controls(login, viewer, people, open_programme):
    response = login(viewer).get(queue_url(open_programme))

    page = response.content.decode()
    assert sorted(names(response)) == ["Ahmad Fauzi", "Budi Santoso", "Dewi Lestari", "Siti Rahma"]  # all (default)
    assert "Ditampilkan: semua status (bawaan)." in page
    assert people["budi"].nik not in page
    assert people["budi"].nik_masked in page
    assert 'name="nominee"' not in page
    assert reverse("registrations:review-bulk", args=[open_programme.pk]) not in page
    assert response.context["decision_form"] is None


def test_reviewer_bulk_form_offers_only_the_reviewers_decisions(login, reviewer, people, open_programme):
    response = login(reviewer).get(queue_url(open_programme))

    assert [value for value, _ in response.context["decision_form"].fields["action"].choices] == [
        Action.VERIFY, Action.RETURN, Action.REJECT]


@pytest.mark.parametrize("persona", ["other_reviewer", "officer", "bpjs_officer", "province_viewer"])
def test_review_pages_are_404_out_of_scope(request, login, people, open_programme, niur, persona):
    client = login(request.getfixturevalue(persona))

    assert client.get(queue_url(open_programme)).status_code == 404
    assert client.get(village_url(open_programme, niur)).status_code == 404
    response = client.post(bulk_url(open_programme), {"action": "verify", "nominee": [people["budi"].pk]})
    assert response.status_code == 404
    assert statuses(people["budi"]) == [S.SUBMITTED]


@pytest.mark.parametrize("persona", ["officer", "bpjs_officer", "province_viewer"])
def test_queue_is_404_for_roles_that_do_not_review(request, login, people, persona):
    client = login(request.getfixturevalue(persona))

    assert client.get(QUEUE).status_code == 404
    assert client.post(QUEUE, {"q": people["budi"].nik}).status_code == 404


def test_queue_without_programme_says_so(login, reviewer):
    response = login(reviewer).get(QUEUE)

    assert response.status_code == 200
    assert "Belum ada program di kabupaten/kota Anda." in response.content.decode()


def test_other_regency_reviewer_sees_only_their_own_regency(login, other_reviewer, people):
    response = login(other_reviewer).get(QUEUE)

    assert response.context["programme"] is None  # Bengkulu Selatan has no programme yet
    assert "Budi Santoso" not in response.content.decode()


def test_sysadmin_picks_a_programme_of_any_regency(login, sysadmin, people, open_programme, other_regency,
                                                   other_admin):
    other = services.programme_create(
        regency=other_regency, created_by=other_admin, name="Program Bengkulu Selatan", year=2026, stage=1,
        implementing_office="Disnaker BS", coverage_start=open_programme.coverage_start - dt.timedelta(days=1),
        nomination_opens=open_programme.nomination_opens, nomination_closes=open_programme.nomination_closes)
    client = login(sysadmin)

    default = client.get(QUEUE)
    picked = client.get(queue_url(other))

    assert default.context["programme"] == open_programme  # the newest
    assert "(Kabupaten Bengkulu Selatan)" in default.content.decode()  # the picker names each regency
    assert picked.context["programme"] == other
    assert names(picked) == []


# What the queue costs in queries, whatever the number of nominees, villages or pages (listed below).
QUEUE_QUERIES = 11


@pytest.mark.parametrize("villages", [1, 3])
def test_queue_query_count_does_not_grow_with_rows(login, reviewer, open_programme, add, niur, lubuk_sahung, napal,
                                                   officer, neighbour_officer, napal_officer, villages,
                                                   django_assert_num_queries):
    chosen = [(niur, officer, "01"), (lubuk_sahung, neighbour_officer, "01"), (napal, napal_officer, "03")][:villages]
    for number, (village, village_officer, subdistrict) in enumerate(chosen):
        for serial in range(2):
            add(village, village_officer, f"Calon {number}-{serial}", number * 10 + serial + 1, subdistrict=subdistrict)
        submit(open_programme, village, village_officer)
    client = login(reviewer)
    client.get(QUEUE)  # the first page view creates the regency settings: not what is measured

    # 1 user, 2 region assignments (scope), 3 programmes with regency and settings (the current one
    # is chosen among them: no query), 4 status counts (one grouped count, which also gives the
    # paginator its total), 5 the page of nominees with village, subdistrict and occupation (the
    # page's pks chosen in a subquery), 6 other nominations of their NIKs and their lookalikes
    # (review_checks, one UNION), 7 the regency's approvers (accounts.selectors.approval_shortfall:
    # this regency has none), 8 so its verified nominees nobody can approve, counted for the
    # warning, 9 the unread notices badge (base.html), 10 subdistrict choices, 11 occupation
    # choices. The session is read from Redis (common/sessions.py); the village filter is a search
    # box: no query for either.
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(QUEUE)

    assert len(response.context["rows"]) == villages * 2


@pytest.mark.parametrize("extra_villages", [0, 40])
def test_queue_query_count_and_size_do_not_grow_with_the_regency_villages(
        login, reviewer, people, sukaraja, extra_villages, django_assert_num_queries):
    Village.objects.bulk_create([Village(subdistrict=sukaraja, code=f"17.05.01.9{number:03d}",
                                         name=f"Desa Tambahan {number}") for number in range(extra_villages)])
    client = login(reviewer)
    client.get(QUEUE)

    with django_assert_num_queries(QUEUE_QUERIES):  # as above
        response = client.get(QUEUE)

    assert sorted(names(response)) == ["Ahmad Fauzi", "Budi Santoso", "Siti Rahma"]
    assert "Desa Tambahan" not in response.content.decode()  # no <option> per village
    assert "Niur" not in re.sub(r"<tbody>.*</tbody>", "", response.content.decode(), flags=re.S)


@pytest.mark.parametrize("per_village", [2, 60])
def test_queue_query_count_does_not_grow_with_nominees_or_pages(login, reviewer, open_programme, niur, lubuk_sahung,
                                                                add_nominees, per_village, django_assert_num_queries):
    arranged = [*add_nominees(open_programme, niur, per_village, status=S.SUBMITTED),
                *add_nominees(open_programme, lubuk_sahung, per_village, status=S.VERIFIED)]
    client = login(reviewer)
    client.get(QUEUE)
    page_number = 2 if per_village == 60 else 1  # 120 nominees: the second of three pages

    with django_assert_num_queries(QUEUE_QUERIES):  # as above: no COUNT of the paginator's own
        response = client.get(queue_url(open_programme, status="all", page=page_number))

    # Never sent, so no "waiting since": in entry order, 50 a page.
    expected = sorted(nominee.pk for nominee in arranged)[(page_number - 1) * 50:page_number * 50]
    assert [row["nominee"].pk for row in response.context["rows"]] == expected
    page = response.context["page"]
    assert (page.number, page.paginator.num_pages) == (page_number, 3 if per_village == 60 else 1)
    assert [(link["label"], link["count"]) for link in response.context["status_links"]] == [
        ("Semua status", per_village * 2), ("dikirim ke kabupaten", per_village), ("terverifikasi", per_village)]


# --- The village review page ---------------------------------------------------------------------

def test_village_page_shows_checks_and_submission(login, reviewer, people, open_programme, lubuk_sahung,
                                                  neighbour_officer, add):
    # Siti was nominated before in Lubuk Sahung and rejected; Lubuk Sahung now proposes her again
    # under a corrected birth date (same NIK).
    workflow.nominee_decide(nominee=people["siti"], action=Action.REJECT, actor=reviewer, reason_code="age")
    again = add(lubuk_sahung, neighbour_officer, "Siti Rahma Baru", 3, sex="P", birth_date=dt.date(1991, 6, 1),
                nik_birth_date=dt.date(1991, 6, 2))

    response = login(reviewer).get(village_url(open_programme, lubuk_sahung))

    page = response.content.decode()
    rows = {row["nominee"].full_name: row for row in response.context["rows"]}
    assert list(rows) == ["Siti Rahma", "Siti Rahma Baru"]
    checks = rows["Siti Rahma Baru"]["checks"]
    assert checks.confirmed_warnings == ["Tanggal lahir berbeda dengan NIK"]
    assert [(o.village_name, o.status_label) for o in checks.other_nominations] == [("Lubuk Sahung", "ditolak")]
    assert "Dikonfirmasi desa: Tanggal lahir berbeda dengan NIK" in page
    assert "Juga diusulkan di Lubuk Sahung (Perlindungan Pekerja Rentan 2026 — Tahap 1), status: ditolak" in page
    assert "Tanggal lahir di NIK (2 Juni 1991) berbeda dengan tanggal lahir yang diisi (1 Juni 1991)" in page
    assert f"Usia saat mulai kepesertaan: {checks.age_at_start} tahun" in page
    submission = VillageSubmission.objects.get(programme=open_programme, village=lubuk_sahung)
    assert "Joko Susilo" in page
    first_sent = timezone.localtime(submission.first_submitted_at, zoneinfo.ZoneInfo("Asia/Jakarta"))
    assert f"<dt>Pertama dikirim</dt><dd>{format_datetime(first_sent)}</dd>" in page  # "… pukul 10.02 WIB"
    assert "tidak diunggah" in page
    assert again.status == S.DRAFT


@pytest.mark.parametrize("count", [1, 3])
def test_village_page_query_count_does_not_grow_with_nominees(login, reviewer, open_programme, add, niur, officer,
                                                               count, django_assert_num_queries):
    for serial in range(1, count + 1):
        add(niur, officer, f"Calon {serial}", serial)
    submit(open_programme, niur, officer)
    client = login(reviewer)
    client.get(village_url(open_programme, niur))  # the first page view creates the regency settings

    # 1 user, 2 region assignments (scope), 3 the programme with regency and settings,
    # 4 the village with subdistrict and regency, 5 the village's nominees with occupation, 6 other
    # nominations of their NIKs (review_checks), 7 the regency's approvers (approval_shortfall),
    # 8 the submission with its sender, 9 the unread notices badge. (Verified nominees add one
    # query for who verified them.)
    with django_assert_num_queries(9):
        response = client.get(village_url(open_programme, niur))

    assert len(response.context["rows"]) == count


def test_village_page_shows_the_age_limit(login, reviewer, people, open_programme, napal):
    response = login(reviewer).get(village_url(open_programme, napal))

    page = response.content.decode()
    assert response.context["rows"][0]["checks"].near_age_limit is True
    assert "Usia saat mulai kepesertaan: 64 tahun" in page
    assert "Mencapai usia 65 tahun dalam 12 bulan sejak mulai kepesertaan" in page
    assert "NIK cocok dengan tanggal lahir dan jenis kelamin" in page


def test_village_page_says_when_minutes_were_uploaded(login, reviewer, people, open_programme, niur):
    VillageSubmission.objects.filter(village=niur).update(minutes="musdes/2026/niur.pdf")

    page = login(reviewer).get(village_url(open_programme, niur)).content.decode()

    assert "berita acara diunggah (pengiriman" in page
    assert "musdes/2026/niur.pdf" not in page  # no download link until there is a download view


def test_viewer_village_page_masks_nik_and_hides_controls(login, viewer, people, open_programme, lubuk_sahung):
    response = login(viewer).get(village_url(open_programme, lubuk_sahung))

    page = response.content.decode()
    assert people["siti"].nik not in page
    assert people["siti"].nik_masked in page
    assert "NIK tidak cocok dengan data yang diisi" in page  # not the NIK's birth date
    assert "02-06-1991" not in page
    assert 'name="nominee"' not in page
    assert response.context["whole_village"] == []


def test_village_of_another_regency_is_404(login, reviewer, open_programme, other_regency):
    village = Village.objects.filter(subdistrict__regency=other_regency).first()

    assert login(reviewer).get(village_url(open_programme, village)).status_code == 404


def test_village_page_whole_village_button_counts(login, reviewer, approver, people, open_programme, niur):
    reviewer_page = login(reviewer).get(village_url(open_programme, niur))
    approver_page = login(approver).get(village_url(open_programme, niur))

    assert [b["label"] for b in reviewer_page.context["whole_village"]] == [
        "Verifikasi semua yang dikirim ke kabupaten (1)"]
    assert [b["label"] for b in approver_page.context["whole_village"]] == [
        "Verifikasi semua yang dikirim ke kabupaten (1)", "Setujui semua yang terverifikasi (1)"]
    assert "Setujui semua yang terverifikasi (1)" in approver_page.content.decode()


# --- Bulk decisions ------------------------------------------------------------------------------

@pytest.fixture
def elsewhere(other_regency, other_admin, make_nominee, open_programme):
    """A submitted nominee of Bengkulu Selatan: out of Seluma's reviewers' scope."""
    programme = services.programme_create(
        regency=other_regency, created_by=other_admin, name="Program BS", year=2026, stage=1,
        implementing_office="Disnaker BS", coverage_start=open_programme.coverage_start,
        nomination_opens=open_programme.nomination_opens, nomination_closes=open_programme.nomination_closes)
    village = Village.objects.filter(subdistrict__regency=other_regency, kind="desa").order_by("code").first()
    village_officer = user_create(username="op-bs", role=Role.VILLAGE_OFFICER, regions=[village],
                                  password="x-123456789", must_change_password=False)
    nominee = make_nominee(programme, village, village_officer, nik=nik_for(BORN, "L", 9, regency="1701"),
                           full_name="Orang Bengkulu Selatan")
    submit(programme, village, village_officer)
    return nominee


def test_bulk_verify_a_mixed_selection(login, reviewer, approver, people, open_programme, elsewhere):
    budi, siti, ahmad = people["budi"], people["siti"], people["ahmad"]
    # Bambang verified Siti while Sri's page still showed her as submitted.
    workflow.nominee_decide(nominee=siti, action=Action.VERIFY, actor=approver)
    decided = NomineeEvent.objects.filter(nominee=siti).latest("created_at").created_at
    client = login(reviewer)

    response = client.post(bulk_url(open_programme), {
        "confirmed": "yes", "action": "verify", "reason_code": "", "reason": "",
        "nominee": [budi.pk, siti.pk, ahmad.pk, elsewhere.pk, "abc"],
        f"seen-{budi.pk}": "submitted", f"seen-{siti.pk}": "submitted", f"seen-{ahmad.pk}": "submitted",
        f"seen-{elsewhere.pk}": "submitted",
        "next": queue_url(open_programme),
    })

    assert response.status_code == 302
    assert response["Location"] == queue_url(open_programme)
    assert statuses(budi, siti, ahmad, elsewhere) == [S.VERIFIED, S.VERIFIED, S.VERIFIED, S.SUBMITTED]
    assert NomineeEvent.objects.filter(nominee=siti, to_status=S.VERIFIED).get().actor == approver
    when = timezone.localtime(decided, zoneinfo.ZoneInfo("Asia/Jakarta"))
    assert messages_of(response) == [
        "2 calon diverifikasi.",
        "1 tidak bisa diubah:\n– Siti Rahma sudah diputuskan oleh Bambang Irawan pada "
        f"{format_datetime(when)}: status sekarang 'terverifikasi'. Muat ulang halaman.",
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Orang Bengkulu Selatan" not in page


def test_whole_village_approve_after_reviewer_verified(login, reviewer, approver, people, open_programme, niur):
    budi, dewi = people["budi"], people["dewi"]
    verified = login(reviewer).post(bulk_url(open_programme), {"confirmed": "yes", "action": "verify",
                                                               "village": niur.pk,
                                                               "next": village_url(open_programme, niur)})
    assert messages_of(verified) == ["1 calon diverifikasi."]
    assert statuses(budi, dewi) == [S.VERIFIED, S.VERIFIED]

    client = login(approver)
    page = client.get(village_url(open_programme, niur))
    assert [b["label"] for b in page.context["whole_village"]] == ["Setujui semua yang terverifikasi (2)"]
    response = client.post(bulk_url(open_programme), {"confirmed": "yes", "action": "approve", "village": niur.pk,
                                                      "next": village_url(open_programme, niur)})

    assert response["Location"] == village_url(open_programme, niur)
    assert messages_of(response) == ["2 calon disetujui."]
    assert statuses(budi, dewi, people["siti"]) == [S.APPROVED, S.APPROVED, S.SUBMITTED]
    assert list(NomineeEvent.objects.filter(nominee=budi).values_list("actor__username", "to_status")) == [
        ("op-niur", S.DRAFT), ("op-niur", S.SUBMITTED), ("verifikator-seluma", S.VERIFIED),
        ("penyetuju-seluma", S.APPROVED)]


def test_whole_village_of_another_regency_is_404(login, reviewer, people, open_programme, elsewhere):
    response = login(reviewer).post(bulk_url(open_programme), {"action": "verify", "village": elsewhere.village_id})

    assert response.status_code == 404
    assert statuses(elsewhere) == [S.SUBMITTED]


def test_return_without_reason_is_refused_and_nothing_changes(login, reviewer, people, open_programme):
    budi, siti = people["budi"], people["siti"]
    events_before = NomineeEvent.objects.count()

    response = login(reviewer).post(bulk_url(open_programme), {
        "action": "return", "reason_code": "", "reason": "", "nominee": [budi.pk, siti.pk]})

    assert response["Location"] == queue_url(open_programme)
    assert messages_of(response) == ["Keputusan belum disimpan: Pilih alasan mengembalikan atau menolak."]
    assert statuses(budi, siti) == [S.SUBMITTED, S.SUBMITTED]
    assert NomineeEvent.objects.count() == events_before


def test_return_with_reason(login, reviewer, people, open_programme):
    budi = people["budi"]

    response = login(reviewer).post(bulk_url(open_programme), {
        "confirmed": "yes", "action": "return", "reason_code": "kk_mismatch", "reason": "Foto KK buram", "nominee": [budi.pk],
        f"seen-{budi.pk}": "submitted"})

    saved = Nominee.objects.get(pk=budi.pk)
    assert (saved.status, saved.status_reason) == (
        S.RETURNED, "Nomor KK tidak sesuai kartu keluarga: Foto KK buram")
    assert messages_of(response) == ["1 calon dikembalikan ke desa."]


def test_four_eyes_through_the_page(login, approver, people, open_programme, niur):
    budi = people["budi"]
    client = login(approver)
    client.post(bulk_url(open_programme), {"confirmed": "yes", "action": "verify", "nominee": [budi.pk], f"seen-{budi.pk}": "submitted"})

    page = client.get(village_url(open_programme, niur))
    response = client.post(bulk_url(open_programme), {"confirmed": "yes", "action": "approve", "nominee": [budi.pk],
                                                      f"seen-{budi.pk}": "verified"})

    html = page.content.decode()
    assert ("Diverifikasi oleh Bambang Irawan (Anda) — <span class=\"warn-mark\">persetujuan harus oleh penyetuju "
            "lain.</span>") in html
    assert "Diverifikasi oleh Sri Wahyuni</p>" in html  # Dewi: Bambang may approve her
    assert messages_of(response) == [
        "1 tidak bisa diubah:\n– Budi Santoso: Anda yang memverifikasi calon ini; persetujuan harus oleh "
        "penyetuju lain."]
    assert statuses(budi) == [S.VERIFIED]


def test_nothing_ticked(login, reviewer, people, open_programme):
    response = login(reviewer).post(bulk_url(open_programme), {"action": "verify"})

    assert messages_of(response) == ["Tidak ada calon yang diputuskan: centang dulu calon yang dimaksud."]


def test_next_to_another_site_is_ignored(login, reviewer, people, open_programme):
    budi = people["budi"]

    response = login(reviewer).post(bulk_url(open_programme), {
        "confirmed": "yes", "action": "verify", "nominee": [budi.pk], "next": "https://contoh.example/curang"})

    assert response["Location"] == queue_url(open_programme)
    assert statuses(budi) == [S.VERIFIED]


@pytest.mark.parametrize("persona", ["viewer", "regency_admin"])
def test_staff_who_only_read_cannot_decide(request, login, people, open_programme, persona):
    response = login(request.getfixturevalue(persona)).post(bulk_url(open_programme), {
        "action": "verify", "nominee": [people["budi"].pk]})

    assert response.status_code == 404  # not theirs to do: 404, as everywhere (docs/architecture.md)
    assert statuses(people["budi"]) == [S.SUBMITTED]


def test_bulk_decide_needs_post(login, reviewer, open_programme):
    assert login(reviewer).get(bulk_url(open_programme)).status_code == 405


# --- Bulk decisions ask first, and can cover a whole village from the queue -------------------------

def hidden_fields(page):
    """The confirmation form's hidden fields, as (name, value) pairs, in page order."""
    return [(html.unescape(name), html.unescape(value))
            for name, value in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)"', page)]


def test_a_whole_village_decision_asks_first_and_changes_nothing(login, reviewer, people, open_programme, niur, add,
                                                                 officer):
    extra = add(niur, officer, "Eko Prasetyo", 5)
    submit(open_programme, niur, officer)
    client = login(reviewer)

    response = client.post(bulk_url(open_programme), {"action": "verify", "village": niur.pk,
                                                      "next": village_url(open_programme, niur)})

    assert response.status_code == 200
    assert response.templates[0].name == "registrations/review_bulk_confirm.html"
    page = response.content.decode()
    assert "Verifikasi 2 calon Desa Niur?" in page
    assert "<li>Budi Santoso</li><li>Eko Prasetyo</li>" in page
    assert "Ya, verifikasi 2 calon" in page and "Batal, kembali" in page
    assert statuses(people["budi"], extra) == [S.SUBMITTED, S.SUBMITTED]  # nothing decided yet
    assert not NomineeEvent.objects.filter(to_status=S.VERIFIED, actor=reviewer).exclude(
        nominee=people["dewi"]).exists()

    # The confirmation's form sends the same decision again, confirmed: now it is made.
    fields = hidden_fields(page)
    assert ("confirmed", "yes") in fields and ("village", str(niur.pk)) in fields
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    confirmed = client.post(bulk_url(open_programme), data)

    assert confirmed["Location"] == village_url(open_programme, niur)
    assert messages_of(confirmed) == ["2 calon diverifikasi."]
    assert statuses(people["budi"], extra) == [S.VERIFIED, S.VERIFIED]


def test_the_confirmation_names_the_selection_and_the_reason(login, reviewer, people, open_programme):
    budi, siti = people["budi"], people["siti"]

    response = login(reviewer).post(bulk_url(open_programme), {
        "action": "return", "reason_code": "kk_mismatch", "reason": "Foto KK buram", "nominee": [budi.pk, siti.pk],
        f"seen-{budi.pk}": "submitted", f"seen-{siti.pk}": "submitted", "next": queue_url(open_programme)})

    page = response.content.decode()
    assert "Kembalikan ke desa 2 calon?" in page
    assert "<strong>2 calon</strong> akan dikembalikan ke desa dengan alasan <strong>Nomor KK tidak sesuai kartu " \
           "keluarga</strong>: “Foto KK buram”." in page
    fields = hidden_fields(page)
    assert {("nominee", str(budi.pk)), ("nominee", str(siti.pk)), (f"seen-{budi.pk}", "submitted"),
            ("reason_code", "kk_mismatch"), ("reason", "Foto KK buram")} <= set(fields)
    assert statuses(budi, siti) == [S.SUBMITTED, S.SUBMITTED]


def test_queue_offers_every_row_of_a_village_that_does_not_fit_on_the_page(
        login, reviewer, open_programme, niur, officer, add, monkeypatch):
    from registrations.review import views as review_views

    monkeypatch.setattr(review_views, "PAGE_SIZE", 2)
    people = [add(niur, officer, f"Calon {serial}", serial) for serial in range(1, 6)]
    submit(open_programme, niur, officer)
    client = login(reviewer)

    response = client.get(QUEUE, {"programme": open_programme.pk, "village": niur.code})

    assert response.context["village_choice"]["count"] == 5
    page = response.content.decode()
    assert "Pilih semua 5 calon di desa Niur" in page
    filters = response.context["village_choice"]["filters"]

    # Chosen (the JavaScript enables the village and filters fields) and confirmed: all five, not two.
    asked = client.post(bulk_url(open_programme), {"action": "verify", "village": niur.pk, "filters": filters})
    assert "Verifikasi 5 calon Desa Niur?" in asked.content.decode()
    client.post(bulk_url(open_programme), {"action": "verify", "village": niur.pk, "filters": filters,
                                           "confirmed": "yes"})
    assert set(statuses(*people)) == {S.VERIFIED}


def test_every_row_of_a_village_means_those_the_filters_show(login, reviewer, open_programme, niur, officer, add):
    people = [add(niur, officer, name, serial) for serial, name in enumerate(["Budi A", "Budi B", "Citra"], 1)]
    submit(open_programme, niur, officer)
    filters = f"programme={open_programme.pk}&status=submitted&q=Budi&village={niur.code}"

    login(reviewer).post(bulk_url(open_programme), {"action": "verify", "village": niur.pk, "filters": filters,
                                                    "confirmed": "yes"})

    assert statuses(*people) == [S.VERIFIED, S.VERIFIED, S.SUBMITTED]


def test_a_village_that_fits_on_the_page_needs_no_offer(login, reviewer, people, open_programme, niur):
    response = login(reviewer).get(QUEUE, {"programme": open_programme.pk, "village": niur.code})

    assert response.context["village_choice"] is None
    assert "data-select-village" not in response.content.decode()


def test_the_bulk_bar_and_select_all_come_before_the_list(login, reviewer, people, open_programme, niur):
    client = login(reviewer)

    queue = client.get(queue_url(open_programme)).content.decode()
    village = client.get(village_url(open_programme, niur)).content.decode()

    assert queue.index('id="keputusan-massal"') < queue.index("<table")
    assert 'data-select-all' in queue[queue.index("<thead>"):queue.index("</thead>")]
    assert village.index('id="keputusan-massal"') < village.index('<ol class="nominees">')
    assert "Pilih semua calon desa ini (2)" in village
    # Select-all is static/js/app.js's: every script of the page is a file (the CSP allows no other).
    assert all(' src="' in tag for tag in re.findall(r"<script[^>]*>", queue + village))
