"""settings.CELERY_TASK_ROUTES: coverage recomputes on "coverage", work on files (exports, BPJS
files, bulk decisions, imports, purges of MEDIA_ROOT) on "files", the rest on "celery"; beat's
entries route like any message sent by name."""

import pytest
from django.conf import settings

from jamsostek_portal.celery import app

from .test_task_registry import declared_task_names

EXPECTED = {
    "reports.recompute_regency_coverage": "coverage",
    "reports.recompute_all_coverage": "coverage",
    "reports.build_export": "files",
    "reports.purge_old_export_files": "files",
    "bpjs.create_export_batch": "files",
    "bpjs.preview_answers": "files",
    "bpjs.apply_answers": "files",
    "registrations.run_decision_job": "files",
    "registrations.preview_regency_import": "files",
    "registrations.apply_regency_import": "files",
    "common.purge_staged_uploads": "files",
    "membership.update_memberships": "files",
    "membership.preview_participants": "files",
    "membership.apply_participants": "files",
    "membership.preview_claims": "files",
    "membership.apply_claims": "files",
    "common.fail_stale_jobs": "celery",
    "reports.recompute_owed": "celery",  # a sweep: it only queues the owed recomputes (on "coverage")
    "jamsostek_portal.health": "celery",
}


def queue_of(task_name: str) -> str:
    """The queue a message sent by name goes to, as Celery's router decides it when sending."""
    route = app.amqp.router.route({}, task_name)
    return route["queue"].name


@pytest.mark.parametrize(("task_name", "queue"), sorted(EXPECTED.items()))
def test_each_task_goes_to_its_queue(task_name, queue):
    assert queue_of(task_name) == queue


def test_every_declared_task_has_its_queue_decided_here():
    # A new task lands on "celery" unless routed: this list makes the choice visible.
    assert declared_task_names() | {"jamsostek_portal.health"} <= set(EXPECTED)


def test_a_nominee_import_job_goes_to_files_whatever_its_name_in_registrations():
    assert queue_of("registrations.run_import_job") == "files"


def test_beat_entries_route_by_name_and_there_are_only_these_queues():
    queues = {entry["task"]: queue_of(entry["task"]) for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert queues == {"reports.recompute_all_coverage": "coverage", "reports.purge_old_export_files": "files",
                      "reports.recompute_owed": "celery", "common.fail_stale_jobs": "celery",
                      "common.purge_staged_uploads": "files", "membership.update_memberships": "files"}
    assert set(EXPECTED.values()) == set(settings.TASK_QUEUES) == {"celery", "coverage", "files"}
    assert app.conf.task_default_queue == "celery"


def test_an_installation_sharing_a_redis_may_prefix_its_queues():
    from .test_settings import django_setup

    result = django_setup({"CELERY_QUEUE_PREFIX": "seluma."},
                          "from django.conf import settings as s; from jamsostek_portal.celery import app; "
                          "r = app.amqp.router; print(s.TASK_QUEUES, r.route({}, 'reports.build_export')['queue'].name, "
                          "r.route({}, 'common.fail_stale_jobs')['queue'].name)")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "('seluma.celery', 'seluma.coverage', 'seluma.files') seluma.files seluma.celery"
