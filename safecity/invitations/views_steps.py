"""The invitation pages that write (issue 16): invite (with the legal basis shown first), accept
and schedule, decline, withdraw, the checklist on the inspector's phone, the report with its
findings, the follow-up visit, the rating. Thin: a form validates, one service decides and writes,
the page renders; a service's refusal goes back onto the form's fields and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from safecity.core.forms import show_service_errors
from safecity.core.guards import guard
from safecity.core.models import Organisation
from safecity.core.scoping import roles_for
from safecity.invitations import forms, selectors
from safecity.invitations.choices import InvitationAction
from safecity.invitations.legal import legal_basis_entries
from safecity.invitations.models import Invitation
from safecity.invitations.services import invitations as svc
from safecity.invitations.transitions import TRANSITIONS, allowed
from safecity.invitations.views import may_record_checklist


def _may(user: Any, invitation: Invitation, action: str) -> bool:
    transition = TRANSITIONS.get((action, invitation.state))
    return transition is not None and allowed(transition, user, invitation, roles_for(user, invitation))


def _step_page(
    request: HttpRequest,
    pk: int,
    action: str,
    make_form: Callable[[Invitation, Any], Any],
    run: Callable[[Invitation, Any], Any],
    *,
    phone: bool = False,
    template: str = "invitations/step.html",
    extra: Callable[[Invitation, Any], dict[str, Any]] | None = None,
) -> HttpResponseBase:
    """One step's page: the form for the step, the service on a valid POST, errors on the form."""
    invitation = selectors.invitation_get(user=request.user, pk=pk)
    if not _may(request.user, invitation, action):
        raise PermissionDenied
    form = make_form(invitation, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            run(invitation, form)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("invitations:detail", pk=invitation.pk)
    context = {
        "invitation": invitation,
        "form": form,
        "action_label": InvitationAction(action).label,
        "phone": phone,
        **(extra(invitation, form) if extra else {}),
    }
    return render(request, template, context)


@guard(selectors.may_invite)
def invitation_new(request: HttpRequest) -> HttpResponseBase:
    """The invite form; the legal basis (the no-penalty lists, the local practice) above it. A
    trade association's manager invites for several member enterprises at once."""
    associations = selectors.associations_for(request.user)
    if associations.exists():
        return _association_invite(request, associations)
    enterprises = selectors.enterprises_for(request.user)
    first = enterprises.first()
    authorities = svc.authorities_for(first) if first is not None else Organisation.objects.none()
    form = forms.InviteForm(request.POST or None, enterprises=enterprises, authorities=authorities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = svc.invitation_create(actor=request.user, enterprise=data["enterprise"], **_invite_values(data))
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Your invitation has been sent."))
            return redirect("invitations:detail", pk=invitation.pk)
    return render(
        request, "invitations/invitation_form.html", {"form": form, "legal_basis": legal_basis_entries(), "phone": True}
    )


def _invite_values(data: dict[str, Any]) -> dict[str, Any]:
    """What an invitation asks, as the invite forms cleaned it."""
    return {k: data[k] for k in ("authority", "topic", "preferred_from", "preferred_to", "concerns")}


def _association_invite(request: HttpRequest, associations: Any) -> HttpResponseBase:
    members = selectors.member_enterprises(user=request.user, associations=associations)
    authorities = svc.authorities_for(associations.first())
    form = forms.AssociationInviteForm(request.POST or None, associations=associations, members=members, authorities=authorities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = svc.invitations_create_for_members(
                actor=request.user,
                association=data["association"],
                enterprises=list(data["enterprises"]),
                **_invite_values(data),
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Invitations sent: %(count)d.") % {"count": len(made)})
            return redirect(f"{reverse('invitations:list')}?association={data['association'].pk}")
    return render(
        request,
        "invitations/invitation_form.html",
        {"form": form, "legal_basis": legal_basis_entries(), "phone": True, "for_association": True},
    )


@guard(selectors.sees_invitations)
def invitation_schedule(request: HttpRequest, pk: int) -> HttpResponseBase:
    def run(invitation: Invitation, form: Any) -> Any:
        data = form.cleaned_data
        return svc.invitation_schedule(
            actor=request.user,
            invitation=invitation,
            scheduled_on=data["scheduled_on"],
            inspectors=list(data["inspectors"]),
            experts=list(data["experts"]),
            check_items=list(data["check_items"]),
            free_items=data["free_items"],
            late_reason=data["late_reason"],
        )

    return _step_page(request, pk, InvitationAction.SCHEDULE, lambda inv, data: forms.ScheduleForm(data, invitation=inv), run)


@guard(selectors.sees_invitations)
def invitation_decline(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _step_page(
        request,
        pk,
        InvitationAction.DECLINE,
        lambda inv, data: forms.ReasonForm(data),
        lambda inv, form: svc.invitation_decline(actor=request.user, invitation=inv, reason=form.cleaned_data["reason"]),
    )


@guard(selectors.sees_invitations)
def invitation_withdraw(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _step_page(
        request,
        pk,
        InvitationAction.WITHDRAW,
        lambda inv, data: forms.ReasonForm(data),
        lambda inv, form: svc.invitation_withdraw(actor=request.user, invitation=inv, reason=form.cleaned_data["reason"]),
    )


@guard(selectors.sees_invitations)
def invitation_checklist(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The checklist on the inspector's phone, at the enterprise."""
    invitation = selectors.invitation_get(user=request.user, pk=pk)
    if not may_record_checklist(request.user, invitation):
        raise PermissionDenied
    items = list(invitation.items.order_by("position", "id"))
    form = forms.ChecklistForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            svc.checklist_record(actor=request.user, invitation=invitation, results=form.results(), added=form.added_items())
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Checklist saved."))
            return redirect("invitations:checklist", pk=invitation.pk)
    return render(
        request,
        "invitations/checklist.html",
        {"invitation": invitation, "form": form, "action_label": InvitationAction.CHECKLIST.label, "phone": True},
    )


@guard(selectors.sees_invitations)
def invitation_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    invitation = selectors.invitation_get(user=request.user, pk=pk)
    if not _may(request.user, invitation, InvitationAction.REPORT):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    items = invitation.items.order_by("position", "id")
    form = forms.ReportForm(data, prefix="report")
    findings = forms.FindingFormSet(data, prefix="findings", form_kwargs={"items": items})
    if request.method == "POST" and form.is_valid() and findings.is_valid():
        inputs = [
            svc.FindingInput(
                description=f["description"],
                deadline=f["deadline"],
                hazard_type=f["hazard_type"],
                level=f["level"],
                item=f.get("item"),
                first_violation=f.get("first_violation", False),
                minor_harm=f.get("minor_harm", False),
            )
            for f in findings.cleaned_data
            if f and (f.get("description") or "").strip()
        ]
        try:
            svc.invitation_report(
                actor=request.user,
                invitation=invitation,
                inspected_on=form.cleaned_data["inspected_on"],
                advice=form.cleaned_data["advice"],
                findings=inputs,
                fatal_accident_3y=form.cleaned_data["fatal_accident_3y"],
                dishonest=form.cleaned_data["dishonest"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The report has been given to the enterprise."))
            return redirect("invitations:detail", pk=invitation.pk)
    return render(
        request,
        "invitations/report.html",
        {"invitation": invitation, "form": form, "findings": findings, "action_label": InvitationAction.REPORT.label},
    )


@guard(selectors.sees_invitations)
def invitation_follow_up(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _step_page(
        request,
        pk,
        InvitationAction.FOLLOW_UP,
        lambda inv, data: forms.FollowUpForm(data),
        lambda inv, form: svc.invitation_follow_up(
            actor=request.user, invitation=inv, visited_on=form.cleaned_data["visited_on"], note=form.cleaned_data["note"]
        ),
        phone=True,
    )


@guard(selectors.sees_invitations)
def invitation_rate(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _step_page(
        request,
        pk,
        InvitationAction.RATE,
        lambda inv, data: forms.RateForm(data),
        lambda inv, form: svc.invitation_rate(
            actor=request.user, invitation=inv, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
        ),
    )
