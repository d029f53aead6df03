"""export_nominees: a programme's nominative list (daftar nominatif) of its whole regency, written
to a file from the shell, exactly as the --as account would download it from the regency's page:
the same reports.export_jobs code as the page and the worker, scoped to what that account sees,
NIK and KK masked when its role sees them masked (registrations.identifiers), and logged in the
export log (common.access_log). Without --as: the first active system administrator."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from accounts.command_options import command_actor, default_system_admin
from accounts.scope import regency_get_for_user
from registrations.models import Programme
from registrations.selectors import programme_get_for_user
from reports import export_jobs


class Command(BaseCommand):
    help = ("Tulis daftar nominatif satu program (seluruh kabupaten/kota) ke berkas Excel, seperti yang diunduh "
            "akun --as dari halaman kabupaten/kota: NIK dan No. KK disamarkan bila peran akun itu melihatnya "
            "tersamar. Tanpa --as: administrator sistem aktif yang pertama. Dicatat di log ekspor.")

    def add_arguments(self, parser):
        parser.add_argument("--programme", "--program", dest="programme", type=int, required=True,
                            metavar="ID", help="Nomor (id) program.")
        parser.add_argument("--out", required=True, metavar="FILE", help="Berkas tujuan, mis. daftar-nominatif.xlsx")
        parser.add_argument("--as", dest="as_username", metavar="USERNAME",
                            help="Akun yang mengunduh (bawaan: administrator sistem aktif yang pertama).")

    def handle(self, *args, programme, out, as_username, **options):
        path = Path(out)
        if path.suffix.lower() != ".xlsx":
            raise CommandError("Nama berkas harus berakhiran .xlsx.")
        if not path.parent.is_dir():
            raise CommandError(f"Folder {path.parent} tidak ada.")
        found = Programme.objects.select_related("regency").filter(pk=programme).first()
        if found is None:
            raise CommandError(f"Program {programme} tidak ada.")
        user = command_actor(as_username, required=False, who="") or default_system_admin()
        try:
            found = programme_get_for_user(user, found.pk)
            regency = regency_get_for_user(user, found.regency_id)
        except Http404:
            raise CommandError(f"{user.username} tidak berhak mengunduh daftar nominatif "
                               f"{found.regency.name}.") from None
        request = export_jobs.nominative_list_request(user=user, programme=found, region=regency)
        try:
            record = export_jobs.export_to_file(user=user, request=request, path=path)
        except OSError as error:
            raise CommandError(f"Tidak bisa menulis {path}: {error.strerror}.") from error
        identifiers = ("NIK dan No. KK lengkap: data pribadi, jaga kerahasiaannya" if request.full_identifiers
                       else "NIK dan No. KK disamarkan")
        self.stdout.write(self.style.SUCCESS(
            f"Daftar nominatif {regency.name}, {found.name} Tahap {found.stage}: {record.row_count} calon ditulis "
            f"ke {path} sebagai {user.username} ({identifiers}). Tercatat di log ekspor."))
