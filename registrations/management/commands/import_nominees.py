"""Staff import of a village's nominee workbook, the same checks and services as the page.

There is no request user, and services.nominee_create records every nominee as created by (and
its consent as recorded by) a village officer of that village: `--as USERNAME` names that account.
A dry run only validates and needs no account. The village is --village CODE, else the file's
"Kode desa" column (one village per file), else the --as officer's only village.
"""

import json

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from accounts.command_options import command_actor
from common.commands import read_file_argument
from registrations.models import Programme
from registrations.nominee_import import importing as imports
from registrations.nominee_import import workbook as excel
from registrations.permissions import can_edit_village_list
from villages.models import Village


class Command(BaseCommand):
    help = ("Impor calon peserta dari berkas Excel (template portal atau ekspor Peserta OpenSID). "
            "Setiap baris diperiksa seperti formulir desa; tanpa --dry-run baris yang sah disimpan sebagai draf.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--programme", type=int, required=True, help="ID program (tahap).")
        parser.add_argument("--village", help="Kode desa/kelurahan, mis. 17.05.01.2002 atau 1705012002.")
        parser.add_argument("--as", dest="as_username", metavar="USERNAME",
                            help="Akun operator desa yang dicatat sebagai pengusul (wajib kecuali --dry-run).")
        parser.add_argument("--dry-run", action="store_true", help="Hanya periksa; tidak menyimpan apa pun.")
        parser.add_argument("--json", dest="as_json", action="store_true", help="Tulis hasil per baris sebagai JSON.")

    def handle(self, *args, file, programme, village, as_username, dry_run, as_json, **options):
        path, content = read_file_argument(file)
        try:
            excel.check_file(name=path.name, size=len(content))
            sheet = excel.read_workbook(content)
        except excel.WorkbookError as error:
            raise CommandError(str(error)) from error
        programme_obj = Programme.objects.select_related("regency").filter(pk=programme).first()
        if programme_obj is None:
            raise CommandError(f"Program dengan ID {programme} tidak ada.")
        actor = command_actor(as_username, required=not dry_run, who="operator desa yang dicatat sebagai pengusul")
        village_obj = self._village(village, sheet, actor)
        if village_obj.subdistrict.regency_id != programme_obj.regency_id:
            raise CommandError(f"{village_obj.name} ({village_obj.code}) bukan wilayah program {programme_obj}.")
        if actor is not None and not can_edit_village_list(actor, village_obj):
            raise CommandError(f"{actor.username} bukan operator {village_obj.name} ({village_obj.code}).")

        if dry_run:
            report = imports.import_preview(content=content, programme=programme_obj, village=village_obj, sheet=sheet)
        else:
            try:
                report = imports.import_apply(content=content, programme=programme_obj, village=village_obj,
                                              created_by=actor)
            except PermissionDenied as error:
                raise CommandError(f"{actor.username} tidak boleh mengubah daftar {village_obj.name}.") from error
        if as_json:
            self._write_json(report, path=path, programme=programme_obj, village=village_obj, dry_run=dry_run)
        else:
            self._write_text(report, village=village_obj, dry_run=dry_run)

    def _village(self, code, sheet, actor) -> Village:
        if not code:
            codes = {row.values.get(excel.VILLAGE_FIELD, "").strip() for row in sheet.rows} - {""}
            if len(codes) > 1:
                raise CommandError("Berkas berisi lebih dari satu desa (kolom Kode desa); "
                                   "impor per desa dengan --village.")
            code = codes.pop() if codes else None
        if code:
            digits = code.replace(".", "").strip()
            if digits.isdigit() and len(digits) == 10:  # written without dots
                code = f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"
            village = Village.objects.select_related("subdistrict").filter(code=code.strip()).first()
            if village is None:
                raise CommandError(f"Desa/kelurahan dengan kode {code} tidak ada.")
            return village
        villages = list(Village.objects.select_related("subdistrict").filter(assignments__user=actor)) if actor else []
        if len(villages) != 1:
            raise CommandError("Sebutkan desa dengan --village KODE (atau kolom Kode desa di berkas).")
        return villages[0]

    def _write_json(self, report, *, path, programme, village, dry_run):
        payload = {"file": str(path), "programme": programme.pk, "village": village.code, "dry_run": dry_run,
                   **report.as_dict()}
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))

    def _write_text(self, report, *, village, dry_run):
        for row in report.rows:
            self.stdout.write(f"Baris {row.row}: {row.status}")
            for problem in row.errors:
                self.stdout.write(f"  galat   {problem.column}: {problem.message}")
            for problem in row.warnings:
                self.stdout.write(f"  periksa {problem.column}: {problem.message}")
        totals = report.totals
        if dry_run:
            summary = (f"{village.name}: {totals['rows']} baris, {totals['ok'] + totals['warning']} siap disimpan "
                       f"({totals['warning']} dengan peringatan), {totals['error']} ditolak. Tidak ada yang disimpan.")
        else:
            summary = (f"{village.name}: {totals['saved']} disimpan sebagai draf, "
                       f"{totals['not_saved']} tidak tersimpan, {totals['error']} ditolak.")
        self.stdout.write(self.style.SUCCESS(summary))
