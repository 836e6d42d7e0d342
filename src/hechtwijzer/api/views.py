"""Pages of the API: each user's own tokens (under the account pages) and the readable list of
the API's operations, rendered on the server from the OpenAPI document (no script or style
from elsewhere, so the Content-Security-Policy holds)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from hechtwijzer.door import Policy, policy

from . import tokens
from .endpoints import api
from .forms import TokenForm
from .models import MAX_DAYS, ApiToken

METHODS = ("get", "post", "put", "patch", "delete")


@policy(Policy.LOGGED_IN)
@never_cache
def tokens_page(request):
    """The user's API tokens: make one (shown once), see when each expires, revoke one."""
    form = TokenForm(request.POST or None)
    made = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, made = tokens.create_token(
                actor=request.user,
                user=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"],
                request=request,
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            form = TokenForm()
    context = {
        "form": form,
        "made": made,
        "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at"),
        "max_days": MAX_DAYS,
        "keep_ended_days": tokens.KEEP_ENDED.days,
    }
    return render(request, "api/tokens.html", context)


@require_POST
@policy(Policy.LOGGED_IN)
def revoke(request, token_id):
    """Revoke one of the user's own tokens (another user's token does not exist here: 404)."""
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    tokens.revoke_token(actor=request.user, token=token, request=request)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("api_tokens")


@require_safe
@policy(Policy.PUBLIC)  # where the API starts: its description
def api_home(request):
    return redirect("api_docs")


@require_safe
@policy(Policy.PUBLIC)  # the API's description only: no data
def docs(request):
    """The operations of the OpenAPI document, grouped by tag, each with its parameters."""
    document = api.get_openapi_schema(path_prefix="/api/v1")
    sections: dict[str, list[dict]] = {}
    for route, item in document["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            sections.setdefault((operation.get("tags") or ["api"])[0], []).append(
                {
                    "method": method.upper(),
                    "path": route,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": operation.get("parameters", []),
                    "body": "requestBody" in operation,
                    "responses": sorted(operation.get("responses", {})),
                    "public": operation.get("security") is None,
                }
            )
    context = {"sections": sections, "title": document["info"]["title"]}
    return render(request, "api/docs.html", context)
