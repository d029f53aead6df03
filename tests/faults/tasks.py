"""A task only the fault tests' own worker loads (`celery worker --include tests.faults.tasks`): a
job that beats its heartbeat every tenth of a second for a minute, long enough to be killed mid-way."""

import time

from celery import shared_task

from common.jobs import JobResult, job_run

SLOW_JOB_TASK = "tests.faults.slow_job"


@shared_task(name=SLOW_JOB_TASK, acks_late=True)
def slow_job(job_id: int) -> None:
    def work(job, progress):
        for step in range(600):
            progress(step, 600)
            time.sleep(0.1)
        return JobResult(lines=["Selesai."])

    job_run(job_id, work)
