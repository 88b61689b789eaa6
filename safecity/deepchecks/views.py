"""Server-rendered UI of the deep safety check: expert pool, campaigns, scheduler, calendar, export,
panels. Thin: selectors read, services write; a refused edit shows the rule it breaks."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecity.core.exports import workbook_bytes
from safecity.core.paging import page_of, querystring
from safecity.core.scoping import CHANGE, can
from safecity.deepchecks import selectors, services
from safecity.deepchecks.forms import (
    AffiliationForm,
    CampaignForm,
    DocumentForm,
    ExpertFilterForm,
    PanelMembersForm,
    UnavailabilityForm,
)
from safecity.deepchecks.services.campaigns import pool_for
from safecity.deepchecks.services.documents import may_manage_documents


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def expert_list(request: HttpRequest) -> HttpResponse:
    form = ExpertFilterForm(request.GET)
    level = form.cleaned_data.get("level") if form.is_valid() else None
    experts = selectors.expert_list(user=request.user, level=level or None)
    return render(
        request,
        "deepchecks/expert_list.html",
        {"form": form, "page": page_of(request, experts), "querystring": querystring(request)},
    )


@login_required
def expert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    expert = selectors.expert_get(user=request.user, pk=pk)
    return render(
        request,
        "deepchecks/expert_detail.html",
        {
            "expert": expert,
            "affiliations": expert.affiliations.select_related("organisation"),
            "unavailability": expert.unavailability.all(),
            "documents": selectors.documents_of(user=request.user, expert=expert),
            "document_form": DocumentForm() if may_manage_documents(request.user, expert) else None,
            "today": timezone.localdate(),
            "seats": selectors.panel_list(user=request.user).filter(members__expert=expert)[:50],
            "unavailability_form": UnavailabilityForm(),
            "affiliation_form": AffiliationForm(user=request.user) if can(request.user, expert, CHANGE) else None,
        },
    )


@login_required
@require_POST
def expert_unavailability_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Days the expert cannot sit (the expert themselves or an official of the pool)."""
    expert = selectors.expert_get(user=request.user, pk=pk)
    form = UnavailabilityForm(request.POST)
    _save_expert_form(request, form, lambda data: services.unavailability_add(actor=request.user, expert=expert, **data))
    return redirect("deepchecks:expert-detail", pk=pk)


@login_required
@require_POST
def expert_affiliation_add(request: HttpRequest, pk: int) -> HttpResponse:
    """An employer or related enterprise of the expert: the scheduler treats it as a conflict of interest."""
    expert = selectors.expert_get(user=request.user, pk=pk)
    form = AffiliationForm(request.POST, user=request.user)
    _save_expert_form(request, form, lambda data: services.affiliation_add(actor=request.user, expert=expert, **data))
    return redirect("deepchecks:expert-detail", pk=pk)


def _save_expert_form(request: HttpRequest, form: Any, save: Any) -> None:
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return
    try:
        save(form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied:
        messages.error(request, _("Your role does not allow this action."))
    else:
        messages.success(request, _("Saved."))


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "deepchecks/campaign_list.html",
        {
            "page": page_of(request, selectors.campaign_list(user=request.user)),
            "querystring": querystring(request),
            "can_create": selectors.campaign_regions(user=request.user).exists(),
        },
    )


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    """Create a campaign and its target enterprises (officials of the region); then run the scheduler."""
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        targets = data.pop("targets")
        try:
            with transaction.atomic():
                campaign = services.campaign_create(actor=request.user, **data)
                services.campaign_targets_add(actor=request.user, campaign=campaign, organisations=targets)
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied:
            return render(request, "403.html", status=403)
        else:
            messages.success(request, _("Campaign created. Run the scheduler to form the panels."))
            return redirect("deepchecks:campaign-detail", pk=campaign.pk)
    return render(request, "deepchecks/campaign_form.html", {"form": form})


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    panels = selectors.panel_list(user=request.user, campaign=campaign)
    return render(
        request,
        "deepchecks/campaign_detail.html",
        {
            "campaign": campaign,
            "targets": selectors.target_list(user=request.user, campaign=campaign).count(),
            "page": page_of(request, panels),
            "querystring": querystring(request),
            "run": selectors.run_latest(user=request.user, campaign=campaign),
            "can_change": can(request.user, campaign, CHANGE),
        },
    )


@login_required
@require_POST
def campaign_run(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the scheduler; the page polls the run's status."""
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    try:
        services.schedule_request(actor=request.user, campaign=campaign)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("deepchecks:campaign-detail", pk=pk)


@login_required
def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    return render(
        request,
        "deepchecks/run_status.html",
        {"campaign": campaign, "run": selectors.run_latest(user=request.user, campaign=campaign)},
    )


@login_required
@require_POST
def campaign_publish(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    try:
        sent = services.schedule_publish(actor=request.user, campaign=campaign)
        messages.success(request, _("Schedule published; %(n)d experts notified.") % {"n": sent})
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("deepchecks:campaign-detail", pk=pk)


@login_required
def campaign_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """A month grid of the campaign's panels (``?month=YYYY-MM``)."""
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        first = date(year, month, 1)
    except ValueError:
        first = campaign.period_start.replace(day=1)
    last = date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
    panels = selectors.panel_list(user=request.user, campaign=campaign).filter(start_date__range=(first, last))
    by_day: dict[date, list[Any]] = {}
    for panel in panels:
        by_day.setdefault(panel.start_date, []).append(panel)
    weeks = [
        [{"day": d, "in_month": d.month == first.month, "panels": by_day.get(d, [])} for d in week]
        for week in calendar.Calendar().monthdatescalendar(first.year, first.month)
    ]
    prev_month = (first.replace(day=1) - date.resolution).replace(day=1)
    next_month = last + date.resolution
    return render(
        request,
        "deepchecks/calendar.html",
        {"campaign": campaign, "weeks": weeks, "month": first, "prev": prev_month, "next": next_month},
    )


@login_required
def campaign_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The schedule as an Excel workbook: one row per panel member."""
    import openpyxl

    campaign = selectors.campaign_get(user=request.user, pk=pk)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("Schedule")[:31]
    sheet.append([_("Check date"), _("Enterprise"), _("Expert"), _("Level"), _("Panel leader"), _("Status")])
    for panel in selectors.panel_list(user=request.user, campaign=campaign):
        for member in panel.members.all():
            sheet.append(
                [
                    panel.start_date.isoformat(),
                    panel.target.organisation.name,
                    member.expert.person.name,
                    member.expert.get_level_display(),
                    _("yes") if member.is_leader else "",
                    panel.get_status_display(),
                ]
            )
    response = HttpResponse(
        workbook_bytes(book), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="deepcheck-schedule-{campaign.pk}.xlsx"'
    return response


@login_required
def my_panels(request: HttpRequest) -> HttpResponse:
    return render(request, "deepchecks/my_panels.html", {"panels": selectors.my_panels(user=request.user)[:200]})


def _members_form(request: HttpRequest, panel: Any, data: Any = None) -> PanelMembersForm:
    pool = pool_for(panel.campaign).select_related("person").order_by("person__name")
    initial = {"experts": [m.expert_id for m in panel.members.all()]}
    return PanelMembersForm(data, pool=pool, initial=initial)


@login_required
def panel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    panel = selectors.panel_get(user=request.user, pk=pk)
    can_change = can(request.user, panel, CHANGE)
    return render(
        request,
        "deepchecks/panel_detail.html",
        {
            "panel": panel,
            "session": getattr(panel, "session", None),
            "form": _members_form(request, panel) if can_change else None,
            "can_change": can_change,
        },
    )


@login_required
@require_POST
def panel_members(request: HttpRequest, pk: int) -> HttpResponse:
    """A manual edit of the panel: re-validated against every rule; a refusal names the rule."""
    panel = selectors.panel_get(user=request.user, pk=pk)
    if not can(request.user, panel, CHANGE):
        raise PermissionDenied
    form = _members_form(request, panel, request.POST)
    if form.is_valid():
        try:
            services.panel_member_set(
                actor=request.user, panel=panel, experts=form.cleaned_data["experts"], leader=form.cleaned_data.get("leader")
            )
            messages.success(request, _("Panel saved."))
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, _("Choose the experts of the panel."))
    return redirect("deepchecks:panel-detail", pk=pk)
