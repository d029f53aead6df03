"""reports/services.py: coverage inputs, their validation, permission and the recompute trigger."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reports import services
from reports.models import CoverageTarget, OfficialFigure, VillageDenominator
from villages.models import Province

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def scheduled(announced):
    """The regency ids the services announced as changed after commit, which the coverage listener
    recomputes (run the callbacks with django_capture_on_commit_callbacks(execute=True))."""
    return announced


def target_set(region, user, **overrides):
    fields = {"year": 2026, "target_percent": "46.80", "working_population": 100_000,
              "population_source": "BPS Sakernas Agustus 2025"} | overrides
    return services.coverage_target_set(region=region, entered_by=user, **fields)


def figure_record(region, user, **overrides):
    fields = {"as_of": AS_OF, "active_pu": 30_000, "active_bpu": 8_000, "active_jakon": 400, "active_pmi": 50,
              "denominator": 100_000, "published_percent": "38.45", "source_document": "Surat BPJS Kacab Bengkulu"}
    return services.official_figure_record(region=region, entered_by=user, **fields | overrides)


# --- Targets ---------------------------------------------------------------------------------------


def test_a_target_is_set_then_replaced(seluma, regency_admin, approver, scheduled,
                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = target_set(seluma, regency_admin)
        second = target_set(seluma, approver, target_percent=Decimal("50"), working_population=98_765,
                            population_source="  BPS Sakernas Agustus 2025 (revisi)  ")

    assert second.pk == first.pk
    assert list(CoverageTarget.objects.values_list("regency__code", "year", "target_percent", "working_population",
                                                   "population_source", "entered_by")) == [
        ("17.05", 2026, Decimal("50.00"), 98_765, "BPS Sakernas Agustus 2025 (revisi)", approver.pk)]
    assert [record.history_user for record in second.history.order_by("history_date")] == [regency_admin, approver]
    assert scheduled == [seluma.pk, seluma.pk]


def test_a_province_target_is_the_system_administrators_and_schedules_nothing(
        seluma, sysadmin, regency_admin, scheduled, django_capture_on_commit_callbacks):
    bengkulu = Province.objects.get(code="17")

    with django_capture_on_commit_callbacks(execute=True):
        target = target_set(bengkulu, sysadmin)

    assert (target.province, target.regency) == (bengkulu, None)
    assert scheduled == []
    with pytest.raises(PermissionDenied):
        target_set(bengkulu, regency_admin)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"target_percent": "100.5"}, "Target UCJ harus antara 0 dan 100 persen."),
    ({"target_percent": "46.805"}, "Target UCJ paling banyak dua angka di belakang koma."),
    ({"target_percent": "empat puluh"}, "Target UCJ 'empat puluh' harus berupa angka persen, mis. 46,80."),
    ({"working_population": 0}, "Jumlah penduduk bekerja harus lebih dari 0."),
    ({"working_population": "100000"}, "Jumlah penduduk bekerja harus bilangan bulat."),
    ({"year": 2010}, "Tahun 2010 tidak valid: isi tahun antara 2015 dan {last}."),
])
def test_an_impossible_target_is_refused(seluma, regency_admin, overrides, message):
    from reports.coverage import coverage_today

    with pytest.raises(ValidationError) as error:
        target_set(seluma, regency_admin, **overrides)

    assert error.value.messages == [message.format(last=coverage_today().year + 1)]
    assert not CoverageTarget.objects.exists()


@pytest.mark.parametrize("persona", ["reviewer", "viewer", "bpjs_officer", "officer", "other_admin",
                                     "province_viewer"])
def test_only_the_regencys_admin_approver_or_system_administrator_enter_figures(request, seluma, persona):
    user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied) as error:
        target_set(seluma, user)

    assert str(error.value) == "Anda tidak berwenang mengisi data cakupan untuk Kabupaten Seluma."
    assert not CoverageTarget.objects.exists()


# --- Official figures ------------------------------------------------------------------------------


def test_an_official_figure_is_recorded_as_reported(seluma, regency_admin, scheduled,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        figure = figure_record(seluma, regency_admin)

    assert (figure.numerator, figure.denominator, figure.published_percent) == (38_450, 100_000, Decimal("38.45"))
    assert figure.source_document == "Surat BPJS Kacab Bengkulu"
    assert scheduled == [seluma.pk]


def test_a_second_figure_for_the_same_date_replaces_the_first(seluma, regency_admin):
    figure_record(seluma, regency_admin)
    figure_record(seluma, regency_admin, active_pu=31_000, published_percent=None)
    figure_record(seluma, regency_admin, as_of=dt.date(2026, 3, 31))

    assert list(OfficialFigure.objects.values_list("as_of", "active_pu", "published_percent")) == [
        (AS_OF, 31_000, None), (dt.date(2026, 3, 31), 30_000, Decimal("38.45"))]


def test_a_subdistrict_figure_schedules_its_regency(seluma, sukaraja, approver, scheduled,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        figure = figure_record(sukaraja, approver, active_pu=900, active_bpu=100, active_jakon=0, active_pmi=0,
                               denominator=10_000)

    assert (figure.subdistrict, figure.numerator) == (sukaraja, 1_000)
    assert scheduled == [seluma.pk]


@pytest.mark.parametrize(("overrides", "message"), [
    ({"as_of": dt.date(2999, 1, 1)}, "Tanggal angka resmi (1 Januari 2999) tidak boleh di masa depan."),
    ({"as_of": dt.date(2010, 1, 1)}, "Tanggal angka resmi (1 Januari 2010) terlalu lama: paling awal 2015."),
    ({"active_bpu": -1}, "Peserta aktif BPU tidak boleh negatif."),
    ({"denominator": 0}, "Jumlah penduduk bekerja (penyebut) harus lebih dari 0."),
    ({"denominator": 30_000}, "Jumlah peserta aktif (38.450) melebihi penduduk bekerja (30.000): "
                              "periksa kembali angkanya."),
    ({"published_percent": "120"}, "UCJ yang dipublikasikan harus antara 0 dan 100 persen."),
])
def test_an_impossible_figure_is_refused(seluma, regency_admin, overrides, message):
    with pytest.raises(ValidationError) as error:
        figure_record(seluma, regency_admin, **overrides)

    assert error.value.messages == [message]
    assert not OfficialFigure.objects.exists()


def test_a_village_is_not_a_region_with_official_figures(niur, regency_admin):
    with pytest.raises(ValidationError) as error:
        figure_record(niur, regency_admin)

    assert error.value.messages == ["Wilayah harus salah satu dari: kabupaten/kota, provinsi, kecamatan."]


def test_another_regencys_admin_cannot_record_seluma_figures(seluma, sukaraja, other_admin):
    with pytest.raises(PermissionDenied):
        figure_record(sukaraja, other_admin)


# --- Village denominators --------------------------------------------------------------------------


def test_a_village_denominator_is_set_then_replaced(seluma, niur, regency_admin, scheduled,
                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.village_denominator_set(village=niur, year=2026, working_residents=800, source="Profil desa",
                                         entered_by=regency_admin)
        services.village_denominator_set(village=niur, year=2026, working_residents=850,
                                         entered_by=regency_admin)

    assert list(VillageDenominator.objects.values_list("village", "year", "working_residents", "source")) == [
        (niur.pk, 2026, 850, "")]
    assert scheduled == [seluma.pk, seluma.pk]


def test_a_village_officer_cannot_set_the_village_denominator(niur, officer):
    with pytest.raises(PermissionDenied):
        services.village_denominator_set(village=niur, year=2026, working_residents=800, entered_by=officer)


def test_a_village_denominator_must_be_positive(niur, regency_admin):
    with pytest.raises(ValidationError) as error:
        services.village_denominator_set(village=niur, year=2026, working_residents=0, entered_by=regency_admin)

    assert error.value.messages == ["Jumlah penduduk bekerja desa harus lebih dari 0."]
