"""Recomputes coverage snapshots now, synchronously, with the same code as the Celery task
(coverage.recompute_regencies, set-based: all the regencies in one statement): for the regencies named (a province code names all its regencies),
or for every regency with coverage data when none is named. Reports what changed since each
regency's previous snapshot."""

from django.core.management.base import BaseCommand, CommandError

from common.formatting import format_date
from reports import coverage
from villages.models import Province, Regency
from villages.selectors import UnknownRegion, region_by_code


class Command(BaseCommand):
    help = ("Hitung ulang angka cakupan (UCJ dan angka program) sekarang dan simpan sebagai data hari ini. "
            "Tanpa kode: semua kabupaten/kota yang punya program, target atau angka resmi.")

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="kode provinsi atau kabupaten/kota, mis. 17 atau 17.05")

    def handle(self, *args, codes, **options):
        regency_ids = self._regency_ids(codes) if codes else coverage.regencies_to_recompute()
        if not regency_ids:
            self.stdout.write("Tidak ada kabupaten/kota dengan data cakupan.")
            return
        # All of them at once: one transaction and one statement on PostgreSQL (coverage.recompute_regencies).
        for result in coverage.recompute_regencies(regency_ids):
            self.stdout.write(f"{result.regency_code}: {result.rows_written} baris per "
                              f"{format_date(result.computed_on)}")
            for line in result.changed or ["tidak ada perubahan"]:
                self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS(f"Selesai: {len(regency_ids)} kabupaten/kota dihitung ulang."))

    def _regency_ids(self, codes: list[str]) -> list[int]:
        """Every code checked before anything is computed: a bad one stops the command."""
        regency_ids: list[int] = []
        for code in codes:
            try:
                region = region_by_code(code)
            except UnknownRegion as error:
                raise CommandError(f"{error} Tidak ada yang dihitung.") from error
            if isinstance(region, Province):
                ids = list(Regency.objects.filter(province=region).order_by("code").values_list("pk", flat=True))
            else:
                ids = [region.pk]
            regency_ids.extend(pk for pk in ids if pk not in regency_ids)
        return regency_ids
