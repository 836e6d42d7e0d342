"""/api/v1/: the operations (api/endpoints.py), the OpenAPI document and its readable page,
and under the account pages each user's own tokens."""

from django.urls import path

from hechtwijzer.door import Policy, policy

from . import views
from .endpoints import api


def _declared(urls):
    """django-ninja's URL patterns, each declaring its policy (web/tests/test_url_policies.py):
    the OpenAPI document and the catalog are public; every other operation needs a token."""
    patterns, app_name, namespace = urls
    # ninja's root (it finds the API's own address by this name) answers a bare 404 without
    # ninja's docs page: ours sends the reader to api/v1/docs/ instead.
    patterns = [
        path("", views.api_home, name="api-root") if pattern.name == "api-root" else pattern
        for pattern in patterns
    ]
    for pattern in patterns:
        if pattern.name == "api-root":
            continue
        public = str(pattern.pattern) in ("openapi.json",) or str(pattern.pattern).startswith(
            "catalog/"
        )
        policy(Policy.PUBLIC if public else Policy.API)(pattern.callback)
    return patterns, app_name, namespace


urlpatterns = [
    path("api/v1/docs/", views.docs, name="api_docs"),
    path("api/v1/", _declared(api.urls)),
    path("accounts/api-tokens/", views.tokens_page, name="api_tokens"),
    path("accounts/api-tokens/<int64:token_id>/revoke/", views.revoke, name="api_token_revoke"),
]
