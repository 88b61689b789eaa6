"""Server-rendered UI of the library. Thin: selectors read, services write, refusals are shown as
messages (nothing changed). The library needs no login; what cites an entry is scoped."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecity.core.paging import page_of, querystring
from safecity.core.scoping import scoped
from safecity.library import forms, selectors, services
from safecity.library.choices import LibraryKind
from safecity.library.citations import kind_by_key


def library(request: HttpRequest) -> HttpResponse:
    """The public library, searched as one types (htmx swaps the result list)."""
    form = forms.LibrarySearchForm(request.GET or None)
    q = kind = None
    if form.is_valid():
        q, kind = form.cleaned_data["q"] or None, form.cleaned_data["kind"] or None
    items = selectors.library_list(user=request.user, q=q, kind=kind)
    page = page_of(request, items)
    columns = selectors.count_columns()
    context = {
        "form": form,
        "page": page,
        "rows": [(item, [getattr(item, c.count_field or "", 0) for c in columns]) for item in page],
        "columns": columns,
        "querystring": querystring(request),
        "kinds": LibraryKind.choices,
    }
    if request.headers.get("HX-Request"):
        return render(request, "library/library_results.html", context)
    return render(request, "library/library.html", context)


def library_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.library_get(user=request.user, pk=pk)
    if request.method == "POST":
        return _cite_by_number(request, item)
    return render(
        request,
        "library/library_detail.html",
        {"item": item, "sections": selectors.cited_by(user=request.user, item=item)},
    )


def _cite_by_number(request: HttpRequest, item: Any) -> HttpResponse:
    """Cite the entry from a record the user may see, found by the number they type (a hidden
    hazard by its number); the citing kind's rule decides who may."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    kind = kind_by_key(request.POST.get("kind", ""))
    if kind is None or kind.lookup is None:
        raise PermissionDenied
    text = request.POST.get("record", "").strip()
    record = kind.lookup(request.user, text) if text else None
    try:
        if record is None:
            raise ValidationError(_("No record with this number that you may see."))
        services.citation_add(actor=request.user, library_entry=item, record=record)
        messages.success(request, _("Saved."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("library:library-detail", pk=item.pk)


@require_POST
def cite(request: HttpRequest) -> HttpResponse:
    """Cite (or, with ``remove``, stop citing) a library entry from the citing record's own page
    (``{% library_citations record %}``); back to that page with the outcome as a message."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    kind = kind_by_key(request.POST.get("kind", ""))
    raw_record, raw_entry = request.POST.get("record", ""), request.POST.get("library_entry", "")
    if kind is None or not raw_record.isdigit():
        raise PermissionDenied
    record = scoped(kind.record_model, request.user).filter(pk=int(raw_record)).first()
    if record is None:
        raise Http404
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("library:library")
    entry = selectors.library_list(user=request.user).filter(pk=int(raw_entry)).first() if raw_entry.isdigit() else None
    try:
        if entry is None:
            raise ValidationError(_("Choose an entry of the library."))
        if "remove" in request.POST:
            services.citation_remove(actor=request.user, library_entry=entry, record=record)
            messages.success(request, _("The library entry is no longer cited here."))
        else:
            services.citation_add(actor=request.user, library_entry=entry, record=record)
            messages.success(request, _("The library entry is now cited here."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(back)
