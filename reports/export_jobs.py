"""Exports of the reports app (the nominative list, the coverage recap) answered at once or built
by the worker, from the same code.

`export_start` is the views' one call: it counts the rows first; up to
settings.EXPORT_INLINE_MAX_ROWS it builds the workbook in the request and logs it (status done),
in one transaction; above, it logs the job (common.access_log.export_job_record, status queued)
and, after commit, queues the task `reports.build_export`, which calls `export_job_run`: the same
`export_write` into a temporary file, progress written to the record every few hundred rows, the
file stored under MEDIA_ROOT (`exports/<year>/ekspor-<id>.xlsx`, no name of a place or person on
disk), the record done with its row count (common.access_log.export_job_done) in the statement
that makes the file downloadable. Whichever way, no file leaves without its log entry.
With no broker (CELERY_TASK_ALWAYS_EAGER, the embedded demo) the task runs inline when the
request's work commits, so the status page already shows the link.

Which rows: the requesting user's own scope, always (registrations.selectors.nominees_for_user),
also in the worker, which rebuilds that scope from `requested_by`; so a file never holds more
than the person's pages show. NIK and KK are in full only when the person may see them
(registrations.identifiers.identifiers_visible), decided when the export is asked and kept on
the record (`full_identifiers`), which also decides who else may download a job's file.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from itertools import islice
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from common.access_log import export_job_done, export_job_record, export_record
from common.database import RETRYABLE_DATABASE_ERRORS, server_side_cursors, values_in_chunks
from common.jobs import NOT_STARTED_MESSAGE, task_enqueue
from common.models import ExportKind, ExportRecord, ExportStatus
from registrations.crypto import decrypt_many, stored_token
from registrations.enums import NOMINATIVE_LIST_STATES
from registrations.identifiers import identifiers_visible, shown_identifier_fields
from registrations.models import Nominee, Programme
from registrations.selectors import nominees_for_user
from villages.enums import VillageKind
from villages.models import Regency, Subdistrict, Village
from villages.selectors import regency_of, regency_settings_get

from . import exports
from .coverage import CoverageFigures, regency_figures
from .models import RegionLevel
from .selectors import latest_snapshots

logger = logging.getLogger(__name__)

DATABASE_ERRORS = RETRYABLE_DATABASE_ERRORS
BUILD_EXPORT_TASK = "reports.build_export"
FAILED_MESSAGE = "Berkas gagal dibuat. Coba lagi; bila terulang, hubungi admin sistem."

# --- Which nominees a nominative list holds ------------------------------------------------------



def nominative_list_filter() -> Q:
    """The rule of the nominative list (daftar nominatif, DOMAIN.md §8) as a filter on Nominee:
    the states of NOMINATIVE_LIST_STATES. The one place that decides who is on the printed list."""
    return Q(status__in=NOMINATIVE_LIST_STATES)


# --- What is exported ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportRequest:
    """An export, already scoped by the view: its kind and region (the regency, and the subdistrict
    or village when narrower), the programme of a nominative list, and whether NIK/KK are in full."""

    kind: str
    regency: Regency
    programme: Programme | None = None
    subdistrict: Subdistrict | None = None
    village: Village | None = None
    full_identifiers: bool = False

    @classmethod
    def from_record(cls, record: ExportRecord) -> ExportRequest:
        return cls(kind=record.kind, regency=record.regency, programme=record.programme,
                   subdistrict=record.subdistrict, village=record.village,
                   full_identifiers=record.full_identifiers)

    def start_url(self) -> str:
        """The page that asks this export again: a failed job's status page offers it ("coba lagi")."""
        if self.kind == ExportKind.COVERAGE_RECAP:
            return reverse("reports:coverage-recap", args=[self.regency.pk])
        if self.kind != ExportKind.NOMINATIVE_LIST:
            return ""
        if self.village is not None:
            url = reverse("reports:nominative-village", args=[self.village.pk])
        elif self.subdistrict is not None:
            url = reverse("reports:nominative-subdistrict", args=[self.subdistrict.pk])
        else:
            url = reverse("reports:nominative-regency", args=[self.regency.pk])
        return f"{url}?{urlencode({'program': self.programme.pk})}" if self.programme else url

    @property
    def region_label(self) -> str:
        if self.village is not None:
            return (f"{self.village.get_kind_display()} {self.village.name}, "
                    f"Kecamatan {self.village.subdistrict.name}")
        if self.subdistrict is not None:
            return f"Kecamatan {self.subdistrict.name}"
        return self.regency.name


def nominative_list_request(*, user, programme: Programme, region: Regency | Subdistrict | Village,
                            ) -> ExportRequest:
    """The nominative list of `programme` for a region the caller already found in the user's
    scope (villages.selectors *_get_for_user, which load the region's regency) and of the
    programme's regency (ValueError otherwise)."""
    full = identifiers_visible(user)
    village = region if isinstance(region, Village) else None
    subdistrict = village.subdistrict if village is not None else (
        region if isinstance(region, Subdistrict) else None)
    regency = regency_of(region)
    if regency.pk != programme.regency_id:
        raise ValueError("the programme belongs to another regency")
    return ExportRequest(kind=ExportKind.NOMINATIVE_LIST, regency=regency, programme=programme,
                         subdistrict=subdistrict, village=village, full_identifiers=full)


def coverage_recap_request(*, regency: Regency) -> ExportRequest:
    return ExportRequest(kind=ExportKind.COVERAGE_RECAP, regency=regency)


def nominative_list_nominees(user, request: ExportRequest) -> QuerySet[Nominee]:
    """The nominees of the list: the user's own (nominees_for_user), of the programme and region,
    on the list (nominative_list_filter), by subdistrict, village and name."""
    nominees = (nominees_for_user(user).filter(nominative_list_filter(), programme=request.programme)
                .order_by("village__subdistrict__code", "village__code", "full_name", "pk"))
    if request.village is not None:
        return nominees.filter(village=request.village)
    if request.subdistrict is not None:
        return nominees.filter(village__subdistrict=request.subdistrict)
    return nominees.filter(village__subdistrict__regency=request.regency)


# Rows read from the cursor at a time, and the tokens opened together (crypto.decrypt_many).
NOMINATIVE_CHUNK = 2000


def nominative_list_values(user, request: ExportRequest) -> Iterator[tuple]:
    """The list's nominees as plain values (exports.NomineeValues order), streamed from one
    server-side cursor over nominative_list_nominees, or, where server-side cursors are off
    (PGBOUNCER_TRANSACTION_MODE), read in chunks of ids (common.database.values_in_chunks). NIK and KK are the fields
    registrations.identifiers names for the request (shown_identifier_fields): the stored masked
    forms, never decrypted, for a masked list; in full, read as stored and decrypted a chunk at a
    time (crypto.decrypt_many). Nothing else encrypted is read."""
    nik_field, kk_field = shown_identifier_fields(full=request.full_identifiers)
    if request.full_identifiers:
        identifiers = {"nik_shown": stored_token(nik_field), "kk_shown": stored_token(kk_field)}
        nik_field, kk_field = identifiers
    else:
        identifiers = {}
    fields = (nik_field, kk_field, "full_name", "birth_place", "birth_date", "sex", "address", "rt", "rw",
              "village__name", "village__subdistrict__name", "occupation__name", "status", "kpj_number")
    nominees = nominative_list_nominees(user, request).annotate(**identifiers)
    if server_side_cursors(nominees):
        rows = nominees.values_list(*fields).iterator(chunk_size=NOMINATIVE_CHUNK)
    else:
        # Behind PgBouncer in transaction mode (no server-side cursors): chunks of ids instead of
        # one answer holding every row.
        rows = values_in_chunks(nominees, fields, chunk_size=NOMINATIVE_CHUNK)
    if not request.full_identifiers:
        yield from rows
        return
    while chunk := list(islice(rows, NOMINATIVE_CHUNK)):
        niks = decrypt_many([row[0] for row in chunk])
        kks = decrypt_many([row[1] for row in chunk])
        for nik, kk, row in zip(niks, kks, chunk, strict=True):
            yield (nik, kk, *row[2:])


def _recap_source(regency: Regency) -> tuple[list, bool]:
    """(rows, from_snapshot): the latest snapshots, the numbers the coverage page shows; live
    figures, as the page does, before the regency's first recompute."""
    rows = list(latest_snapshots(regency))
    if rows:
        return rows, True
    return list(regency_figures(regency)), False


def _recap_row(row, from_snapshot: bool) -> dict[str, object]:
    # The percentages through the rules again, as the pages take them (CoverageFigures.from_snapshot).
    figures = CoverageFigures.from_snapshot(row) if from_snapshot else row
    programme = figures.programme
    return {
        "code": row.region_code,
        "name": row.region_name,
        "level": capfirst(str(RegionLevel(row.level).label)),
        "quota": programme.quota,
        "nominated": programme.nominated,
        "submitted": programme.submitted,
        "approved": programme.approved,
        "registered": programme.registered,
        "active": programme.active,
        "premium_committed_rp": programme.premium_committed_rp,
        "denominator": row.denominator,
        "ucj_percent": figures.ucj_percent,
        "target_percent": figures.target_percent if figures.has_ucj else None,
        "target_achievement_percent": figures.target_achievement_percent,
        "emphasis": row.level != RegionLevel.VILLAGE,
    }


# --- Counting and writing --------------------------------------------------------------------------

def export_row_count(*, user, request: ExportRequest) -> int:
    """How many table rows the export will have (one query)."""
    if request.kind == ExportKind.NOMINATIVE_LIST:
        return nominative_list_nominees(user, request).count()
    if request.kind == ExportKind.COVERAGE_RECAP:
        count = latest_snapshots(request.regency).count()
        return count or len(regency_figures(request.regency))
    raise ValueError(f"not an export of the reports app: {request.kind!r}")


def _local_zone(office) -> ZoneInfo:
    return ZoneInfo(office.time_zone)


def _signature(request: ExportRequest, office, today: dt.date) -> exports.Signature:
    """A village's list is signed by its head (Kepala Desa, Lurah for a kelurahan); a subdistrict's
    or the regency's by the head of the implementing office."""
    village = request.village
    if village is not None:
        title = {VillageKind.KELURAHAN: "Lurah", VillageKind.DESA_ADAT: "Kepala Desa Adat"}.get(
            village.kind, "Kepala Desa")
        return exports.Signature(place=village.name, day=today, titles=(f"{title} {village.name}",))
    place = request.regency.name.removeprefix("Kabupaten ").removeprefix("Kota ")
    return exports.Signature(place=place, day=today,
                             titles=(office.head_title or "Kepala Dinas", office.office_name, request.regency.name),
                             name=office.head_name, nip=office.head_nip)


def _rows(iterable, make) -> Iterator:
    for item in iterable:
        yield make(item)


def export_write(output: BinaryIO, *, user, request: ExportRequest,
                 progress: exports.ProgressCallback | None = None, office=None) -> int:
    """Writes the export's workbook into `output` (reports.exports), reading rows in the user's
    scope. Returns the rows written. Used for both an immediate answer and a job. `office`: the
    regency's settings when the caller has them already."""
    office = office or regency_settings_get(request.regency)
    zone = _local_zone(office)
    today = timezone.localdate(timezone=zone)
    if request.kind == ExportKind.NOMINATIVE_LIST:
        programme = request.programme
        heading = exports.NominativeHeading(
            regency_name=request.regency.name, office_name=office.office_name, programme_name=programme.name,
            stage=programme.stage, year=programme.year, region_label=request.region_label, printed_on=today,
            full_identifiers=request.full_identifiers)
        labels = exports.status_labels()
        rows = _rows(nominative_list_values(user, request), lambda values: exports.nominative_row(
            values, full_identifiers=request.full_identifiers, today=today, labels=labels))
        return exports.nominative_workbook(output, heading=heading, rows=rows,
                                           signature=_signature(request, office, today), progress=progress)
    if request.kind == ExportKind.COVERAGE_RECAP:
        source, from_snapshot = _recap_source(request.regency)
        source.sort(key=lambda row: row.region_code)  # each subdistrict followed by its villages
        head = next((row for row in source if row.level == RegionLevel.REGENCY), source[0])
        computed_at = None
        if from_snapshot:
            computed_at = timezone.localtime(head.computed_at, zone)  # written with its zone: "… pukul 08.15 WIB"
        figures = CoverageFigures.from_snapshot(head) if from_snapshot else head
        heading = exports.RecapHeading(
            regency_name=request.regency.name, office_name=office.office_name, year=figures.year,
            official_as_of=figures.official_as_of, counted_to=figures.on, computed_at=computed_at, printed_on=today,
            ucj_percent=figures.ucj_percent, target_percent=figures.target_percent if figures.has_ucj else None,
            target_achievement_percent=figures.target_achievement_percent)
        return exports.coverage_recap_workbook(
            output, heading=heading, rows=_rows(source, lambda row: _recap_row(row, from_snapshot)),
            progress=progress)
    raise ValueError(f"not an export of the reports app: {request.kind!r}")


def export_filename(request: ExportRequest, day: dt.date) -> str:
    """The name the download gets (Content-Disposition); never used on disk."""
    if request.kind == ExportKind.NOMINATIVE_LIST:
        programme = request.programme
        region = request.region_label.split(",")[0]
        return f"Daftar nominatif {region} {programme.name} Tahap {programme.stage} {day:%Y-%m-%d}.xlsx"
    return f"Rekap cakupan {request.regency.name} {day:%Y-%m-%d}.xlsx"


# --- Start: at once or as a job ----------------------------------------------------------------

@dataclass(frozen=True)
class ExportOutcome:
    """What export_start did: `content` is the workbook when it was answered at once; None when a
    job was queued (then `record` is the job to follow on its status page)."""

    record: ExportRecord
    content: bytes | None


def export_start(*, user, request: ExportRequest) -> ExportOutcome:
    """Counts the rows, then builds the workbook now (up to settings.EXPORT_INLINE_MAX_ROWS rows;
    logged as done) or queues a job (logged as queued; `reports.build_export` is enqueued after
    commit). The rows are read and the log row written in one transaction: if the row cannot be
    written, the export fails and no workbook is returned. Who: a view that found the region in
    the user's scope and built `request` with nominative_list_request / coverage_recap_request."""
    with transaction.atomic():
        total = export_row_count(user=user, request=request)
        office = regency_settings_get(request.regency)
        filename = export_filename(request, timezone.localdate(timezone=_local_zone(office)))
        if total <= settings.EXPORT_INLINE_MAX_ROWS:
            buffer = BytesIO()
            record = _write_logged(buffer, user=user, request=request, office=office, filename=filename)
            return ExportOutcome(record=record, content=buffer.getvalue())
        record = export_job_record(kind=request.kind, requested_by=user, regency=request.regency,
                                   programme=request.programme, subdistrict=request.subdistrict,
                                   village=request.village, full_identifiers=request.full_identifiers,
                                   filename=filename, total=total)
        transaction.on_commit(lambda: _enqueue(record.pk))
    logger.info("%s queued export %s (%s, %d rows) of regency %s", user.username, record.pk, request.kind, total,
                request.regency.code)
    return ExportOutcome(record=record, content=None)


def _write_logged(output: BinaryIO, *, user, request: ExportRequest, office, filename: str) -> ExportRecord:
    """export_write, then its log row (status done). The caller holds the transaction."""
    written = export_write(output, user=user, request=request, office=office)
    return export_record(kind=request.kind, requested_by=user, regency=request.regency, programme=request.programme,
                         subdistrict=request.subdistrict, village=request.village, row_count=written,
                         filename=filename, full_identifiers=request.full_identifiers)


def export_to_file(*, user, request: ExportRequest, path: Path) -> ExportRecord:
    """Writes the export to `path` now, whatever its size, and logs it done (the export_nominees
    command): the same export_write and log row as an export answered at once, in one
    transaction. The file is written beside `path`, readable by its owner only (it may hold NIKs
    in clear), and takes its name only once the log row is committed: a failed export leaves no
    file. Who: a caller that built `request` for `user` as the views do."""
    office = regency_settings_get(request.regency)
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=".ekspor-", suffix=".xlsx", delete=False)
    try:
        with handle, transaction.atomic():
            record = _write_logged(handle, user=user, request=request, office=office, filename=path.name)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    logger.info("%s exported %s (%s, %d rows) of regency %s to a file", user.username, record.pk, request.kind,
                record.row_count, request.regency.code)
    return record


def _enqueue(record_id: int) -> None:
    # By name: the tasks module imports this one, never the other way. A broker that cannot be
    # reached (Redis down) fails the record at once with the "cannot start now" message, which its
    # status page shows: no export waits for ever for a message that was never sent.
    if not task_enqueue(BUILD_EXPORT_TASK, args=(record_id,)):
        ExportRecord.objects.filter(pk=record_id, status=ExportStatus.QUEUED).update(
            status=ExportStatus.FAILED, error=NOT_STARTED_MESSAGE, finished_at=timezone.now())


def export_job_run(*, record_id: int) -> ExportRecord | None:
    """Builds a queued export's file (the task `reports.build_export`). Idempotent: a record
    already done is left as it is; one left running by a worker that died is built again from
    the start and its earlier file replaced, as is one the staleness sweep marked failed meanwhile
    (the message handed again to a worker finishes it). Returns the record, or None when it no longer exists.
    Database errors propagate (the task retries); any other error marks the record failed with a
    message for the person, the details going to the log."""
    with transaction.atomic():
        record = (ExportRecord.objects.select_for_update(of=("self",))
                  .select_related("regency", "programme", "subdistrict__regency", "village__subdistrict",
                                  "requested_by").filter(pk=record_id).first())
        if record is None:
            logger.warning("export job %s skipped: the record does not exist", record_id)
            return None
        if record.status == ExportStatus.DONE:
            return record
        record.status, record.progress, record.error = ExportStatus.RUNNING, 0, ""
        record.finished_at, record.heartbeat_at = None, timezone.now()
        record.save(update_fields=["status", "progress", "error", "finished_at", "heartbeat_at"])
    request = ExportRequest.from_record(record)
    user = record.requested_by

    def progress(done: int) -> None:
        # The heartbeat too: a worker killed mid-way stops it (common.jobs.jobs_fail_stale).
        ExportRecord.objects.filter(pk=record.pk).update(progress=done, heartbeat_at=timezone.now())

    previous = record.file.name
    try:
        total = export_row_count(user=user, request=request)
        ExportRecord.objects.filter(pk=record.pk).update(total=total, heartbeat_at=timezone.now())
        with tempfile.TemporaryFile() as handle:
            written = export_write(handle, user=user, request=request, progress=progress)
            handle.seek(0)
            record.file.save(f"ekspor-{record.pk}.xlsx", File(handle), save=False)
    except DATABASE_ERRORS:
        raise
    except Exception:
        logger.exception("export job %s (%s) failed", record.pk, record.kind)
        record.status, record.error, record.finished_at = ExportStatus.FAILED, FAILED_MESSAGE, timezone.now()
        record.save(update_fields=["status", "error", "finished_at"])
        return record
    try:
        with transaction.atomic():
            export_job_done(record=record, row_count=written)
    except BaseException:
        # Not recorded, so not handed out: the new file goes (it may hold NIKs in clear), the
        # record stays unfinished, and the task retries or marks it failed.
        record.file.storage.delete(record.file.name)
        raise
    if previous and previous != record.file.name:
        record.file.storage.delete(previous)
    logger.info("export job %s (%s) done: %d rows", record.pk, record.kind, written)
    return record


def export_job_fail(*, record_id: int) -> None:
    """Marks an unfinished export failed, with the message for the person (the task, when its
    retries are spent). Best effort: with the database still down there is nothing to mark, and
    the error that stopped the job is what the log must show."""
    try:
        ExportRecord.objects.filter(pk=record_id).exclude(status=ExportStatus.DONE).update(
            status=ExportStatus.FAILED, error=FAILED_MESSAGE, finished_at=timezone.now())
    except DATABASE_ERRORS:
        logger.exception("export job %s could not be marked failed", record_id)


def export_files_purge(*, now: dt.datetime | None = None) -> int:
    """Deletes the files of worker-built exports finished more than
    settings.EXPORT_FILE_RETENTION_DAYS ago (they may hold NIKs in clear); the records stay, so the
    export log still says who took what, and the status page says the file is gone. Returns how
    many files were deleted. Idempotent (the nightly beat task `reports.purge_old_export_files`)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.EXPORT_FILE_RETENTION_DAYS)
    purged = 0
    for record in ExportRecord.objects.filter(finished_at__lt=cutoff).exclude(file=""):
        record.file.storage.delete(record.file.name)
        ExportRecord.objects.filter(pk=record.pk).update(file="", file_purged_at=timezone.now())
        purged += 1
    if purged:
        logger.info("deleted the files of %d exports finished before %s", purged, cutoff.isoformat())
    return purged
