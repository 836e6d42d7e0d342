"""The audit trail in the admin (read-only, only a school's own entries), and the recording of
every admin page that shows pupil data.

`PupilReadsRecorded` is for every admin page whose objects are pupils or name one (a test holds
every registered page to it): a list (change list, autocomplete answer, the choices of a pupil
field) writes one entry per school with how many pupils matched and the public ids of those
shown, never the search text (it may be a name); one object's page (change form, delete
confirmation) writes an entry per pupil it names. Browsing the audit trail itself is recorded
the same way ("audit.list", "audit.view_admin"), as the pupil's audit page does.
"""

from collections import defaultdict

from django.contrib import admin
from django.forms import ModelChoiceField
from django.http import Http404

from hechtwijzer.access import administered_schools
from hechtwijzer.admin_site import site
from hechtwijzer.schools.models import Pupil

from .models import AuditEntry, record


class PupilReadsRecorded:
    """Mixin for a ModelAdmin: record every page that shows pupil data. Subclasses say which
    pupils an object names (`pupils_named`) and which actions the entries carry."""

    list_action = "pupil.list"
    object_action = "pupil.view_admin"

    def pupils_named(self, obj) -> list[tuple[int | None, str]]:
        """(school id, public id) of each pupil `obj` shows."""
        raise NotImplementedError

    def record_read(self, request, view, objects, *, count=None, searched=False):
        named = [pair for obj in objects for pair in self.pupils_named(obj)]
        self.record_list(request, view, named, count=count, searched=searched)

    def record_list(self, request, view, named, *, count=None, searched=False):
        """One entry per school: the (school id, public id) pairs shown, and how many matched."""
        shown = defaultdict(set)
        for school_id, public_id in named:
            shown[school_id].add(public_id)
        # An empty list is a read too (it says there is nobody by that name).
        for school_id in administered_schools(request.user).values_list("pk", flat=True):
            shown.setdefault(school_id, set())
        model = self.model._meta.model_name
        for school_id, public_ids in sorted(shown.items(), key=lambda item: item[0] or 0):
            record(
                action=self.list_action,
                request=request,
                school_id=school_id,
                object_type="admin",
                object_id=model,
                details={
                    "view": view,
                    "count": len(public_ids) if count is None else count,
                    "searched": searched,
                    "shown": sorted(public_ids),
                },
            )

    def record_object(self, request, view, obj):
        model = self.model._meta.model_name
        for school_id, public_id in self.pupils_named(obj):
            record(
                action=self.object_action,
                request=request,
                school_id=school_id,
                object_type=model,
                object_id=getattr(obj, "public_id", None) or obj.pk,
                pupil_public_id=public_id,
                details={"view": view},
            )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = (getattr(response, "context_data", None) or {}).get("cl")
        if response.status_code == 200 and cl is not None:
            self.record_read(
                request,
                "list",
                cl.result_list,
                count=cl.result_count,
                searched=bool(cl.query),
            )
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        context = getattr(response, "context_data", None) or {}
        if response.status_code != 200 or "adminform" not in context:
            return response  # saved (a redirect): the domain function recorded the change
        if context.get("original") is not None:
            self.record_object(request, "change_form", context["original"])
        for field in context["adminform"].form.fields.values():
            # A choice of pupils shows every name on offer.
            if isinstance(field, ModelChoiceField) and field.queryset.model is Pupil:
                pupils = field.queryset.values_list("school_id", "public_id")
                self.record_list(request, "choices", list(pupils))
        return response

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        context = getattr(response, "context_data", None) or {}
        if response.status_code == 200 and context.get("object") is not None:
            self.record_object(request, "delete_form", context["object"])
        return response

    def history_view(self, request, object_id, extra_context=None):
        raise Http404  # Django's admin log is off: the page would show only the object's name


@admin.register(AuditEntry, site=site)
class AuditEntryAdmin(PupilReadsRecorded, admin.ModelAdmin):
    list_display = ["at", "username", "role", "action", "object_type", "object_id"]
    list_filter = ["action", "role"]
    search_fields = ["username", "pupil_public_id", "object_id"]
    date_hierarchy = "at"
    list_action = "audit.list"
    object_action = "audit.view_admin"

    def pupils_named(self, obj):
        return [(obj.school_id, obj.pupil_public_id)] if obj.pupil_public_id else []

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
