from django.contrib import admin

from .models import GracePeriod


@admin.register(GracePeriod)
class GracePeriodAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "months", "legal_basis"]
