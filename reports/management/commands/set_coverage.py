"""Records a region's yearly UCJ target and an official figure in one go (DOMAIN.md §4), through
the same services as the entry pages.

The baseline A is the total of active participants BPJS reported on --as-of, without a breakdown by
segment. It is stored as the official figure's PU count (active_pu = A, the other segments 0) and
the source document says so ("segmen tidak dirinci"), so the numerator (the segments' sum) is A
and nobody mistakes the zeros for a real breakdown; the figure's denominator is the working
population N. Entering the breakdown later on the page replaces the figure for that date.

There is no request user: the writes are recorded as made by --as USERNAME (a regency admin or
approver of the region, or a system administrator), or, without --as, by the first active system
administrator. The services check the permission either way.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.command_options import command_actor
from accounts.enums import Role
from common.formatting import format_date, format_number, format_percent
from reports import services
from reports.coverage import ucj_percent
from villages.models import Regency
from villages.selectors import UnknownRegion, region_by_code

SEGMENTS_NOT_GIVEN = "segmen tidak dirinci: total peserta aktif dicatat sebagai PU"


class Command(BaseCommand):
    help = ("Catat target UCJ tahunan dan angka resmi BPJS (peserta aktif per tanggal) untuk provinsi atau "
            "kabupaten/kota. Menjalankan ulang dengan tahun/tanggal yang sama memperbarui datanya.")

    def add_arguments(self, parser):
        parser.add_argument("code", help="kode provinsi atau kabupaten/kota, mis. 12.18 atau 1218")
        parser.add_argument("--year", type=int, required=True, help="tahun target, mis. 2025")
        parser.add_argument("--working-population", type=int, required=True,
                            help="penduduk bekerja (penyebut UCJ), mis. dari BPS Sakernas Agustus")
        parser.add_argument("--target", required=True, help="target UCJ dalam persen, mis. 46.80")
        parser.add_argument("--baseline-active", type=int, required=True,
                            help="total peserta aktif BPJS Ketenagakerjaan menurut angka resmi")
        parser.add_argument("--as-of", required=True, help="tanggal angka resmi, YYYY-MM-DD")
        parser.add_argument("--source", default="", help="sumber data, mis. 'BPS Sakernas Agustus 2024; BPJS Kacab'")
        parser.add_argument("--as", dest="as_username", metavar="USERNAME",
                            help="akun yang dicatat sebagai pengisi (bawaan: administrator sistem pertama)")

    def handle(self, *args, code, year, working_population, target, baseline_active, as_of, source, as_username,
               **options):
        try:
            region = region_by_code(code)
        except UnknownRegion as error:
            raise CommandError(str(error)) from error
        try:
            as_of_date = dt.date.fromisoformat(as_of)
        except ValueError:
            raise CommandError(f"Tanggal --as-of '{as_of}' tidak valid: tulis YYYY-MM-DD, mis. 2025-06-30.") from None
        actor = self._actor(as_username)
        figure_source = "; ".join(part for part in (source.strip(), SEGMENTS_NOT_GIVEN) if part)
        try:
            with transaction.atomic():
                coverage_target = services.coverage_target_set(
                    region=region, year=year, target_percent=target, working_population=working_population,
                    population_source=source, entered_by=actor,
                )
                figure = services.official_figure_record(
                    region=region, as_of=as_of_date, active_pu=baseline_active, denominator=working_population,
                    source_document=figure_source, entered_by=actor,
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except PermissionDenied as error:
            raise CommandError(str(error) or f"{actor.username} tidak berwenang.") from error
        self.stdout.write(
            f"{region.name} ({region.code}): target {year} {format_percent(coverage_target.target_percent)} "
            f"dari {format_number(coverage_target.working_population)} penduduk bekerja."
        )
        self.stdout.write(
            f"Angka resmi per {format_date(figure.as_of)}: {format_number(figure.numerator)} peserta aktif dari "
            f"{format_number(figure.denominator)} penduduk bekerja "
            f"({format_percent(ucj_percent(covered=figure.numerator, denominator=figure.denominator))})."
        )
        if isinstance(region, Regency):
            self.stdout.write(self.style.SUCCESS("Tersimpan. Penghitungan ulang cakupan kabupaten/kota dijadwalkan."))
        else:
            self.stdout.write(self.style.SUCCESS("Tersimpan. Angka provinsi dihitung langsung saat ditampilkan."))

    def _actor(self, username):
        if username:
            return command_actor(username, required=True, who="admin dinas, penyetuju atau administrator sistem")
        actor = get_user_model().objects.filter(is_active=True, role=Role.SYSTEM_ADMIN).order_by("pk").first()
        if actor is None:
            raise CommandError("Belum ada administrator sistem yang aktif: sebutkan akun pengisi dengan --as USERNAME.")
        return actor
