"""Coverage (UCJ, DOMAIN.md §4): yearly targets, official figures as BPJS reports them, village
denominators, and the dated snapshots the dashboards read.

The official UCJ cannot be recomputed from public inputs, so OfficialFigure stores it as reported;
reports/coverage/ computes on top of it and writes CoverageSnapshot rows (one per region and
day; a rerun the same day replaces that day's row, so history accumulates one row a day).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("provinsi")
    REGENCY = "regency", _("kabupaten/kota")
    SUBDISTRICT = "subdistrict", _("kecamatan")
    VILLAGE = "village", _("desa/kelurahan")


def _one_region(prefix: str, levels: tuple[str, ...]) -> models.CheckConstraint:
    """Exactly one of the region foreign keys is set."""
    condition = Q()
    for level in levels:
        only = Q(**{f"{level}__isnull": False}) & Q(**{f"{other}__isnull": True for other in levels if other != level})
        condition |= only
    return models.CheckConstraint(name=f"{prefix}_one_region", condition=condition)


class CoverageTarget(models.Model):
    """The year's UCJ target for a regency or a province, and the working population it is measured
    against (e.g. "BPS Sakernas Agustus 2024"), entered by staff."""

    province = models.ForeignKey("villages.Province", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="coverage_targets")
    regency = models.ForeignKey("villages.Regency", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="coverage_targets")
    year = models.PositiveSmallIntegerField(_("tahun"))
    target_percent = models.DecimalField(_("target UCJ (%)"), max_digits=5, decimal_places=2)
    working_population = models.PositiveIntegerField(_("penduduk bekerja"))
    population_source = models.CharField(_("sumber data penduduk bekerja"), max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target UCJ")
        verbose_name_plural = _("target UCJ")
        constraints = [
            _one_region("coverage_target", ("province", "regency")),
            models.UniqueConstraint(fields=["regency", "year"], condition=Q(regency__isnull=False),
                                    name="coverage_target_regency_year"),
            models.UniqueConstraint(fields=["province", "year"], condition=Q(province__isnull=False),
                                    name="coverage_target_province_year"),
            models.CheckConstraint(name="coverage_target_percent_range",
                                   condition=Q(target_percent__gte=0, target_percent__lte=100)),
        ]


class OfficialFigure(models.Model):
    """An official UCJ figure as BPJS reports it, for a province, regency or subdistrict on a date.
    Many dates are kept so the trend can be drawn."""

    province = models.ForeignKey("villages.Province", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="official_figures")
    regency = models.ForeignKey("villages.Regency", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="official_figures")
    subdistrict = models.ForeignKey("villages.Subdistrict", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="official_figures")
    as_of = models.DateField(_("per tanggal"))
    active_pu = models.PositiveIntegerField(_("peserta aktif PU (penerima upah)"), default=0)
    active_bpu = models.PositiveIntegerField(_("peserta aktif BPU (bukan penerima upah)"), default=0)
    active_jakon = models.PositiveIntegerField(_("peserta aktif Jakon (jasa konstruksi)"), default=0)
    active_pmi = models.PositiveIntegerField(_("peserta aktif PMI (pekerja migran)"), default=0)
    denominator = models.PositiveIntegerField(_("penduduk bekerja (penyebut)"))
    published_percent = models.DecimalField(_("UCJ yang dipublikasikan (%)"), max_digits=5, decimal_places=2,
                                            null=True, blank=True)
    source_document = models.CharField(_("dokumen sumber"), max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-as_of", "-pk"]
        verbose_name = _("angka resmi UCJ")
        verbose_name_plural = _("angka resmi UCJ")
        constraints = [
            _one_region("official_figure", ("province", "regency", "subdistrict")),
            models.UniqueConstraint(fields=["regency", "as_of"], condition=Q(regency__isnull=False),
                                    name="official_figure_regency_date"),
            models.UniqueConstraint(fields=["province", "as_of"], condition=Q(province__isnull=False),
                                    name="official_figure_province_date"),
            models.UniqueConstraint(fields=["subdistrict", "as_of"], condition=Q(subdistrict__isnull=False),
                                    name="official_figure_subdistrict_date"),
            models.CheckConstraint(name="official_figure_denominator_positive", condition=Q(denominator__gt=0)),
        ]

    @property
    def numerator(self) -> int:
        return self.active_pu + self.active_bpu + self.active_jakon + self.active_pmi


class VillageDenominator(models.Model):
    """Working residents of a village for a year, where the village has the number; UCJ below the
    regency is shown only where one exists."""

    village = models.ForeignKey("villages.Village", on_delete=models.PROTECT, related_name="denominators")
    year = models.PositiveSmallIntegerField(_("tahun"))
    working_residents = models.PositiveIntegerField(_("penduduk bekerja"))
    source = models.CharField(_("sumber"), max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="village_denominator_unique"),
            models.CheckConstraint(name="village_denominator_positive", condition=Q(working_residents__gt=0)),
        ]


class CoverageSnapshot(models.Model):
    """The figures of one region on one day, precomputed for the dashboards (written only by
    reports/coverage/snapshots.py, in the transaction of the regencies' recompute). A province's row
    belongs to no regency (`regency` is null exactly for level province): it is rewritten whenever
    one of its regencies is recomputed."""

    level = models.CharField(max_length=12, choices=RegionLevel.choices)
    region_code = models.CharField(max_length=13)  # the Kemendagri code: "17", "17.05", "17.05.01"…
    region_name = models.CharField(max_length=100)
    # No index of its own: coverage_snapshot_regency_day starts with it. Null for a province's row.
    regency = models.ForeignKey("villages.Regency", on_delete=models.CASCADE, related_name="coverage_snapshots",
                                db_index=False, null=True, blank=True)
    computed_on = models.DateField()
    computed_at = models.DateTimeField()
    year = models.PositiveSmallIntegerField()
    # The programme's own figures (all stages of the year in this region).
    quota = models.PositiveIntegerField(null=True)
    nominated = models.PositiveIntegerField(default=0)
    submitted = models.PositiveIntegerField(default=0)
    approved = models.PositiveIntegerField(default=0)
    registered = models.PositiveIntegerField(default=0)
    active = models.PositiveIntegerField(default=0)
    premium_per_month_rp = models.PositiveBigIntegerField(default=0)
    premium_committed_rp = models.PositiveBigIntegerField(default=0)
    # UCJ, where the region has a denominator (null otherwise).
    official_as_of = models.DateField(null=True)
    official_numerator = models.PositiveIntegerField(null=True)
    programme_addition = models.PositiveIntegerField(null=True)
    covered = models.PositiveIntegerField(null=True)
    denominator = models.PositiveIntegerField(null=True)
    # Ten digits: a village with a small hand-entered denominator, or a target set very low, can go
    # well past 1,000 % and must still be stored rather than fail the whole regency's recompute.
    ucj_percent = models.DecimalField(max_digits=10, decimal_places=4, null=True)
    contribution_points = models.DecimalField(max_digits=10, decimal_places=4, null=True)
    target_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    target_achievement_percent = models.DecimalField(max_digits=10, decimal_places=4, null=True)
    workers_needed_for_target = models.IntegerField(null=True)

    class Meta:
        ordering = ["level", "region_code", "-computed_on"]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "computed_on"], name="coverage_snapshot_region_day"),
            models.CheckConstraint(name="coverage_snapshot_province_has_no_regency",
                                   condition=Q(level=RegionLevel.PROVINCE, regency__isnull=True)
                                   | (~Q(level=RegionLevel.PROVINCE) & Q(regency__isnull=False))),
        ]
        # Two indexes besides the key, as every row written costs one entry in each (a national
        # recompute writes ~92,000 rows a day): the dashboard's "a regency's latest rows" reads
        # coverage_snapshot_regency_day; the trend's "one region's rows by date", either way, reads
        # the unique coverage_snapshot_region_day (forwards or backwards).
        indexes = [
            models.Index(fields=["regency", "computed_on"], name="coverage_snapshot_regency_day"),
        ]


class RecomputeOwed(models.Model):
    """A coverage recompute a change could not schedule (Redis down: reports.triggers): one row per
    regency, kept in the database because the cache and the broker it would have used are what
    failed. Beat's `reports.recompute_owed` schedules it again every few minutes; the recompute
    deletes the row when it starts, before it reads anything."""

    regency = models.OneToOneField("villages.Regency", on_delete=models.CASCADE, primary_key=True,
                                   related_name="+", verbose_name=_("kabupaten/kota"))
    owed_since = models.DateTimeField(_("tertunda sejak"), auto_now_add=True)

    class Meta:
        verbose_name = _("hitung ulang cakupan tertunda")
