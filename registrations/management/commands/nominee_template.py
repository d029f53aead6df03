from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registrations.nominee_import.importing import template_bytes


class Command(BaseCommand):
    help = "Tulis template Excel calon peserta (.xlsx) ke FILE, dengan daftar pekerjaan yang sedang dipakai."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Nama berkas tujuan, mis. template-calon-peserta.xlsx")

    def handle(self, *args, file, **options):
        path = Path(file)
        if path.suffix.lower() != ".xlsx":
            raise CommandError("Nama berkas harus berakhiran .xlsx.")
        try:
            path.write_bytes(template_bytes())
        except OSError as error:
            raise CommandError(f"Tidak bisa menulis {path}: {error.strerror}.") from error
        self.stdout.write(self.style.SUCCESS(f"Template calon peserta ditulis ke {path}."))
