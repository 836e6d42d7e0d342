"""Single sign-on: a school's identity provider vouches for a staff member.

Authlib's Django client does the protocol: the discovery document, the authorization-code flow
with PKCE (S256), state and nonce kept in the (database) session, the token request, and for
OpenID Connect the ID token's signature (the provider's JWKS), issuer, audience, expiry and
nonce. Providers are rows in the database (`IdentityProvider`, one school each), so a client is
built per request from the row rather than registered once in the settings.

This module decides who the identity is: a subject already linked (`SSOIdentity`), or else the
one staff member of the provider's school whose chosen field (e-mail address, username or the
administration system's key) equals the chosen claim. It never creates an account. A first
match is linked (provider + subject → user), so later log-ins rely on the stable subject.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.crypto import salted_hmac
from joserfc.errors import JoseError

from hechtwijzer.audit.models import record
from hechtwijzer.schools.models import Membership

from .models import IdentityProvider, ProviderKind, SSOIdentity, StaffField

# The claims an OAuth2 provider without ID tokens names its users by in the userinfo answer,
# in this order (Smartschool's is userID).
OAUTH2_SUBJECT_CLAIMS = ("sub", "id", "userID", "user_id")
SUBJECT_DIGEST_SALT = "hechtwijzer.accounts.sso-subject"


class SSOFailed(Exception):
    """The log-in through the provider did not complete (a technical or security reason:
    state, nonce, signature, expiry, the provider unreachable). `reason` goes to the audit
    trail; the visitor reads a general message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SSORefused(Exception):
    """The provider vouched for someone Hechtwijzer does not know at this school."""

    def __init__(self, reason: str, subject: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.subject = subject


def client_for(provider: IdentityProvider) -> DjangoOAuth2App:
    """Authlib's client for one provider row. The name keys the state in the session, so the
    callback finds what the start stored only for the same provider."""
    options = {
        "client_id": provider.client_id,
        "client_secret": provider.client_secret or None,
        "client_kwargs": {"scope": provider.scopes, "code_challenge_method": "S256"},
    }
    if provider.kind == ProviderKind.OIDC:
        options["server_metadata_url"] = provider.discovery_url
    else:
        options |= {
            "authorize_url": provider.authorization_url,
            "access_token_url": provider.token_url,
            "userinfo_endpoint": provider.userinfo_url,
        }
    return OAuth().register(name=f"provider{provider.pk}", **options)


def redirect_uri(request, provider: IdentityProvider) -> str:
    """The address the provider sends the browser back to: register it at the provider."""
    return request.build_absolute_uri(reverse("accounts:sso_callback", args=[provider.pk]))


def start(request, provider: IdentityProvider):
    """The redirect to the provider's log-in, with fresh state, nonce and PKCE verifier."""
    try:
        return client_for(provider).authorize_redirect(request, redirect_uri(request, provider))
    except (AuthlibBaseError, JoseError, requests.RequestException, ValueError, RuntimeError) as e:
        raise SSOFailed("provider_unreachable") from e


def _claims(request, provider: IdentityProvider) -> dict:
    """The identity's claims, checked by Authlib: for OpenID Connect those of the ID token
    (plus the userinfo answer when the link claim is only there); for plain OAuth2 the
    userinfo answer."""
    client = client_for(provider)
    try:
        token = client.authorize_access_token(request)
        if provider.kind == ProviderKind.OAUTH2:
            return dict(client.userinfo(token=token))
        claims = token.get("userinfo")
        if not claims:
            raise SSOFailed("no_id_token")
        claims = dict(claims)
        if provider.claim not in claims and client.load_server_metadata().get("userinfo_endpoint"):
            extra = dict(client.userinfo(token=token))
            if extra.get("sub") != claims.get("sub"):
                raise SSOFailed("userinfo_subject_mismatch")
            claims = extra | claims
        return claims
    except SSOFailed:
        raise
    except (AuthlibBaseError, JoseError) as e:
        raise SSOFailed(getattr(e, "error", "") or type(e).__name__) from e
    except (requests.RequestException, ValueError, KeyError) as e:
        raise SSOFailed("provider_error") from e


def subject_of(provider: IdentityProvider, claims: dict) -> str:
    names = ("sub",) if provider.kind == ProviderKind.OIDC else OAUTH2_SUBJECT_CLAIMS
    for name in names:
        value = claims.get(name)
        if value not in (None, ""):
            return str(value)
    raise SSOFailed("no_subject")


def subject_digest(subject: str) -> str:
    """A keyed digest of the provider's subject, for the audit trail of a refusal: repeated
    attempts by one identity can be told apart, nothing readable about the person is kept."""
    return salted_hmac(SUBJECT_DIGEST_SALT, subject, algorithm="sha256").hexdigest()[:32]


def _staff_matching(provider: IdentityProvider, value: str):
    staff = Membership.objects.filter(school_id=provider.school_id, user__is_active=True)
    if provider.staff_field == StaffField.EMAIL:
        staff = staff.filter(user__email__iexact=value)
    elif provider.staff_field == StaffField.USERNAME:
        staff = staff.filter(user__username=value)
    else:
        staff = staff.filter(source_key=value)
    return list(staff.values_list("user_id", flat=True).distinct()[:2])


@dataclass(frozen=True)
class Identity:
    user: object
    subject: str
    newly_linked: bool


def identify(provider: IdentityProvider, claims: dict) -> Identity:
    """The staff member of the provider's school the claims name, or SSORefused."""
    subject = subject_of(provider, claims)
    linked = (
        SSOIdentity.objects.filter(provider=provider, subject=subject)
        .select_related("user")
        .first()
    )
    if linked is not None:
        user = linked.user
        at_school = Membership.objects.filter(user=user, school_id=provider.school_id).exists()
        if not user.is_active or not at_school:
            raise SSORefused("linked_account_not_at_school", subject)
        return Identity(user, subject, newly_linked=False)
    value = claims.get(provider.claim)
    if isinstance(value, list) and len(value) == 1:  # SAML-style attributes (Entree's uid)
        value = value[0]
    value = str(value).strip() if value not in (None, "") else ""
    if not value:
        raise SSORefused("claim_missing", subject)
    if provider.claim == "email" and claims.get("email_verified") is False:
        raise SSORefused("email_not_verified", subject)
    users = _staff_matching(provider, value)
    if not users:
        raise SSORefused("unknown_identity", subject)
    if len(users) > 1:
        raise SSORefused("ambiguous_identity", subject)
    if SSOIdentity.objects.filter(provider=provider, user_id=users[0]).exists():
        # The account is linked to another subject of this provider already: a second person
        # with the same address at the provider must not take it over.
        raise SSORefused("account_linked_to_another_identity", subject)
    return Identity(get_user_model().objects.get(pk=users[0]), subject, newly_linked=True)


def finish(request, provider: IdentityProvider) -> Identity:
    """The callback: the provider's answer checked, the identity found (and linked the first
    time: audit `auth.sso_linked`, in the same transaction as the link). Raises SSOFailed or
    SSORefused."""
    if not provider.enabled:
        raise SSOFailed("provider_disabled")
    identity = identify(provider, _claims(request, provider))
    if identity.newly_linked:
        try:
            with transaction.atomic():
                SSOIdentity.objects.create(
                    provider=provider, subject=identity.subject, user=identity.user
                )
                record(
                    action="auth.sso_linked",
                    request=request,
                    actor=identity.user,
                    school_id=provider.school_id,
                    object_type="identity_provider",
                    object_id=provider.pk,
                    details={"staff_field": provider.staff_field, "claim": provider.claim},
                )
        except IntegrityError:  # the same subject linked by a parallel request: use that one
            return identify(provider, {"sub": identity.subject, provider.claim: ""})
    return identity


def record_refusal(request, provider: IdentityProvider, reason: str, subject: str = "") -> None:
    """A refused or failed SSO log-in on the audit trail: the provider, the reason, and at
    most a keyed digest of the subject (no name, no address, no claim value)."""
    details = {"reason": reason}
    if subject:
        details["subject_digest"] = subject_digest(subject)
    record(
        action="auth.sso_refused",
        request=request,
        school_id=provider.school_id,
        object_type="identity_provider",
        object_id=provider.pk,
        details=details,
    )


def password_login_refused(user) -> bool:
    """Whether a school of the user has switched passwords off: then only its log-in services
    let them in (the strictest of the user's schools counts)."""
    return Membership.objects.filter(user=user, school__password_login=False).exists()
