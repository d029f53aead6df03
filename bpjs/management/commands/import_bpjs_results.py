"""The BPJS branch's answer file from the shell: the same preview and apply as the page
(bpjs/answers.py). Applying records each row through the workflow as the --as
account, which must be the BPJS officer or the regency admin of --regency; a dry run needs none.
--json prints the outcomes with the NIK masked.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from accounts.command_options import command_actor
from bpjs import answers as bpjs_import
from bpjs.permissions import can_import_bpjs_results
from common import workbooks
from common.commands import read_file_argument
from registrations import workflow
from villages.models import Regency
from villages.selectors import UnknownRegion, region_by_code


class Command(BaseCommand):
    help = ("Impor berkas jawaban BPJS Ketenagakerjaan (NIK, nomor KPJ, status aktif/ditolak). "
            "Tanpa --dry-run baris yang cocok dicatat terdaftar atau ditolak BPJS.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--regency", required=True, help="Kode kabupaten/kota, mis. 17.05 atau 1705.")
        parser.add_argument("--as", dest="as_username", metavar="USERNAME",
                            help="Akun petugas BPJS atau admin dinas yang dicatat (wajib kecuali --dry-run).")
        parser.add_argument("--dry-run", action="store_true", help="Hanya periksa; tidak menyimpan apa pun.")
        parser.add_argument("--json", dest="as_json", action="store_true", help="Tulis hasil per baris sebagai JSON.")

    def handle(self, *args, file, regency, as_username, dry_run, as_json, **options):
        path, content = read_file_argument(file)
        try:
            regency_obj = region_by_code(regency)
        except UnknownRegion as error:
            raise CommandError(str(error)) from error
        if not isinstance(regency_obj, Regency):
            raise CommandError(f"{regency} adalah kode provinsi; sebutkan kode kabupaten/kota, mis. 17.05.")
        actor = command_actor(as_username, required=not dry_run, who="petugas BPJS atau admin dinas")
        if actor is not None and not can_import_bpjs_results(actor, regency_obj):
            raise CommandError(f"{actor.username} bukan petugas BPJS atau admin dinas {regency_obj.name}.")
        try:
            workbooks.check_file(name=path.name, size=len(content), max_bytes=bpjs_import.MAX_BYTES)
            if dry_run:
                report = bpjs_import.answer_preview(content=content, regency=regency_obj)
            else:
                report = bpjs_import.answer_apply(content=content, regency=regency_obj, actor=actor)
        except (workbooks.WorkbookError, workflow.TransitionError) as error:
            raise CommandError(str(error)) from error

        if as_json:
            data = {"file": str(path), "regency": regency_obj.code, "dry_run": dry_run, **report.as_dict()}
            if not dry_run:
                data["applied"] = report.applied_totals
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for row in report.rows:
            self.stdout.write(f"Baris {row.row}: {row.outcome_label} — {row.nik_masked or '-'} — {row.message}")
        counts = ", ".join(f"{label}: {count}" for _, label, count in report.outcome_counts)
        self.stdout.write(f"{len(report.rows)} baris dibaca ({counts}).")
        if dry_run:
            self.stdout.write("Pemeriksaan saja (--dry-run): tidak ada yang disimpan.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Jawaban BPJS diimpor: {report.summary}."))
