"""Server-rendered UI of the invitation-style inspections (issue 16), the reading pages: the list
with filters and its Excel export, an invitation's page (facts, checklist, findings with the
no-penalty conditions, timeline, legal basis, the steps offered), and the enforcement list (only
findings referred after their deadline). Thin: the selectors read, scoped; nothing here writes
(the writing pages are ``views_steps.py``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from safecity.core.exports import export_response
from safecity.core.guards import guard
from safecity.core.paging import page_of, querystring
from safecity.core.scoping import roles_for
from safecity.invitations import selectors
from safecity.invitations.choices import InvitationAction
from safecity.invitations.filtersets import InvitationFilterSet, ReferralFilterSet
from safecity.invitations.legal import legal_basis_entries
from safecity.invitations.models import Invitation
from safecity.invitations.services.findings import no_penalty_conditions, rectified_on
from safecity.invitations.transitions import TRANSITIONS, allowed, offered

STEP_URLS: dict[str, str] = {
    InvitationAction.SCHEDULE: "invitations:schedule",
    InvitationAction.DECLINE: "invitations:decline",
    InvitationAction.WITHDRAW: "invitations:withdraw",
    InvitationAction.REPORT: "invitations:report",
    InvitationAction.FOLLOW_UP: "invitations:follow-up",
    InvitationAction.RATE: "invitations:rate",
}


def _date(value: Any) -> str:
    return value.isoformat() if value else ""


# The Excel of the list: the same rows the page shows, words not codes.
COLUMNS: list[tuple[Any, Any]] = [
    ("企业", lambda i: i.enterprise.name),
    ("统一社会信用代码", lambda i: i.enterprise.credit_code or ""),
    ("所在地", lambda i: i.enterprise.region.name),
    ("受邀单位", lambda i: i.authority.name),
    ("检查主题", lambda i: i.topic),
    ("状态", lambda i: str(i.get_state_display())),
    ("邀约日期", lambda i: _date(i.invited_on)),
    ("应排期日期", lambda i: _date(i.sla_due_on)),
    ("受理日期", lambda i: _date(i.accepted_on)),
    ("检查日期", lambda i: _date(i.inspected_on or i.scheduled_on)),
    ("报告日期", lambda i: _date(i.reported_on)),
    ("复查日期", lambda i: _date(i.followed_up_on)),
    ("评分", lambda i: i.rating or ""),
]


@guard(selectors.sees_invitations)
def invitation_list(request: HttpRequest) -> HttpResponseBase:
    """The invitations within reach, filtered; exportable to Excel (the same rows)."""
    filterset = InvitationFilterSet(request.GET, queryset=selectors.invitation_list(user=request.user))
    if request.GET.get("export") == "xlsx":
        return export_response(
            fmt="xlsx", filename="invitations", columns=COLUMNS, objects=filterset.qs.iterator(chunk_size=2000)
        )
    return render(
        request,
        "invitations/invitation_list.html",
        {
            "filter": filterset,
            "page": page_of(request, filterset.qs),
            "querystring": querystring(request),
            "may_invite": selectors.may_invite(request.user),
        },
    )


def offered_steps(user: Any, invitation: Invitation) -> list[dict[str, Any]]:
    """The steps ``user`` may take now, as buttons (the services allow exactly these)."""
    return [
        {"action": t.action, "label": InvitationAction(t.action).label, "url": reverse(STEP_URLS[t.action], args=[invitation.pk])}
        for t in offered(invitation, user, roles_for(user, invitation))
        if t.action in STEP_URLS
    ]


def may_record_checklist(user: Any, invitation: Invitation) -> bool:
    transition = TRANSITIONS.get((InvitationAction.CHECKLIST, invitation.state))
    return transition is not None and allowed(transition, user, invitation, roles_for(user, invitation))


@guard(selectors.sees_invitations)
def invitation_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    invitation = selectors.invitation_get(user=request.user, pk=pk)
    findings = [
        {"finding": f, "conditions": no_penalty_conditions(f), "rectified_on": rectified_on(f.hazard)}
        for f in selectors.invitation_findings(user=request.user, invitation=invitation)
    ]
    return render(
        request,
        "invitations/invitation_detail.html",
        {
            "invitation": invitation,
            "items": invitation.items.select_related("check_item").order_by("position", "id"),
            "inspectors": invitation.inspectors.order_by("name"),
            "experts": invitation.experts.select_related("person").order_by("person__name"),
            "findings": findings,
            "events": selectors.invitation_events(user=request.user, invitation=invitation),
            "steps": offered_steps(request.user, invitation),
            "may_checklist": may_record_checklist(request.user, invitation),
            "legal_basis": legal_basis_entries(),
        },
    )


@guard(selectors.sees_enforcement)
def enforcement_list(request: HttpRequest) -> HttpResponseBase:
    """Findings of invited inspections referred to enforcement: unrectified after their deadline."""
    filterset = ReferralFilterSet(request.GET, queryset=selectors.enforcement_list(user=request.user))
    return render(
        request,
        "invitations/enforcement_list.html",
        {"filter": filterset, "page": page_of(request, filterset.qs), "querystring": querystring(request)},
    )
