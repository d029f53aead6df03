"""BPJS's monthly participant file from the shell: the same preview and apply as the page
(membership/participants.py). Applying records the paid-up dates and the status moves as the --as
account, which must be the BPJS officer or the office of --regency; a dry run needs none. --json
prints the outcomes with the NIK masked."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from accounts.command_options import command_actor
from bpjs.permissions import can_import_bpjs_results
from common import workbooks
from common.commands import read_file_argument
from membership import participants, rules
from registrations import workflow
from villages.models import Regency
from villages.selectors import UnknownRegion, region_by_code


class Command(BaseCommand):
    help = ("Impor daftar peserta BPJS Ketenagakerjaan (Nomor KPJ, NIK, status aktif/tidak aktif, masa iur s.d.). "
            "Tanpa --dry-run masa iur dan status kepesertaan diperbarui.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--regency", required=True, help="Kode kabupaten/kota, mis. 17.05 atau 1705.")
        parser.add_argument("--as", dest="as_username", metavar="USERNAME",
                            help="Akun petugas BPJS atau admin dinas yang dicatat (wajib kecuali --dry-run).")
        parser.add_argument("--dry-run", action="store_true", help="Hanya periksa; tidak menyimpan apa pun.")
        parser.add_argument("--json", dest="as_json", action="store_true", help="Tulis hasil per baris sebagai JSON.")
        parser.add_argument("--today", help="Tanggal penilaian (YYYY-MM-DD); bawaan: hari ini.")

    def handle(self, *args, file, regency, as_username, dry_run, as_json, today=None, **options):
        path, content = read_file_argument(file)
        try:
            regency_obj = region_by_code(regency)
        except UnknownRegion as error:
            raise CommandError(str(error)) from error
        if not isinstance(regency_obj, Regency):
            raise CommandError(f"{regency} adalah kode provinsi; sebutkan kode kabupaten/kota, mis. 17.05.")
        try:
            on = dt.date.fromisoformat(today) if today else rules.membership_today()
        except ValueError:
            raise CommandError(f"Tanggal '{today}' tidak terbaca; tulis YYYY-MM-DD.") from None
        actor = command_actor(as_username, required=not dry_run, who="petugas BPJS atau admin dinas")
        if actor is not None and not can_import_bpjs_results(actor, regency_obj):
            raise CommandError(f"{actor.username} bukan petugas BPJS atau admin dinas {regency_obj.name}.")
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
        for row in report.rows:
            self.stdout.write(f"Baris {row.row}: {row.outcome_label} — {row.nik_masked or '-'} — {row.message}")
        counts = ", ".join(f"{label}: {count}" for _, label, count in report.outcome_counts)
        self.stdout.write(f"{len(report.rows)} baris dibaca ({counts}).")
        if report.unlisted:
            self.stdout.write(f"{len(report.unlisted)} peserta kabupaten/kota ini tidak ada di daftar BPJS (tidak diubah):")
            for member in report.unlisted:
                self.stdout.write(f"  {member.full_name} — KPJ {member.kpj_number or '-'} — {member.status_label} — "
                                  f"{member.village}")
        if dry_run:
            self.stdout.write("Pemeriksaan saja (--dry-run): tidak ada yang disimpan.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Daftar peserta BPJS diimpor: {report.summary}."))
