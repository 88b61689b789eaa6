"""The steps of an invited inspection (issue 16, domain-rules §7b): invite, accept and schedule
(within the SLA), decline, withdraw, the checklist, the report (findings as hidden hazards with
their deadlines, advice), the follow-up visit, the enterprise's rating.

Each step is one service: the invitation locked (``select_for_update``), the step checked against
``transitions.py`` (the actor's roles on this invitation, and acting for the authority addressed),
the step's values checked, the change and its timeline row written in one transaction (audited
through the models). Anything refused leaves nothing half-written.

``on`` (a historic day) is for the demo's past only: pages and the API never pass it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from safecity.core.choices import OrganisationKind
from safecity.core.models import Organisation, Person
from safecity.core.scoping import CHANGE, ancestor_paths, require, require_target, roles_for
from safecity.deepchecks.models import Expert
from safecity.hazards.choices import HazardLevel, HazardSource, HazardType, ManagementType
from safecity.hazards.services import hazard_report
from safecity.invitations.choices import InvitationAction as A
from safecity.invitations.choices import ItemResult
from safecity.invitations.legal import legal_basis_entries
from safecity.invitations.models import INVITER_ROLES, AssociationMember, ChecklistItem, Finding, Invitation, LibraryCitation
from safecity.invitations.services.common import InvitationError, begin, moment, record, today
from safecity.invitations.sla import sla_due
from safecity.riskdict.models import CheckItem

AUTHORITY_KINDS = (OrganisationKind.GOVERNMENT_DEPARTMENT, OrganisationKind.DISTRICT_BUREAU)


def authorities_for(enterprise: Organisation) -> Any:
    """The authorities an enterprise may invite: the departments and bureaus whose region contains it."""
    return Organisation.objects.filter(
        kind__in=AUTHORITY_KINDS, is_active=True, region__path__in=_prefixes(enterprise.region.path)
    ).order_by("region__path", "name")


def _prefixes(path: str) -> list[str]:
    """The region's own path and those above it."""
    return [*ancestor_paths(path), path]


@transaction.atomic
def invitation_create(
    *,
    actor: Any,
    enterprise: Organisation,
    authority: Organisation,
    topic: str,
    preferred_from: date,
    preferred_to: date,
    concerns: str = "",
    association: Organisation | None = None,
    on: date | None = None,
) -> Invitation:
    """The enterprise invites an inspection (its manager; the platform for the demo). The preferred
    dates are not in the past; the authority is a department or bureau over the enterprise. The
    invitation cites its legal basis (``legal.py``), shown on the invite page before it invites."""
    day = on or today()
    topic = topic.strip()
    errors: dict[str, str] = {}
    if not topic:
        errors["topic"] = _("Say what the inspection should look at.")
    if preferred_from < day:
        errors["preferred_from"] = _("The preferred dates cannot be in the past.")
    elif preferred_to < preferred_from:
        errors["preferred_to"] = _("The preferred period ends on or after its first day.")
    if not authorities_for(enterprise).filter(pk=authority.pk).exists():
        errors["authority"] = _("%(authority)s does not inspect %(enterprise)s.") % {
            "authority": authority.name,
            "enterprise": enterprise.name,
        }
    if association is not None and association.pk == enterprise.pk:
        errors["association"] = _("A trade association is another organisation than the enterprise.")
    elif (
        association is not None and not AssociationMember.objects.filter(association=association, enterprise=enterprise).exists()
    ):
        errors["association"] = _("%(enterprise)s is not a member of %(association)s.") % {
            "enterprise": enterprise.name,
            "association": association.name,
        }
    if errors:
        raise InvitationError(errors)
    invitation = Invitation(
        enterprise=enterprise,
        authority=authority,
        association=association,
        topic=topic,
        concerns=concerns.strip(),
        preferred_from=preferred_from,
        preferred_to=preferred_to,
        invited_on=day,
        sla_due_on=sla_due(day),
    )
    invitation.full_clean()
    if actor is not None and not (roles_for(actor, invitation) & INVITER_ROLES):
        raise PermissionDenied
    invitation.save()
    record(invitation, action=A.INVITE, source="", actor=actor, comment=concerns, on=on)
    for entry in legal_basis_entries():
        LibraryCitation.objects.create(library_entry=entry, invitation=invitation, created_by=actor)
    return invitation


@transaction.atomic
def invitations_create_for_members(
    *,
    actor: Any,
    association: Organisation,
    enterprises: Sequence[Organisation],
    authority: Organisation,
    topic: str,
    preferred_from: date,
    preferred_to: date,
    concerns: str = "",
    on: date | None = None,
) -> list[Invitation]:
    """A trade association invites one inspection for each of several member enterprises (issue 16
    §1), same topic, dates and concerns: one invitation per enterprise, the association recorded on
    each. All or nothing: one refused (not a member, an authority that does not inspect it) writes
    none, and the error names the enterprise."""
    if not enterprises:
        raise InvitationError({"enterprises": _("Choose at least one member enterprise.")})
    if association.kind != OrganisationKind.TRADE_ASSOCIATION:
        raise InvitationError({"association": _("Only a trade association invites for several enterprises.")})
    made = []
    for enterprise in enterprises:
        try:
            made.append(
                invitation_create(
                    actor=actor,
                    enterprise=enterprise,
                    authority=authority,
                    topic=topic,
                    preferred_from=preferred_from,
                    preferred_to=preferred_to,
                    concerns=concerns,
                    association=association,
                    on=on,
                )
            )
        except InvitationError as error:
            detail = "; ".join(str(m) for messages in error.message_dict.values() for m in messages)
            raise InvitationError(
                {"enterprises": _("%(enterprise)s: %(problem)s") % {"enterprise": enterprise.name, "problem": detail}}
            ) from error
    return made


@transaction.atomic
def association_member_add(
    *,
    actor: Any,
    association: Organisation,
    enterprise: Organisation | None = None,
    credit_code: str = "",
    on: date | None = None,
) -> AssociationMember:
    """A trade association records an enterprise it may invite for (its own people, or an official
    over the enterprise), given the enterprise or its unified social credit code (the association
    knows its members' codes; nobody browses the city's enterprises through it). Refused: not a
    trade association, no such enterprise, not an enterprise, already a member."""
    if enterprise is None:
        code = credit_code.strip().upper()
        enterprise = Organisation.objects.filter(credit_code=code).first() if code else None
        if enterprise is None:
            raise InvitationError({"credit_code": _("No enterprise with this unified social credit code is registered.")})
    errors: dict[str, str] = {}
    if association.kind != OrganisationKind.TRADE_ASSOCIATION:
        errors["association"] = _("%(name)s is not a trade association.") % {"name": association.name}
    if enterprise.kind != OrganisationKind.ENTERPRISE:
        errors["enterprise"] = _("%(name)s is not an enterprise.") % {"name": enterprise.name}
    elif AssociationMember.objects.filter(association=association, enterprise=enterprise).exists():
        errors["enterprise"] = _("%(name)s is already a member.") % {"name": enterprise.name}
    if errors:
        raise InvitationError(errors)
    member = AssociationMember(association=association, enterprise=enterprise, joined_on=on or today())
    if actor is not None:
        require_target(actor, member)
    member.save()
    return member


@transaction.atomic
def association_member_remove(*, actor: Any, member: AssociationMember) -> None:
    """The association removes a member, or the enterprise leaves (audited). Invitations already
    made through the association keep it."""
    if actor is not None:
        require(actor, member, CHANGE)
    member.delete()


@transaction.atomic
def invitation_schedule(
    *,
    actor: Any,
    invitation: Invitation,
    scheduled_on: date,
    inspectors: Sequence[Person],
    experts: Sequence[Expert] = (),
    check_items: Sequence[CheckItem] = (),
    free_items: Sequence[str] = (),
    late_reason: str = "",
    on: date | None = None,
) -> Invitation:
    """The authority accepts and schedules the inspection: its date, its inspectors (the
    authority's own people), experts of the pool, the checklist (risk-dictionary check items and
    free items). Within ``sla_due_on`` (``SAFECITY_INVITATION_SLA_WORKING_DAYS`` working days);
    later only with the reason recorded. Accepting twice is refused."""
    invitation, transition, source = begin(actor, invitation, A.SCHEDULE)
    day = on or today()
    late_reason = late_reason.strip()
    errors: dict[str, str] = {}
    if day > invitation.sla_due_on and not late_reason:
        errors["late_reason"] = _("The deadline to schedule this inspection was %(due)s: record why it is scheduled later.") % {
            "due": invitation.sla_due_on.isoformat()
        }
    if scheduled_on < day:
        errors["scheduled_on"] = _("The inspection date cannot be in the past.")
    if not inspectors:
        errors["inspectors"] = _("Assign at least one inspector.")
    elif any(p.organisation_id != invitation.authority_id or not p.is_active for p in inspectors):
        errors["inspectors"] = _("The inspectors are active people of %(authority)s.") % {"authority": invitation.authority.name}
    if any(not e.is_active for e in experts):
        errors["experts"] = _("Only active experts of the pool can be assigned.")
    free = [text.strip() for text in free_items if text.strip()]
    if errors:
        raise InvitationError(errors)
    invitation.state = transition.target
    invitation.scheduled_on = scheduled_on
    invitation.accepted_on = day
    invitation.late_reason = late_reason
    invitation.full_clean()
    invitation.save()
    invitation.inspectors.set(inspectors)
    invitation.experts.set(experts)
    position = 0
    items = []
    for item in check_items:
        position += 1
        items.append(ChecklistItem(invitation=invitation, check_item=item, content=item.content, position=position))
    for text in free:
        position += 1
        items.append(ChecklistItem(invitation=invitation, content=text[:1000], position=position))
    ChecklistItem.objects.bulk_create(items)
    record(invitation, action=A.SCHEDULE, source=source, actor=actor, comment=late_reason, on=on)
    return invitation


@transaction.atomic
def invitation_decline(*, actor: Any, invitation: Invitation, reason: str) -> Invitation:
    """The authority cannot take the invitation (the reason is required, the enterprise reads it)."""
    if not reason.strip():
        raise InvitationError({"reason": _("Say why the invitation is declined.")})
    invitation, transition, source = begin(actor, invitation, A.DECLINE)
    invitation.state = transition.target
    invitation.decline_reason = reason.strip()
    invitation.save()
    record(invitation, action=A.DECLINE, source=source, actor=actor, comment=reason)
    return invitation


@transaction.atomic
def invitation_withdraw(*, actor: Any, invitation: Invitation, reason: str = "") -> Invitation:
    """The enterprise withdraws its invitation before it is scheduled."""
    invitation, transition, source = begin(actor, invitation, A.WITHDRAW)
    invitation.state = transition.target
    invitation.save()
    record(invitation, action=A.WITHDRAW, source=source, actor=actor, comment=reason)
    return invitation


@transaction.atomic
def checklist_record(
    *, actor: Any, invitation: Invitation, results: Mapping[int, tuple[str, str]], added: Sequence[str] = ()
) -> Invitation:
    """Record what the inspectors found item by item on site (the phone page): ``results`` maps a
    checklist item's id to (result, note); ``added`` are free items added on site."""
    invitation, _transition, _source = begin(actor, invitation, A.CHECKLIST)
    items = {i.pk: i for i in ChecklistItem.objects.select_for_update().filter(invitation=invitation)}
    unknown = [pk for pk in results if pk not in items]
    if unknown:
        raise InvitationError({"items": _("These items are not on this checklist: %(ids)s.") % {"ids": unknown}})
    changed = []
    for pk, (result, note) in results.items():
        if result not in ItemResult.values:
            raise InvitationError({"items": _("Unknown result “%(result)s”.") % {"result": result}})
        item = items[pk]
        if item.result != result or item.note != note.strip():
            item.result, item.note = result, note.strip()
            changed.append(item)
    ChecklistItem.objects.bulk_update(changed, ["result", "note"])
    position = max((i.position for i in items.values()), default=0)
    new = []
    for text in added:
        if text.strip():
            position += 1
            new.append(ChecklistItem(invitation=invitation, content=text.strip()[:1000], position=position))
    ChecklistItem.objects.bulk_create(new)
    return invitation


@dataclass(frozen=True)
class FindingInput:
    """One finding of the report: the hidden hazard's description, its rectification deadline, and
    the facts of the no-penalty list that belong to it."""

    description: str
    deadline: date
    hazard_type: int = HazardType.SAFETY
    level: int = HazardLevel.GENERAL
    location: str = ""
    item: ChecklistItem | None = None
    first_violation: bool = True
    minor_harm: bool = True


@transaction.atomic
def invitation_report(
    *,
    actor: Any,
    invitation: Invitation,
    inspected_on: date,
    advice: str,
    findings: Sequence[FindingInput] = (),
    fatal_accident_3y: bool = False,
    dishonest: bool = False,
    on: date | None = None,
) -> Invitation:
    """The report: each finding reported as a hidden hazard through the one lifecycle
    (``hazards.services.hazard_report``, source 3 "specialist check": the enterprise chose the
    topic of a special inspection; not 8 "external expert diagnosis", which the deep checks' panels
    own, since the authority's inspectors lead and report it), with its rectification deadline;
    the advice; and the enterprise-wide facts of the no-penalty list (fatal accident in 3 years,
    serious-dishonesty list). The hazards stay out of enforcement until their deadline passes
    unrectified (``findings.findings_refer_overdue``)."""
    invitation, transition, source = begin(actor, invitation, A.REPORT)
    day = on or today()
    errors: dict[str, Any] = {}
    if invitation.accepted_on and inspected_on < invitation.accepted_on:
        errors["inspected_on"] = _("The inspection cannot be before it was scheduled.")
    elif inspected_on > day:
        errors["inspected_on"] = _("The inspection date cannot be in the future.")
    if not advice.strip() and not findings:
        errors["advice"] = _("A report gives advice, findings, or both.")
    problems = []
    for n, finding in enumerate(findings, start=1):
        if not finding.description.strip():
            problems.append(_("Finding %(n)d: describe the hidden hazard.") % {"n": n})
        elif finding.deadline < inspected_on:
            problems.append(_("Finding %(n)d: the rectification deadline cannot be before the inspection.") % {"n": n})
        if finding.item is not None and finding.item.invitation_id != invitation.pk:
            problems.append(_("Finding %(n)d: the checklist item is not of this inspection.") % {"n": n})
    if problems:
        errors["findings"] = problems
    if errors:
        raise InvitationError(errors)
    discovered = moment(inspected_on)
    for finding in findings:
        hazard = hazard_report(
            actor=actor,
            organisation=invitation.enterprise,
            level=finding.level,
            source=HazardSource.SPECIALIST,
            management_type=ManagementType.BY_DEADLINE,
            hazard_type=finding.hazard_type,
            description=finding.description.strip(),
            location=finding.location.strip(),
            deadline=finding.deadline,
            discovered_at=discovered,
        )
        Finding.objects.create(
            invitation=invitation,
            hazard=hazard,
            item=finding.item,
            first_violation=finding.first_violation,
            minor_harm=finding.minor_harm,
        )
        if finding.item is not None:
            ChecklistItem.objects.filter(pk=finding.item.pk).update(result=ItemResult.FINDING)
    invitation.state = transition.target
    invitation.inspected_on = inspected_on
    invitation.reported_on = day
    invitation.advice = advice.strip()
    invitation.fatal_accident_3y = fatal_accident_3y
    invitation.dishonest = dishonest
    invitation.save()
    record(invitation, action=A.REPORT, source=source, actor=actor, comment=advice, on=on)
    return invitation


@transaction.atomic
def invitation_follow_up(
    *, actor: Any, invitation: Invitation, visited_on: date, note: str, on: date | None = None
) -> Invitation:
    """The follow-up visit that checks the rectification (what was seen is required)."""
    invitation, transition, source = begin(actor, invitation, A.FOLLOW_UP)
    day = on or today()
    errors: dict[str, str] = {}
    if not note.strip():
        errors["note"] = _("Record what the follow-up visit found.")
    if invitation.inspected_on and visited_on < invitation.inspected_on:
        errors["visited_on"] = _("The follow-up visit cannot be before the inspection.")
    elif visited_on > day:
        errors["visited_on"] = _("The follow-up visit cannot be in the future.")
    if errors:
        raise InvitationError(errors)
    invitation.state = transition.target
    invitation.followed_up_on = visited_on
    invitation.follow_up_note = note.strip()
    invitation.save()
    record(invitation, action=A.FOLLOW_UP, source=source, actor=actor, comment=note, on=on)
    return invitation


@transaction.atomic
def invitation_rate(*, actor: Any, invitation: Invitation, rating: Any, comment: str = "", on: date | None = None) -> Invitation:
    """The enterprise rates the reported inspection once, 1 (poor) to 5 (excellent)."""
    text = str(rating).strip() if not isinstance(rating, bool) else ""
    value = int(text) if text.isdigit() else 0
    if not 1 <= value <= 5:
        raise InvitationError({"rating": _("A rating is a whole number from 1 to 5.")})
    invitation, _transition, source = begin(actor, invitation, A.RATE)
    invitation.rating = value
    invitation.rating_comment = comment.strip()
    invitation.save()
    record(invitation, action=A.RATE, source=source, actor=actor, comment=f"{value}/5 {comment.strip()}".strip(), on=on)
    return invitation
