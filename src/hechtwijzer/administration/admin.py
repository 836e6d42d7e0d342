"""Admin pages for school administrators: groups, staff and pupil records of their own school.

Every queryset is narrowed to the schools the user administers, every choice of school or group
likewise, and every save goes through `hechtwijzer.administration.actions` (which checks the policy
again and writes the audit entry).
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hechtwijzer.access import administered_schools, may_administer
from hechtwijzer.admin_site import ScopedModelAdmin, site
from hechtwijzer.audit.admin import PupilReadsRecorded
from hechtwijzer.audit.models import record
from hechtwijzer.schools.models import Group, Membership, Pupil, Role, School, current_school_year

from . import actions, imports, invitations

User = get_user_model()


def _schools(request):
    return School.objects.all() if request.user.is_superuser else administered_schools(request.user)


class SchoolScopedAdmin(ScopedModelAdmin):
    """Narrows the list, and the school and group choices, to the user's schools."""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(school__in=_schools(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "school":
            kwargs["queryset"] = _schools(request)
            kwargs["initial"] = _schools(request).first()
        elif db_field.name == "group":
            kwargs["queryset"] = Group.objects.filter(school__in=_schools(request)).select_related(
                "school"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.filter(
                school__in=_schools(request), school_year__gte=current_school_year() - 1
            ).select_related("school")
            # A school's few groups as checkboxes: they fit a phone, and Django's two-box
            # selector labels its search icons in a way axe-core rejects (aria-label on a span).
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(School, site=site)
class SchoolAdmin(ScopedModelAdmin):
    list_display = ["name", "country", "require_two_factor", "teachers_see_factor_presence"]
    fields = [
        "name",
        "country",
        "holiday_region",
        "brin",
        "dependance",
        "institution_number",
        "require_two_factor",
        "password_login",
        "teachers_see_factor_presence",
        "former_teacher_weeks",
    ]

    def get_queryset(self, request):
        return _schools(request)

    def has_add_permission(self, request):
        # New schools are set up by the operator; a school administrator manages their own.
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        # A school administrator sets their own school's privacy switches; the school's name
        # and country (which decides the safeguarding route) are the operator's.
        if request.user.is_superuser:
            return True
        return obj is None or may_administer(request.user, obj.pk)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return []
        return ["name", "country", "brin", "dependance", "institution_number"]

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            record(
                action="school.create",
                request=request,
                school_id=obj.pk,
                object_type="school",
                object_id=obj.pk,
            )
            return
        actions.update_school(
            actor=request.user,
            school=School.objects.get(pk=obj.pk),
            **{name: form.cleaned_data[name] for name in form.cleaned_data if name != "seen_state"},
        )


@admin.register(Group, site=site)
class GroupAdmin(SchoolScopedAdmin):
    list_display = ["name", "school_year", "year_level_shown", "school"]
    list_select_related = ["school"]
    list_filter = ["school_year"]
    fields = ["school", "name", "school_year"]

    @admin.display(description=_("year level"))
    def year_level_shown(self, obj):
        return imports.year_level_label(obj.year_level, obj.school.country)

    def get_changeform_initial_data(self, request):
        return {
            "school_year": current_school_year(),
            **super().get_changeform_initial_data(request),
        }

    def has_delete_permission(self, request, obj=None):
        return self.admin_site.has_permission(request) and (obj is None or not obj.pupils.exists())

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            actions.update_group(
                actor=request.user,
                group=Group.objects.get(pk=obj.pk),
                name=data["name"],
                school_year=data["school_year"],
            )
        else:
            group = actions.create_group(
                actor=request.user,
                school=data["school"],
                name=data["name"],
                school_year=data["school_year"],
            )
            obj.pk = group.pk

    def delete_model(self, request, obj):
        actions.delete_group(actor=request.user, group=obj)


@admin.register(Pupil, site=site)
class PupilAdmin(PupilReadsRecorded, SchoolScopedAdmin):
    list_display = ["last_name", "first_name", "group", "status"]
    list_filter = ["status", "group__school_year"]
    list_select_related = ["group"]
    search_fields = ["first_name", "last_name"]
    fields = ["school", "first_name", "last_name", "date_of_birth", "group", "status", "left_on"]

    def pupils_named(self, obj):
        return [(obj.school_id, obj.public_id)]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            actions.update_pupil(
                actor=request.user,
                pupil=Pupil.objects.get(pk=obj.pk),
                **{name: data[name] for name in actions.PUPIL_FIELDS},
            )
        else:
            pupil = actions.create_pupil(
                actor=request.user,
                school=data["school"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                date_of_birth=data["date_of_birth"],
                group=data["group"],
            )
            obj.pk, obj.public_id = pupil.pk, pupil.public_id


class StaffForm(forms.ModelForm):
    first_name = forms.CharField(label=_("first name"), max_length=150)
    last_name = forms.CharField(label=_("last name"), max_length=150)
    email = forms.EmailField(label=_("email address"), required=False)
    is_active = forms.BooleanField(
        label=_("may log in"),
        required=False,
        initial=True,
        help_text=_("Untick to deactivate the account without deleting it."),
    )

    class Meta:
        model = Membership
        fields = ["school", "role", "groups"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            user = self.instance.user
            self.initial.update(
                first_name=user.first_name,
                last_name=user.last_name,
                email=user.email,
                is_active=user.is_active,
            )

    def clean(self):
        data = super().clean()
        if data.get("groups") and data.get("role") != Role.TEACHER:
            self.add_error("groups", _("Only teachers are assigned to groups."))
        if self.instance.pk and self.instance.role == Role.SCHOOL_ADMIN:
            leaves = data.get("role") != Role.SCHOOL_ADMIN or not data.get("is_active")
            others = (
                Membership.objects.filter(
                    school_id=self.instance.school_id,
                    role=Role.SCHOOL_ADMIN,
                    user__is_active=True,
                )
                .exclude(pk=self.instance.pk)
                .exists()
            )
            if leaves and not others:
                self.add_error(
                    "role", _("The school needs at least one active school administrator.")
                )
        school = data.get("school") or getattr(self.instance, "school", None)
        if school and any(g.school_id != school.pk for g in data.get("groups") or ()):
            self.add_error("groups", _("A group of another school cannot be assigned."))
        return data


class NewStaffForm(StaffForm):
    # No password fields: the new staff member chooses their own through an invitation link
    # (invitations.py); the administrator never knows it.
    username = forms.RegexField(
        label=_("username"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        help_text=_("Letters, digits and . @ + - _ only."),
    )

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is already taken."))
        return username


class ChangeStaffForm(StaffForm):
    send_invitation = forms.BooleanField(
        label=_("send a new invitation link"),
        required=False,
        help_text=_(
            "For a forgotten password, or an invitation that expired: the current password "
            "stops working now, and the staff member chooses a new one through the link."
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("send_invitation") and not data.get("is_active"):
            # The link of a switched-off account is refused; do not send one that cannot work.
            self.add_error("send_invitation", _("Tick “may log in” to send a link."))
        if data.get("send_invitation") and not self.instance.school.password_login:
            # A password chosen through the link would be refused at log-in.
            self.add_error(
                "send_invitation",
                _(
                    "This school does not use passwords: the staff member logs in through the "
                    "school's log-in service (single sign-on)."
                ),
            )
        return data


@admin.register(Membership, site=site)
class StaffAdmin(SchoolScopedAdmin):
    list_display = ["__str__", "role"]
    list_filter = ["role"]
    list_select_related = ["user", "school"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ChangeStaffForm if obj is not None else NewStaffForm
        return super().get_form(request, obj, change=change, **kwargs)

    def extra_state(self, obj) -> dict:
        user = obj.user
        return {"user": [user.first_name, user.last_name, user.email, user.is_active]}

    def get_fields(self, request, obj=None):
        person = ["first_name", "last_name", "email"]
        if obj is None:
            return ["school", "username", *person, "role", "groups"]
        return [*person, "role", "groups", "is_active", "send_invitation", "seen_state"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        common = {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "email": data["email"],
            "role": data["role"],
            "groups": data["groups"],
        }
        base_url = request.build_absolute_uri("/").rstrip("/")
        if change:
            membership = Membership.objects.select_related("user", "school").get(pk=obj.pk)
            try:
                actions.update_staff_member(
                    actor=request.user,
                    membership=membership,
                    is_active=data["is_active"],
                    **common,
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), level="error")
                return
            if data.get("send_invitation"):
                try:
                    issued = invitations.reset_password(
                        actor=request.user, membership=membership, base_url=base_url
                    )
                except PermissionDenied:
                    self.message_user(
                        request,
                        _(
                            "This account also works at a school you do not administer; its "
                            "administrator can send the link."
                        ),
                        level="error",
                    )
                    return
                self.tell_about(request, issued)
        elif not data["school"].password_login:
            # No invitation to choose a password that the log-in would refuse: the school's
            # log-in service (single sign-on) finds the account by its address or username.
            membership = actions.create_staff_member(
                actor=request.user, school=data["school"], username=data["username"], **common
            )
            obj.pk, obj.user_id = membership.pk, membership.user_id
            self.message_user(
                request,
                gettext(
                    "%(name)s logs in through the school's log-in service (single sign-on); "
                    "no invitation link is needed."
                )
                % {"name": membership.user.get_full_name() or membership.user.get_username()},
            )
        else:
            membership, issued = invitations.invite_new_staff_member(
                actor=request.user,
                school=data["school"],
                username=data["username"],
                base_url=base_url,
                **common,
            )
            obj.pk, obj.user_id = membership.pk, membership.user_id
            self.tell_about(request, issued)

    def tell_about(self, request, issued):
        """Say where the link went; without an address, show it this once to pass on."""
        user = issued.invitation.user
        until = date_format(timezone.localtime(issued.invitation.expires_at), "j F Y H:i")
        if issued.mailed_to:
            message = gettext(
                "An invitation link was sent to %(address)s. It works once, until %(until)s."
            ) % {"address": issued.mailed_to, "until": until}
        else:
            message = format_html(
                "{} <code>{}</code>",
                gettext(
                    "Give %(name)s this invitation link in person or through the school's own "
                    "channel. It is shown only now, works once, until %(until)s:"
                )
                % {"name": user.get_full_name() or user.get_username(), "until": until},
                issued.link,
            )
        self.message_user(request, message, level="warning" if not issued.mailed_to else "info")

    def save_related(self, request, form, formsets, change):
        # The domain function has already set the groups.
        return None
