"""The user's own API tokens in the UI (``/accounts/tokens/``): list, issue, revoke.

Thin: the services and the list are in :mod:`safecity.core.api_tokens`. A new token's secret is
shown once, on the page that issued it, and never stored in the clear.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from safecity.core import api_tokens


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """GET: the user's tokens that still work. POST: issue a new one and show its secret once."""
    issued = None
    if request.method == "POST":
        issued = api_tokens.api_token_issue(actor=request.user)
    return render(
        request,
        "core/tokens.html",
        {"tokens": api_tokens.api_token_list(user=request.user), "issued": issued},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, key: str) -> HttpResponse:
    """Revoke one of the user's own tokens (a key that is not theirs changes nothing)."""
    if api_tokens.api_token_revoke_by_key(actor=request.user, token_key=key):
        messages.success(request, _("The token %(key)s… is revoked: it no longer works.") % {"key": key})
    else:
        messages.error(request, _("No such token of yours."))
    return redirect("api-tokens")


@login_required
@require_POST
def token_revoke_all(request: HttpRequest) -> HttpResponse:
    count = api_tokens.api_tokens_revoke_all(user=request.user)
    messages.success(request, _("%(count)d tokens revoked.") % {"count": count})
    return redirect("api-tokens")
