from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Province, Regency, RegencySettings, Subdistrict, Village


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_retired"]
    search_fields = ["code", "name"]


@admin.register(Regency)
class RegencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province", "is_retired"]
    list_filter = ["kind", "is_retired"]
    search_fields = ["code", "name"]
    list_select_related = ["province"]


@admin.register(Subdistrict)
class SubdistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "regency", "is_retired"]
    search_fields = ["code", "name"]
    list_select_related = ["regency"]
    raw_id_fields = ["regency"]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "subdistrict", "postal_code", "is_retired"]
    list_filter = ["kind", "is_retired"]
    search_fields = ["code", "name"]
    list_select_related = ["subdistrict"]
    raw_id_fields = ["subdistrict"]


@admin.register(RegencySettings)
class RegencySettingsAdmin(SimpleHistoryAdmin):
    list_display = ["regency", "office_short_name", "head_name", "time_zone"]
    raw_id_fields = ["regency"]
