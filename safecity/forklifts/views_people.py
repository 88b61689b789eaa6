"""Server-rendered UI of the forklift platform's people and duties: drivers (N1 certificates), the
safety director and officers, the daily / weekly / monthly checks of order No. 74 (made for a
phone), and the regulator's compliance overview per enterprise."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecity.core.exports import export_response
from safecity.core.forms import show_service_errors
from safecity.core.models import Person
from safecity.core.paging import page_of, querystring
from safecity.core.scoping import CHANGE, can, scoped
from safecity.forklifts import compliance, forms, selectors, services
from safecity.forklifts.choices import CertificateStatus, CheckKind
from safecity.forklifts.filtersets import OperatorFilterSet, SafetyCheckFilterSet
from safecity.forklifts.views import guard, may_write, show_errors

OPERATOR_COLUMNS: list[tuple[Any, Any]] = [
    (_("Name"), lambda o: o.name),
    (_("Authorising enterprise"), lambda o: o.organisation.name),
    (_("N1 certificate number"), lambda o: o.certificate_number),
    (_("Certificate issued on"), lambda o: o.certificate_issued_on),
    (_("Certificate valid until"), lambda o: o.certificate_valid_until),
    (_("N1 certificate"), lambda o: str(CertificateStatus(o.certificate_status()).label)),
    (_("Authorised"), lambda o: str(_("Yes") if o.is_active else _("No"))),
]


@guard(selectors.sees_forklifts)
def operator_list(request: HttpRequest) -> HttpResponseBase:
    filterset = OperatorFilterSet(request.GET, queryset=selectors.operator_list(user=request.user))
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        columns = [(str(title), getter) for title, getter in OPERATOR_COLUMNS]
        return export_response(
            fmt=fmt, filename="forklift-drivers", columns=columns, objects=filterset.qs.iterator(chunk_size=2000)
        )
    page = page_of(request, filterset.qs)
    return render(
        request,
        "forklifts/operator_list.html",
        {"filter": filterset, "page": page, "querystring": querystring(request), "may_add": may_write(request.user)},
    )


@guard(may_write)
def operator_add(request: HttpRequest) -> HttpResponseBase:
    form = forms.OperatorForm(request.POST or None, organisations=selectors.enterprises_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            operator = services.operator_add(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Driver %(name)s authorised.") % {"name": operator.name})
            return redirect("forklifts:operator-detail", pk=operator.pk)
    return render(request, "forklifts/operator_form.html", {"form": form})


@guard(selectors.sees_forklifts)
def operator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    operator = selectors.operator_get(user=request.user, pk=pk)
    may_change = can(request.user, operator, CHANGE)
    return render(
        request,
        "forklifts/operator_detail.html",
        {
            "operator": operator,
            "certificate_status": operator.certificate_status(),
            "renew_form": forms.RenewForm() if may_change else None,
            "may_change": may_change,
        },
    )


@guard(selectors.sees_forklifts)
@require_POST
def operator_renew(request: HttpRequest, pk: int) -> HttpResponse:
    operator = selectors.operator_get(user=request.user, pk=pk)
    form = forms.RenewForm(request.POST)
    if form.is_valid():
        try:
            services.operator_renew(actor=request.user, operator=operator, issued_on=form.cleaned_data["certificate_issued_on"])
            messages.success(request, _("Saved."))
        except ValidationError as error:
            show_errors(request, error)
    return redirect("forklifts:operator-detail", pk=pk)


@guard(selectors.sees_forklifts)
@require_POST
def operator_authorise(request: HttpRequest, pk: int) -> HttpResponse:
    operator = selectors.operator_get(user=request.user, pk=pk)
    services.operator_set_authorised(actor=request.user, operator=operator, authorised=request.POST.get("authorised") == "1")
    messages.success(request, _("Saved."))
    return redirect("forklifts:operator-detail", pk=pk)


@guard(selectors.sees_forklifts)
def check_list(request: HttpRequest) -> HttpResponse:
    """The checks within reach, and for each of the user's own enterprises what is due today and
    which closed days, weeks and months have no record (flagged)."""
    filterset = SafetyCheckFilterSet(request.GET, queryset=selectors.check_list(user=request.user))
    page = page_of(request, filterset.qs)
    own = list(selectors.enterprises_for(request.user)) if selectors.is_enterprise(request.user) else []
    missed = selectors.missed_checks(org_ids=[o.pk for o in own])
    today = timezone.localdate()
    done = set(
        scoped(selectors.SafetyCheck, request.user)
        .filter(organisation__in=own, period_start__gte=compliance.period_start(CheckKind.MONTHLY, today))
        .values_list("organisation_id", "kind", "period_start")
    )
    duties = [
        {
            "organisation": org,
            "missed": missed[org.pk],
            "due": [
                (kind, label, (org.pk, kind, compliance.period_start(kind, today)) in done) for kind, label in CheckKind.choices
            ],
        }
        for org in own
    ]
    return render(
        request,
        "forklifts/check_list.html",
        {"filter": filterset, "page": page, "querystring": querystring(request), "duties": duties},
    )


@guard(may_write)
def check_new(request: HttpRequest) -> HttpResponseBase:
    """Record this period's check on the phone; no problems found is the zero-risk report."""
    kind = request.POST.get("kind") or request.GET.get("kind") or CheckKind.DAILY
    if kind not in CheckKind.values:
        kind = CheckKind.DAILY
    organisations = selectors.enterprises_for(request.user)
    form = forms.CheckForm(
        request.POST or None, organisations=organisations, initial={"kind": kind, "organisation": organisations.first()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        org = data["organisation"]
        trucks = {t.number: t for t in selectors.forklift_list(user=request.user).filter(organisation=org)}
        findings = [services.Finding(text, truck) for text, truck in forms.parse_findings(data["findings"], trucks=trucks)]
        try:
            check = services.safety_check_record(
                actor=request.user,
                organisation=org,
                kind=data["kind"],
                findings=findings,
                summary=data.get("summary", ""),
                minutes=data.get("minutes", ""),
                attendees=data.get("attendees", ""),
                performed_by=Person.objects.filter(user=request.user, organisation=org).first(),
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            if check.zero_risk:
                messages.success(request, _("Recorded: zero-risk report."))
            else:
                messages.success(request, _("Recorded; %(n)s hidden hazards reported.") % {"n": len(findings)})
            return redirect("forklifts:check-detail", pk=check.pk)
    return render(request, "forklifts/check_form.html", {"form": form, "kind": kind, "kind_label": CheckKind(kind).label})


@guard(selectors.sees_forklifts)
def check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    check = selectors.check_get(user=request.user, pk=pk)
    return render(
        request,
        "forklifts/check_detail.html",
        {"check": check, "period_end": compliance.period_end(check.kind, check.period_start)},
    )


@guard(selectors.sees_forklifts)
def safety_people(request: HttpRequest) -> HttpResponseBase:
    """The user unit's safety director and officers (order No. 74), and who is in charge of which truck."""
    organisations = selectors.enterprises_for(request.user)
    people = scoped(Person, request.user).filter(organisation__in=organisations).order_by("name")
    form = forms.AppointmentForm(request.POST or None, organisations=organisations, people=people)
    if request.method == "POST":
        if not may_write(request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.safety_appoint(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("forklifts:safety")
    return render(
        request,
        "forklifts/safety.html",
        {"appointments": selectors.appointment_list(user=request.user), "form": form if may_write(request.user) else None},
    )


@guard(selectors.is_regulator)
def compliance_overview(request: HttpRequest) -> HttpResponseBase:
    """The regulator's view: per enterprise, registration, inspection, certificates and checks."""
    rows = selectors.compliance_overview(user=request.user)
    if request.GET.get("export") in ("csv", "xlsx"):
        columns: list[tuple[str, Any]] = [
            (str(_("Enterprise")), lambda r: r.organisation.name),
            (str(_("Region")), lambda r: r.organisation.region.name),
            (str(_("Forklifts")), lambda r: r.forklifts),
            (str(_("Unregistered over 30 days")), lambda r: r.unregistered),
            (str(_("Registered late")), lambda r: r.registered_late),
            (str(_("Inspection overdue")), lambda r: r.inspection_overdue),
            (str(_("Inspection due within a month")), lambda r: r.inspection_due_soon),
            (str(_("Drivers")), lambda r: r.operators),
            (str(_("Expired certificates")), lambda r: r.certificates_expired),
            (str(_("Missed daily checks (30 days)")), lambda r: len(r.missed.daily)),
            (str(_("Missed weekly investigations")), lambda r: len(r.missed.weekly)),
            (str(_("Missed monthly meetings")), lambda r: len(r.missed.monthly)),
        ]
        return export_response(fmt=request.GET["export"], filename="forklift-compliance", columns=columns, objects=rows)
    totals = {
        "forklifts": sum(r.forklifts for r in rows),
        "unregistered": sum(r.unregistered for r in rows),
        "overdue": sum(r.inspection_overdue for r in rows),
        "expired": sum(r.certificates_expired for r in rows),
        "missed": sum(r.missed.total for r in rows),
    }
    return render(request, "forklifts/compliance.html", {"rows": rows, "totals": totals})
