"""The auditor's reads: a regency's workflow events in a period, one row per NomineeEvent.

Who decided what, when and why, for the inspectorate (Inspektorat) or the BPK: names, roles and
the masked NIK only, whatever the reader's role. The period is in the regency's local time (WIB,
WITA or WIT), as the people who made the decisions saw their clocks.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator

from accounts.scope import region_scope
from registrations.enums import NomineeStatus
from registrations.models import NomineeEvent
from villages.enums import time_zone_for_province
from villages.models import Regency

HEADERS = ["Waktu", "Pelaku", "Peran", "Calon", "NIK", "Desa/kelurahan", "Kecamatan", "Program", "Dari status",
           "Menjadi status", "Alasan"]
WIDTHS = [17, 24, 24, 28, 19, 22, 20, 36, 24, 24, 48]
# Rows fetched per round trip; the export streams from a server-side cursor.
CHUNK_SIZE = 2000


def regency_time_zone(regency: Regency) -> zoneinfo.ZoneInfo:
    """The zone the regency set, or its province's when it has no settings yet (one query)."""
    regency_settings = getattr(regency, "settings", None)
    name = regency_settings.time_zone if regency_settings else time_zone_for_province(regency.code.split(".")[0])
    return zoneinfo.ZoneInfo(name)


def _status_label(value: str) -> str:
    return str(NomineeStatus(value).label) if value else "—"


def events_for_export(user, regency: Regency, start: dt.date, end: dt.date,
                      zone: zoneinfo.ZoneInfo | None = None) -> Iterator[list]:
    """The rows of the export, oldest first: the regency's events whose time (local to the regency)
    falls on `start` … `end`, both days included. Starts from the user's region scope like every
    read; the caller checks permissions.can_export_events. One query, streamed."""
    zone = zone or regency_time_zone(regency)
    since = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    events = (
        NomineeEvent.objects
        .filter(region_scope(user).village_filter("nominee__village__"),
                nominee__village__subdistrict__regency=regency, created_at__gte=since, created_at__lt=until)
        .select_related("actor", "nominee__village__subdistrict", "nominee__programme")
        # Never load (and decrypt) the identifiers the export does not show.
        .only("created_at", "from_status", "to_status", "reason",
              "actor__username", "actor__first_name", "actor__last_name", "actor__role",
              "nominee__full_name", "nominee__nik_masked", "nominee__village__name",
              "nominee__village__subdistrict__name", "nominee__programme__name", "nominee__programme__stage")
        .order_by("created_at", "pk")
    )
    for event in events.iterator(chunk_size=CHUNK_SIZE):
        nominee = event.nominee
        yield [
            # Excel has no time zones: the regency's wall-clock time, as on the pages.
            event.created_at.astimezone(zone).replace(tzinfo=None),
            event.actor.display_name,
            str(event.actor.get_role_display()),
            nominee.full_name,
            nominee.nik_masked,
            nominee.village.name,
            nominee.village.subdistrict.name,
            str(nominee.programme),
            _status_label(event.from_status),
            _status_label(event.to_status),
            event.reason,
        ]
