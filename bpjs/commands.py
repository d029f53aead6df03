"""What the commands reading a file from the BPJS branch share: the answer file
(bpjs/management/commands/import_bpjs_results.py) and the monthly participant file
(membership/management/commands/import_bpjs_participants.py). The same arguments, the regency and
the --as account checked as on the pages (bpjs.permissions.can_import_bpjs_results), and the rows
written one a line with the NIK masked."""

from django.core.management.base import BaseCommand, CommandError

from accounts.command_options import command_actor
from villages.models import Regency
from villages.selectors import UnknownRegion, region_by_code

from .permissions import can_import_bpjs_results


class BpjsFileCommand(BaseCommand):
    """A command taking a BPJS file, --regency, --as, --dry-run and --json."""

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--regency", required=True, help="Kode kabupaten/kota, mis. 17.05 atau 1705.")
        parser.add_argument("--as", dest="as_username", metavar="USERNAME",
                            help="Akun petugas BPJS atau admin dinas yang dicatat (wajib kecuali --dry-run).")
        parser.add_argument("--dry-run", action="store_true", help="Hanya periksa; tidak menyimpan apa pun.")
        parser.add_argument("--json", dest="as_json", action="store_true", help="Tulis hasil per baris sebagai JSON.")

    def regency_argument(self, code: str) -> Regency:
        """The regency --regency names; a CommandError for an unknown code or a province's."""
        try:
            regency = region_by_code(code)
        except UnknownRegion as error:
            raise CommandError(str(error)) from error
        if not isinstance(regency, Regency):
            raise CommandError(f"{code} adalah kode provinsi; sebutkan kode kabupaten/kota, mis. 17.05.")
        return regency

    def actor_argument(self, as_username: str | None, regency: Regency, *, dry_run: bool):
        """The --as account (None for a dry run without one), which must be allowed to import the
        BPJS files of `regency`."""
        actor = command_actor(as_username, required=not dry_run, who="petugas BPJS atau admin dinas")
        if actor is not None and not can_import_bpjs_results(actor, regency):
            raise CommandError(f"{actor.username} bukan petugas BPJS atau admin dinas {regency.name}.")
        return actor

    def write_rows(self, report) -> None:
        """One line a row (its outcome, the masked NIK, the message), then the count per outcome."""
        for row in report.rows:
            self.stdout.write(f"Baris {row.row}: {row.outcome_label} — {row.nik_masked or '-'} — {row.message}")
        counts = ", ".join(f"{label}: {count}" for _, label, count in report.outcome_counts)
        self.stdout.write(f"{len(report.rows)} baris dibaca ({counts}).")
