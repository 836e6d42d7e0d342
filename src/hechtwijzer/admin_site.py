"""The administration site for school administrators.

Django's admin is used for managing groups, staff and pupil records, but its access rules are
ours: a school administrator sees and changes only their own school's objects (the access
policy decides), and Django's own staff flag and model permissions play no part.

A shared module rather than part of an app: every app's admin.py registers its pages here, so
it sits below them (it imports only the access policy and hechtwijzer.locking).
"""

from functools import update_wrapper

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from hechtwijzer.access import administered_schools
from hechtwijzer.locking import StaleVersion, check_fingerprint, fingerprint


class HechtwijzerAdminSite(admin.AdminSite):
    site_header = _("Hechtwijzer administration")
    site_title = _("Hechtwijzer administration")
    index_title = _("Groups, staff and pupils")
    site_url = "/"

    def has_permission(self, request):
        user = request.user
        if not (user.is_authenticated and user.is_active):
            return False
        return user.is_superuser or administered_schools(user).exists()

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise Http404
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def autocomplete_view(self, request):
        # Django's search-as-you-type for choice fields answers with objects' names (a pupil's,
        # for any admin page with a pupil field); the model admin records the read.
        return RecordedAutocomplete.as_view(admin_site=self)(request)

    def login(self, request, extra_context=None):
        # One log-in page for the whole product, so the admin uses the normal one. A logged-in
        # user who is no administrator gets the same answer as for anything outside their
        # scope: it does not exist.
        if request.user.is_authenticated:
            raise Http404
        return redirect_to_login(request.GET.get("next") or request.get_full_path())


class RecordedAutocomplete(AutocompleteJsonView):
    """Django's autocomplete view, which hands the objects it answers with to the model admin's
    `record_read` (the audit trail for pages that show pupils)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        objects = list(context["object_list"])
        context["object_list"] = objects
        self.model_admin.record_read(
            self.request,
            "autocomplete",
            objects,
            count=context["paginator"].count,
            searched=bool(self.term),
        )
        return context


site = HechtwijzerAdminSite(name="admin")


class ScopedModelAdmin(admin.ModelAdmin):
    """Base for the product's admin pages: policy-based permissions, our audit trail only.

    Django's own admin log is switched off: it would copy names of pupils and staff into a
    second table that erasure and the audit trail do not cover.
    """

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)

    # --- reads of pupil data -------------------------------------------------------------------
    # Pages whose objects are pupils or name one record every read on the audit trail, through
    # `hechtwijzer.audit.admin.PupilReadsRecorded` (a test requires it for every such page).
    # This base sits below the audit trail, so it only offers the hook: groups, staff and
    # schools show no pupil data, so it records nothing.

    def record_read(self, request, view: str, objects, *, count=None, searched=False) -> None:
        return None

    def history_view(self, request, object_id, extra_context=None):
        # Django's admin log is off (below), so the history page would only show the object's
        # name, without an audit entry.
        raise Http404

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # bulk deletes would bypass the domain functions
        return actions

    # --- optimistic locking (hechtwijzer.locking) ----------------------------------------------
    # Two administrators may edit one record at once. The change form carries a fingerprint of
    # the record as it was shown; a save is refused when the record changed since, so nobody
    # silently overwrites the other (no version column needed on every model).

    def record_state(self, obj) -> str:
        """A fingerprint of everything the change form edits about `obj`."""
        return fingerprint(obj, self.extra_state(obj))

    def extra_state(self, obj) -> dict:
        """More that the change form edits (e.g. the staff member's user account)."""
        return {}

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and self.has_change_permission(request, obj):
            return [*fields, "seen_state"]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The model form is built without our extra field; LockedForm below declares it.
        shown = kwargs.get("fields") or flatten_fieldsets(self.get_fieldsets(request, obj))
        kwargs["fields"] = [name for name in shown if name != "seen_state"]
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or not self.has_change_permission(request, obj):
            return form_class
        admin_page = self

        class LockedForm(form_class):
            seen_state = forms.CharField(widget=forms.HiddenInput, required=False)

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["seen_state"].initial = admin_page.record_state(obj)

            def clean(self):
                data = super().clean()
                current = type(obj)._default_manager.get(pk=obj.pk)
                try:
                    check_fingerprint(
                        current, self.data.get("seen_state"), extra=admin_page.extra_state(current)
                    )
                except StaleVersion:
                    raise ValidationError(
                        _(
                            "Someone else changed this record in the meantime. Nothing was "
                            "saved; reload the page to see the current version."
                        )
                    ) from None
                return data

        return LockedForm

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index with a message; outside the user's scope an object
        # does not exist, so answer 404 like everywhere else in the product.
        raise Http404

    def log_addition(self, request, obj, message):
        return None

    def log_change(self, request, obj, message):
        return None

    def log_deletion(self, request, obj, object_repr):
        return None

    def log_deletions(self, request, queryset):
        return None
