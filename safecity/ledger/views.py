"""Server-rendered ledger pages: public (entries with in-browser verification, checkpoints,
keys, the checkpoint as text) and, for an organisation's operators, their keys and rotation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecity.core import labels
from safecity.core.audit import audit_context
from safecity.core.choices import AuditSource
from safecity.core.models import Organisation
from safecity.core.paging import keyset_page_of, page_of, querystring
from safecity.ledger import selectors
from safecity.ledger.services import signing_key_register_public, signing_key_rotate
from safecity.ledger.services.keys import may_manage_keys


def entry_list(request: HttpRequest) -> HttpResponse:
    subject = request.GET.get("subject", "").strip()
    kind = request.GET.get("kind", "").strip()
    # Keyset pages by log index: the newest page and page 10,000 cost the same.
    entries = selectors.entry_list(user=request.user, subject=subject, kind=kind)
    page = keyset_page_of(request, entries, count=lambda: selectors.entry_count(queryset=entries, kind=kind, subject=subject))
    return render(
        request,
        "ledger/entry_list.html",
        {
            "page": page,
            "subject": subject,
            "kind": kind,
            "kinds": labels.choices("ledger.kind"),
            "qs": querystring(request),
            "checkpoint": selectors.checkpoint_latest(),
        },
    )


def entry_detail(request: HttpRequest, index: int) -> HttpResponse:
    entry = selectors.entry_get(index=index)
    if entry is None:
        raise Http404
    return render(request, "ledger/entry_detail.html", {"entry": entry, "statement": entry.statement()})


def checkpoint_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, selectors.checkpoint_list(user=request.user), default=25)
    return render(request, "ledger/checkpoint_list.html", {"page": page, "log_key": selectors.log_key_current()})


def checkpoint_text(request: HttpRequest) -> HttpResponse:
    """The latest checkpoint as a C2SP signed note (text/plain), what witnesses and clients fetch."""
    cp = selectors.checkpoint_latest()
    if cp is None:
        raise Http404
    return HttpResponse(cp.note, content_type="text/plain; charset=utf-8")


def key_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ledger/key_list.html",
        {"keys": selectors.public_keys(), "log_key": selectors.log_key_current(), "witnesses": selectors.witness_keys()},
    )


@login_required
def my_keys(request: HttpRequest) -> HttpResponse:
    organisations = list(selectors.organisations_with_managed_keys(user=request.user))
    keys = selectors.public_keys().filter(organisation__in=organisations)
    return render(request, "ledger/my_keys.html", {"organisations": organisations, "keys": keys})


def _managed(request: HttpRequest, pk: int) -> Organisation:
    org = Organisation.objects.filter(pk=pk).first()
    if org is None:
        raise Http404
    if not may_manage_keys(request.user, org):
        raise PermissionDenied
    return org


@login_required
@require_POST
def key_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    org = _managed(request, pk)
    with audit_context(source=AuditSource.UI, request=request):
        key = signing_key_rotate(actor=request.user, organisation=org)
    messages.success(request, _("New key %(key)s is active; the previous key stays valid for what it signed before.") % {"key": key.key_id})  # fmt: skip
    return redirect("ledger:my-keys")


@login_required
@require_POST
def key_register(request: HttpRequest, pk: int) -> HttpResponse:
    org = _managed(request, pk)
    try:
        with audit_context(source=AuditSource.UI, request=request):
            key = signing_key_register_public(
                actor=request.user, organisation=org, public_key_b64=request.POST.get("public_key", "")
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Public key %(key)s registered and active.") % {"key": key.key_id})
    return redirect("ledger:my-keys")
