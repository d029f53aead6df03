from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from common.access_log import password_reset_record

from . import services
from .forms import UserAdminChangeForm
from .models import RegionAssignment, User
from .scope import home_regency_for_user


class RegionAssignmentInline(admin.TabularInline):
    model = RegionAssignment
    extra = 0
    raw_id_fields = ["province", "regency", "village"]


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    form = UserAdminChangeForm
    list_display = ["username", "get_full_name", "role", "must_change_password", "is_active"]
    list_filter = ["role", "is_active", "must_change_password"]
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Jamsostek Portal", {"fields": ["role", "phone", "must_change_password"]}),
    )
    inlines = [RegionAssignmentInline]

    def user_change_password(self, request, id, form_url=""):
        """The admin's "change password" form is a reset like the page's (accounts.views): for
        someone else's account the new password must be changed at next login, the owner is told
        who set it, and the change is in the regency's access log."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, unquote(id))
                if user is not None and user.pk != request.user.pk:
                    services.user_password_set_by_admin(user=user, set_by=request.user)
                    if (regency := home_regency_for_user(user)) is not None:
                        password_reset_record(reset_by=request.user, account=user, regency=regency)
        return response
