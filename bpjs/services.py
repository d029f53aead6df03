"""Writes of the BPJS round trip: export batches, the registration file a regency hands to its BPJS
branch (DOMAIN.md §8), and the branch's column layout. The file itself is registration_file.py's;
the branch's answers are answers.py's; nominees move only through registrations.workflow.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from common import events
from common.access_log import ExportKind, export_record
from registrations import workflow
from registrations.models import Programme
from villages.models import Regency, Village

from . import registration_file
from .models import ExportBatch, RegistrationFileLayout
from .permissions import can_create_export_batch
from .selectors import BATCH_ORDER, export_batch_pending

logger = logging.getLogger(__name__)


def layout_for(regency: Regency) -> list[dict]:
    """The regency's column layout of the registration file ([] = the default, DOMAIN.md §8)."""
    layout = RegistrationFileLayout.objects.filter(regency=regency).values_list("columns", flat=True).first()
    return layout or []


def layout_set(*, regency: Regency, columns: list[dict], changed_by) -> RegistrationFileLayout:
    """Stores the regency's column layout (checked by registration_file.layout_parse beforehand);
    the caller has checked `can_manage_regency`. The history keeps who changed it."""
    layout, _ = RegistrationFileLayout.objects.get_or_create(regency=regency)
    layout.columns = columns
    layout._history_user = changed_by
    layout.save()
    return layout



def _export_batch_number(regency: Regency, year: int) -> str:
    """BPJS-1705-2026-001: per regency and year, counting on from the highest number given. The
    caller holds the regency's row lock, so two offices clicking at once get 001 and 002."""
    prefix = f"BPJS-{regency.code.replace('.', '')}-{year}-"
    taken = ExportBatch.objects.filter(regency=regency, number__startswith=prefix).values_list("number", flat=True)
    last = max((int(number.removeprefix(prefix)) for number in taken if number.removeprefix(prefix).isdigit()),
               default=0)
    return f"{prefix}{last + 1:03d}"


# ValidationError.code of a batch whose nominees changed since the person confirmed its list.
BATCH_CHANGED = "changed"


def export_batch_create(*, programme: Programme, created_by, village: Village | None = None,
                        expected: int | None = None) -> ExportBatch:
    """Makes the next BPJS export batch of the programme: every approved nominee not yet in a
    batch (only `village`'s, when given: the demo hands villages over one by one), in one
    transaction: the batch number, the registration file in the regency's column layout of the
    moment (stored with the batch, so it can be downloaded again unchanged), and each nominee
    moved to "sent to BPJS" through workflow.nominees_send_to_bpjs (event rows; one coverage
    recompute for the whole batch), and the export log's row for it (common.access_log).

    `expected`: how many nominees the person confirmed (the confirmation page's count); when the
    approved nominees waiting are no longer that many, nothing is made (ValidationError with the
    code BATCH_CHANGED), so a batch never holds people the person was not shown.

    Who: the regency admin or approver (`can_create_export_batch`). Raises ValidationError when
    the user may not, or when there is nothing to send. Logged: who, batch number, row count."""
    regency = programme.regency
    if not can_create_export_batch(created_by, regency):
        raise ValidationError("Anda tidak berwenang membuat batch kirim BPJS untuk kabupaten/kota ini.")
    stored_name = ""
    try:
        with transaction.atomic(), events.collected():
            # One batch at a time per regency: the number sequence, and no nominee in two batches.
            Regency.objects.select_for_update().filter(pk=regency.pk).first()
            nominees = list(
                export_batch_pending(programme, village).select_for_update(of=("self",))
                .select_related("village__subdistrict", "occupation")
                .order_by(*BATCH_ORDER)
            )
            if not nominees:
                raise ValidationError("Tidak ada calon berstatus disetujui yang belum dikirim ke BPJS.")
            if expected is not None and len(nominees) != expected:
                raise ValidationError(
                    f"Sejak daftar dibuka, calon disetujui yang menunggu dikirim berubah dari {expected} menjadi "
                    f"{len(nominees)}. Periksa daftarnya lagi, lalu buat batch.", code=BATCH_CHANGED)
            number = _export_batch_number(regency, timezone.localdate().year)
            content = registration_file.registration_workbook(rows=registration_file.registration_rows(nominees, programme),
                                                              layout=layout_for(regency))
            batch = ExportBatch(regency=regency, programme=programme, number=number, created_by=created_by,
                                row_count=len(nominees))
            batch.file.save(f"{number}.xlsx", ContentFile(content), save=False)
            stored_name = batch.file.name
            batch.save()
            workflow.nominees_send_to_bpjs(nominee_pks=[nominee.pk for nominee in nominees], actor=created_by,
                                           batch=batch)
            # Logged with the batch, in its transaction: a batch never exists unrecorded.
            export_record(kind=ExportKind.BPJS_BATCH, requested_by=created_by, regency=regency,
                          programme=programme, row_count=batch.row_count, filename=f"{number}.xlsx",
                          full_identifiers=True)
    except workflow.TransitionError as error:
        _export_batch_file_discard(stored_name)
        raise ValidationError(str(error)) from None
    except BaseException:
        _export_batch_file_discard(stored_name)
        raise
    # By id: the log filter masks a batch number ("1705-2026-001") as if it were a phone number.
    logger.info("%s made BPJS export batch id %s of programme %s with %s rows",
                created_by.username, batch.pk, programme.pk, batch.row_count)
    return batch


def _export_batch_file_discard(name: str) -> None:
    """The file of a batch whose transaction rolled back (files are not transactional)."""
    if name:
        ExportBatch._meta.get_field("file").storage.delete(name)
