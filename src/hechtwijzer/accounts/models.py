"""The authenticator-app device of a user, with its secret encrypted at rest.

django-otp's own `TOTPDevice` keeps the secret as plain hex in the database. This device does
the same TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of tolerance either way)
with the secret in an `EncryptedTextField`, bound to its row like every other secret text.
It is a django-otp `Device`, so django-otp's helpers (`devices_for_user`, `match_token`) find
it, and it keeps django-otp's throttling (a growing wait after each wrong code).
"""

import time
import uuid
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import quote, urlencode

from django.db import models, transaction
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
