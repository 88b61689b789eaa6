"""Server-rendered UI of fire cases: lists, case page with timeline and next-step forms, hearing and
letter pages, dashboard. Thin: selectors read, services write, refusals shown as messages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecity.core.exports import export_response
from safecity.core.figures import FigureContext
from safecity.core.guards import guard as _only
from safecity.core.models import Organisation
from safecity.core.paging import page_of, year_of
from safecity.core.scoping import roles_for
from safecity.core.selectors import cockpit_region
from safecity.firecases import cockpit, forms, selectors, services
from safecity.firecases.choices import CaseState
from safecity.firecases.transitions import ACTION_LABELS

# Procurators and fire officers: the whole chain (issue 7 §3).
_agency = _only(selectors.sees_fire_cases)
# ... and the city and district officials: figures, units, case list (issue 13).
_supervisors = _only(selectors.sees_fire_subsystem)

FIGURES = [
    (_("Units with a major fire hazard"), cockpit.units),
    (_("Public hearings"), cockpit.hearings),
    (_("Procuratorial suggestion letters"), cockpit.letters),
    (_("Replies on time"), cockpit.replies_on_time),
    (_("Replies late"), cockpit.replies_late),
    (_("Persons prosecuted"), cockpit.prosecuted_persons),
]


@_supervisors
def dashboard(request: HttpRequest) -> HttpResponse:
    """The year's figures of the viewer's jurisdiction (as the cockpit counts them) and the
    replies overdue."""
    year = year_of(request, timezone.localdate().year) or timezone.localdate().year
    region = cockpit_region(user=request.user)
    ctx = FigureContext(region=region, year=year, user=request.user)
    figures = [(str(title), fn(ctx)) for title, fn in FIGURES]
    cases = selectors.case_list(user=request.user)
    today = timezone.localdate()
    overdue = list(cases.filter(state=CaseState.AWAITING_REPLY, open_reply_due__lt=today))
    return render(
        request,
        "firecases/dashboard.html",
        {
            "year": year,
            "region": region,
            "figures": figures,
            "overdue": overdue,
            "documents": selectors.sees_fire_cases(request.user),
        },
    )


@_supervisors
def unit_list(request: HttpRequest) -> HttpResponse:
    units = selectors.major_unit_list(user=request.user, year=year_of(request))
    return render(
        request,
        "firecases/unit_list.html",
        {"page": page_of(request, units), "documents": selectors.sees_fire_cases(request.user)},
    )


@_agency
def unit_hazards(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The fire hidden hazards of one unit concerned (the procuratorate's window on them)."""
    hazards = selectors.unit_fire_hazards(user=request.user, organisation_id=organisation_id)
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or (organisation_id not in selectors._concerned_ids(request.user) and not request.user.is_superuser):
        raise Http404
    return render(request, "firecases/unit_hazards.html", {"organisation": organisation, "hazards": hazards})


@_agency
def inspection_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "firecases/inspection_list.html", {"page": page_of(request, selectors.inspection_list(user=request.user))}
    )


@_agency
def lead_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "firecases/lead_list.html",
        {"page": page_of(request, selectors.lead_list(user=request.user)), "can_file": selectors.is_procurator(request.user)},
    )


@_agency
@require_POST
def lead_file(request: HttpRequest, pk: int) -> HttpResponse:
    lead = selectors.lead_get(user=request.user, pk=pk)
    form = forms.FileCaseForm(request.POST)
    if form.is_valid():
        try:
            case = services.case_file(actor=request.user, lead=lead, **form.cleaned_data)
            return redirect("firecases:case-detail", pk=case.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("firecases:lead-list")


CASE_COLUMNS = [
    (_("Case number"), lambda c: c.number),
    (_("Unit"), lambda c: c.lead.organisation.name),
    (_("Region"), lambda c: c.lead.organisation.region.name),
    (_("State"), lambda c: c.get_state_display()),
    (_("Urgent"), lambda c: c.urgent),
    (_("Filed at"), lambda c: timezone.localtime(c.filed_at).strftime("%Y-%m-%d")),
    (_("Reply due"), lambda c: c.open_reply_due.isoformat() if c.open_reply_due else ""),
    (_("Late reply"), lambda c: c.has_late_reply),
]


@_supervisors
def case_list(request: HttpRequest) -> HttpResponseBase:
    cases = selectors.case_list(user=request.user, state=request.GET.get("state") or None)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        columns = [(str(title), getter) for title, getter in CASE_COLUMNS]
        return export_response(fmt=fmt, filename="fire-cases", columns=columns, objects=cases.iterator(chunk_size=1000))
    return render(
        request,
        "firecases/case_list.html",
        {
            "page": page_of(request, cases),
            "states": CaseState.choices,
            "today": timezone.localdate(),
            "documents": selectors.sees_fire_cases(request.user),
        },
    )


STEP_FORMS: dict[str, type] = {
    "investigate": forms.FileCaseForm,
    "add_evidence": forms.EvidenceForm,
    "schedule_hearing": forms.HearingForm,
    "issue_letter": forms.LetterForm,
    "deliver_letter": forms.DeliveryForm,
    "record_reply": forms.ReplyForm,
    "assess_reply": forms.AssessmentForm,
    "follow_up": forms.FollowUpForm,
    "decide": forms.DecisionForm,
    "notify_not_sue": forms.NotifyForm,
    "record_prosecution": forms.ProsecutionForm,
}


def _form(step: str, user: Any, data: Any = None) -> Any:
    cls = STEP_FORMS[step]
    if cls is forms.LetterForm:
        return cls(data, addressees=selectors.letter_addressees(user=user))
    return cls(data)


@_agency
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    steps = services.case_next_steps(user=request.user, case=case)
    return render(
        request,
        "firecases/case_detail.html",
        {
            "case": case,
            "timeline": selectors.case_timeline(user=request.user, case=case),
            "letters": case.letters.select_related("addressee", "reply"),
            "evidence": case.evidence.all(),
            "hearing": getattr(case, "hearing", None),
            "follow_ups": case.follow_ups.all(),
            "steps": [(s, ACTION_LABELS.get(s, _("Decide to sue or not")), _form(s, request.user)) for s in steps],
            "today": timezone.localdate(),
        },
    )


@_agency
@require_POST
def case_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Apply one step; on refusal the case page says why and nothing changes."""
    case = selectors.case_get(user=request.user, pk=pk)
    if step not in STEP_FORMS:
        raise Http404
    form = _form(step, request.user, request.POST)
    if not form.is_valid():
        messages.error(request, _("The form could not be read: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("firecases:case-detail", pk=pk)
    try:
        record = services.case_step_apply(actor=request.user, case=case, step=step, data=form.cleaned_data)
        messages.success(request, _("Saved."))
        if step == "schedule_hearing":
            return redirect("firecases:hearing-detail", pk=record.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("firecases:case-detail", pk=pk)


@_agency
def hearing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hearing = selectors.hearing_get(user=request.user, pk=pk)
    editable = hearing.held_at is None and bool(roles_for(request.user, hearing.case) & {"procurator"})
    return render(
        request,
        "firecases/hearing_detail.html",
        {
            "hearing": hearing,
            "editable": editable,
            "participant_form": forms.ParticipantForm(),
            "notice_form": forms.NoticeForm(),
            "minutes_form": forms.MinutesForm(),
            "minutes": [(label, getattr(hearing, name)) for name, label in forms.HEARING_STEPS],
        },
    )


@_agency
@require_POST
def hearing_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    hearing = selectors.hearing_get(user=request.user, pk=pk)
    try:
        if step == "participant":
            form: Any = forms.ParticipantForm(request.POST)
            if form.is_valid():
                services.hearing_participant_add(actor=request.user, hearing=hearing, **form.cleaned_data)
        elif step == "notify":
            services.hearing_notify(actor=request.user, hearing=hearing)
        elif step == "notice":
            form = forms.NoticeForm(request.POST)
            if form.is_valid():
                services.hearing_publish_notice(actor=request.user, hearing=hearing, text=form.cleaned_data["text"])
        elif step == "minutes":
            form = forms.MinutesForm(request.POST)
            if form.is_valid():
                data = dict(form.cleaned_data)
                held_at = data.pop("held_at")
                services.hearing_hold(actor=request.user, hearing=hearing, minutes=data, held_at=held_at)
            else:
                messages.error(request, form.errors.as_text())
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("firecases:hearing-detail", pk=pk)


@_agency
def letter_list(request: HttpRequest) -> HttpResponse:
    letters = selectors.letter_list(user=request.user)
    return render(request, "firecases/letter_list.html", {"page": page_of(request, letters), "today": timezone.localdate()})


@_agency
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = selectors.letter_get(user=request.user, pk=pk)
    return render(request, "firecases/letter_detail.html", {"letter": letter, "today": timezone.localdate()})


@_agency
def letter_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored document: HTML, or PDF with ``?as=pdf``."""
    letter = selectors.letter_get(user=request.user, pk=pk)
    if request.GET.get("as") == "pdf":
        response = HttpResponse(services.letter_pdf(letter), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="letter-{letter.pk}.pdf"'
        return response
    return HttpResponse(letter.document_html)
