"""The API's answers, field by field (their help texts become the OpenAPI schema's descriptions).

Read-only: nothing here saves. No field holds personal data: regions, figures, batch numbers and
the staff account that made a batch, never a nominee's NIK, KK, name or phone number.
"""

from rest_framework import serializers

from bpjs.selectors import BATCH_STATUS_GROUPS
from common.formatting import PERCENT_DECIMAL_PLACES, PERCENT_ROUNDING
from registrations.enums import NomineeStatus
from reports.models import RegionLevel

from .readings import LIVE, SNAPSHOT


class ErrorSerializer(serializers.Serializer):
    """The body of an error answer (400, 401, 404, 429)."""

    detail = serializers.CharField(read_only=True)


def _percent(help_text: str, **options) -> serializers.DecimalField:
    # The rounding of the pages and `coverage --json` (common.formatting.display_percent): two decimals, half up.
    return serializers.DecimalField(max_digits=14, decimal_places=PERCENT_DECIMAL_PLACES, rounding=PERCENT_ROUNDING,
                                    coerce_to_string=False, allow_null=True, read_only=True,
                                    help_text=help_text, **options)


class RegionSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, help_text="Kemendagri code, dotted (e.g. 17.05).")
    name = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True, help_text="kabupaten or kota.")
    province_code = serializers.CharField(source="province.code", read_only=True)
    province_name = serializers.CharField(source="province.name", read_only=True)
    is_retired = serializers.BooleanField(read_only=True,
                                          help_text="No longer in the latest Kemendagri data; kept for its history.")
    coverage_url = serializers.HyperlinkedIdentityField(
        view_name="api:coverage-detail", lookup_field="code", lookup_url_kwarg="region_code")
    history_url = serializers.HyperlinkedIdentityField(
        view_name="api:coverage-history", lookup_field="code", lookup_url_kwarg="region_code")
    children_url = serializers.HyperlinkedIdentityField(
        view_name="api:coverage-children", lookup_field="code", lookup_url_kwarg="region_code")


class ProgrammeFiguresSerializer(serializers.Serializer):
    """The programme's own numbers in the region, over all stages of the year."""

    quota = serializers.IntegerField(read_only=True, allow_null=True,
                                     help_text="Places the year's programmes give the region; null without a quota.")
    nominated = serializers.IntegerField(read_only=True, help_text="Nominations holding a place.")
    submitted = serializers.IntegerField(read_only=True, help_text="Nominations sent on to the regency.")
    approved = serializers.IntegerField(read_only=True, help_text="Approved by the regency.")
    registered = serializers.IntegerField(read_only=True, help_text="Registered with BPJS (and not ended).")
    active = serializers.IntegerField(read_only=True, help_text="Active members (registered or active).")
    premium_committed_rp = serializers.IntegerField(
        read_only=True, help_text="Premium committed for the registered workers, in Rupiah.")


class CoverageSerializer(serializers.Serializer):
    """One region's coverage (UCJ: Universal Coverage Jamsostek). UCJ fields are null where the region has no
    denominator (no official figure or target; a village without its working residents)."""

    region_code = serializers.CharField(source="figures.region_code", read_only=True)
    region_name = serializers.CharField(source="figures.region_name", read_only=True)
    level = serializers.ChoiceField(source="figures.level", choices=RegionLevel.values, read_only=True)
    year = serializers.IntegerField(source="figures.year", read_only=True, help_text="The coverage year.")
    source = serializers.ChoiceField(
        choices=[SNAPSHOT, LIVE], read_only=True,
        help_text="snapshot: the stored figures of the latest recompute; live: computed for this answer "
                  "because the regency was never recomputed.")
    data_as_of = serializers.DateField(read_only=True, help_text="The day the figures are for.")
    computed_at = serializers.DateTimeField(read_only=True, allow_null=True,
                                            help_text="When the snapshot was computed; null for live figures.")
    ucj_percent = _percent("UCJ: covered ÷ working population × 100.", source="figures.ucj_percent")
    target_percent = _percent("The year's UCJ target.", source="figures.target_percent")
    target_achievement_percent = _percent("UCJ ÷ target × 100.", source="figures.target_achievement_percent")
    contribution_points = _percent("The programme's addition in UCJ points.", source="figures.contribution_points")
    denominator = serializers.IntegerField(source="figures.denominator", read_only=True, allow_null=True,
                                           help_text="Working population UCJ is measured against.")
    official_numerator = serializers.IntegerField(
        source="figures.official_numerator", read_only=True, allow_null=True,
        help_text="Active participants in the official figure, as BPJS reported it.")
    official_as_of = serializers.DateField(source="figures.official_as_of", read_only=True, allow_null=True,
                                           help_text="Date of the official figure used.")
    programme_addition = serializers.IntegerField(
        source="figures.programme_addition", read_only=True, allow_null=True,
        help_text="Programme workers covered and registered after the official figure's date.")
    covered = serializers.IntegerField(source="figures.covered", read_only=True, allow_null=True,
                                       help_text="Official numerator + programme addition.")
    workers_needed_for_target = serializers.IntegerField(
        source="figures.workers_needed_for_target", read_only=True, allow_null=True,
        help_text="Workers still to cover to reach the target.")
    premium_per_month_rp = serializers.IntegerField(source="figures.premium_per_month_rp", read_only=True,
                                                    help_text="Premium per worker per month, in Rupiah.")
    programme = ProgrammeFiguresSerializer(source="figures.programme", read_only=True)


class ExportBatchProgrammeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    year = serializers.IntegerField(read_only=True)
    stage = serializers.IntegerField(read_only=True)


class BatchStatusCountsSerializer(serializers.Serializer):
    """Where the batch's nominees stand with BPJS."""

    # The groups are registrations.selectors.BATCH_STATUS_GROUPS, shared with the regency's BPJS page.

    waiting = serializers.IntegerField(read_only=True, help_text=f"Still {NomineeStatus.SENT_TO_BPJS.value}: "
                                                                 "no answer from BPJS yet.")
    registered = serializers.IntegerField(read_only=True,
                                          help_text="Registered by BPJS (" + ", ".join(
                                              BATCH_STATUS_GROUPS["registered"]) + ").")
    refused = serializers.IntegerField(read_only=True, help_text="Refused by BPJS.")


class ExportBatchSerializer(serializers.Serializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:export-batch-detail", lookup_field="number")
    number = serializers.CharField(read_only=True, help_text="Batch number, e.g. BPJS-1705-2026-001.")
    regency_code = serializers.CharField(source="regency.code", read_only=True)
    regency_name = serializers.CharField(source="regency.name", read_only=True)
    programme = ExportBatchProgrammeSerializer(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True,
                                       help_text="Username of the staff account that made the batch.")
    row_count = serializers.IntegerField(read_only=True, help_text="Nominees in the batch file.")
    # The counts are annotations of bpjs.selectors.export_batches_with_status.
    status_counts = BatchStatusCountsSerializer(source="*", read_only=True)
