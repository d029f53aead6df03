"""BPJS's monthly participant file from the shell: the same preview and apply as the page
(membership/participants.py). Applying records the paid-up dates and the status moves as the --as
account, which must be the BPJS officer or the office of --regency; a dry run needs none. --json
prints the outcomes with the NIK masked."""

import datetime as dt
import json

from django.core.management.base import CommandError

from bpjs.commands import BpjsFileCommand
from common import workbooks
from common.commands import read_file_argument
from membership import participants, rules
from registrations import workflow


class Command(BpjsFileCommand):
    help = ("Impor daftar peserta BPJS Ketenagakerjaan (Nomor KPJ, NIK, status aktif/tidak aktif, masa iur s.d.). "
            "Tanpa --dry-run masa iur dan status kepesertaan diperbarui.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--today", help="Tanggal penilaian (YYYY-MM-DD); bawaan: hari ini.")

    def handle(self, *args, file, regency, as_username, dry_run, as_json, today=None, **options):
        path, content = read_file_argument(file)
        regency_obj = self.regency_argument(regency)
        try:
            on = dt.date.fromisoformat(today) if today else rules.membership_today()
        except ValueError:
            raise CommandError(f"Tanggal '{today}' tidak terbaca; tulis YYYY-MM-DD.") from None
        actor = self.actor_argument(as_username, regency_obj, dry_run=dry_run)
        try:
            workbooks.check_file(name=path.name, size=len(content), max_bytes=participants.MAX_BYTES)
            if dry_run:
                report = participants.participants_preview(content=content, regency=regency_obj, on=on)
            else:
                report = participants.participants_apply(content=content, regency=regency_obj, actor=actor, on=on)
        except participants.FileRefused as error:
            report = participants.participants_preview(content=content, regency=regency_obj, on=on)
            self._write(report, path, regency_obj, dry_run=True, as_json=as_json)
            raise CommandError(str(error)) from error
        except (workbooks.WorkbookError, workflow.TransitionError) as error:
            raise CommandError(str(error)) from error
        self._write(report, path, regency_obj, dry_run=dry_run, as_json=as_json)

    def _write(self, report, path, regency, *, dry_run, as_json):
        if as_json:
            data = {"file": str(path), "regency": regency.code, "dry_run": dry_run, **report.as_dict()}
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.write_rows(report)
        if report.unlisted:
            self.stdout.write(f"{len(report.unlisted)} peserta kabupaten/kota ini tidak ada di daftar BPJS (tidak diubah):")
            for member in report.unlisted:
                self.stdout.write(f"  {member.full_name} — KPJ {member.kpj_number or '-'} — {member.status_label} — "
                                  f"{member.village}")
        if dry_run:
            self.stdout.write("Pemeriksaan saja (--dry-run): tidak ada yang disimpan.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Daftar peserta BPJS diimpor: {report.summary}."))
