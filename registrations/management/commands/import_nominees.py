"""Import of a nominee workbook from the command line, the same checks and services as the pages.

Two kinds of file:
- the office's list for the whole regency (a DTSEN extract, another office's list): `--as` names a
  regency admin, approver or system administrator, who is recorded as having proposed each
  nominee; every row names its village in the "Kode desa" column (any village of the programme's
  regency). Up to workbook.REGENCY_MAX_ROWS rows.
- one village's file: `--as` names the village's officer, or `--village CODE` is given; the
  village is --village, else the file's "Kode desa" (one village), else the officer's only village.
A dry run only validates and needs no account (a regency-wide file unless --village is given or
the file names one village only).
"""

import json

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from accounts.command_options import command_actor
from common.commands import read_file_argument
from registrations.models import Programme
from registrations.nominee_import import importing as imports
from registrations.nominee_import import workbook as excel
from registrations.permissions import can_edit_village_list, can_import_nominees
from villages.models import Village
from villages.selectors import normalise_village_code


class Command(BaseCommand):
    help = ("Impor calon peserta dari berkas Excel (template portal atau ekspor Peserta OpenSID), untuk satu desa "
            "atau seluruh kabupaten/kota. Setiap baris diperiksa seperti formulir desa; tanpa --dry-run baris yang "
            "sah disimpan sebagai draf.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--programme", type=int, required=True, help="ID program (tahap).")
        parser.add_argument("--village", help="Kode desa/kelurahan, mis. 17.05.01.2002 atau 1705012002.")
        parser.add_argument("--as", dest="as_username", metavar="USERNAME",
                            help="Akun yang dicatat sebagai pengusul (wajib kecuali --dry-run): operator desa untuk "
                                 "berkas satu desa; admin kabupaten/kota, penyetuju dinas atau administrator sistem "
                                 "untuk berkas seluruh kabupaten/kota (kolom Kode desa wajib diisi).")
        parser.add_argument("--dry-run", action="store_true", help="Hanya periksa; tidak menyimpan apa pun.")
        parser.add_argument("--json", dest="as_json", action="store_true", help="Tulis hasil per baris sebagai JSON.")

    def handle(self, *args, file, programme, village, as_username, dry_run, as_json, **options):
        path, content = read_file_argument(file)
        programme_obj = Programme.objects.select_related("regency").filter(pk=programme).first()
        if programme_obj is None:
            raise CommandError(f"Program dengan ID {programme} tidak ada.")
        actor = command_actor(as_username, required=not dry_run, who="akun yang dicatat sebagai pengusul")
        regency_wide = village is None and actor is not None and can_import_nominees(actor, programme_obj.regency)
        regency_limits = regency_wide or (actor is None and village is None)
        try:
            excel.check_file(name=path.name, size=len(content), regency_wide=regency_limits)
            sheet = imports.read_upload(content, regency_wide=regency_limits)
        except excel.WorkbookError as error:
            raise CommandError(str(error)) from error
        if actor is None and village is None:  # a dry run: the file says whether it is one village's
            regency_wide = len(self._codes(sheet)) != 1
        village_obj = None if regency_wide else self._village(village, sheet, actor)
        if village_obj is not None:
            if village_obj.subdistrict.regency_id != programme_obj.regency_id:
                raise CommandError(f"{village_obj.name} ({village_obj.code}) bukan wilayah program {programme_obj}.")
            if actor is not None and not can_edit_village_list(actor, village_obj):
                raise CommandError(f"{actor.username} bukan operator {village_obj.name} ({village_obj.code}).")

        if dry_run:
            report = imports.import_preview(sheet=sheet, programme=programme_obj, village=village_obj)
        else:
            try:
                report = imports.import_apply(sheet=sheet, programme=programme_obj, village=village_obj,
                                              created_by=actor)
            except PermissionDenied as error:
                where = village_obj.name if village_obj else programme_obj.regency.name
                raise CommandError(f"{actor.username} tidak boleh mengubah daftar {where}.") from error
        where = village_obj.name if village_obj else programme_obj.regency.name
        if as_json:
            self._write_json(report, path=path, programme=programme_obj, village=village_obj, dry_run=dry_run)
        else:
            self._write_text(report, where=where, dry_run=dry_run)

    @staticmethod
    def _codes(sheet) -> set[str]:
        return {row.values.get(excel.VILLAGE_FIELD, "").strip() for row in sheet.rows} - {""}

    def _village(self, code, sheet, actor) -> Village:
        if not code:
            codes = self._codes(sheet)
            if len(codes) > 1:
                raise CommandError("Berkas berisi lebih dari satu desa (kolom Kode desa); "
                                   "impor per desa dengan --village.")
            code = codes.pop() if codes else None
        if code:
            village = Village.objects.select_related("subdistrict").filter(
                code=normalise_village_code(code) or code.strip()).first()
            if village is None:
                raise CommandError(f"Desa/kelurahan dengan kode {code} tidak ada.")
            return village
        villages = list(Village.objects.select_related("subdistrict").filter(assignments__user=actor)) if actor else []
        if len(villages) != 1:
            raise CommandError("Sebutkan desa dengan --village KODE (atau kolom Kode desa di berkas).")
        return villages[0]

    def _write_json(self, report, *, path, programme, village, dry_run):
        payload = {"file": str(path), "programme": programme.pk, "village": village.code if village else None,
                   "dry_run": dry_run,
                   **report.as_dict()}
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))

    def _write_text(self, report, *, where, dry_run):
        for row in report.rows:
            self.stdout.write(f"Baris {row.row}: {row.status}")
            for problem in row.errors:
                self.stdout.write(f"  galat   {problem.column}: {problem.message}")
            for problem in row.warnings:
                self.stdout.write(f"  periksa {problem.column}: {problem.message}")
        totals = report.totals
        if dry_run:
            summary = (f"{where}: {totals['rows']} baris, {totals['ok'] + totals['warning']} siap disimpan "
                       f"({totals['warning']} dengan peringatan), {totals['error']} ditolak. Tidak ada yang disimpan.")
        else:
            summary = (f"{where}: {totals['saved']} disimpan sebagai draf, "
                       f"{totals['not_saved']} tidak tersimpan, {totals['error']} ditolak.")
        self.stdout.write(self.style.SUCCESS(summary))
