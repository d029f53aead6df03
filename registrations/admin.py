"""The Django admin for system administrators: reference data (rates, occupation categories) and a
read-only view of nominees and their events. Status changes and nominee data go through the pages,
which call services.py and workflow.py; the admin never shows a full NIK or KK. It has no actions
on nominees: a system administrator decides nothing in the workflow (workflow.TRANSITIONS), and an
action added later must call workflow.nominees_decide, as the review pages do."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from common.formatting import format_phone

from . import services
from .identifiers import shown_birth, shown_nik
from .models import Nominee, NomineeEvent, OccupationCategory, PremiumRate, Programme, VillageQuota
from .nik import NIK_HASH, nik_search_hash
from .timeline import HIDDEN_CHANGE


class VillageQuotaInline(admin.TabularInline):
    """Read-only here: overrides are set on the programme page (services.village_quota_set, which
    refuses a quota below the places already taken)."""

    model = VillageQuota
    extra = 0
    fields = ["village", "quota"]
    readonly_fields = ["village", "quota"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "stage", "year", "regency", "quota_rule", "premium_per_month", "nomination_opens",
                    "nomination_closes"]
    list_filter = ["year", "quota_rule", "funding_source"]
    search_fields = ["name", "regency__name", "regency__code"]
    raw_id_fields = ["regency"]
    readonly_fields = ["premium_per_month", "created_by", "created_at"]
    inlines = [VillageQuotaInline]

    def save_model(self, request, obj, form, change):
        # The same service as the programme page: it checks the permission, recomputes the premium
        # from the rate in force at coverage start, validates and saves with the history user.
        if not change:
            obj.created_by = request.user
        services.programme_update(programme=obj, changed_by=request.user)


@admin.register(PremiumRate)
class PremiumRateAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "jkk_percent", "jkm_amount", "jht_percent", "legal_basis"]


@admin.register(OccupationCategory)
class OccupationCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "order"]
    list_editable = ["is_active", "order"]
    list_filter = ["is_active"]
    search_fields = ["name"]


class ReadOnlyAdminMixin:
    """Shown, never added, changed or deleted here: nominees change through services.py and
    workflow.py, their events are written by workflow.py alone."""

    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _MaskedHistoryHelper(HistoricalRecordContextHelper):
    """The history page's list of changes: a changed birth date says only that it changed."""

    def prepare_delta_change_value(self, change, value):
        if change.field == "birth_date":
            return HIDDEN_CHANGE
        return super().prepare_delta_change_value(change, value)


@admin.register(Nominee)
class NomineeAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only listing. Search takes a full NIK (matched on its keyed hash) or a name."""

    list_display = ["full_name", "nik_shown", "village", "programme", "status", "created_at"]
    list_filter = ["status", "programme"]
    list_select_related = ["village", "programme"]
    search_fields = ["full_name"]
    # Never nik, kk, nik_hash, mother_maiden_name or the birth date: the admin is not a way around the masking.
    fields = ["programme", "village", "status", "status_reason", "status_changed_at", "replaces", "nik_shown",
              "full_name", "birth_place", "age_shown", "sex", "address", "rt", "rw", "postal_code", "phone_shown",
              "email", "occupation", "monthly_income", "data_source", "decile", "confirmed_warnings", "consent_at",
              "consent_by", "created_by", "created_at", "updated_at"]
    readonly_fields = fields

    @admin.display(description=Nominee._meta.get_field("nik_masked").verbose_name, ordering="nik_masked")
    def nik_shown(self, nominee):
        return shown_nik(nominee, full=False)  # masked for everyone, whatever their role

    @admin.display(description=Nominee._meta.get_field("phone").verbose_name)
    def phone_shown(self, nominee):
        return format_phone(nominee.phone)  # as on the nominee page: 0812-3456-7890

    @admin.display(description="Umur")
    def age_shown(self, nominee):
        return shown_birth(nominee, full=False, today=timezone.localdate())  # the age, never the birth date

    def get_historical_record_context_helper(self, request, historical_record):
        return _MaskedHistoryHelper(self.model, historical_record)

    def changelist_view(self, request, extra_context=None):
        # A NIK typed in the search box (a GET form) goes no further than this request, which the
        # access log records without its query: the search continues on its keyed hash.
        if nik_hash := nik_search_hash(request.GET.get("q", "")):
            params = request.GET.copy()
            params["q"] = nik_hash
            return HttpResponseRedirect(f"{request.path}?{params.urlencode()}")
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        # The same keyed hash as the review queue's NIK search (nik.nik_search_hash).
        if NIK_HASH.fullmatch(search_term.strip()):
            return queryset.filter(nik_hash=search_term.strip()), False
        return super().get_search_results(request, queryset, search_term)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history saves a POST to a past version ("revert") with the view permission alone:
        # that would put back an old status with no event. Looking at a past version is fine.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        raise PermissionDenied  # statuses change in workflow.py, data in services.py


@admin.register(NomineeEvent)
class NomineeEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The timeline written by workflow.py; nobody adds, edits or deletes a step here."""

    list_display = ["created_at", "nominee", "from_status", "to_status", "actor", "reason_code", "reason"]
    list_filter = ["to_status"]
    list_select_related = ["nominee", "actor"]
    fields = ["nominee", "actor", "from_status", "to_status", "reason_code", "reason", "created_at"]
    readonly_fields = fields
