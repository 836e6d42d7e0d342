"""Changes to a user's two-step log-in. Each takes the acting user (and the request, for the
address on the audit trail) and writes its audit entry in the same transaction."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from hechtwijzer.access import may_administer
from hechtwijzer.audit.models import record
from hechtwijzer.schools.models import Membership

from .models import (
    BACKUP_CODE_COUNT,
    AuthenticatorDevice,
    BackupCode,
    BackupCodeDevice,
    IdentityProvider,
    SSOIdentity,
    TwoFactorReset,
    format_backup_code,
    new_backup_code,
)


def _record(request, actor, action, user, **extra):
    record(
        action=action,
        request=request,
        actor=actor,
        object_type="user",
        object_id=user.pk,
        **extra,
    )


def remaining_backup_codes(user) -> int:
    return BackupCode.objects.filter(device__user=user).count()


def confirm_authenticator(*, request, user, device: AuthenticatorDevice) -> list[str]:
    """The user proved the new authenticator app with a code: switch it on and give them a
    fresh set of backup codes. Side effects: the device confirmed, an administrator's reset
    cleared, new backup codes (old ones deleted), audit `auth.two_factor_added`. Returns the
    codes, to be shown once."""
    with transaction.atomic():
        device.confirmed = True
        device.save()
        TwoFactorReset.objects.filter(user=user).delete()
        _record(request, user, "auth.two_factor_added", user)
        return _new_backup_codes(request, user)


def create_backup_codes(*, request, user) -> list[str]:
    """New backup codes for the user (the old ones stop working). Audit
    `auth.backup_codes_created`. Returns the codes, to be shown once: only digests are kept."""
    with transaction.atomic():
        return _new_backup_codes(request, user)


def _new_backup_codes(request, user) -> list[str]:
    device, _created = BackupCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "backup codes", "confirmed": True}
    )
    device.codes.all().delete()
    codes = [new_backup_code() for _ in range(BACKUP_CODE_COUNT)]
    BackupCode.objects.bulk_create([BackupCode.for_code(device, code) for code in codes])
    _record(request, user, "auth.backup_codes_created", user, details={"count": len(codes)})
    return [format_backup_code(code) for code in codes]


def use_backup_code(*, request, user, code: str) -> int | None:
    """Check a backup code at log-in. A right code is used up (audit `auth.backup_code_used`
    with the number left); returns the number left, or None when the code is not right."""
    device = BackupCodeDevice.objects.filter(user=user).first()
    if device is None:
        return None
    with transaction.atomic():
        if not device.verify_token(code):
            return None
        remaining = remaining_backup_codes(user)
        _record(request, user, "auth.backup_code_used", user, details={"remaining": remaining})
    return remaining


def remove_two_factor(*, request, user, confirmed_with: str) -> None:
    """The user switches their own two-step log-in off, having confirmed it with their
    password or a current code. Deletes the app and the backup codes. Audit
    `auth.two_factor_removed` saying how it was confirmed."""
    with transaction.atomic():
        AuthenticatorDevice.objects.filter(user=user).delete()
        BackupCodeDevice.objects.filter(user=user).delete()
        _record(
            request,
            user,
            "auth.two_factor_removed",
            user,
            details={"confirmed_with": confirmed_with},
        )


def reset_two_factor(*, request, actor: Any, membership: Membership) -> None:
    """A school administrator resets a staff member's two-step log-in (a lost or new phone).
    Only at the administrator's own school. Deletes the staff member's app and backup codes;
    they must set it up again at their next log-in. Audit `auth.two_factor_reset`: the actor
    is the administrator, the object and `details.username` the staff member."""
    if not may_administer(actor, membership.school_id):
        raise PermissionDenied
    user = membership.user
    with transaction.atomic():
        had_app = AuthenticatorDevice.objects.filter(user=user, confirmed=True).exists()
        AuthenticatorDevice.objects.filter(user=user).delete()
        BackupCodeDevice.objects.filter(user=user).delete()
        TwoFactorReset.objects.update_or_create(user=user)
        _record(
            request,
            actor,
            "auth.two_factor_reset",
            user,
            school_id=membership.school_id,
            details={"username": user.get_username(), "had_app": had_app},
        )


# --- single sign-on (sso.py) ----------------------------------------------------------------------

PROVIDER_FIELDS = (
    "name",
    "kind",
    "enabled",
    "discovery_url",
    "authorization_url",
    "token_url",
    "userinfo_url",
    "client_id",
    "client_secret",
    "scopes",
    "claim",
    "staff_field",
)


def save_identity_provider(
    *, request=None, actor: Any, school, provider: IdentityProvider | None = None, **values: Any
) -> IdentityProvider:
    """Create or change a school's log-in service (its administrator, or the operator with
    `actor=None` or a superuser). An empty `client_secret` on a change keeps the stored one.
    Validated as a whole (`IdentityProvider.clean`); audit `sso.provider_create` or
    `sso.provider_change` naming the changed fields (never the secret's value)."""
    operator = actor is None or actor.is_superuser
    if not operator and not may_administer(actor, school.pk):
        raise PermissionDenied
    unknown = set(values) - set(PROVIDER_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    if provider is not None and provider.school_id != school.pk:
        raise PermissionDenied
    creating = provider is None
    if provider is not None and not values.get("client_secret"):
        values.pop("client_secret", None)
    with transaction.atomic():
        provider = provider or IdentityProvider(school=school)
        changed = [name for name, value in values.items() if getattr(provider, name) != value]
        for name, value in values.items():
            setattr(provider, name, value)
        provider.full_clean()
        provider.save()
        record(
            action="sso.provider_create" if creating else "sso.provider_change",
            request=request,
            actor=actor,
            school_id=school.pk,
            object_type="identity_provider",
            object_id=provider.pk,
            details={"fields": changed},
        )
    return provider


def unlink_identity(*, request=None, actor: Any, identity: SSOIdentity) -> None:
    """Remove a stored link between a provider's subject and a staff account (a wrong link, a
    staff member who got a new account at the provider). The next log-in through the service
    links again by the claim. Only the school's administrator (or the operator). Audit
    `auth.sso_unlinked` naming the staff member."""
    school_id = identity.provider.school_id
    if actor is not None and not actor.is_superuser and not may_administer(actor, school_id):
        raise PermissionDenied
    with transaction.atomic():
        user = identity.user
        identity.delete()
        _record(
            request,
            actor,
            "auth.sso_unlinked",
            user,
            school_id=school_id,
            details={"username": user.get_username(), "provider": identity.provider_id},
        )
