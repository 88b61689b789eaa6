"""Server-rendered UI of the key projects: plan dashboard, lists, Gantt chart, project page with the
progress form and evidence, import/export, monthly report, the "1+29" list. Thin: selectors read,
services write, refusals are shown as messages."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecity.core.models import Organisation, Region
from safecity.core.paging import page_of, querystring
from safecity.core.scoping import CHANGE, can, scoped
from safecity.keyprojects import forms, monthly, selectors, services
from safecity.keyprojects.choices import STATUS_COLOURS, ProjectStatus
from safecity.keyprojects.models import YearPlan
from safecity.keyprojects.services.excel import ImportRejected
from safecity.keyprojects.services.plans import DEPARTMENT_KINDS, DISTRICT_LEVELS
from safecity.keyprojects.services.progress import may_report
from safecity.library import selectors as library_selectors
from safecity.library import services as library_services
from safecity.library.models import LibraryEntry

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _members(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only the committee office, district officials and department officers open these pages."""

    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.sees_key_projects(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _committee_only(user: Any, plan: YearPlan | None = None) -> None:
    if not selectors.is_committee(user) or (plan is not None and not can(user, plan, CHANGE)):
        raise PermissionDenied


@_members
def index(request: HttpRequest) -> HttpResponse:
    plans = list(selectors.plan_list(user=request.user))
    if plans and "all" not in request.GET:
        return redirect("keyprojects:plan-dashboard", year=plans[0].year)
    return render(request, "keyprojects/plan_list.html", {"plans": plans, "committee": selectors.is_committee(request.user)})


CHART_ROW_PX = 22  # every category row of a bar chart gets room for its own label


def _chart(evaluations: list[selectors.Evaluation], key: str, statuses: list[ProjectStatus]) -> dict[str, Any]:
    rows = selectors.breakdown(evaluations, key)
    return {
        "height": 70 + CHART_ROW_PX * len(rows),
        "labels": [r["name"] for r in rows],
        "series": [{"name": str(s.label), "colour": STATUS_COLOURS[s], "values": [r[s.value] for r in rows]} for s in statuses],
    }


@_members
def plan_dashboard(request: HttpRequest, year: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, year=year)
    projects = selectors.project_list(user=request.user, plan=plan)
    evaluations = selectors.plan_evaluations(plan=plan, projects=projects)
    at = selectors.evaluation_date(plan)
    shown = selectors.shown_statuses(plan=plan, at=at)
    return render(
        request,
        "keyprojects/plan_dashboard.html",
        {
            "plan": plan,
            "plans": selectors.plan_list(user=request.user),
            "at": at,
            "final": at >= plan.last_day,
            "counts": selectors.status_counts(evaluations),
            "cutoff": selectors.cutoff_counts(plan=plan, projects=projects),
            "statuses": [(s.value, s.label, STATUS_COLOURS[s]) for s in shown],
            "by_sub_system": selectors.breakdown(evaluations, "sub_system"),
            "by_department": selectors.breakdown(evaluations, "lead_department"),
            "by_district": selectors.breakdown(evaluations, "district"),
            "chart": _chart(evaluations, "sub_system", shown),
            "district_chart": _chart(evaluations, "district", shown),
            "committee": selectors.is_committee(request.user),
            "months": range(1, 13),
        },
    )


def _filter_form(request: HttpRequest) -> forms.FilterForm:
    return forms.FilterForm(
        request.GET or None,
        departments=Organisation.objects.filter(kind__in=DEPARTMENT_KINDS, led_key_projects__isnull=False)
        .distinct()
        .order_by("name"),
        districts=Region.objects.filter(level__in=DISTRICT_LEVELS).order_by("code"),
    )


def _filtered(request: HttpRequest, plan: YearPlan) -> tuple[forms.FilterForm, list[selectors.Evaluation]]:
    form = _filter_form(request)
    data = form.cleaned_data if form.is_valid() else {}
    projects = selectors.project_list(
        user=request.user,
        plan=plan,
        sub_system=data.get("sub_system"),
        lead_department=data.get("lead_department"),
        district=data.get("district"),
    )
    evaluations = selectors.plan_evaluations(plan=plan, projects=projects)
    if data.get("status"):
        evaluations = [e for e in evaluations if e.status == data["status"]]
    return form, evaluations


@_members
def project_list(request: HttpRequest, year: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, year=year)
    form, evaluations = _filtered(request, plan)
    return render(
        request,
        "keyprojects/project_list.html",
        {"plan": plan, "form": form, "page": page_of(request, evaluations), "querystring": querystring(request)},
    )


def _gantt_data(evaluations: list[selectors.Evaluation], at: date, plan: YearPlan) -> dict[str, Any]:
    year = plan.year
    rows = []
    for ev in evaluations:
        p = ev.project
        milestones = list(p.milestones.all())
        end = milestones[-1].planned_date if milestones else p.start_date
        rows.append(
            {
                "id": p.pk,
                "name": f"{p.sequence}. {p.name}",
                "start": p.start_date,
                "end": end,
                "colour": STATUS_COLOURS[ProjectStatus(ev.status)],
                "status": ev.status_label,
                "expected": ev.expected,
                "actual": ev.actual,
                "milestones": [
                    {"name": m.name, "date": m.planned_date, "done": ev.completions.get(m.pk, 0) >= 100} for m in milestones
                ],
            }
        )
    return {
        "rows": rows,
        "today": at,
        "year": year,
        "legend": {
            "done": _("Milestone done"),
            "open": _("Milestone not done"),
            "statuses": [{"name": str(s.label), "colour": STATUS_COLOURS[s]} for s in selectors.shown_statuses(plan=plan, at=at)],
            "months": [str(MONTHS_3[m]).title() for m in range(1, 13)],
        },
    }


@_members
def gantt(request: HttpRequest, year: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, year=year)
    form, evaluations = _filtered(request, plan)
    at = selectors.evaluation_date(plan)
    return render(
        request,
        "keyprojects/gantt.html",
        {
            "plan": plan,
            "form": form,
            "gantt": _json(_gantt_data(evaluations, at, plan)),
            "height": 110 + 26 * len(evaluations),
        },
    )


def _json(data: Any) -> Any:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


@_members
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    plan = project.plan
    at = selectors.evaluation_date(plan)
    evaluation = selectors.evaluate(project, at)
    reporter = may_report(request.user, project)
    form = forms.ProgressForm(project=project, initial={"reported_on": timezone.localdate()}) if reporter else None
    return _detail(request, project, evaluation, form)


def _detail(request: HttpRequest, project: Any, evaluation: selectors.Evaluation, form: Any, status: int = 200) -> HttpResponse:
    milestones = [(m, evaluation.completions.get(m.pk, 0)) for m in project.milestones.all()]
    return render(
        request,
        "keyprojects/project_detail.html",
        {
            "project": project,
            "ev": evaluation,
            "milestones": milestones,
            "reports": selectors.report_list(user=request.user, project=project),
            "library": library_selectors.cited_entries(user=request.user, record=project),
            "library_candidates": _library_candidates(request.user, project),
            "form": form,
            "gantt": _json(_gantt_data([evaluation], evaluation.at, project.plan)),
        },
        status=status,
    )


def _library_candidates(user: Any, project: Any) -> Any:
    """The library entries the committee office may link from the project page (None for others)."""
    if not selectors.is_committee(user) or not can(user, project.plan, CHANGE):
        return None
    return library_selectors.citation_candidates(user=user, record=project)


@_members
@require_POST
def project_library(request: HttpRequest, pk: int) -> HttpResponse:
    """Link (or, with ``unlink``, remove) a library entry the project cites: the committee office.
    The rule lives in the library's citation service (the key projects' kind, ``citations.py``); a
    refusal is shown as a message, nothing changes."""
    project = selectors.project_get(user=request.user, pk=pk)
    raw = request.POST.get("library_entry", "")
    entry = scoped(LibraryEntry, request.user).filter(pk=int(raw)).first() if raw.isdigit() else None
    try:
        if entry is None:
            raise ValidationError(_("Choose an entry of the library."))
        if "unlink" in request.POST:
            library_services.citation_remove(actor=request.user, library_entry=entry, record=project)
            messages.success(request, _("The library entry is no longer cited by this project."))
        else:
            library_services.citation_add(actor=request.user, library_entry=entry, record=project)
            messages.success(request, _("The project now cites this library entry."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("keyprojects:project-detail", pk=pk)


@_members
@require_POST
def project_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a progress report; on refusal the form shows why and nothing changes."""
    project = selectors.project_get(user=request.user, pk=pk)
    if not may_report(request.user, project):
        raise PermissionDenied
    form = forms.ProgressForm(request.POST, request.FILES, project=project)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.progress_report(
                actor=request.user,
                project=project,
                milestone=data["milestone"],
                completion=data["completion"],
                reported_on=data["reported_on"],
                note=data["note"],
                reason=data["reason"],
                evidence=data["evidence"],
            )
            messages.success(request, _("The progress report was recorded."))
            return redirect("keyprojects:project-detail", pk=pk)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
    project = selectors.project_get(user=request.user, pk=pk)
    return _detail(request, project, selectors.evaluate(project, selectors.evaluation_date(project.plan)), form, status=400)


@_members
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve an evidence file only to those who may see its project."""
    evidence = selectors.evidence_get(user=request.user, pk=pk)
    return FileResponse(evidence.file.open("rb"), content_type=evidence.content_type, filename=evidence.filename)


@_members
def plan_export(request: HttpRequest, year: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, year=year)
    projects = selectors.project_list(user=request.user, plan=plan)
    response = HttpResponse(services.plan_export_workbook(projects=projects), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="keyprojects-{plan.year}.xlsx"'
    return response


@_members
def plan_import(request: HttpRequest, year: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, year=year)
    _committee_only(request.user, plan)
    errors: list[Any] = []
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.plan_import(actor=request.user, plan=plan, content=form.cleaned_data["file"].read())
            messages.success(request, _("%(n)s key projects were imported.") % {"n": count})
            return redirect("keyprojects:plan-dashboard", year=year)
        except ImportRejected as rejected:
            errors = rejected.rows
    status = 400 if errors else 200
    return render(request, "keyprojects/import.html", {"plan": plan, "form": form, "errors": errors}, status=status)


@_members
def monthly_report(request: HttpRequest, year: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, year=year)
    try:
        # Opened without a month (a link, a bookmark): the plan's latest month.
        month = monthly.report_month(plan, request.GET.get("month"))
    except ValueError:
        raise Http404 from None
    data = monthly.monthly_report(user=request.user, plan=plan, month=month)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(monthly.monthly_pdf(data), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="keyprojects-{year}-{month:02d}.pdf"'
        return response
    response = HttpResponse(monthly.monthly_xlsx(data), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="keyprojects-{year}-{month:02d}.xlsx"'
    return response


@_members
def subsystem_list(request: HttpRequest) -> HttpResponse:
    committee = selectors.is_committee(request.user)
    form = forms.SubSystemForm(request.POST or None) if committee else None
    if request.method == "POST":
        _committee_only(request.user)
        assert form is not None
        if form.is_valid():
            try:
                services.subsystem_create(actor=request.user, **form.cleaned_data)
                return redirect("keyprojects:subsystem-list")
            except ValidationError as error:
                form.add_error(None, error)
    return render(
        request,
        "keyprojects/subsystem_list.html",
        {"sub_systems": selectors.subsystem_list(user=request.user), "form": form, "committee": committee},
    )


@_members
def subsystem_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _committee_only(request.user)
    sub_system = selectors.subsystem_list(user=request.user).filter(pk=pk).first()
    if sub_system is None:
        raise Http404
    form = forms.SubSystemForm(request.POST or None, instance=sub_system)
    if request.method == "POST" and form.is_valid():
        try:
            services.subsystem_update(actor=request.user, sub_system=sub_system, **form.cleaned_data)
            return redirect("keyprojects:subsystem-list")
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "keyprojects/subsystem_form.html", {"form": form, "sub_system": sub_system})


@_members
def plan_create(request: HttpRequest) -> HttpResponse:
    _committee_only(request.user)
    form = forms.PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            plan = services.plan_create(actor=request.user, year=data.pop("year"), title=data.pop("title"), **data)
            return redirect("keyprojects:plan-dashboard", year=plan.year)
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "keyprojects/plan_form.html", {"form": form})
