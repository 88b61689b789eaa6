"""The public pages (no login, phone first): report a hazard, the receipt, the status by receipt
code. Thin: the form validates the shape, ``services.submit.report_submit`` decides and writes, the
public status comes from ``selectors.public_status`` (words only: no names, no numbers)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from safecity.citizenreports import rules, selectors
from safecity.citizenreports.forms import ReceiptLookupForm, ReportForm
from safecity.citizenreports.geo import city_name, outlines_geojson
from safecity.citizenreports.services.common import CitizenReportError
from safecity.citizenreports.services.submit import report_submit
from safecity.core.forms import show_service_errors


def client_address(request: HttpRequest) -> str | None:
    # The address the connection came from (as the login lock-out reads it: AXES_IPWARE_META_PRECEDENCE_ORDER).
    return request.META.get("REMOTE_ADDR") or None


@csrf_exempt  # checked below, once the size is known to be sane (csrf_protect)
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponseBase:
    """Report a hazard: the map (tap it, or use the phone's location), what was seen, photos, and
    optionally a phone number. On success, the receipt page.

    A body larger than every photo at its largest is refused (413) from its declared length,
    before anything reads it. The CSRF check reads the form's token from the body (so the whole
    multipart upload), which is why it runs after the size check rather than in the middleware."""
    if request.method == "POST" and rules.request_too_large(request.META):
        return render(
            request,
            "citizenreports/report_form.html",
            {**_form_context(ReportForm()), "refusal": too_large_words()},
            status=413,
        )
    return _report_new(request)


@csrf_protect
def _report_new(request: HttpRequest) -> HttpResponseBase:
    form = ReportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = report_submit(
                latitude=data["latitude"],
                longitude=data["longitude"],
                description=data["description"],
                place=data["place"],
                phone=data["phone"],
                photos=request.FILES.getlist("photos"),
                address=client_address(request),
            )
        except CitizenReportError as error:
            # A refused location is a message above the form (the point's fields are hidden).
            show_service_errors(form, error)
            status = 429 if error.error_code == "rate_limited" else 400
        else:
            return redirect("citizenreports:receipt", code=report.receipt_code)
    elif request.method == "POST":
        status = 400
    return render(request, "citizenreports/report_form.html", _form_context(form), status=status)


def _form_context(form: ReportForm) -> dict[str, Any]:
    return {"form": form, "outlines": outlines_geojson(), "max_photos": rules.max_photos(), "city": city_name()}


def too_large_words() -> str:
    return _("The report is too large to receive: send at most %(count)d photos of at most %(mb)s MB each.") % {
        "count": rules.max_photos(),
        "mb": round(rules.photo_max_bytes() / (1024 * 1024), 1),
    }


def receipt(request: HttpRequest, code: str) -> HttpResponse:
    """The report's status for the citizen, by its receipt code."""
    try:
        status = selectors.public_status(code=code)
    except Http404:
        return render(request, "citizenreports/status.html", {"form": ReceiptLookupForm(), "unknown": True}, status=404)
    return render(request, "citizenreports/receipt.html", {"status": status})


def status_lookup(request: HttpRequest) -> HttpResponseBase:
    """Type a receipt code, see the report's status."""
    form = ReceiptLookupForm(request.GET or None)
    if form.is_valid():
        from safecity.citizenreports.models import receipt_normalise

        return redirect("citizenreports:receipt", code=receipt_normalise(form.cleaned_data["code"]) or "-")
    return render(request, "citizenreports/status.html", {"form": form, "unknown": False})
