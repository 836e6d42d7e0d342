"""The client's address as the trusted proxies report it: for log-in throttling (django-axes'
AXES_CLIENT_IP_CALLABLE) and the audit trail. A shared module: it needs nothing but settings."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The address the request came from.

    Without a proxy (`TRUSTED_PROXY_COUNT=0`) that is REMOTE_ADDR. Behind N proxies that each
    append the address they saw to X-Forwarded-For, the N-th entry from the right is the one
    the outermost trusted proxy saw; entries further left were sent by the client and can be
    forged, so they are never used. With fewer entries than proxies, or an entry that is no
    IP address (a proxy miscounted; it would fail the audit's address column on PostgreSQL),
    REMOTE_ADDR is used.
    """
    hops = settings.TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        entries = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(entries) >= hops:
            try:
                return str(ipaddress.ip_address(entries[-hops]))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR")
