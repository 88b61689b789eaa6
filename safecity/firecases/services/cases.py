"""The procuratorate's case up to the letter: filing from a lead, investigation and evidence, the
public hearing with its notice rule and seven-step minutes (domain-rules §5)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import Organisation
from safecity.core.scoping import roles_for
from safecity.firecases import rules
from safecity.firecases.choices import HEARING_STEPS, CaseState, LeadStatus, ParticipantCapacity
from safecity.firecases.models import Case, CaseEvidence, Hearing, HearingParticipant, Lead
from safecity.firecases.services.common import check, event, lock, move, numbered, procuratorate_id_of, require_case_role
from safecity.firecases.transitions import EVIDENCE_STATES

CASE_PREFIX = "常检公立"


@transaction.atomic
def case_file(
    *,
    actor: Any,
    lead: Lead,
    title: str = "",
    urgent: bool = False,
    filed_at: datetime | None = None,
    procuratorate: Organisation | None = None,
) -> Case:
    """File a case from a referred lead (procurators whose jurisdiction covers the unit).

    The lead becomes "accepted"; the case is numbered 常检公立〔year〕N号, unique per year.
    """
    lead = Lead.objects.select_for_update().select_related("organisation__region").get(pk=lead.pk)
    if not (roles_for(actor, lead) & {"procurator"}):
        raise PermissionDenied
    if lead.status != LeadStatus.REFERRED:
        raise ValidationError(_("A case can only be filed from a referred lead."), code="transition_not_allowed")
    filed_at = filed_at or timezone.now()
    if filed_at < lead.referred_at:
        raise ValidationError({"filed_at": _("A case cannot be filed before its lead was referred.")})
    office_id = procuratorate.pk if procuratorate is not None else procuratorate_id_of(actor)
    if office_id is None:
        raise ValidationError({"procuratorate": _("Name the procuratorate that files the case.")})
    year = timezone.localtime(filed_at).year

    def build(serial: int) -> Case:
        return Case(
            lead=lead,
            number=f"{CASE_PREFIX}〔{year}〕{serial}号",
            year=year,
            serial=serial,
            title=title or _("Fire safety of %(unit)s") % {"unit": lead.organisation.name},
            urgent=urgent,
            filed_at=filed_at,
            filed_by=actor,
            procuratorate_id=office_id,
        )

    case = numbered(Case, year, build)
    lead.status = LeadStatus.ACCEPTED
    lead.decided_at = filed_at
    lead.save(update_fields=["status", "decided_at", "updated_at"])
    event(case, action="file", source="", actor=actor, at=filed_at)
    return case


@transaction.atomic
def case_investigate(*, actor: Any, case: Case, comment: str = "", at: datetime | None = None) -> Case:
    """Start the investigation of a filed case."""
    case = lock(case)
    return move(case, check(actor, case, "investigate"), actor, comment=comment, at=at)


@transaction.atomic
def case_evidence_add(
    *, actor: Any, case: Case, title: str, collected_on: date, description: str = "", file: Any = None
) -> CaseEvidence:
    """Add evidence while the case is filed, under investigation or at the hearing.

    Adding evidence to a filed case starts the investigation (a step nobody has to click).
    """
    case = lock(case)
    require_case_role(actor, case)
    if case.state not in EVIDENCE_STATES:
        raise ValidationError(
            _("Evidence is gathered before the letter; the case is at “%(state)s”.") % {"state": case.get_state_display()},
            code="transition_not_allowed",
        )
    if collected_on > timezone.localdate():
        raise ValidationError({"collected_on": _("Evidence cannot be dated in the future.")})
    if case.state == CaseState.FILED:
        move(case, check(actor, case, "investigate"), actor)
    evidence = CaseEvidence(
        case=case, title=title, description=description, collected_on=collected_on, added_by=actor, file=file or ""
    )
    evidence.full_clean()
    evidence.save()
    event(case, action="add_evidence", source=case.state, actor=actor, comment=title)
    return evidence


def _notice_ok(scheduled_at: datetime, sent_at: datetime) -> None:
    if sent_at > rules.notice_deadline(scheduled_at):
        raise ValidationError(
            {
                "notice_sent_at": _("Participants must be notified at least %(days)d days before the hearing (by %(deadline)s).")
                % {
                    "days": rules.hearing_notice_days(),
                    "deadline": f"{timezone.localtime(rules.notice_deadline(scheduled_at)):%Y-%m-%d %H:%M}",
                }
            },
            code="notice_too_short",
        )


@transaction.atomic
def hearing_schedule(
    *,
    actor: Any,
    case: Case,
    scheduled_at: datetime,
    location: str,
    is_public: bool = True,
    participants: list[dict[str, str]] | None = None,
    notice_sent_at: datetime | None = None,
    public_notice: str = "",
    published_at: datetime | None = None,
    at: datetime | None = None,
) -> Hearing:
    """Schedule a public hearing of a case under investigation.

    If the participants are notified now (``notice_sent_at``), the notice must be at least 3 days
    before the hearing; otherwise :func:`hearing_notify` records it later under the same rule.
    """
    case = lock(case)
    transition = check(actor, case, "schedule_hearing")
    hearing = Hearing(case=case, scheduled_at=scheduled_at, location=location, is_public=is_public)
    if notice_sent_at is not None:
        _notice_ok(scheduled_at, notice_sent_at)
        hearing.notice_sent_at = notice_sent_at
    if public_notice:
        _published_ok(hearing, published_at or timezone.now())
        hearing.public_notice, hearing.published_at = public_notice, published_at or timezone.now()
    hearing.full_clean()
    hearing.save()
    for p in participants or []:
        _participant(hearing, p)
    move(case, transition, actor, at=at)
    return hearing


def _participant(hearing: Hearing, data: dict[str, str]) -> HearingParticipant:
    participant = HearingParticipant(
        hearing=hearing,
        name=data.get("name", ""),
        capacity=data.get("capacity", ParticipantCapacity.OTHER),
        affiliation=data.get("affiliation", ""),
    )
    participant.full_clean()
    participant.save()
    return participant


def _published_ok(hearing: Hearing, published_at: datetime) -> None:
    if published_at > hearing.scheduled_at:
        raise ValidationError({"published_at": _("The public notice must be published before the hearing.")})


def _lock_hearing(actor: Any, hearing: Hearing) -> Hearing:
    case = lock(hearing.case)
    require_case_role(actor, case)
    hearing = Hearing.objects.select_related("case").get(pk=hearing.pk)
    if case.state != CaseState.HEARING or hearing.held_at is not None:
        raise ValidationError(_("The hearing is no longer open for changes."), code="transition_not_allowed")
    return hearing


@transaction.atomic
def hearing_participant_add(
    *, actor: Any, hearing: Hearing, name: str, capacity: str, affiliation: str = ""
) -> HearingParticipant:
    hearing = _lock_hearing(actor, hearing)
    return _participant(hearing, {"name": name, "capacity": capacity, "affiliation": affiliation})


@transaction.atomic
def hearing_notify(*, actor: Any, hearing: Hearing, sent_at: datetime | None = None) -> Hearing:
    """Record that the participants were notified; refused when less than 3 days before the hearing."""
    hearing = _lock_hearing(actor, hearing)
    sent_at = sent_at or timezone.now()
    _notice_ok(hearing.scheduled_at, sent_at)
    if not hearing.participants.exists():
        raise ValidationError(_("Add the participants before notifying them."))
    hearing.notice_sent_at = sent_at
    hearing.save(update_fields=["notice_sent_at", "updated_at"])
    event(hearing.case, action="notify_hearing", source=hearing.case.state, actor=actor, at=sent_at)
    return hearing


@transaction.atomic
def hearing_publish_notice(*, actor: Any, hearing: Hearing, text: str, published_at: datetime | None = None) -> Hearing:
    """Publish the public notice of a public hearing (before the hearing)."""
    hearing = _lock_hearing(actor, hearing)
    published_at = published_at or timezone.now()
    if not text.strip():
        raise ValidationError({"public_notice": _("The public notice needs its text.")})
    _published_ok(hearing, published_at)
    hearing.public_notice, hearing.published_at = text, published_at
    hearing.save(update_fields=["public_notice", "published_at", "updated_at"])
    event(hearing.case, action="publish_notice", source=hearing.case.state, actor=actor, at=published_at)
    return hearing


@transaction.atomic
def hearing_hold(*, actor: Any, hearing: Hearing, minutes: dict[str, str], held_at: datetime | None = None) -> Hearing:
    """Record that the hearing was held, with minutes of all seven steps.

    Refused when the participants were not notified in time, when a public hearing had no public
    notice, or when a step of the minutes is missing.
    """
    hearing = _lock_hearing(actor, hearing)
    held_at = held_at or timezone.now()
    errors: dict[str, str] = {}
    if hearing.notice_sent_at is None:
        errors["notice_sent_at"] = _("The participants were not notified: the hearing cannot be recorded as held.")
    if hearing.is_public and hearing.published_at is None:
        errors["public_notice"] = _("A public hearing needs its public notice.")
    if held_at < hearing.scheduled_at:
        errors["held_at"] = _("A hearing cannot be held before its scheduled time.")
    for name, label in HEARING_STEPS:
        if not str(minutes.get(name, "")).strip():
            errors[name] = _("The minutes lack the step “%(step)s”.") % {"step": label}
    if errors:
        raise ValidationError(errors)
    for name, _label in HEARING_STEPS:
        setattr(hearing, name, minutes[name])
    hearing.held_at = held_at
    hearing.save()
    event(hearing.case, action="hold_hearing", source=hearing.case.state, actor=actor, at=held_at)
    return hearing
