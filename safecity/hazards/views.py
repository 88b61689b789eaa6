"""Server-rendered UI of dual prevention: supervision list, hazard page and actions, reporting in the
field, checks, registry, reports. Thin: selectors read, services write."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecity.core import services as core_services
from safecity.core.exports import export_response
from safecity.core.models import Notification, Organisation
from safecity.core.paging import keyset_page_of, page_of, querystring, year_of
from safecity.core.scoping import CHANGE, can, roles_for, scoped
from safecity.hazards import reports, selectors, services
from safecity.hazards.choices import RISK_HEX, HazardLevel, risk_level_label
from safecity.hazards.filtersets import HiddenHazardFilterSet
from safecity.hazards.forms import CheckCompleteForm, EvidenceForm, GovernancePlanForm, HazardActionForm, HazardReportForm
from safecity.hazards.models import CheckRecord, GovernancePlan
from safecity.hazards.transitions import offered

HAZARD_COLUMNS = [
    (_("Number"), lambda h: h.code),
    (_("Enterprise"), lambda h: h.organisation.name),
    (_("Region"), lambda h: h.organisation.region.name),
    (_("Level"), lambda h: h.get_level_display()),
    (_("State"), lambda h: h.get_state_display()),
    (_("Type"), lambda h: h.get_hazard_type_display()),
    (_("Source"), lambda h: h.get_source_display()),
    (_("Description"), lambda h: h.description),
    (_("Discovered at"), lambda h: timezone.localtime(h.discovered_at).strftime("%Y-%m-%d %H:%M")),
    (_("Deadline"), lambda h: h.deadline.isoformat() if h.deadline else ""),
    (_("Overdue"), lambda h: h.is_overdue),
]


@login_required
def hazard_list(request: HttpRequest) -> HttpResponseBase:
    """The supervision list: every hidden hazard within reach, filtered; exportable."""
    filterset = HiddenHazardFilterSet(request.GET, queryset=selectors.hazard_list(user=request.user))
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        columns = [(str(t), g) for t, g in HAZARD_COLUMNS]
        return export_response(
            fmt=fmt, filename="hidden-hazards", columns=columns, objects=filterset.qs.iterator(chunk_size=2000)
        )
    # Keyset pages and a maintained count: the list costs the same at 1,000,000 hazards as at 10,000.
    page = keyset_page_of(
        request, filterset.qs, count=lambda: selectors.hazard_count(user=request.user, filters=request.GET, queryset=filterset.qs)
    )
    context = {"filter": filterset, "page": page, "querystring": querystring(request)}
    template = "hazards/hazard_table.html" if request.headers.get("HX-Request") else "hazards/hazard_list.html"
    return render(request, template, context)


@login_required
def hazard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The hazard page: its next steps first (reachable on a phone without scrolling), then the
    facts, the governance plan, the evidence and the timeline. The steps offered come from the
    transition table and its guards (``transitions.offered``), so the page offers exactly what the
    services allow."""
    hazard = selectors.hazard_get(user=request.user, pk=pk)
    plan = GovernancePlan.objects.filter(hazard=hazard).first()
    roles = roles_for(request.user, hazard)
    offers = offered(hazard, request.user, roles)
    return render(
        request,
        "hazards/hazard_detail.html",
        {
            "hazard": hazard,
            "timeline": selectors.hazard_timeline(user=request.user, hazard=hazard),
            "evidence": hazard.evidence.all(),
            "plan": plan,
            "plan_form": GovernancePlanForm(instance=plan)
            if hazard.level == HazardLevel.MAJOR and hazard.state in (-1, 0)
            else None,
            "offers": offers,
            "actions": [o.action for o in offers],
            "takes_evidence": any(o.evidence_stage for o in offers),
            "action_form": HazardActionForm(user=request.user, organisation_id=hazard.organisation_id),
            "evidence_form": EvidenceForm(initial={"stage": services.evidence_default_stage(hazard)})
            if roles and hazard.is_open
            else None,
            "can_change": can(request.user, hazard, CHANGE),
        },
    )


@login_required
@require_POST
def hazard_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply one lifecycle action (with the evidence submitted with it); on refusal the hazard page
    says why and nothing changes."""
    hazard = selectors.hazard_get(user=request.user, pk=pk)
    form = HazardActionForm(request.POST, request.FILES, user=request.user, organisation_id=hazard.organisation_id)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("hazards:hazard-detail", pk=pk)
    data = form.cleaned_data
    action, comment = data["action"], data.get("comment") or ""
    evidence = [data["evidence"]] if data.get("evidence") else []
    try:
        if action == "confirm":
            services.hazard_confirm(
                actor=request.user,
                hazard=hazard,
                deadline=data.get("deadline"),
                liable_person=data.get("liable_person"),
                comment=comment,
            )
        elif action == "withdraw":
            services.hazard_withdraw(actor=request.user, hazard=hazard, comment=comment)
        elif action == "fix_on_the_spot":
            services.hazard_fix_on_the_spot(
                actor=request.user, hazard=hazard, rectification=data.get("rectification") or comment, evidence=evidence
            )
        elif action == "request_acceptance":
            services.hazard_request_acceptance(
                actor=request.user, hazard=hazard, rectification=data.get("rectification") or comment, evidence=evidence
            )
        elif action == "accept":
            services.hazard_accept(actor=request.user, hazard=hazard, comment=comment, evidence=evidence)
        elif action == "reject":
            services.hazard_reject(actor=request.user, hazard=hazard, comment=comment)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied:
        messages.error(request, _("Your role does not allow this action."))
        return render(request, "403.html", status=403)
    else:
        messages.success(request, _("Saved."))
    return redirect("hazards:hazard-detail", pk=pk)


@login_required
@require_POST
def governance_plan(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.hazard_get(user=request.user, pk=pk)
    form = GovernancePlanForm(request.POST)
    if form.is_valid():
        try:
            services.governance_plan_save(actor=request.user, hazard=hazard, **form.cleaned_data)
            messages.success(request, _("Governance plan saved."))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("hazards:hazard-detail", pk=pk)


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.hazard_get(user=request.user, pk=pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(
                actor=request.user, hazard=hazard, stage=form.cleaned_data.get("stage") or None, file=form.cleaned_data["file"]
            )
            messages.success(request, _("Evidence uploaded."))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    else:
        messages.error(request, _("Choose a file to upload."))
    return redirect("hazards:hazard-detail", pk=pk)


@login_required
def evidence_file(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    """Serve an evidence file only to those who may see its hazard."""
    hazard = selectors.hazard_get(user=request.user, pk=pk)
    evidence = hazard.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        from django.http import Http404

        raise Http404
    response = HttpResponse(evidence.file.read(), content_type=evidence.content_type)
    response["Content-Disposition"] = f'inline; filename="{evidence.file.name.rsplit("/", 1)[-1]}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def hazard_report(request: HttpRequest) -> HttpResponse:
    """Report a hidden hazard in the field (the inspector's phone screen)."""
    form = HazardReportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photo = data.pop("photo", None)
        organisation = data.pop("organisation")
        try:
            hazard = services.hazard_report_with_photo(actor=request.user, organisation=organisation, photo=photo, **data)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            for field, messages_ in errors.items():
                target = "photo" if field == "file" else (field if field in form.fields else None)
                for message in messages_:
                    form.add_error(target, message)
        except PermissionDenied:
            return render(request, "403.html", status=403)
        else:
            messages.success(request, _("Hidden hazard %(code)s recorded.") % {"code": hazard.code})
            return redirect("hazards:hazard-detail", pk=hazard.pk)
    return render(request, "hazards/hazard_report.html", {"form": form})


@login_required
def check_list(request: HttpRequest) -> HttpResponse:
    """Due and overdue checks within reach (the to-do list)."""
    page = page_of(request, selectors.due_checks(user=request.user))
    return render(request, "hazards/check_list.html", {"page": page, "querystring": querystring(request)})


@login_required
def check_complete(request: HttpRequest, pk: int) -> HttpResponse:
    record = scoped(CheckRecord, request.user).select_related("task", "organisation").filter(pk=pk).first()
    if record is None:
        from django.http import Http404

        raise Http404
    form = CheckCompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        hazard = None
        if data["result"] == "hazard_found":
            hazard = {"description": data["description"], "level": data["level"], "deadline": data.get("deadline")}
        try:
            record = services.check_record_complete(
                actor=request.user, record=record, result=data["result"], note=data.get("note") or "", hazard=hazard
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied:
            return render(request, "403.html", status=403)
        else:
            found = selectors.hazard_list(user=request.user).filter(check_record=record).order_by("-id").first()
            if found is not None:
                # A link to the hazard just found: the checker adds its photos or confirms it.
                messages.success(
                    request,
                    format_html(
                        '{} <a href="{}" data-testid="found-hazard">{}</a>',
                        _("Check recorded. Hidden hazard %(code)s was reported:") % {"code": found.code},
                        reverse("hazards:hazard-detail", args=[found.pk]),
                        _("open hidden hazard %(code)s") % {"code": found.code},
                    ),
                )
            else:
                messages.success(request, _("Check recorded."))
            return redirect("hazards:check-list")
    return render(request, "hazards/check_complete.html", {"record": record, "form": form})


@login_required
def registry_index(request: HttpRequest) -> HttpResponse:
    """Enterprises with a risk registry within reach, each with its highest current risk."""
    rows = list(selectors.enterprise_highest_risk(user=request.user))
    for row in rows:
        # The selector gives the level's number (1 = red); the page shows its words.
        level = row["highest_risk_level"] = row["highest_risk"]
        row["colour"] = RISK_HEX.get(level, "#999")
        row["highest_risk"] = risk_level_label(level)
    points = [
        [r["id"], r["name"], "", float(r["latitude"]), float(r["longitude"]), r["colour"], r["highest_risk"]]
        for r in rows
        if r["latitude"] is not None
    ]
    without = (
        scoped(Organisation, request.user, CHANGE)
        .filter(kind="enterprise", risk_registry__isnull=True)
        .order_by("name")
        .values_list("id", "name")[:500]
    )
    return render(
        request,
        "hazards/registry_index.html",
        {"rows": rows, "map_data": json.dumps({"points": points}, ensure_ascii=False), "without_registry": without},
    )


@login_required
def registry_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """An enterprise's registry: objects -> units -> events (four colours) -> measures -> check tasks."""
    registry = selectors.registry_get(user=request.user, organisation_id=organisation_id)
    if registry is None:
        from django.http import Http404

        raise Http404
    objects = list(selectors.risk_objects(user=request.user, organisation_id=organisation_id))
    units = []
    for obj in objects:
        for unit in obj.units.all():
            levels = [e.current_level for e in unit.events.all()]
            if unit.latitude is not None and levels:
                highest = min(levels)  # 1 = red: the unit in the colour and words of its highest risk
                place = [unit.pk, unit.name, "", float(unit.latitude), float(unit.longitude)]
                units.append([*place, RISK_HEX[highest], risk_level_label(highest)])
    year = timezone.localdate().year
    hazards = selectors.hazard_list(user=request.user).filter(organisation_id=organisation_id)
    return render(
        request,
        "hazards/registry_detail.html",
        {
            "registry": registry,
            "objects": objects,
            "unit_map": json.dumps({"points": units}, ensure_ascii=False),
            "statistics": reports.hazard_statistics(hazards=hazards, year=year),
            "due": selectors.due_checks(user=request.user, organisation_id=organisation_id)[:20],
            "can_edit": can(request.user, registry, CHANGE),
        },
    )


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """Hazard statistics by quarter and year, for an enterprise or a region within reach."""
    year = year_of(request, timezone.localdate().year) or timezone.localdate().year
    filterset = HiddenHazardFilterSet(request.GET, queryset=selectors.hazard_list(user=request.user))
    data = reports.hazard_statistics(hazards=filterset.qs, year=year)
    if request.GET.get("format") == "json":
        return JsonResponse(data)
    return render(request, "hazards/statistics.html", {"data": data, "filter": filterset, "year": year})


@login_required
def provincial_report(request: HttpRequest, organisation_id: int) -> HttpResponse:
    report = reports.provincial_risk_report(user=request.user, organisation_id=organisation_id)
    fmt = request.GET.get("format")
    if fmt == "json":
        return JsonResponse(report, json_dumps_params={"ensure_ascii": False, "indent": 2})
    if fmt == "xlsx":
        response = HttpResponse(
            reports.provincial_risk_report_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="risk-report-{organisation_id}.xlsx"'
        return response
    return render(request, "hazards/provincial_report.html", {"report": report, "organisation_id": organisation_id})


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's notifications (reminders and escalations)."""
    notes = scoped(Notification, request.user).filter(recipient=request.user)
    if request.method == "POST":
        core_services.notifications_mark_read(user=request.user)
        return redirect("hazards:inbox")
    return render(request, "hazards/inbox.html", {"page": page_of(request, notes), "querystring": querystring(request)})
