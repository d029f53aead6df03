"""A bulk review decision, in the request or as a background job (issue "Speed": decisions in bulk).

`decision_start` is what the review pages call with the nominees a decision covers (a selection,
a whole village). Up to settings.DECISION_INLINE_MAX_ROWS it decides them at once
(`workflow.nominees_decide`) and the page says what happened in its flash messages
(`decision_messages`); above, it starts a job (common.jobs: the task
`registrations.run_decision_job`, registrations/tasks.py) and the person watches its progress page.

The job (`decision_job_work`) decides DECISION_JOB_CHUNK nominees at a time, each chunk in its own
transactions and its own announcement (the coverage recompute, the village notices), so progress
shows, memory stays bounded and what a chunk moved is told even when a later one fails. A job run
again after its worker died finishes the rest: a nominee this job already moved (its event by the
requester to the decision's status, since the job was asked) is counted as moved, not refused.
Its result says how many were moved and how many could not be, counted by reason, in the words of
the flash messages (no names: the job row keeps no personal data).
"""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.formatting import format_datetime
from common.jobs import JobResult, job_start
from registrations import workflow
from registrations.enums import Action
from registrations.models import NomineeEvent

JOB_KIND = "registrations.decide"
JOB_TASK = "registrations.run_decision_job"
DECISION_JOB_CHUNK = 1000  # nominees a job decides between two progress steps
# "7 calon diverifikasi." — what each decision did, for the messages after a bulk decision.
DONE = {
    Action.VERIFY: "diverifikasi",
    Action.APPROVE: "disetujui",
    Action.RETURN: "dikembalikan ke desa",
    Action.REJECT: "ditolak",
    Action.REOPEN: "dibuka kembali",
}


def decision_start(*, user, programme, action: str, names: dict[int, str], seen: dict[int, str],
                   reason_code: str = "", reason: str = "", return_url: str = ""):
    """Decides `names` (pk → name, the nominees the person chose, already within their scope) at
    once, returning the workflow's BulkResult, or, when they are more than
    settings.DECISION_INLINE_MAX_ROWS, starts the job that decides them and returns its Job.
    The rules are the workflow's either way (checked again for each nominee)."""
    if len(names) <= settings.DECISION_INLINE_MAX_ROWS:
        return workflow.nominees_decide(nominee_pks=list(names), action=action, actor=user,
                                        reason_code=reason_code, reason=reason, seen=seen)
    with transaction.atomic():
        return job_start(
            kind=JOB_KIND, title=f"{Action(action).label} {len(names):,} calon".replace(",", "."),
            task_name=JOB_TASK, user=user, regency_id=programme.regency_id, total=len(names),
            params={"action": action, "reason_code": reason_code, "reason": reason, "nominee_ids": list(names),
                    "seen": {str(pk): status for pk, status in seen.items()}},
            return_url=return_url,
        )


def decision_messages(result: workflow.BulkResult, names: dict[int, str], action: str) -> tuple[str, str]:
    """The flash messages of a decision made in the request: what changed ("7 calon disetujui.")
    and who could not be changed, and why, one line each ("" when there is nothing to say)."""
    done = f"{len(result.changed)} calon {DONE[action]}." if result.changed else ""
    refused = ""
    if result.refused:
        lines = [_refusal_line(names[pk], why) for pk, why in result.refused]
        refused = "\n".join([f"{len(result.refused)} tidak bisa diubah:", *lines])
    return done, refused


def replay_message(already: dict, action: str) -> str:
    """The answer to a decision form sent again (common.replays): `already` maps pk → when this
    person's first sending decided it ("3 calon sudah disetujui pada 4 Desember 2026 pukul 10.02 WIB …")."""
    at = timezone.localtime(max(already.values()))
    return (f"{len(already)} calon sudah {DONE[action]} pada {format_datetime(at)} (kiriman pertama Anda); "
            "kiriman kedua tidak mengubah apa-apa.")


def _refusal_line(name: str, why: str) -> str:
    """The workflow's messages mostly begin with the name already; never say it twice."""
    return f"– {why}" if why.startswith(name) else f"– {name}: {why}"


def decision_job_work(job, progress) -> JobResult:
    """The job's work (common.jobs.job_run calls it in the worker): the decision on the job's
    nominees, DECISION_JOB_CHUNK at a time, as the person who asked for it."""
    params, actor = job.params, job.requested_by
    action, pks = params["action"], params["nominee_ids"]
    seen = {int(pk): status for pk, status in params["seen"].items()}
    target = workflow.ACTION_TARGETS[action]
    moved, reasons = 0, Counter()
    for start in range(0, len(pks), DECISION_JOB_CHUNK):
        chunk = pks[start:start + DECISION_JOB_CHUNK]
        # A run after a killed worker: what the first run committed stays moved and is counted so.
        already = set(NomineeEvent.objects.filter(nominee_id__in=chunk, actor=actor, to_status=target,
                                                  created_at__gte=job.created_at)
                      .values_list("nominee_id", flat=True))
        result = workflow.nominees_decide(nominee_pks=[pk for pk in chunk if pk not in already], action=action,
                                          actor=actor, reason_code=params["reason_code"], reason=params["reason"],
                                          seen=seen)
        moved += len(already) + len(result.changed)
        reasons.update(result.summaries)
        progress(start + len(chunk))
    lines = [f"{moved} calon {DONE[action]}."] if moved else []
    refused = sum(reasons.values())
    if refused:
        lines.append(f"{refused} tidak bisa diubah:")
        lines += [f"– {count} calon: {why}" for why, count in reasons.most_common()]
    links = [("Kembali ke halaman sebelumnya", job.return_url)] if job.return_url else []
    return JobResult(lines=lines, links=links, warning=bool(refused),
                     data={"moved": moved, "refused": refused, "reasons": dict(reasons)})
