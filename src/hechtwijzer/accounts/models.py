"""The authenticator-app device of a user, with its secret encrypted at rest.

django-otp's own `TOTPDevice` keeps the secret as plain hex in the database. This device does
the same TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of tolerance either way)
with the secret in an `EncryptedTextField`, bound to its row like every other secret text.
It is a django-otp `Device`, so django-otp's helpers (`devices_for_user`, `match_token`) find
it, and it keeps django-otp's throttling (a growing wait after each wrong code).
"""

import hashlib
import secrets
import time
import uuid
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.util import random_hex

from hechtwijzer.fields import EncryptedTextField

ISSUER = "Hechtwijzer"
STEP = 30
DIGITS = 6
TOLERANCE = 1  # accept the previous and the next code too (clock drift, slow typing)


def new_key() -> str:
    return random_hex(20)  # 160 bits, as RFC 4226 recommends


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The shared secret as hex, encrypted (AES-256-GCM, bound to this row).
    key = EncryptedTextField(default=new_key, editable=False)
    drift = models.SmallIntegerField(default=0)
    # The time step of the last accepted code: a code is accepted once, and never one older.
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = _("authenticator app")

    @property
    def bin_key(self) -> bytes:
        return unhexlify(self.key.encode())

    @property
    def base32_key(self) -> str:
        return b32encode(self.bin_key).decode("ascii").rstrip("=")

    @property
    def config_url(self) -> str:
        label = f"{ISSUER}:{self.user.get_username()}"
        params = urlencode(
            {
                "secret": self.base32_key,
                "issuer": ISSUER,
                "algorithm": "SHA1",
                "digits": DIGITS,
                "period": STEP,
            },
            quote_via=quote,
        )
        return f"otpauth://totp/{quote(label)}?{params}"

    def get_throttle_factor(self) -> int:
        return 1  # wait 1, 2, 4, 8 ... seconds after consecutive wrong codes

    def verify_token(self, token) -> bool:
        """Accept a current code once. The row is locked while checking, so two requests with
        the same code at the same moment cannot both succeed."""
        with transaction.atomic():
            device = type(self).objects.select_for_update().get(pk=self.pk)
            verified = device._verify_locked(token)
        for field in ("last_t", "drift", "throttling_failure_count"):
            setattr(self, field, getattr(device, field))
        self.throttling_failure_timestamp = device.throttling_failure_timestamp
        self.last_used_at = device.last_used_at
        return verified

    def _verify_locked(self, token) -> bool:
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        token = str(token).strip().replace(" ", "")
        verified = False
        if token.isdigit() and len(token) == DIGITS:
            totp = TOTP(self.bin_key, STEP, 0, DIGITS, self.drift)
            totp.time = time.time()
            verified = totp.verify(int(token), TOLERANCE, self.last_t + 1)
            if verified:
                self.last_t = totp.t()
                self.drift = totp.drift
                self.throttle_reset(commit=False)
                self.set_last_used_timestamp(commit=False)
                self.save()
        if not verified:
            self.throttle_increment(commit=True)
        return verified


# --- backup codes --------------------------------------------------------------------------------

BACKUP_CODE_COUNT = 10
# 31 letters and digits without look-alikes (no i, l, o, 0, 1); 12 of them are about 59 bits,
# so a fast salted hash is enough: guessing one from its stored hash is out of reach.
BACKUP_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
BACKUP_CODE_LENGTH = 12


def normalize_backup_code(text: str) -> str:
    """What the user typed, as stored: lower case, without spaces and hyphens."""
    return "".join(str(text).split()).replace("-", "").lower()


def looks_like_backup_code(text: str) -> bool:
    code = normalize_backup_code(text)
    return len(code) == BACKUP_CODE_LENGTH and all(c in BACKUP_CODE_ALPHABET for c in code)


def _digest(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


class BackupCodeDevice(ThrottlingMixin, Device):
    """A user's single-use backup codes, for when the authenticator app is not at hand.

    django-otp's own static device (otp_static) keeps its codes as plain text; here each code
    is stored only as a salted SHA-256 digest and is deleted when used. A django-otp Device with
    its throttling (a growing wait after each wrong code)."""

    class Meta(Device.Meta):
        verbose_name = _("backup codes")

    def get_throttle_factor(self) -> int:
        return 1

    def verify_token(self, token) -> bool:
        """Accept an unused code once. The row is locked while checking, so the same code at
        the same moment cannot succeed twice."""
        code = normalize_backup_code(token)
        with transaction.atomic():
            device = type(self).objects.select_for_update().get(pk=self.pk)
            allowed, _info = device.verify_is_allowed()
            if not allowed:
                return False
            match = None
            for backup in device.codes.all():
                salt, _sep, digest = backup.digest.partition("$")
                if constant_time_compare(_digest(salt, code), digest):
                    match = backup
            if match is None:
                device.throttle_increment(commit=True)
                return False
            match.delete()
            device.throttle_reset(commit=True)
        return True


class BackupCode(models.Model):
    device = models.ForeignKey(BackupCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=100)  # "<salt>$<sha256 of salt:code>"

    def __str__(self) -> str:
        return f"backup code of {self.device.user}"  # never the code: it is not stored

    @classmethod
    def for_code(cls, device: BackupCodeDevice, code: str) -> "BackupCode":
        salt = secrets.token_hex(8)
        return cls(device=device, digest=f"{salt}${_digest(salt, code)}")


def new_backup_code() -> str:
    return "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))


def format_backup_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class TwoFactorReset(models.Model):
    """The school administrator reset this user's two-step log-in: the user sets it up again
    at the next log-in, whatever the school requires. Removed once it is set up."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_factor_reset"
    )
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"two-step log-in reset for {self.user}"


# --- single sign-on ------------------------------------------------------------------------------


class ProviderKind(models.TextChoices):
    # OpenID Connect with a discovery document (Entree Federatie, Microsoft Entra ID, Google
    # Workspace): signed ID tokens, checked against the provider's published keys.
    OIDC = "oidc", _("OpenID Connect (discovery URL)")
    # An authorization-code flow and a userinfo call, without ID tokens (Smartschool).
    OAUTH2 = "oauth2", _("OAuth2 with a userinfo URL")


class StaffField(models.TextChoices):
    """The staff member's field a provider's claim is compared with, to find the account."""

    EMAIL = "email", _("email address")
    USERNAME = "username", _("username")
    SOURCE_KEY = "source_key", _("key in the administration system")


class IdentityProvider(models.Model):
    """A school's identity provider for single sign-on (hechtwijzer.accounts.sso), configured by
    its school administrator. It links a signed-in identity to an existing staff member of the
    school; it never creates accounts."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        related_name="identity_providers",
        verbose_name=_("school"),
    )
    name = models.CharField(
        _("name on the button"),
        max_length=60,
        help_text=_('Shown as "Log in with …", for example Entree, Microsoft or Smartschool.'),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=ProviderKind.choices, default=ProviderKind.OIDC
    )
    enabled = models.BooleanField(_("in use"), default=True)
    discovery_url = models.URLField(
        _("discovery URL"),
        blank=True,
        help_text=_("OpenID Connect: the address ending in /.well-known/openid-configuration."),
    )
    authorization_url = models.URLField(_("authorization URL"), blank=True)
    token_url = models.URLField(_("token URL"), blank=True)
    userinfo_url = models.URLField(_("userinfo URL"), blank=True)
    client_id = models.CharField(_("client id"), max_length=255)
    # Encrypted at rest like every other secret text (AES-256-GCM, bound to this row).
    client_secret = EncryptedTextField(_("client secret"), blank=True)
    scopes = models.CharField(
        _("scopes"),
        max_length=255,
        default="openid email profile",
        help_text=_("Separated by spaces. OpenID Connect needs openid."),
    )
    claim = models.CharField(
        _("claim that names the staff member"),
        max_length=100,
        default="email",
        help_text=_("For example email, preferred_username, upn, uid or eckId."),
    )
    staff_field = models.CharField(
        _("compared with the staff member's"),
        max_length=20,
        choices=StaffField.choices,
        default=StaffField.EMAIL,
    )

    class Meta:
        verbose_name = _("log-in service (single sign-on)")
        verbose_name_plural = _("log-in services (single sign-on)")
        ordering = ["school", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.school})"

    def clean(self) -> None:
        errors = {}
        scopes = self.scopes.split()
        if self.kind == ProviderKind.OIDC:
            if not self.discovery_url:
                errors["discovery_url"] = _("OpenID Connect needs the discovery URL.")
            if "openid" not in scopes:
                errors["scopes"] = _("OpenID Connect needs the scope openid.")
        else:
            for name in ("authorization_url", "token_url", "userinfo_url"):
                if not getattr(self, name):
                    errors[name] = _("OAuth2 with a userinfo URL needs this address.")
        if not self.client_secret:
            errors["client_secret"] = _("Enter the client secret the provider gave you.")
        if not self.enabled and self.school_id and not self.school.password_login:
            others = IdentityProvider.objects.filter(school_id=self.school_id, enabled=True)
            if not others.exclude(pk=self.pk).exists():
                errors["enabled"] = _(
                    "This is the school's last log-in service in use and the school does not "
                    "allow passwords: switch passwords on first, or nobody can log in."
                )
        if errors:
            raise ValidationError(errors)


class SSOIdentity(models.Model):
    """A provider's subject (`sub`, or the userinfo's id) linked to a staff account at the first
    log-in, so later log-ins use the provider's stable subject, not an e-mail address that may
    change or be given to someone else."""

    provider = models.ForeignKey(
        IdentityProvider,
        on_delete=models.CASCADE,
        related_name="identities",
        verbose_name=_("log-in service"),
    )
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sso_identities",
        verbose_name=_("staff member"),
    )
    linked_at = models.DateTimeField(_("linked on"), default=timezone.now)

    class Meta:
        verbose_name = _("linked log-in (single sign-on)")
        verbose_name_plural = _("linked log-ins (single sign-on)")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="sso_one_user_per_subject")
        ]

    def __str__(self) -> str:
        # Never the subject: it may be an address or a national staff id.
        return f"{self.user} – {self.provider.name}"
