"""The moves into the common and BPJS apps keep an installed regency's data.

Two models changed app with their tables, state only (SeparateDatabaseAndState): reports.ExportRecord
became common.ExportRecord on `reports_exportrecord`, registrations.ExportBatch became
bpjs.ExportBatch on `registrations_exportbatch` (Nominee.export_batch follows it). The regency's
BPJS column layout left villages.RegencySettings.bpjs_export_layout for bpjs.RegistrationFileLayout:
bpjs.0002 copies it, villages.0004 drops the old column.

This test takes the database back to the schema before those changes, writes rows into it with the
historical models of that day, migrates to the latest migrations and proves that nothing was lost:
the same ids and values read through the current models, the same tables, the nominee still in its
batch and the layout copied exactly (a regency on the default layout gets no row). Then it migrates
back and finds the layout in the regency's settings again (bpjs.0002's reverse), and in every case
ends on the latest schema for the tests after it. The test is transactional: its rows go with the
flush at its end, and the conftest seeds the reference data and regions again for the next test.
"""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

# The schema before the common and BPJS apps (third-party apps stay at their latest).
OLD_SCHEMA = [
    ("accounts", "0002_initial"),
    ("villages", "0003_regencysettings_bpjs_export_layout"),
    ("registrations", "0007_nominee_paid_until"),
    ("reports", "0003_export_record_file_purged_at"),
    ("common", None),
    ("bpjs", None),
]
LAYOUT = [{"key": "nik", "header": "NIK KTP"}, {"key": "name"}]
NOW = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)


def migrate(targets) -> MigrationExecutor:
    """Migrate the test database to `targets`; → an executor reloaded from what is now applied."""
    MigrationExecutor(connection).migrate(targets)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


def migrate_to_latest() -> MigrationExecutor:
    return migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def old_apps(executor: MigrationExecutor):
    """The historical models of the old schema (an app at zero has none)."""
    return executor.loader.project_state([node for node in OLD_SCHEMA if node[1] is not None]).apps


def row(model, pk) -> dict:
    """Every column of one row, as the model reads it (encrypted fields decrypted)."""
    return model.objects.filter(pk=pk).values().get()


def table_columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {column.name for column in connection.introspection.get_table_description(cursor, table)}


def test_moving_models_to_common_and_bpjs_keeps_every_row(seluma, other_regency):
    try:
        executor = migrate(OLD_SCHEMA)
        applied = executor.loader.applied_migrations
        assert ("villages", "0003_regencysettings_bpjs_export_layout") in applied
        assert not {("villages", "0004_remove_regencysettings_bpjs_export_layout"), ("common", "0001_initial"),
                    ("bpjs", "0001_initial"), ("reports", "0004_export_record_to_common"),
                    ("registrations", "0008_export_batch_to_bpjs")} & set(applied)

        # --- Rows written with the old schema's models ---------------------------------------
        apps = old_apps(executor)
        Regency = apps.get_model("villages", "Regency")
        RegencySettings = apps.get_model("villages", "RegencySettings")
        OldExportBatch = apps.get_model("registrations", "ExportBatch")
        OldExportRecord = apps.get_model("reports", "ExportRecord")
        OldNominee = apps.get_model("registrations", "Nominee")

        regency = Regency.objects.get(code="17.05")
        other = Regency.objects.get(code="17.01")
        village = apps.get_model("villages", "Village").objects.get(code="17.05.01.2002")
        user = apps.get_model("accounts", "User").objects.create(
            username="migrasi-uji", role="regency_admin", password="!", first_name="Uji", last_name="Migrasi")
        RegencySettings.objects.update_or_create(regency=regency, defaults={"bpjs_export_layout": LAYOUT})
        RegencySettings.objects.update_or_create(regency=other, defaults={"bpjs_export_layout": []})
        programme = apps.get_model("registrations", "Programme").objects.create(
            regency=regency, name="Perlindungan Pekerja Rentan 2026", year=2026, stage=1,
            implementing_office="Dinas Tenaga Kerja Kabupaten Seluma", premium_per_month=16_800,
            coverage_start=dt.date(2026, 3, 1), nomination_opens=dt.date(2026, 1, 5),
            nomination_closes=dt.date(2026, 2, 20), created_by=user,
        )
        batch = OldExportBatch.objects.create(
            regency=regency, programme=programme, number="BPJS-1705-2026-001", created_by=user, row_count=1,
            file="bpjs/2026/BPJS-1705-2026-001.xlsx",
        )
        record = OldExportRecord.objects.create(
            kind="bpjs_batch", status="done", regency=regency, programme=programme,
            subdistrict=village.subdistrict, village=village, requested_by=user, finished_at=NOW,
            full_identifiers=True, filename="BPJS-1705-2026-001.xlsx", row_count=1, progress=1, total=1,
            file="exports/2026/BPJS-1705-2026-001.xlsx", error="", file_purged_at=NOW + dt.timedelta(days=30),
        )
        nominee = OldNominee.objects.create(
            programme=programme, village=village, status="sent_to_bpjs", export_batch=batch,
            nik="1705010101900001", nik_hash=uuid.uuid4().hex, nik_masked="************0001",
            kk="1705010101200001", kk_masked="************0001", full_name="Warga Migrasi", birth_place="Tais",
            birth_date=dt.date(1990, 1, 1), sex="L", address="Jalan Desa", rt="001",
            occupation=apps.get_model("registrations", "OccupationCategory").objects.get(name="Petani"),
            mother_maiden_name="Ibu Uji", consent_at=NOW, consent_by=user, created_by=user,
        )
        before = {
            "batch": row(OldExportBatch, batch.pk),
            "record": row(OldExportRecord, record.pk),
            "nominee": row(OldNominee, nominee.pk),
        }
        counts = {"batch": OldExportBatch.objects.count(), "record": OldExportRecord.objects.count()}

        # --- Forward to the latest migrations ---------------------------------------------------
        executor = migrate_to_latest()
        assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []

        from bpjs.models import ExportBatch, RegistrationFileLayout
        from common.models import ExportRecord
        from registrations.models import Nominee

        # Same tables, no new ones: the moves copied nothing.
        assert ExportRecord._meta.db_table == "reports_exportrecord"
        assert ExportBatch._meta.db_table == "registrations_exportbatch"
        tables = set(connection.introspection.table_names())
        assert {"reports_exportrecord", "registrations_exportbatch"} <= tables
        assert not {"common_exportrecord", "bpjs_exportbatch"} & tables

        # Same ids, same values, same number of rows.
        assert row(ExportBatch, batch.pk) == before["batch"]
        # Columns added since (the reveal's nominee, the reset's account, a job's heartbeat) are empty
        # on the moved rows.
        assert row(ExportRecord, record.pk) == {**before["record"], "nominee_ref": None, "account_id": None,
                                                "heartbeat_at": None}
        # The nominee gained the keys of the possible-duplicate check, filled by the migration that
        # added them (registrations.lookalikes: the normalised name, the mother's name's keyed hash).
        from registrations.lookalikes import lookalike_keys
        # It also gained the link a continued membership keeps to its earlier nomination (none here)
        # and its nominating body (none: a village's).
        assert row(Nominee, nominee.pk) == {**before["nominee"], "name_key": "wargamigrasi",
                                            "mother_name_hash": lookalike_keys("", "Ibu Uji")[1],
                                            "continued_from_id": None, "nominating_body_id": None}
        assert (ExportBatch.objects.count(), ExportRecord.objects.count()) == (counts["batch"], counts["record"])

        # The nominee is still in its batch, now a bpjs.ExportBatch, and the foreign key still
        # points at the batch table.
        moved = Nominee.objects.select_related("export_batch").get(pk=nominee.pk)
        assert isinstance(moved.export_batch, ExportBatch)
        assert moved.export_batch.pk == batch.pk
        assert moved.export_batch.number == "BPJS-1705-2026-001"
        assert list(ExportBatch.objects.get(pk=batch.pk).nominees.values_list("pk", flat=True)) == [nominee.pk]
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, "registrations_nominee")
        assert ("registrations_exportbatch", "id") in [
            constraint["foreign_key"] for constraint in constraints.values()
            if constraint["columns"] == ["export_batch_id"] and constraint["foreign_key"]
        ]

        # The layout copied exactly; a regency on the default layout gets no row.
        assert RegistrationFileLayout.objects.get(regency_id=regency.pk).columns == LAYOUT
        assert not RegistrationFileLayout.objects.filter(regency_id=other.pk).exists()
        assert "bpjs_export_layout" not in table_columns("villages_regencysettings")

        # --- Back to the old schema: the layout returns to the regency's settings -------------
        executor = migrate(OLD_SCHEMA)
        apps = old_apps(executor)
        RegencySettings = apps.get_model("villages", "RegencySettings")
        assert RegencySettings.objects.get(regency_id=regency.pk).bpjs_export_layout == LAYOUT
        assert RegencySettings.objects.get(regency_id=other.pk).bpjs_export_layout == []
        assert "bpjs_registrationfilelayout" not in connection.introspection.table_names()
        assert row(apps.get_model("registrations", "ExportBatch"), batch.pk) == before["batch"]
        assert row(apps.get_model("reports", "ExportRecord"), record.pk) == before["record"]
        assert row(apps.get_model("registrations", "Nominee"), nominee.pk) == before["nominee"]
    finally:
        # Whatever happened above, the tests after this one find the full schema.
        executor = migrate_to_latest()
        assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
