"""Care records kept by the care coordinator: risk and protective factors per pupil, and the
safeguarding record (concerns, the steps of the school's route, decisions).

The factors are the attachment risk and protective factors of the sources (catalog), weighed
with the sources' rules. They are not the belemmerende en bevorderende factoren of a Dutch
support plan (OPP), which is about the pupil's development at school and is signed with the
parents; nothing here is shared with parents or copied into an OPP.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hechtwijzer.fields import EncryptedTextField
from hechtwijzer.schools.models import Pupil


class FactorKind(models.TextChoices):
    RISK = "risk", _("risk factor")
    PROTECTIVE = "protective", _("protective factor")


class PupilFactor(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="factors")
    kind = models.CharField(max_length=12, choices=FactorKind.choices)
    code = models.CharField(max_length=64)
    noted_on = models.DateField(_("date"), null=True, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("factor")
        verbose_name_plural = _("factors")
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "kind", "code"], name="factor_once_per_pupil")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"


# --- safeguarding records (ROUTES.md "What the product records") -------------------------------


class SafeguardingRoute(models.TextChoices):
    NL_MELDCODE = "nl_meldcode", _("reporting code (Meldcode, the Netherlands)")
    BE_CLB = "be_clb", _("concern route with the CLB (Flanders)")


# The steps each route knows, in the order the route names them.
ROUTE_STEPS: dict[str, tuple[str, ...]] = {
    SafeguardingRoute.NL_MELDCODE: ("map", "consult", "talk", "weigh", "decide"),
    SafeguardingRoute.BE_CLB: ("clb", "vertrouwenscentrum", "helpline_1712", "other"),
}


class SafeguardingStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class StepCode(models.TextChoices):
    # The Netherlands: the five steps of the Meldcode.
    MAP = "map", _("1. Map the signals")
    CONSULT = "consult", _("2. Consult a colleague and, if needed, Veilig Thuis")
    TALK = "talk", _("3. Talk with the pupil and/or the parents")
    WEIGH = "weigh", _("4. Weigh the risk (afwegingskader)")
    DECIDE = "decide", _("5. Decide: report and/or help")
    # Flanders.
    CLB = "clb", _("Discussed with the CLB")
    VERTROUWENSCENTRUM = (
        "vertrouwenscentrum",
        _("Contacted a Vertrouwenscentrum Kindermishandeling"),
    )
    HELPLINE_1712 = "helpline_1712", _("Called 1712")
    OTHER = "other", _("Other step")


class SafeguardingConcern(models.Model):
    """A concern about a pupil's safety and the route followed: who raised it, when, the
    factual description and the observations it rests on. Care coordinator only."""

    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="safeguarding_concerns")
    route = models.CharField(_("route"), max_length=16, choices=SafeguardingRoute.choices)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_on = models.DateField(_("raised on"))
    concern = EncryptedTextField(_("concern (factual description)"))
    # The factual signals: observations of this pupil the concern rests on.
    observations = models.ManyToManyField(
        "observations.Observation", related_name="safeguarding_concerns", blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=SafeguardingStatus.choices,
        default=SafeguardingStatus.OPEN,
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # When the closing was recorded (closed_on is the date the user gives): a closing counts as
    # a decision for the care coordinator's list (care.worklist).
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("safeguarding concern")
        verbose_name_plural = _("safeguarding concerns")
        ordering = ["-raised_on", "-created_at"]

    def __str__(self) -> str:
        return f"safeguarding concern {self.uid} of {self.raised_on}"

    @property
    def is_open(self) -> bool:
        return self.status == SafeguardingStatus.OPEN

    @property
    def step_codes(self) -> tuple[str, ...]:
        return ROUTE_STEPS[self.route]


class SafeguardingStep(models.Model):
    """One step taken on a concern's route: what, when, who was consulted, what was decided."""

    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    concern = models.ForeignKey(SafeguardingConcern, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=24, choices=StepCode.choices)
    done_on = models.DateField(_("date"))
    consulted = EncryptedTextField(_("who was consulted"), blank=True)
    decision = EncryptedTextField(_("decision or outcome"), blank=True)
    # Whether a decision was written down: the text is encrypted, so the care coordinator's list
    # ("awaiting a decision", care.worklist) reads this flag instead.
    has_decision = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("safeguarding step")
        verbose_name_plural = _("safeguarding steps")
        ordering = ["done_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.step} on {self.done_on}"
