"""The school administrator's page for the school's log-in services (single sign-on, sso.py).

Listed and chosen only for the schools the user administers; every save goes through
`actions.save_identity_provider` (policy check, validation, audit entry). The client secret is
never shown again: the field stays empty, and left empty it keeps the stored secret.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hechtwijzer.access import administered_schools
from hechtwijzer.admin_site import ScopedModelAdmin, site
from hechtwijzer.schools.models import School

from . import actions
from .models import IdentityProvider, SSOIdentity


def _schools(request):
    return School.objects.all() if request.user.is_superuser else administered_schools(request.user)


def _https_by_default(field, **kwargs):
    # Addresses typed without a scheme are read as https (Django 6's default already).
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class IdentityProviderForm(forms.ModelForm):
    client_secret = forms.CharField(
        label=_("client secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Leave empty to keep the stored secret."),
    )

    class Meta:
        model = IdentityProvider
        fields = [*actions.PROVIDER_FIELDS, "school"]
        formfield_callback = _https_by_default

    def clean_client_secret(self):
        # Empty on a change: the stored secret stays (the model's check sees it).
        return self.cleaned_data["client_secret"] or (
            self.instance.client_secret if self.instance.pk else ""
        )


@admin.register(IdentityProvider, site=site)
class IdentityProviderAdmin(ScopedModelAdmin):
    form = IdentityProviderForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "school", "kind", "enabled"]
    list_select_related = ["school"]
    fieldsets = [
        (None, {"fields": ["school", "name", "kind", "enabled", "redirect_uri"]}),
        (
            _("Addresses of the provider"),
            {"fields": ["discovery_url", "authorization_url", "token_url", "userinfo_url"]},
        ),
        (_("Client"), {"fields": ["client_id", "client_secret", "scopes"]}),
        (_("Finding the staff member"), {"fields": ["claim", "staff_field"]}),
    ]
    readonly_fields = ["redirect_uri"]

    def get_readonly_fields(self, request, obj=None):
        # A service belongs to its school for good: the subjects linked through it do too.
        return ["redirect_uri", "school"] if obj is not None else ["redirect_uri"]

    @admin.display(description=_("redirect URI to register at the provider"))
    def redirect_uri(self, obj):
        if obj is None or obj.pk is None:
            return _("Shown after saving.")
        path = reverse("accounts:sso_callback", args=[obj.pk])
        return f"{settings.BASE_URL.rstrip('/')}{path}" if settings.BASE_URL else path

    def get_queryset(self, request):
        return super().get_queryset(request).filter(school__in=_schools(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "school":
            kwargs["queryset"] = _schools(request)
            kwargs["initial"] = _schools(request).first()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        provider = actions.save_identity_provider(
            request=request,
            actor=request.user,
            school=data.get("school") or obj.school,
            provider=IdentityProvider.objects.get(pk=obj.pk) if change else None,
            **{name: data[name] for name in actions.PROVIDER_FIELDS},
        )
        obj.pk = provider.pk


@admin.register(SSOIdentity, site=site)
class SSOIdentityAdmin(ScopedModelAdmin):
    """The stored links (provider subject → staff account), to look up and to remove a wrong
    one; they are made only by a log-in (sso.finish), never by hand."""

    list_display = ["user", "provider", "linked_at"]
    list_select_related = ["user", "provider", "provider__school"]
    list_filter = ["provider"]
    fields = ["user", "provider", "linked_at"]
    readonly_fields = ["user", "provider", "linked_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(provider__school__in=_schools(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def delete_model(self, request, obj):
        actions.unlink_identity(request=request, actor=request.user, identity=obj)
