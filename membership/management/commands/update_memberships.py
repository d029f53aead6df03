"""python manage.py update_memberships [--today YYYY-MM-DD] [--regency CODE]: every member's status
from its paid-up date (membership.services.memberships_update), as the daily beat task does."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from registrations.enums import NomineeStatus
from villages.models import Regency

from membership import rules, services


class Command(BaseCommand):
    help = "Perbarui status kepesertaan (aktif, menunggak, tidak aktif) dari masa iur s.d."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Tanggal penilaian (YYYY-MM-DD); bawaan: hari ini.")
        parser.add_argument("--regency", help="Kode kabupaten/kota (mis. 17.05); bawaan: semua.")

    def handle(self, *args, today=None, regency=None, **options):
        try:
            on = dt.date.fromisoformat(today) if today else rules.membership_today()
        except ValueError:
            raise CommandError(f"Tanggal '{today}' tidak terbaca; tulis YYYY-MM-DD.") from None
        regency_ids = None
        if regency:
            regency_ids = list(Regency.objects.filter(code=regency).values_list("pk", flat=True))
            if not regency_ids:
                raise CommandError(f"Kabupaten/kota dengan kode {regency} tidak ada.")
        result = services.memberships_update(on=on, regency_ids=regency_ids)
        moved = ", ".join(f"{NomineeStatus(status).label}: {count}" for status, count in sorted(result.moved.items()))
        self.stdout.write(f"Kepesertaan per {on.isoformat()}: {result.total} peserta berubah status"
                          + (f" ({moved})" if moved else "") + ".")
        for pk, why in result.refused:
            self.stdout.write(f"  tidak diubah (id {pk}): {why}")
