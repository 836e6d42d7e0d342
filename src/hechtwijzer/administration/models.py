"""What running a school adds to the organisation's records: invitations and role notices.

The organisation itself (schools, groups, pupils, memberships) is `schools`' models. These two
belong to the administration's own work: how a staff member comes to choose a password
(`Invitation`), and how the school's care coordinators hear that someone else was given their
role (`RoleNotice`). Both change only through `invitations.py` and `actions.py`.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hechtwijzer.schools.models import Role, School


def token_digest(token: str) -> str:
    """What is stored of an invitation's token: its SHA-256. The token has 256 random bits, so
    a plain hash cannot be reversed or guessed; a copy of the database holds no usable link."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class InvitationReason(models.TextChoices):
    NEW_ACCOUNT = "new", _("new account")
    RESET = "reset", _("password reset")


class Invitation(models.Model):
    """A single-use link with which a staff member chooses their own password.

    Only the token's hash is kept; the link itself exists once, in the mail or on the
    administrator's screen. It is open until it is used, expires (`expires_at`) or is replaced
    by a newer invitation for the same account (`closed_at`).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    # The school whose administrator sent it (None: an operator's `hechtwijzer invite`).
    school = models.ForeignKey(School, on_delete=models.CASCADE, null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=8, choices=InvitationReason.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # replaced by a newer invitation

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invitation {self.pk}"

    def state(self, now=None) -> str:
        """ "open", "used", "closed" or "expired"."""
        now = now or timezone.now()
        if self.used_at is not None:
            return "used"
        if self.closed_at is not None:
            return "closed"
        if self.expires_at <= now:
            return "expired"
        return "open"


class RoleNotice(models.Model):
    """Tells a care coordinator that someone else got the care-coordinator role at their school
    (who gave it, to whom, when), until they mark it seen. The role opens every pupil's care
    record, so the people who already hold it should know who joins them."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_notices"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    # The account that got the role, and who gave it: names are read from the accounts when
    # shown, the usernames kept as they were in case an account is deleted.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    member_username = models.CharField(max_length=150)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    granted_by_username = models.CharField(max_length=150, blank=True)  # "" for an operator
    granted_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "seen_at"])]

    def __str__(self) -> str:
        return f"role notice {self.pk}"


class ProposalState(models.TextChoices):
    OPEN = "open", _("waiting for a decision")
    CONFIRMED = "confirmed", _("confirmed")
    DECLINED = "declined", _("declined")


class RoleProposal(models.Model):
    """A role an import file suggests for a staff member that grants more than teaching (the
    file's IB or SMW: care coordinator; DIR or ADJ: school administrator). A file never grants
    it: the school administrator confirms or declines (`imports.decide_proposal`). A declined
    proposal is not made again by the next import of the same file."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(
        "schools.Membership", on_delete=models.CASCADE, related_name="role_proposals"
    )
    role = models.CharField(_("proposed role"), max_length=20)  # a schools.Role value
    source_codes = models.CharField(_("role in the file"), max_length=100)  # e.g. "IB"
    state = models.CharField(
        max_length=10, choices=ProposalState.choices, default=ProposalState.OPEN
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["proposed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "role"], name="role_proposal_one_per_membership_and_role"
            )
        ]

    def __str__(self) -> str:
        return f"role proposal {self.pk}"

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class ImportMapping(models.Model):
    """The CSV column mapping a school chose last (field -> column heading), offered again."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="+")
    columns = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"import mapping of school {self.school_id}"


class ImportUpload(models.Model):
    """An uploaded import file between its preview and its apply (`uploads`): in the database,
    not in a server's data directory, so the apply may reach another app server than the
    upload. The file is sealed with the app's keys (AES-256-GCM, bound to the token) and
    deleted when applied, discarded or an hour old."""

    token = models.CharField(max_length=32, unique=True)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10)
    name = models.CharField(max_length=100)
    partial = models.BooleanField(default=False)
    sealed = models.TextField()  # crypto.encrypt of the base64 of the file
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"import upload {self.pk}"
