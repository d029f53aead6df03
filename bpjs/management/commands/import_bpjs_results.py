"""The BPJS branch's answer file from the shell: the same preview and apply as the page
(bpjs/answers.py). Applying records each row through the workflow as the --as
account, which must be the BPJS officer or the regency admin of --regency; a dry run needs none.
--json prints the outcomes with the NIK masked.
"""

import json

from django.core.management.base import CommandError

from bpjs import answers as bpjs_import
from bpjs.commands import BpjsFileCommand
from common import workbooks
from common.commands import read_file_argument
from registrations import workflow


class Command(BpjsFileCommand):
    help = ("Impor berkas jawaban BPJS Ketenagakerjaan (NIK, nomor KPJ, status aktif/ditolak). "
            "Tanpa --dry-run baris yang cocok dicatat terdaftar atau ditolak BPJS.")

    def handle(self, *args, file, regency, as_username, dry_run, as_json, **options):
        path, content = read_file_argument(file)
        regency_obj = self.regency_argument(regency)
        actor = self.actor_argument(as_username, regency_obj, dry_run=dry_run)
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
        self.write_rows(report)
        if dry_run:
            self.stdout.write("Pemeriksaan saja (--dry-run): tidak ada yang disimpan.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Jawaban BPJS diimpor: {report.summary}."))
