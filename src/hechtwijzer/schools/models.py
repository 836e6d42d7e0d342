"""The organisation: schools, their groups (classes) per school year, pupils and staff.

State changes go through `hechtwijzer.administration.actions`, which check the access policy
and write the audit entry; views and the admin do not save these models themselves.
"""

import base64
import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Public ids are 16 characters of lowercase base32 (80 random bits): opaque, unguessable, and
# safe in URLs and logs, unlike database keys or names.
PUBLIC_ID_LENGTH = 16
PUBLIC_ID_PATTERN = f"[a-z2-7]{{{PUBLIC_ID_LENGTH}}}"


def new_public_id() -> str:
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower()


# Dutch surname prefixes (tussenvoegsels). Written in lower case ("van Dijk") they are skipped
# when sorting, the Dutch convention; written with a capital ("Van den Broeck"), as in
# Flanders, they are part of the name and sort under V.
_PREFIX_TEXT = "van de der den het ten ter te in 't op aan bij uit von le la du da di del"
SURNAME_PREFIXES = frozenset(_PREFIX_TEXT.split())


def surname_sort_key(last_name: str) -> str:
    words = last_name.split()
    while len(words) > 1 and words[0] in SURNAME_PREFIXES:
        words = words[1:]
    return " ".join(words).casefold()


def school_year_of(day: datetime.date) -> int:
    """The school year a day falls in, named by its first calendar year.

    Dutch and Flemish school years start in late August or on 1 September; 1 August is the
    boundary that puts the summer holiday with the year that follows it.
    """
    return day.year if day.month >= 8 else day.year - 1


def current_school_year() -> int:
    return school_year_of(timezone.localdate())


def school_year_label(year: int) -> str:
    return f"{year}–{year + 1}"


class Country(models.TextChoices):
    # The country decides the safeguarding route (Meldcode in NL, CLB route in Flanders) and
    # some wording (intern begeleider vs zorgcoördinator).
    NL = "NL", _("the Netherlands")
    BE = "BE", _("Flanders (Belgium)")


class HolidayRegion(models.TextChoices):
    # The Dutch school-holiday regions (regio noord, midden, zuid; hechtwijzer.holidays). The
    # evaluation figures leave a school's holidays out of the period before a plan.
    NORTH = "north", _("north")
    MIDDLE = "middle", _("middle")
    SOUTH = "south", _("south")


class School(models.Model):
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    # Only for Dutch schools; empty: every region's holidays count as holidays (Flemish schools
    # share one calendar).
    holiday_region = models.CharField(
        _("school-holiday region (Netherlands)"),
        max_length=10,
        choices=HolidayRegion.choices,
        blank=True,
        help_text=_(
            "North, middle or south, as the Dutch ministry of education divides the municipalities."
        ),
    )
    # Whether teachers may see that risk or protective factors are recorded for their pupils
    # (never which ones: those are for the care coordinator).
    teachers_see_factor_presence = models.BooleanField(
        _("teachers see whether factors are recorded"), default=False
    )
    # Care coordinators and school administrators of this school log in with a second factor
    # (a code from an authenticator app); teachers may choose to (hechtwijzer.accounts).
    require_two_factor = models.BooleanField(
        _("require two-step log-in for care coordinators and administrators"), default=False
    )
    # Off: the school's staff log in only through its identity providers (single sign-on,
    # hechtwijzer.accounts.sso); the password form is gone for them.
    password_login = models.BooleanField(
        _("staff may log in with a password"),
        default=True,
        help_text=_(
            "Switch off when the staff log in only through the school's log-in service "
            "(single sign-on)."
        ),
    )
    # The codes an administration system's export names the school by (EDEXML, CSV imports:
    # hechtwijzer.administration.imports): the Dutch BRIN code (+ dependance, the branch) or
    # the Flemish instellingsnummer.
    brin = models.CharField(
        _("BRIN code"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{2}[A-Z0-9]{2}$", _("Two digits and two letters."))],
        help_text=_("Dutch schools: the four-character BRIN code, e.g. 99ZZ."),
    )
    dependance = models.CharField(
        _("dependance code"),
        max_length=2,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{2}$", _("Two digits."))],
        help_text=_("The branch (dependance / vestiging) within the BRIN code, e.g. 00."),
    )
    institution_number = models.CharField(
        _("institution number"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{5,6}$", _("Five or six digits."))],
        help_text=_("Flemish schools: the instellingsnummer."),
    )
    # The new school year (hechtwijzer.administration.year): for how many weeks after the first
    # school day a teacher may still read (never change) the records of the pupils who moved
    # from their group to next year's group. 0: access ends when the new year starts.
    former_teacher_weeks = models.PositiveSmallIntegerField(
        _("weeks the previous teacher may still read"),
        default=0,
        help_text=_(
            "After the first school day of a new year, the previous teacher of a pupil may read "
            "the pupil's record for this many weeks, without changing anything. 0: not at all."
        ),
    )
    # Marks the fictional schools of `hechtwijzer demo`, which refuses to touch anything else.
    is_demo = models.BooleanField(_("demo school"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["brin", "dependance"],
                condition=~models.Q(brin=""),
                name="school_unique_brin",
            ),
            models.UniqueConstraint(
                fields=["institution_number"],
                condition=~models.Q(institution_number=""),
                name="school_unique_institution_number",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Passwords off without a log-in service in use would lock every staff member out.
        # (`identity_providers`: hechtwijzer.accounts.IdentityProvider, by its related name.)
        if not self.password_login and not (
            self.pk and self.identity_providers.filter(enabled=True).exists()
        ):
            raise ValidationError(
                {
                    "password_login": _(
                        "Set up a log-in service (single sign-on) for the school first: "
                        "without passwords and without one, nobody can log in."
                    )
                }
            )

    @property
    def code(self) -> str:
        """How commands name the school: BRIN + dependance, or the instellingsnummer."""
        return (self.brin + self.dependance) if self.brin else self.institution_number


class Group(models.Model):
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="groups", verbose_name=_("school")
    )
    school_year = models.PositiveSmallIntegerField(
        _("school year"), help_text=_("The first calendar year, e.g. 2026 for 2026–2027.")
    )
    name = models.CharField(pgettext_lazy("class of pupils", "name"), max_length=100)
    # From an import: the administration system's key of the group, and its year level (an
    # EDEXML jaargroep code: 1-8 for the Dutch groups; 1-2 the Flemish kindergarten years and
    # 3-8 leerjaar 1-6; S, V, C, N, H special codes). Empty for groups typed in by hand.
    source_key = models.CharField(_("key in the administration system"), max_length=64, blank=True)
    year_level = models.CharField(_("year level"), max_length=2, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("class of pupils", "group")
        verbose_name_plural = pgettext_lazy("classes of pupils", "groups")
        ordering = ["-school_year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "name"], name="group_unique_name_per_year"
            ),
            models.UniqueConstraint(
                fields=["school", "school_year", "source_key"],
                condition=~models.Q(source_key=""),
                name="group_unique_source_key_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({school_year_label(self.school_year)})"

    @property
    def school_year_label(self) -> str:
        return school_year_label(self.school_year)


class PupilStatus(models.TextChoices):
    ACTIVE = "active", _("at school")
    LEFT = "left", _("left the school")


class Pupil(models.Model):
    public_id = models.CharField(
        max_length=PUBLIC_ID_LENGTH, unique=True, default=new_public_id, editable=False
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="pupils", verbose_name=_("school")
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.PROTECT,
        related_name="pupils",
        null=True,
        blank=True,
        verbose_name=pgettext_lazy("class of pupils", "group"),
    )
    # The group the pupil was in before the last move to a later school year (the new school
    # year step or next year's import). Until next year starts, the teachers of this group keep
    # the pupil (hechtwijzer.access); afterwards they may read on for the school's set weeks.
    previous_group = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    sort_name = models.CharField(max_length=100, editable=False, default="")
    date_of_birth = models.DateField(_("date of birth"))
    status = models.CharField(
        _("status"), max_length=10, choices=PupilStatus.choices, default=PupilStatus.ACTIVE
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    # The administration system's own key of the pupil (EDEXML leerling key, a CSV's pupil
    # number), by which imports find the pupil again. Never a national number (BSN,
    # rijksregisternummer) or ECK iD: those are not stored at all.
    source_key = models.CharField(
        _("key in the administration system"), max_length=64, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        ordering = ["sort_name", "first_name"]
        indexes = [models.Index(fields=["school", "group", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "source_key"],
                condition=~models.Q(source_key=""),
                name="pupil_unique_source_key",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.sort_name = surname_sort_key(self.last_name)  # derived, never edited by hand
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: datetime.date) -> int:
        """Age in whole years on `day`."""
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def clean(self) -> None:
        errors = {}
        if self.group_id and self.school_id and self.group.school_id != self.school_id:
            errors["group"] = _("This group belongs to another school.")
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            errors["date_of_birth"] = _("The date of birth lies in the future.")
        if self.status == PupilStatus.LEFT and not self.left_on:
            errors["left_on"] = _("Give the date the pupil left the school.")
        if self.status == PupilStatus.ACTIVE and self.left_on:
            errors["left_on"] = _("Only a pupil who left the school has a leaving date.")
        if errors:
            raise ValidationError(errors)


class Role(models.TextChoices):
    TEACHER = "teacher", _("teacher")
    # Called intern begeleider in the Netherlands, zorgcoördinator in Flanders.
    CARE_COORDINATOR = "care_coordinator", _("care coordinator")
    SCHOOL_ADMIN = "school_admin", _("school administrator")


class Membership(models.Model):
    """A staff member's role at one school, and for a teacher the groups they teach."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("school")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    groups = models.ManyToManyField(
        Group,
        blank=True,
        related_name="memberships",
        verbose_name=pgettext_lazy("classes of pupils", "groups"),
        help_text=_("The groups this teacher teaches."),
    )
    # The administration system's key of the staff member (EDEXML leerkracht key), for imports.
    source_key = models.CharField(
        _("key in the administration system"), max_length=64, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["school", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "school"], name="membership_one_per_school"),
            models.UniqueConstraint(
                fields=["school", "source_key"],
                condition=~models.Q(source_key=""),
                name="membership_unique_source_key",
            ),
        ]

    def __str__(self) -> str:
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name} ({self.get_role_display()}, {self.school})"


class PupilAccessGrant(models.Model):
    """Access to one pupil for a staff member outside the pupil's group (say the gym teacher or
    a remedial teacher), given by the care coordinator so they can log what they see."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="access_grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pupil_grants"
    )
    capacity = models.CharField(
        _("works with the pupil as"), max_length=100, help_text=_("For example: gym teacher.")
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("access to a pupil")
        verbose_name_plural = _("access to pupils")
        constraints = [
            models.UniqueConstraint(fields=["pupil", "user"], name="one_grant_per_pupil_and_user")
        ]

    def __str__(self) -> str:
        return f"grant {self.pk}"


class DemoLogin(models.Model):
    """The password of a fictional demo account, kept so `make run` can print the log-ins.

    Only `hechtwijzer demo` creates these, only for accounts it created itself, and it refuses
    to run on a database with anything but demo data.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demo_login"
    )
    password = models.CharField(max_length=100)

    def __str__(self) -> str:
        return f"demo login of {self.user_id}"
