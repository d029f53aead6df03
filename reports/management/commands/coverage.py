"""Prints a province's or regency's coverage figures, computed now from the same rules as the
dashboard snapshots (coverage.figures_for): Indonesian text, or with --json the object of issue 5
(percentages rounded to 2 decimals, Rupiah as integers, null where there is no denominator or
target). --add N adds the planner's projection for N more workers at the programme's premium."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from common.formatting import format_date, format_decimal, format_number, format_percent, format_rupiah
from reports import planner
from reports.coverage import CoverageFigures, figures_for
from villages.selectors import UnknownRegion, region_by_code


class Command(BaseCommand):
    help = "Tampilkan angka cakupan UCJ, target, kebutuhan pekerja dan biayanya untuk provinsi atau kabupaten/kota."

    def add_arguments(self, parser):
        parser.add_argument("code", help="kode provinsi atau kabupaten/kota, mis. 12.18 atau 1218")
        parser.add_argument("--year", type=int, help="tahun target (bawaan: tahun terakhir yang punya target/program)")
        parser.add_argument("--json", dest="as_json", action="store_true", help="keluaran JSON")
        parser.add_argument("--add", type=int, metavar="N", help="proyeksi jika N pekerja lagi didanai")

    def handle(self, *args, code, year, as_json, add, **options):
        try:
            region = region_by_code(code)
        except UnknownRegion as error:
            raise CommandError(str(error)) from error
        figures = figures_for(region, year=year)
        try:
            projection = planner.fund_more_workers(figures, add) if add is not None else None
            data = figures.as_json(add=add) if as_json else None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for line in self._lines(figures, projection):
            self.stdout.write(line)

    def _lines(self, figures: CoverageFigures, projection: planner.Projection | None) -> list[str]:
        lines = [f"{figures.region_name} ({figures.region_code}) — tahun {figures.year}, "
                 f"dihitung per {format_date(figures.on)}"]
        if not figures.has_ucj:
            lines.append(f"UCJ belum dapat dihitung: belum ada angka resmi maupun target tahun {figures.year} "
                         "(isi dengan 'manage.py set_coverage').")
        else:
            if figures.official_as_of:
                lines.append(f"Angka resmi BPJS per {format_date(figures.official_as_of)}: "
                             f"{format_number(figures.official_numerator)} peserta aktif")
            else:
                lines.append("Belum ada angka resmi BPJS: penyebut dari target, pembilang hanya pekerja program")
            lines += [
                f"Penduduk bekerja: {format_number(figures.working_population)}",
                f"Tambahan program sesudahnya: {format_number(figures.programme_addition)} pekerja "
                f"({format_decimal(figures.contribution_points)} poin UCJ)",
                f"UCJ saat ini: {format_percent(figures.ucj_percent)} ({format_number(figures.covered)} tercakup)",
            ]
            if figures.target_percent is None:
                lines.append(f"Target tahun {figures.year}: belum diisi")
            else:
                lines += [
                    f"Target: {format_percent(figures.target_percent)} — capaian "
                    f"{format_percent(figures.target_achievement_percent)} dari target",
                    f"Kebutuhan untuk target: {format_number(figures.workers_needed_for_target)} pekerja, "
                    f"{format_rupiah(figures.monthly_premium_for_needed_rp)} per bulan, "
                    f"{format_rupiah(figures.annual_premium_for_needed_rp)} per tahun",
                ]
        lines.append(f"Iuran per pekerja per bulan: {format_rupiah(figures.premium_per_month_rp)}")
        programme = figures.programme
        quota = "tanpa kuota" if programme.quota is None else f"kuota {format_number(programme.quota)}"
        lines.append(
            f"Program {figures.year}: {quota}, diusulkan {format_number(programme.nominated)}, "
            f"dikirim {format_number(programme.submitted)}, disetujui {format_number(programme.approved)}, "
            f"terdaftar {format_number(programme.registered)}, aktif {format_number(programme.active)}; "
            f"iuran terikat {format_rupiah(programme.premium_committed_rp)}"
        )
        if projection is not None:
            lines.append(
                f"Jika {format_number(projection.added_workers)} pekerja lagi didanai: "
                f"{format_number(projection.covered)} tercakup, UCJ {format_percent(projection.ucj_percent)}, "
                f"{format_rupiah(projection.monthly_premium_rp)} per bulan, "
                f"{format_rupiah(projection.annual_premium_rp)} per tahun"
            )
        return lines
