"""The audit trail in the admin: read-only, and only a school's own entries."""

from django.contrib import admin

from hechtwijzer.access import administered_schools
from hechtwijzer.admin_site import site

from .models import AuditEntry


@admin.register(AuditEntry, site=site)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "role", "action", "object_type", "object_id"]
    list_filter = ["action", "role"]
    search_fields = ["username", "pupil_public_id", "object_id"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        school_ids = list(administered_schools(request.user).values_list("pk", flat=True))
        return super().get_queryset(request).filter(school_id__in=school_ids)

    def has_view_permission(self, request, obj=None):
        return administered_schools(request.user).exists()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
