"""Admin pages: the school's retention period and holds on deletion, through the domain
functions (policy check and audit entry); narrowed to the schools the user administers."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from hechtwijzer.admin_site import ScopedModelAdmin, site
from hechtwijzer.administration.admin import SchoolScopedAdmin, _schools
from hechtwijzer.audit.admin import PupilReadsRecorded
from hechtwijzer.schools.models import Pupil

from . import actions
from .models import RetentionHold, RetentionPolicy


@admin.register(RetentionPolicy, site=site)
class RetentionPolicyAdmin(SchoolScopedAdmin):
    list_display = ["school", "days_after_leaving", "effective_days"]
    fields = ["school", "days_after_leaving"]

    def get_readonly_fields(self, request, obj=None):
        return ["school"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        school = obj.school
        policy = actions.set_retention_days(
            actor=request.user, school=school, days=form.cleaned_data["days_after_leaving"]
        )
        obj.pk = policy.pk


@admin.register(RetentionHold, site=site)
class RetentionHoldAdmin(PupilReadsRecorded, ScopedModelAdmin):
    list_display = ["pupil", "placed_at", "placed_by"]
    list_select_related = ["pupil", "placed_by"]
    fields = ["pupil", "reason"]

    def pupils_named(self, obj):
        return [(obj.pupil.school_id, obj.pupil.public_id)]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pupil__school__in=_schools(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "pupil":
            kwargs["queryset"] = Pupil.objects.filter(school__in=_schools(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return False  # a hold is placed or lifted, not edited

    def has_delete_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def save_model(self, request, obj, form, change):
        try:
            hold = actions.place_hold(
                actor=request.user, pupil=form.cleaned_data["pupil"], reason=obj.reason
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), level="error")
            return
        obj.pk, obj.uid = hold.pk, hold.uid

    def delete_model(self, request, obj):
        actions.lift_hold(actor=request.user, hold=obj)
