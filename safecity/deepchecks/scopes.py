"""What an expert (ASSIGNMENT role) reaches through the panels they sit on.

- view: the campaigns, targets, panels, sessions, findings and root causes of their panels; the
  target enterprises (core Organisation) and those enterprises' hidden hazards;
- write: findings and hidden hazards only at enterprises of their *current* panels (published or
  in progress), so a finished check cannot be reopened by a panel member.
"""

from __future__ import annotations

from django.db.models import Q

from safecity.core.models import Organisation
from safecity.core.scoping import NOTHING, Principal, register_assignment, register_assignment_target
from safecity.deepchecks.choices import CURRENT_PANEL_STATES
from safecity.deepchecks.models import (
    Campaign,
    CampaignTarget,
    ChecklistItem,
    CheckSession,
    Finding,
    Panel,
    PanelMember,
    RootCause,
)
from safecity.hazards.models import HiddenHazard


def _seats(principal: Principal):  # type: ignore[no-untyped-def]
    return PanelMember.objects.filter(expert__person_id=principal.person_id)


def _organisations(principal: Principal):  # type: ignore[no-untyped-def]
    return _seats(principal).values("panel__target__organisation_id")


def _rule(build):  # type: ignore[no-untyped-def]
    def rule(principal: Principal) -> Q:
        if principal.person_id is None:
            return NOTHING
        return build(principal)

    return rule


register_assignment(Campaign, _rule(lambda p: Q(pk__in=_seats(p).values("panel__campaign_id"))))
register_assignment(CampaignTarget, _rule(lambda p: Q(pk__in=_seats(p).values("panel__target_id"))))
register_assignment(Panel, _rule(lambda p: Q(pk__in=_seats(p).values("panel_id"))))
register_assignment(PanelMember, _rule(lambda p: Q(panel_id__in=_seats(p).values("panel_id"))))
register_assignment(CheckSession, _rule(lambda p: Q(panel_id__in=_seats(p).values("panel_id"))))
register_assignment(ChecklistItem, _rule(lambda p: Q(session__panel_id__in=_seats(p).values("panel_id"))))
register_assignment(Finding, _rule(lambda p: Q(session__panel_id__in=_seats(p).values("panel_id"))))
register_assignment(RootCause, _rule(lambda p: Q(finding__session__panel_id__in=_seats(p).values("panel_id"))))
register_assignment(Organisation, _rule(lambda p: Q(pk__in=_organisations(p))))
register_assignment(HiddenHazard, _rule(lambda p: Q(organisation_id__in=_organisations(p))))


def current_panel_organisations(principal: Principal) -> set[int]:
    """Enterprises whose check the expert sits on now (panel published or in progress)."""
    if principal.person_id is None:
        return set()
    return set(
        _seats(principal).filter(panel__status__in=CURRENT_PANEL_STATES).values_list("panel__target__organisation_id", flat=True)
    )


def _may_report(principal: Principal, obj: object) -> bool:
    return getattr(obj, "organisation_id", None) in current_panel_organisations(principal)


register_assignment_target(HiddenHazard, _may_report)
register_assignment_target(Finding, _may_report)
