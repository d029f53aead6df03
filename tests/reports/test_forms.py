"""reports/forms.py through the entry pages: the year's target, official figures (regency and
subdistrict), village denominators. Each saves exactly what was typed, through reports/services.py,
and explains bad input in Indonesian."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from reports import services
from reports.coverage import coverage_today
from reports.forms import OfficialFigureForm, PlannerForm
from reports.models import CoverageTarget, OfficialFigure, VillageDenominator
from villages.models import Subdistrict, Village

from .conftest import AS_OF, YEAR


def _table_rows(html: str) -> list[list[str]]:
    """The text of each cell of the page's first table body, row by row."""
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def _errors(response) -> dict:
    assert response.status_code == 200, "a refused form is shown again"
    form = response.context["form"]
    return {name: [str(message) for message in messages] for name, messages in form.errors.items()}


# --- Target ----------------------------------------------------------------------------------------

TARGET = {"year": "2026", "target_percent": "46,80", "working_population": "100000",
          "population_source": "BPS Sakernas Agustus 2025"}


@pytest.mark.parametrize("persona", ["regency_admin", "approver", "sysadmin"])
def test_target_form_saves_the_exact_values(request, login, seluma, persona):
    user = request.getfixturevalue(persona)

    response = login(user).post(reverse("reports:target-edit", args=[seluma.pk]), TARGET)

    assert response.status_code == 302
    assert response["Location"] == reverse("reports:regency-detail", args=[seluma.pk])
    target = CoverageTarget.objects.get()
    assert (target.regency, target.year, target.target_percent, target.working_population, target.population_source,
            target.entered_by) == (seluma, 2026, Decimal("46.80"), 100_000, "BPS Sakernas Agustus 2025", user)
    # The percent and the thousands the Indonesian way (common.formatting), not "46.80%".
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "Target UCJ 2026 disimpan: 46,80% dari 100.000 penduduk bekerja."]


def test_target_form_reads_the_percent_in_any_browser_language(login, regency_admin, seluma):
    response = login(regency_admin).post(reverse("reports:target-edit", args=[seluma.pk]),
                                         {**TARGET, "target_percent": "46,8 %", "working_population": "1.250.000"},
                                         HTTP_ACCEPT_LANGUAGE="en")

    assert CoverageTarget.objects.values_list("target_percent", "working_population").get() == (
        Decimal("46.80"), 1_250_000)
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "Target UCJ 2026 disimpan: 46,80% dari 1.250.000 penduduk bekerja."]


def test_target_form_reads_thousands_written_with_dots(login, regency_admin, seluma):
    login(regency_admin).post(reverse("reports:target-edit", args=[seluma.pk]),
                              {**TARGET, "working_population": "231.000"})

    assert CoverageTarget.objects.get().working_population == 231_000


def test_target_form_replaces_the_year_and_is_prefilled(login, regency_admin, seluma):
    client = login(regency_admin)
    client.post(reverse("reports:target-edit", args=[seluma.pk]), TARGET)

    client.post(reverse("reports:target-edit", args=[seluma.pk]), {**TARGET, "target_percent": "47.5"})
    response = client.get(reverse("reports:target-edit", args=[seluma.pk]), {"tahun": "2026"})

    assert list(CoverageTarget.objects.values_list("year", "target_percent")) == [(2026, Decimal("47.50"))]
    assert response.context["form"].initial["target_percent"] == Decimal("47.50")
    assert response.context["targets"] == [CoverageTarget.objects.get()]


@pytest.mark.parametrize(("changes", "errors"), [
    ({"target_percent": "120"}, {"target_percent": ["Persentase tidak boleh lebih dari 100."]}),
    ({"target_percent": "46,805"}, {"target_percent": ["Persentase paling banyak 2 angka di belakang koma."]}),
    ({"target_percent": "empat puluh"}, {"target_percent": ["Tulis persentase sebagai angka, mis. 46,80."]}),
    ({"working_population": ""}, {"working_population": ["Isi jumlah penduduk bekerja."]}),
    ({"working_population": "0"}, {"working_population": ["Harus lebih dari 0."]}),
    ({"working_population": "100.5"}, {"working_population": ["Tulis angka bulat, mis. 25400 atau 25.400."]}),
    ({"population_source": ""}, {"population_source": [
        "Isi sumber data penduduk bekerja, mis. BPS Sakernas Agustus 2024."]}),
    ({"year": "2010"}, {"year": ["Pilih tahun dari daftar."]}),
])
def test_target_form_explains_bad_input(login, regency_admin, seluma, changes, errors):
    response = login(regency_admin).post(reverse("reports:target-edit", args=[seluma.pk]), {**TARGET, **changes})

    assert _errors(response) == errors
    assert errors[next(iter(errors))][0] in response.content.decode()
    assert not CoverageTarget.objects.exists()


# --- Official figures ------------------------------------------------------------------------------

FIGURE = {"as_of": "2026-06-30", "active_pu": "20000", "active_bpu": "15000", "active_jakon": "3000",
          "active_pmi": "450", "denominator": "100000", "published_percent": "38,45",
          "source_document": "Surat BPJS Cabang Bengkulu 12/2026"}


def test_official_figure_form_saves_the_exact_values(login, approver, seluma):
    response = login(approver).post(reverse("reports:figure-list", args=[seluma.pk]), FIGURE)

    assert response.status_code == 302
    figure = OfficialFigure.objects.get()
    assert (figure.regency, figure.subdistrict, figure.as_of, figure.active_pu, figure.active_bpu, figure.active_jakon,
            figure.active_pmi, figure.denominator, figure.published_percent, figure.source_document,
            figure.entered_by) == (seluma, None, AS_OF, 20_000, 15_000, 3_000, 450, 100_000, Decimal("38.45"),
                                   "Surat BPJS Cabang Bengkulu 12/2026", approver)


def test_official_figure_form_for_a_subdistrict_with_blank_segments_as_zero(login, regency_admin, seluma, sukaraja):
    data = {"subdistrict": str(sukaraja.pk), "as_of": "2026-06-30", "active_bpu": "2000", "denominator": "10000"}

    login(regency_admin).post(reverse("reports:figure-list", args=[seluma.pk]), data)

    figure = OfficialFigure.objects.get()
    assert (figure.regency, figure.subdistrict, figure.active_pu, figure.active_bpu, figure.active_jakon,
            figure.active_pmi, figure.published_percent, figure.source_document) == (
        None, sukaraja, 0, 2_000, 0, 0, None, "")


@pytest.mark.parametrize(("changes", "errors"), [
    ({"as_of": ""}, {"as_of": ["Isi tanggal data BPJS."]}),
    ({"as_of": "2026-02-31"}, {"as_of": ["Tanggal tidak valid."]}),
    ({"active_pu": "-5"}, {"active_pu": ["Tidak boleh negatif."]}),
    ({"active_bpu": "1,5"}, {"active_bpu": ["Tulis angka bulat, mis. 25400 atau 25.400."]}),
    ({"denominator": ""}, {"denominator": [
        "Isi penduduk bekerja (penyebut); tanpa penyebut UCJ tidak bisa dihitung."]}),
    ({"published_percent": "101"}, {"published_percent": ["Persentase tidak boleh lebih dari 100."]}),
    ({"source_document": "x" * 201}, {"source_document": ["Paling panjang 200 karakter."]}),
    # The service's rule, shown on the form:
    ({"denominator": "30000"}, {"__all__": [
        "Jumlah peserta aktif (38.450) melebihi penduduk bekerja (30.000): periksa kembali angkanya."]}),
])
def test_official_figure_form_explains_bad_input(login, regency_admin, seluma, changes, errors):
    response = login(regency_admin).post(reverse("reports:figure-list", args=[seluma.pk]), {**FIGURE, **changes})

    assert _errors(response) == errors
    assert not OfficialFigure.objects.exists()


def test_official_figure_form_refuses_a_future_date(seluma):
    tomorrow = coverage_today() + dt.timedelta(days=1)
    form = OfficialFigureForm({**FIGURE, "as_of": tomorrow.isoformat()}, regency=seluma)

    assert form.errors == {"as_of": ["Tanggal data tidak boleh sesudah hari ini."]}


def test_official_figure_form_offers_only_the_regencys_subdistricts(login, regency_admin, seluma, other_regency):
    elsewhere = Subdistrict.objects.filter(regency=other_regency).first()

    response = login(regency_admin).post(reverse("reports:figure-list", args=[seluma.pk]),
                                         {**FIGURE, "subdistrict": str(elsewhere.pk)})

    assert _errors(response) == {"subdistrict": ["Pilih kecamatan dari daftar."]}
    assert list(response.context["form"].fields["subdistrict"].queryset.values_list("code", flat=True)) == [
        f"17.05.{number:02d}" for number in range(1, 15)]


def test_official_figure_list_is_newest_first_with_numerator_and_percent(login, regency_admin, seluma, sukaraja):
    services.official_figure_record(region=seluma, as_of=dt.date(2025, 12, 31), active_pu=30_000, denominator=100_000,
                                    published_percent=Decimal("30.00"), entered_by=regency_admin)
    services.official_figure_record(region=seluma, as_of=AS_OF, active_pu=20_000, active_bpu=15_000,
                                    active_jakon=3_000, active_pmi=450, denominator=100_000, entered_by=regency_admin)
    services.official_figure_record(region=sukaraja, as_of=AS_OF, active_bpu=2_000, denominator=10_000,
                                    entered_by=regency_admin)

    response = login(regency_admin).get(reverse("reports:figure-list", args=[seluma.pk]))

    figures = response.context["figures"]
    assert [(f.as_of, f.subdistrict, f.numerator, f.computed_percent) for f in figures] == [
        (AS_OF, None, 38_450, Decimal("38.45")),
        (AS_OF, sukaraja, 2_000, Decimal("20.00")),
        (dt.date(2025, 12, 31), None, 30_000, Decimal("30.00")),
    ]
    assert _table_rows(response.content.decode()) == [
        ["30 Juni 2026", "Kabupaten Seluma", "20.000", "15.000", "3.000", "450", "38.450", "100.000", "38,45%", "—",
         "—"],
        ["30 Juni 2026", "Kec. Sukaraja", "0", "2.000", "0", "0", "2.000", "10.000", "20,00%", "—", "—"],
        ["31 Desember 2025", "Kabupaten Seluma", "30.000", "0", "0", "0", "30.000", "100.000", "30,00%", "30,00%", "—"],
    ]


# --- Village denominators --------------------------------------------------------------------------

def test_denominators_page_lists_the_subdistricts_villages(login, regency_admin, sukaraja, niur):
    response = login(regency_admin).get(reverse("reports:denominator-edit", args=[sukaraja.pk]), {"tahun": "2026"})

    form = response.context["form"]
    assert len(form.villages) == 21
    assert form.villages[0].code == "17.05.01.1001"
    assert niur in form.villages
    assert response.context["year"] == 2026
    assert f'name="penduduk_{niur.pk}"' in response.content.decode()


def test_denominators_save_the_villages_with_a_number(login, regency_admin, sukaraja, niur, lubuk_sahung):
    data = {"year": "2026", f"penduduk_{niur.pk}": "4040", f"sumber_{niur.pk}": "Profil desa 2025",
            f"penduduk_{lubuk_sahung.pk}": "1250"}

    response = login(regency_admin).post(reverse("reports:denominator-edit", args=[sukaraja.pk]), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("reports:subdistrict-detail", args=[sukaraja.pk])
    assert sorted(VillageDenominator.objects.values_list("village__code", "year", "working_residents", "source")) == [
        ("17.05.01.2002", 2026, 4_040, "Profil desa 2025"),
        ("17.05.01.2003", 2026, 1_250, ""),
    ]


def test_denominators_are_prefilled_and_unchanged_ones_are_not_written_again(login, regency_admin, sukaraja, niur,
                                                                             lubuk_sahung):
    services.village_denominator_set(village=niur, year=YEAR, working_residents=4_040, source="Profil desa",
                                     entered_by=regency_admin)
    client = login(regency_admin)
    form = client.get(reverse("reports:denominator-edit", args=[sukaraja.pk]), {"tahun": "2026"}).context["form"]
    assert (form.initial[f"penduduk_{niur.pk}"], form.initial[f"sumber_{niur.pk}"]) == (4_040, "Profil desa")

    client.post(reverse("reports:denominator-edit", args=[sukaraja.pk]), {
        "year": "2026", f"penduduk_{niur.pk}": "4040", f"sumber_{niur.pk}": "Profil desa",
        f"penduduk_{lubuk_sahung.pk}": "1250"})

    assert VillageDenominator.history.filter(village=niur).count() == 1
    assert VillageDenominator.objects.get(village=lubuk_sahung).working_residents == 1_250


@pytest.mark.parametrize(("value", "message"), [
    ("0", "Harus lebih dari 0."),
    ("-3", "Harus lebih dari 0."),
    ("banyak", "Tulis angka bulat, mis. 25400 atau 25.400."),
])
def test_denominators_explain_bad_input(login, regency_admin, sukaraja, niur, value, message):
    response = login(regency_admin).post(reverse("reports:denominator-edit", args=[sukaraja.pk]),
                                         {"year": "2026", f"penduduk_{niur.pk}": value})

    assert _errors(response) == {f"penduduk_{niur.pk}": [message]}
    assert message in response.content.decode()
    assert not VillageDenominator.objects.exists()


def test_denominators_page_covers_only_the_subdistricts_villages(login, regency_admin, sukaraja):
    elsewhere = Village.objects.filter(subdistrict__code="17.05.02").first()

    login(regency_admin).post(reverse("reports:denominator-edit", args=[sukaraja.pk]),
                              {"year": "2026", f"penduduk_{elsewhere.pk}": "500"})

    assert not VillageDenominator.objects.exists()


# --- The planner form on its own ---------------------------------------------------------------------

@pytest.mark.parametrize(("data", "cleaned"), [
    ({"tambah": "1000"}, {"tambah": 1_000, "target": None}),
    ({"target": "46,8"}, {"tambah": None, "target": Decimal("46.8")}),
    ({"target": "46.80"}, {"tambah": None, "target": Decimal("46.80")}),
])
def test_planner_form_reads_workers_and_targets(data, cleaned):
    form = PlannerForm(data)

    assert form.is_valid()
    assert form.cleaned_data == cleaned
