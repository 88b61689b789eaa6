"""Server-rendered UI of the risk-control dictionary: thin views over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecity.core.paging import page_of, querystring
from safecity.riskdict import selectors, services
from safecity.riskdict.filtersets import DictionaryVersionFilterSet, RiskEntryFilterSet
from safecity.riskdict.forms import DictionaryDiffForm, DictionaryImportForm

# The import page lists this many row problems; the rest are counted (fix these first).
SHOWN_IMPORT_ERRORS = 500


@login_required
def version_list(request: HttpRequest) -> HttpResponse:
    """Every version of the dictionary, newest first."""
    filterset = DictionaryVersionFilterSet(request.GET, queryset=selectors.dictionary_version_list(user=request.user))
    return render(
        request,
        "riskdict/version_list.html",
        {
            "filter": filterset,
            "page": page_of(request, filterset.qs),
            "querystring": querystring(request),
            "can_edit": selectors.dictionary_can_edit(user=request.user),
        },
    )


@login_required
def version_detail(request: HttpRequest, version: str) -> HttpResponse:
    """One version: its categories, then its entries (searchable, paginated) with measures and check items."""
    found = selectors.dictionary_version_get(user=request.user, version=version)
    categories = list(selectors.category_list(user=request.user, version=found))
    filterset = RiskEntryFilterSet(
        request.GET,
        queryset=selectors.risk_entry_list(user=request.user, version=found),
        categories=[(c.code, c.name) for c in categories],
    )
    context = {
        "version": found,
        "categories": categories,
        "filter": filterset,
        "page": page_of(request, filterset.qs),
        "querystring": querystring(request),
        "can_edit": selectors.dictionary_can_edit(user=request.user),
    }
    template = "riskdict/entry_table.html" if request.headers.get("HX-Request") else "riskdict/version_detail.html"
    return render(request, template, context)


@login_required
def version_import(request: HttpRequest) -> HttpResponse:
    """Upload an .xlsx file as a new draft version; on failure, every row problem in a table."""
    if not selectors.dictionary_can_edit(user=request.user):
        raise PermissionDenied
    form = DictionaryImportForm(request.POST or None, request.FILES or None)
    row_errors: list[services.RowError] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            imported = services.dictionary_import_excel(
                actor=request.user, file=data["file"], version=data["version"], title=data["title"], note=data["note"]
            )
        except services.DictionaryImportError as exc:
            row_errors = exc.errors
            for name, problems in exc.message_dict.items():
                if name in ("version", "title", "note"):
                    for problem in problems:
                        form.add_error(name, problem)
            if row_errors:
                form.add_error(None, _("The file was not imported: correct the rows listed below and upload it again."))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Version %(version)s imported as a draft: review it, then publish it.") % {"version": imported.version},
            )
            return redirect("riskdict:version-detail", version=imported.version)
    return render(
        request,
        "riskdict/import.html",
        {
            "form": form,
            "row_errors": row_errors[:SHOWN_IMPORT_ERRORS],
            "hidden_errors": max(0, len(row_errors) - SHOWN_IMPORT_ERRORS),
            "error_count": len(row_errors),
        },
    )


@login_required
def version_export(request: HttpRequest, version: str) -> HttpResponse:
    """The version as an .xlsx file in the exchange format (importable again)."""
    found = selectors.dictionary_version_get(user=request.user, version=version)
    response = HttpResponse(services.dictionary_export_excel(version=found), content_type=services.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="riskdict-{found.version}.xlsx"'
    return response


@login_required
@require_POST
def version_publish(request: HttpRequest, version: str) -> HttpResponse:
    found = selectors.dictionary_version_get(user=request.user, version=version)
    try:
        services.dictionary_publish(actor=request.user, version=found)
    except ValidationError as exc:
        for problem in exc.messages:
            messages.error(request, problem)
    else:
        messages.success(request, _("Version %(version)s is published.") % {"version": found.version})
    return redirect("riskdict:version-detail", version=found.version)


@login_required
@require_POST
def version_delete(request: HttpRequest, version: str) -> HttpResponse:
    found = selectors.dictionary_version_get(user=request.user, version=version)
    try:
        services.dictionary_delete(actor=request.user, version=found)
    except ValidationError as exc:
        for problem in exc.messages:
            messages.error(request, problem)
        return redirect("riskdict:version-detail", version=found.version)
    messages.success(request, _("Draft version %(version)s deleted.") % {"version": found.version})
    return redirect("riskdict:version-list")


@login_required
def version_diff(request: HttpRequest) -> HttpResponse:
    """What changes from one version to another: entries added, removed and changed, measure by measure."""
    versions = selectors.dictionary_version_list(user=request.user)
    form = DictionaryDiffForm(request.GET if "old" in request.GET else None, versions=versions)
    diff = None
    if form.is_bound and form.is_valid():
        diff = services.dictionary_diff(old=form.cleaned_data["old"], new=form.cleaned_data["new"])
    return render(request, "riskdict/diff.html", {"form": form, "diff": diff})
