from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import RegionAssignment, User


class RegionAssignmentInline(admin.TabularInline):
    model = RegionAssignment
    extra = 0
    raw_id_fields = ["province", "regency", "village"]


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "get_full_name", "role", "must_change_password", "is_active"]
    list_filter = ["role", "is_active", "must_change_password"]
    fieldsets = BaseUserAdmin.fieldsets + (("Jamsostek Portal", {"fields": ["role", "must_change_password"]}),)
    inlines = [RegionAssignmentInline]
