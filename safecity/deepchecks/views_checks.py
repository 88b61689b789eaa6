"""Server-rendered UI of the check itself (phone-friendly for experts): checklist, findings, root
causes, and each enterprise's causes and root causes."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecity.core.models import Organisation
from safecity.core.paging import year_of
from safecity.core.scoping import principal_for, scoped
from safecity.deepchecks import selectors, services
from safecity.deepchecks.forms import CompleteForm, FindingForm, ItemMarkForm, RootCauseForm


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_POST
def session_start(request: HttpRequest, pk: int) -> HttpResponse:
    panel = selectors.panel_get(user=request.user, pk=pk)
    try:
        session = services.session_start(actor=request.user, panel=panel)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("deepchecks:panel-detail", pk=pk)
    return redirect("deepchecks:session-detail", pk=session.pk)


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, pk=pk)
    return render(
        request,
        "deepchecks/session_detail.html",
        {
            "session": session,
            "items": selectors.checklist(user=request.user, session=session),
            "findings": selectors.finding_list(user=request.user, session=session),
            "finding_form": FindingForm(),
            "cause_form": RootCauseForm(),
            "complete_form": CompleteForm(),
        },
    )


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a finding: it becomes a hidden hazard (source: external expert diagnosis)."""
    session = selectors.session_get(user=request.user, pk=pk)
    form = FindingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Describe the finding."))
        return redirect("deepchecks:session-detail", pk=pk)
    data = form.cleaned_data
    item = None
    if data.get("checklist_item"):
        item = selectors.checklist(user=request.user, session=session).filter(pk=data["checklist_item"]).first()
    try:
        finding = services.finding_record(
            actor=request.user, session=session, description=data["description"], hazard_type=data["hazard_type"],
            level=data["level"], location=data.get("location") or "", measures=data.get("measures") or "",
            deadline=data.get("deadline"), checklist_item=item,
        )  # fmt: skip
        messages.success(request, _("Finding recorded as hidden hazard %(code)s.") % {"code": finding.hazard.code})
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("deepchecks:session-detail", pk=pk)


@login_required
@require_POST
def item_mark(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, pk=pk)
    item = get_object_or_404(selectors.checklist(user=request.user, session=session), pk=item_id)
    form = ItemMarkForm(request.POST)
    if form.is_valid():
        services.checklist_item_mark(actor=request.user, item=item, result=form.cleaned_data["result"])
    return redirect("deepchecks:session-detail", pk=pk)


@login_required
@require_POST
def session_complete(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, pk=pk)
    form = CompleteForm(request.POST)
    form.is_valid()
    try:
        services.session_complete(actor=request.user, session=session, summary=form.cleaned_data.get("summary") or "")
        messages.success(request, _("Check completed."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("deepchecks:session-detail", pk=pk)


@login_required
@require_POST
def root_cause(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get(user=request.user, pk=pk)
    form = RootCauseForm(request.POST)
    if form.is_valid():
        try:
            services.root_cause_save(actor=request.user, finding=finding, **form.cleaned_data)
            messages.success(request, _("Root cause saved."))
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, _("Choose the cause and the management element."))
    return redirect("deepchecks:session-detail", pk=finding.session_id)


@login_required
def enterprise_analysis(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The enterprise's causes (person, object, management, environment) and most frequent root causes."""
    organisation = get_object_or_404(scoped(Organisation, request.user), pk=organisation_id)
    year = year_of(request, timezone.localdate().year) or timezone.localdate().year
    causes = selectors.enterprise_causes(user=request.user, organisation=organisation, year=year)
    roots = selectors.enterprise_root_causes(user=request.user, organisation=organisation, year=year)
    return render(
        request,
        "deepchecks/enterprise_analysis.html",
        {
            "organisation": organisation,
            "year": year,
            "causes": causes,
            "roots": roots,
            "causes_chart": json.dumps(
                {"labels": [c["label"] for c in causes], "values": [c["count"] for c in causes]}, ensure_ascii=False
            ),
            "roots_chart": json.dumps(
                {"labels": [r["label"] for r in roots], "values": [r["count"] for r in roots]}, ensure_ascii=False
            ),
            "findings": selectors.finding_list(user=request.user, organisation=organisation, year=year)[:20],
        },
    )


@login_required
def my_enterprise(request: HttpRequest) -> HttpResponse:
    ids = sorted(principal_for(request.user).organisation_ids)
    if not ids:
        raise Http404
    year = request.GET.get("year", "")
    url = f"/deepchecks/enterprises/{ids[0]}/" + (f"?year={year}" if year else "")
    return redirect(url)
