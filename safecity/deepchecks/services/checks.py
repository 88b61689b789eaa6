"""Writes of the check itself: the session and its checklist, findings (hidden hazards) and root causes.

A finding is always a hidden hazard reported through the dual-prevention service ``hazard_report``
with source 8 (external expert diagnosis, national interface code), so it follows the lifecycle
(confirm, rectify, accept) like any other hazard.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.scoping import CHANGE, can, principal_for
from safecity.deepchecks.choices import CURRENT_PANEL_STATES, ItemResult, PanelStatus
from safecity.deepchecks.models import ChecklistItem, CheckSession, Expert, Finding, Panel, RootCause
from safecity.hazards.choices import HazardLevel, HazardSource, HazardType, ManagementType
from safecity.hazards.models import RiskUnit
from safecity.hazards.services import hazard_report
from safecity.riskdict.models import CheckItem


def _is_member(actor: Any, panel: Panel) -> bool:
    person_id = principal_for(actor).person_id
    return person_id is not None and panel.members.filter(expert__person_id=person_id).exists()


def _may_run(actor: Any, panel: Panel) -> bool:
    return _is_member(actor, panel) or can(actor, panel, CHANGE)


def checklist_build(session: CheckSession) -> list[ChecklistItem]:
    """The checklist: the dictionary CheckItems of the StandardMeasures of the dictionary entries of
    the enterprise's risk units, one line per (unit, item), in dictionary order."""
    units = list(RiskUnit.objects.filter(organisation_id=session.organisation_id, dictionary_entry__isnull=False).order_by("pk"))
    items = CheckItem.objects.filter(measure__entry_id__in={u.dictionary_entry_id for u in units}).select_related("measure")
    by_entry: dict[int, list[CheckItem]] = {}
    for item in items.order_by("measure__order", "order", "pk"):
        by_entry.setdefault(item.measure.entry_id, []).append(item)
    rows: list[ChecklistItem] = []
    for unit in units:
        for item in by_entry.get(unit.dictionary_entry_id or 0, []):
            rows.append(
                ChecklistItem(
                    session=session, check_item=item, risk_unit=unit, content=f"{unit.name}：{item.content}"[:1000],
                    basis=item.basis, order=len(rows) + 1,
                )
            )  # fmt: skip
    return ChecklistItem.objects.bulk_create(rows)


@transaction.atomic
def session_start(*, actor: Any, panel: Panel) -> CheckSession:
    """Open the panel's check at the enterprise and generate its checklist. Who: a panel member or
    an official of the region; the schedule must be published."""
    panel = Panel.objects.select_for_update().select_related("target").get(pk=panel.pk)
    if not _may_run(actor, panel):
        raise PermissionDenied
    existing = CheckSession.objects.filter(panel=panel).first()
    if existing is not None:
        return existing
    if panel.status not in CURRENT_PANEL_STATES:
        raise ValidationError(_("The check can start once the schedule is published."), code="not_published")
    session = CheckSession.objects.create(panel=panel, organisation_id=panel.target.organisation_id)
    checklist_build(session)
    Panel.objects.filter(pk=panel.pk).update(status=PanelStatus.IN_PROGRESS)
    return session


@transaction.atomic
def checklist_item_mark(*, actor: Any, item: ChecklistItem, result: str) -> ChecklistItem:
    """Mark a checklist line conforming / not applicable / pending."""
    if not _may_run(actor, item.session.panel):
        raise PermissionDenied
    if result not in ItemResult.values:
        raise ValidationError({"result": _("Unknown result.")})
    item.result = result
    item.save(update_fields=["result", "updated_at"])
    return item


@transaction.atomic
def finding_record(
    *,
    actor: Any,
    session: CheckSession,
    description: str,
    hazard_type: int = HazardType.SAFETY,
    level: int = HazardLevel.GENERAL,
    checklist_item: ChecklistItem | None = None,
    cause: str = "",
    measures: str = "",
    location: str = "",
    deadline: date | None = None,
    discovered_at: datetime | None = None,
) -> Finding:
    """Record a finding of the panel: a hidden hazard (source 8, external expert diagnosis) at the
    enterprise, linked to the checklist line it came from. Who: a member of the panel while the
    check is current, or an official reaching the enterprise (the hazard service checks the reach)."""
    session = CheckSession.objects.select_related("panel").get(pk=session.pk)
    panel = session.panel
    if session.completed_at is not None or panel.status not in CURRENT_PANEL_STATES:
        raise ValidationError(_("Findings are recorded while the check is in progress."), code="not_current")
    if checklist_item is not None and checklist_item.session_id != session.pk:
        raise ValidationError({"checklist_item": _("This line belongs to another check.")})
    hazard = hazard_report(
        actor=actor,
        organisation=session.organisation,
        source=HazardSource.EXPERT_DIAGNOSIS,
        level=level,
        hazard_type=hazard_type,
        management_type=ManagementType.BY_DEADLINE,
        description=description,
        cause=cause,
        measures=measures,
        location=location,
        deadline=deadline,
        discovered_at=discovered_at or timezone.now(),
    )
    person_id = principal_for(actor).person_id
    expert = Expert.objects.filter(person_id=person_id).first() if person_id else None
    finding = Finding.objects.create(
        session=session,
        target_id=panel.target_id,
        organisation_id=session.organisation_id,
        checklist_item=checklist_item,
        hazard=hazard,
        expert=expert,
        found_at=hazard.discovered_at,
    )
    if checklist_item is not None:
        ChecklistItem.objects.filter(pk=checklist_item.pk).update(result=ItemResult.FINDING)
    return finding


@transaction.atomic
def root_cause_save(*, actor: Any, finding: Finding, category: str, management_element: str, note: str = "") -> RootCause:
    """Record (or correct) the root-cause analysis of a finding. Who: the panel, or officials."""
    if not can(actor, finding, CHANGE):
        raise PermissionDenied
    row = RootCause.objects.filter(finding=finding).first() or RootCause(finding=finding)
    row.category = category
    row.management_element = management_element
    row.note = note
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def session_complete(*, actor: Any, session: CheckSession, summary: str = "") -> CheckSession:
    """Close the check: the panel's work at the enterprise is done (its findings go on in the lifecycle)."""
    session = CheckSession.objects.select_for_update().select_related("panel").get(pk=session.pk)
    if not _may_run(actor, session.panel):
        raise PermissionDenied
    if session.completed_at is not None:
        raise ValidationError(_("The check is already completed."), code="completed")
    now = timezone.now()
    session.completed_at = now
    session.summary = summary
    session.save(update_fields=["completed_at", "summary", "updated_at"])
    Panel.objects.filter(pk=session.panel_id).update(status=PanelStatus.COMPLETED, completed_at=now)
    return session
