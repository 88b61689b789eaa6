"""Service visits (服务走访, issue 16 §4): the provider's engineer signs the visit on the phone with
its place and photos, records the checklist and the findings (each a hidden hazard of the hazards
lifecycle: the enterprise rectifies, acceptance per the hazards rules); the enterprise and the
street score the visit (1-5).

Refused: a visit signed outside its contract's period, or when the provider holds no qualification
in force that day (domain-rules §7c), a score out of range, a second score by the same side.

The daily reminders (:func:`visits_remind_overdue`, run by ``tasks.remind_overdue``): a visit not
done after its due date, and a visit planned for tomorrow, are told to the people who act on them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecity.core.models import Notification, RoleAssignment
from safecity.core.scoping import allows_target, scoped
from safecity.hazards.choices import HazardLevel, HazardSource, HazardType
from safecity.hazards.models import HiddenHazard
from safecity.hazards.services.evidence import evidence_content_type
from safecity.smallbiz.choices import ContractState, ScoreBy, VisitAction, VisitState
from safecity.smallbiz.models import ENGINEER_ROLES, ENTERPRISE_ROLES, STREET_ROLES, Visit, VisitFinding, VisitPhoto, VisitScore
from safecity.smallbiz.services.common import SmallbizError, actor_label, is_platform, require_roles, require_target
from safecity.smallbiz.services.registry import provider_qualification_valid
from safecity.smallbiz.transitions import visit_transition

PHOTO_TYPES = {"image/jpeg", "image/png"}
# The fields of a visit that signing leaves as they are (not validated again when it is signed).
SIGN_UNCHANGED = ["contract", "enterprise", "engineer", "sequence", "due_on", "planned_on", "signed_by"]


def _lock(visit: Visit) -> Visit:
    return (
        Visit.objects.select_for_update()
        .select_related("contract__provider__organisation", "enterprise__organisation")
        .get(pk=visit.pk)
    )


def _transition(visit: Visit, action: str) -> Any:
    transition = visit_transition(action, visit.state)
    if transition is None:
        raise SmallbizError(
            _("This visit is %(state)s: it cannot be changed this way.") % {"state": visit.get_state_display()},
            code="transition_not_allowed",
        )
    return transition


def _coordinate(value: Any, field: str, limit: int) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError, TypeError):
        raise SmallbizError(
            {field: _("The phone's location is needed to sign the visit: allow location access and try again.")}
        ) from None
    if not -limit <= number <= limit:
        raise SmallbizError({field: _("This is not a valid coordinate.")})
    return number


def _checklist(items: Any) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        raise SmallbizError({"checklist": _("The checklist is a list of items, each checked or not.")})
    clean = []
    for item in items:
        if not isinstance(item, dict) or not str(item.get("content", "")).strip() or not isinstance(item.get("ok"), bool):
            raise SmallbizError({"checklist": _("Each checklist item has its content and whether it is in order.")})
        item_id = item.get("item")
        clean.append(
            {"item": item_id if isinstance(item_id, int) else None, "content": str(item["content"])[:1000], "ok": item["ok"]}
        )
    return clean


@transaction.atomic
def visit_sign(
    *,
    actor: Any,
    visit: Visit,
    latitude: Any,
    longitude: Any,
    checklist: Any = (),
    note: str = "",
    done_at: datetime | None = None,
    photos: Sequence[UploadedFile] = (),
    findings: Sequence[dict[str, Any]] = (),
) -> Visit:
    """Sign a scheduled visit as done (by an engineer of the contract's provider, on the phone):
    the time, the place, the checklist, the photos and the findings, all or nothing."""
    visit = _lock(visit)
    transition = _transition(visit, VisitAction.SIGN)
    require_roles(actor, visit, transition.roles)
    done_at = done_at or timezone.now()
    day = timezone.localtime(done_at).date()
    contract = visit.contract
    if not contract.covers(day):
        raise SmallbizError(
            _("A visit on %(day)s is outside the contract's period (%(start)s to %(end)s).")
            % {"day": day.isoformat(), "start": contract.starts_on.isoformat(), "end": contract.ends_on.isoformat()},
            code="guard",
        )
    if provider_qualification_valid(contract.provider, day) is None:
        raise SmallbizError(
            _("%(provider)s holds no qualification in force on %(day)s: the visit cannot be signed.")
            % {"provider": contract.provider, "day": day.isoformat()},
            code="guard",
        )
    visit.latitude = _coordinate(latitude, "latitude", 90)
    visit.longitude = _coordinate(longitude, "longitude", 180)
    visit.checklist = _checklist(list(checklist))
    visit.note = note
    visit.done_at = done_at
    visit.state = transition.target
    visit.signed_by = None if is_platform(actor) else actor
    # Only what signing changes is validated: the coordinates were checked against the check
    # constraints' bounds above and the time, place and state are set together, so the constraints
    # hold by construction (the database still enforces them); validating them and the unchanged
    # foreign keys cost a query each, about half of a signature (the demo signs ~1,800 visits).
    visit.full_clean(exclude=SIGN_UNCHANGED, validate_constraints=False)
    visit.save()
    for photo in photos:
        visit_photo_add(actor=actor, visit=visit, file=photo)
    for finding in findings:
        visit_finding_add(actor=actor, visit=visit, **finding)
    return visit


@transaction.atomic
def visit_cancel(*, actor: Any, visit: Visit, reason: str) -> Visit:
    """Cancel a scheduled visit (the street or the district), with the reason in its note."""
    visit = _lock(visit)
    transition = _transition(visit, VisitAction.CANCEL)
    require_roles(actor, visit, transition.roles)
    if not reason.strip():
        raise SmallbizError({"reason": _("Say why the visit is cancelled.")})
    visit.state = transition.target
    visit.note = reason.strip()
    visit.save(update_fields=["state", "note", "updated_at"])
    return visit


@transaction.atomic
def visit_photo_add(*, actor: Any, visit: Visit, file: UploadedFile) -> VisitPhoto:
    """A photo of a done visit: JPEG or PNG by content, at most SAFECITY_EVIDENCE_MAX_BYTES."""
    head = file.read(16)
    file.seek(0)
    content_type = evidence_content_type(head)
    if content_type not in PHOTO_TYPES:
        raise SmallbizError({"photos": _("A visit photo is a JPEG or PNG image.")})
    if file.size is None or file.size > settings.SAFECITY_EVIDENCE_MAX_BYTES:
        raise SmallbizError({"photos": _("The photo is too large.")})
    photo = VisitPhoto(visit=visit, file=file, content_type=content_type, size=file.size)
    require_target(actor, photo)
    photo.save()
    return photo


@transaction.atomic
def visit_finding_add(
    *, actor: Any, visit: Visit, description: str, level: int = HazardLevel.GENERAL, hazard_type: int = HazardType.SAFETY
) -> VisitFinding:
    """Record a finding of a done visit and report it as a hidden hazard (source: external expert
    diagnosis, order No. 16 and the dual-prevention guideline's source code 8).

    Reported through ``hazards.services.hazard_report`` when the hazards rules let the actor report
    at this enterprise (a safety service engineer may, at the enterprises their provider's contracts
    cover); a visit signed by the platform (the demo, a command) reports through
    ``hazard_report_by_platform``, with the visit and the engineer named on its timeline.
    """
    from safecity.hazards import services as hazards

    if visit.state != VisitState.DONE:
        raise SmallbizError(_("Findings are recorded on a signed visit."), code="transition_not_allowed")
    description = (description or "").strip()
    if not description:
        raise SmallbizError({"description": _("Describe the finding.")})
    if level not in HazardLevel.values or hazard_type not in HazardType.values:
        raise SmallbizError({"level": _("Choose the finding's level and type from the list.")})
    probe = VisitFinding(visit=visit, description=description, level=level, hazard_type=hazard_type, hazard=HiddenHazard())
    require_target(actor, probe)
    organisation = visit.enterprise.organisation
    reporter_may = not is_platform(actor) and allows_target(actor, HiddenHazard(organisation=organisation))
    if reporter_may:
        hazard = hazards.hazard_report(
            actor=actor,
            organisation=organisation,
            description=description,
            level=level,
            hazard_type=hazard_type,
            source=HazardSource.EXPERT_DIAGNOSIS,
            discovered_at=visit.done_at,
        )
    else:
        if level == HazardLevel.MAJOR:
            # The platform reports general hazards only; a major one is for the authority to report
            # (order No. 16: the authority governs major hidden hazards).
            raise SmallbizError(
                {"level": _("A major hidden hazard is reported by the authority: tell the street or the district.")}
            )
        hazard = hazards.hazard_report_by_platform(
            organisation=organisation,
            description=description,
            hazard_type=hazard_type,
            source=HazardSource.EXPERT_DIAGNOSIS,
            discovered_at=visit.done_at,
            comment=_("Found on service visit %(visit)s by %(engineer)s (%(provider)s).")
            % {"visit": visit, "engineer": actor_label(actor) or "—", "provider": visit.contract.provider},
        )
    finding = VisitFinding(
        visit=visit,
        description=description,
        level=level,
        hazard_type=hazard_type,
        hazard=hazard,
        found_by=None if is_platform(actor) else actor,
    )
    finding.save()
    return finding


def _score_value(score: Any) -> int:
    if isinstance(score, bool):
        score = None
    try:
        value = int(str(score))
    except (TypeError, ValueError):
        value = 0
    if str(score).strip() != str(value) or not 1 <= value <= 5:
        raise SmallbizError({"score": _("A score is a whole number from 1 to 5.")})
    return value


SCORERS = {ScoreBy.ENTERPRISE: ENTERPRISE_ROLES, ScoreBy.STREET: STREET_ROLES}


@transaction.atomic
def visit_score(*, actor: Any, visit: Visit, by: str, score: Any, comment: str = "") -> VisitScore:
    """Score a done visit from 1 to 5: once by the enterprise served (its manager or staff) and once
    by the street that bought the service (a street official over it)."""
    value = _score_value(score)
    if by not in SCORERS:
        raise SmallbizError({"by": _("A visit is scored by the enterprise or by the street.")})
    visit = _lock(visit)
    require_roles(actor, visit, SCORERS[ScoreBy(by)])
    if visit.state != VisitState.DONE:
        raise SmallbizError(_("Only a done visit is scored."), code="transition_not_allowed")
    if VisitScore.objects.filter(visit=visit, by=by).exists():
        raise SmallbizError(_("This visit already has this score."), code="duplicate")
    row = VisitScore(visit=visit, by=by, score=value, comment=comment[:500], scored_by=None if is_platform(actor) else actor)
    row.full_clean()
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise SmallbizError(_("This visit already has this score."), code="duplicate") from None
    return row


# The reminders' notification kinds (core ``Notification.kind``), with their words for the inbox
# and the audit trail (registered in ``apps.py``).
REMIND_OVERDUE = "smallbiz.visit_overdue"
REMIND_TOMORROW = "smallbiz.visit_tomorrow"
REMINDER_KINDS = {
    REMIND_OVERDUE: gettext_lazy("Service visit overdue"),
    REMIND_TOMORROW: gettext_lazy("Service visit planned for tomorrow"),
}


def _visit_link(visit: Visit) -> str:
    # The link is also the reminder's key (one per visit, kind and recipient): never empty, even
    # where the app's URLs are not mounted (a worker without the UI).
    try:
        return reverse("smallbiz:visit-detail", args=[visit.pk])
    except NoReverseMatch:
        return f"/smallbiz/visits/{visit.pk}/"


def _holders(role: str, day: date, **lookups: Any) -> list[tuple[int, int, str]]:
    """(user id, organisation id, jurisdiction path) of the active people holding ``role`` today."""
    rows = (
        RoleAssignment.objects.filter(
            role=role, person__is_active=True, person__user__isnull=False, person__user__is_active=True, **lookups
        )
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .values_list("person__user_id", "organisation_id", "jurisdiction__path")
    )
    return [(user_id, org_id, path) for user_id, org_id, path in rows]


@dataclass(frozen=True)
class _Told:
    """Who may be told about one visit (user ids), before the scope check."""

    engineer: frozenset[int]  # the engineer assigned, when they have a login
    provider: frozenset[int]  # the provider's service engineers: when the assigned one cannot be told
    village: frozenset[int]  # the village committee supervising the enterprise


def _candidates(visits: list[Visit], day: date, *, with_village: bool) -> dict[int, _Told]:
    """The people each visit concerns: the engineer assigned (the plan's or the even schedule's);
    the provider, which the platform reaches through its service engineers (it has no role for a
    provider's office that sees visits); with ``with_village``, the village supervisors whose
    jurisdiction holds the enterprise's village."""
    provider_orgs = {v.contract.provider.organisation_id for v in visits}
    engineers: dict[int, set[int]] = defaultdict(set)
    for user_id, org_id, _path in _holders("service_engineer", day, organisation_id__in=provider_orgs):
        engineers[org_id].add(user_id)
    supervisors = _holders("village_supervisor", day) if with_village else []
    out: dict[int, _Told] = {}
    for visit in visits:
        person = visit.engineer.person if visit.engineer is not None else None
        assigned = person.user_id if person is not None and person.is_active else None
        path = visit.enterprise.organisation.region.path
        out[visit.pk] = _Told(
            engineer=frozenset({assigned} if assigned is not None else ()),
            provider=frozenset(engineers.get(visit.contract.provider.organisation_id, ())),
            village=frozenset(user_id for user_id, _org, jurisdiction in supervisors if path.startswith(jurisdiction)),
        )
    return out


def _remind(visits: list[Visit], kind: str, day: date, *, with_village: bool) -> dict[str, int]:
    """Notify each visit's people once for ``kind``: the engineer assigned, or, when they may not
    be told (none assigned, no login, or out of the visit's scope), the provider's engineers; and
    the village committee. Nobody who may not see the visit (the core scope) is told; a
    notification already sent is not sent again (the overdue one never, the one for tomorrow not
    on the same day)."""
    if not visits:
        return {"visits": 0, "notifications": 0}
    candidates = _candidates(visits, day, with_village=with_village)
    by_user: dict[int, set[int]] = defaultdict(set)
    for visit_id, told in candidates.items():
        for user_id in told.engineer | told.provider | told.village:
            by_user[user_id].add(visit_id)
    users = get_user_model().objects.filter(is_active=True).in_bulk(list(by_user))
    # One scoped query per person (a handful of engineers and supervisors), not one per visit.
    visible = {
        user_id: set(scoped(Visit, users[user_id]).filter(pk__in=ids).values_list("pk", flat=True))
        for user_id, ids in by_user.items()
        if user_id in users
    }
    links = {visit.pk: _visit_link(visit) for visit in visits}
    sent = Notification.objects.filter(kind=kind, link__in=list(links.values()), recipient_id__in=list(visible))
    if kind == REMIND_TOMORROW:
        # Planned for tomorrow: once a day (a visit planned again for a later day is told again then).
        sent = sent.filter(created_at__gte=timezone.make_aware(datetime.combine(day, datetime.min.time())))
    done = set(sent.values_list("recipient_id", "link"))
    told_visits: set[int] = set()
    count = 0
    for visit in visits:
        told = candidates[visit.pk]

        def may(user_id: int, visit_id: int = visit.pk) -> bool:
            return visit_id in visible.get(user_id, set())

        engineer = {u for u in told.engineer if may(u)} or {u for u in told.provider if may(u)}
        village = {u for u in told.village if may(u)}
        message = _message(kind, visit)
        for user_id in sorted(engineer | village):
            if (user_id, links[visit.pk]) in done:
                continue
            Notification.objects.create(recipient=users[user_id], kind=kind, message=message, link=links[visit.pk])
            told_visits.add(visit.pk)
            count += 1
    return {"visits": len(told_visits), "notifications": count}


def _message(kind: str, visit: Visit) -> str:
    values = {
        "enterprise": visit.enterprise.organisation.name,
        "village": visit.enterprise.organisation.region.name,
        "due": visit.due_on.isoformat(),
        "day": visit.planned_on.isoformat() if visit.planned_on else "",
        "contract": visit.contract.number,
    }
    if kind == REMIND_TOMORROW:
        return _("Service visit planned for tomorrow (%(day)s): %(enterprise)s, %(village)s; due on %(due)s.") % values
    return (
        _("Service visit overdue: %(enterprise)s, %(village)s (contract %(contract)s) was due on %(due)s and is not done.")
        % values
    )


def visits_remind_overdue(*, today: date | None = None) -> dict[str, int]:
    """The daily reminders of the service visits (run by the scheduler, ``smallbiz.remind_overdue``).

    - A visit still scheduled after its due date (contract in force): the engineer assigned, the
      provider (through its engineers when none assigned can be told) and the village committee
      supervising the enterprise are told once per visit.
    - A visit planned for tomorrow (the CP-SAT plan's ``planned_on``): its engineer is told the day
      before (the provider's engineers when none assigned can be told).

    Only people who may see the visit (the core scope) are told. Idempotent: a second run tells
    nobody again (the notification itself, kind and link to the visit, is the claim). The candidate
    visits are locked first, so two runs at the same time on PostgreSQL tell each person once.
    """
    day = today or timezone.localdate()
    pending = (
        Visit.objects.filter(state=VisitState.SCHEDULED, contract__state=ContractState.ACTIVE)
        .select_related("contract__provider", "enterprise__organisation__region", "engineer__person")
        .order_by("due_on", "pk")
    )
    with transaction.atomic():
        overdue = list(pending.filter(due_on__lt=day).select_for_update(of=("self",)))
        tomorrow = list(pending.filter(planned_on=day + timedelta(days=1), due_on__gte=day).select_for_update(of=("self",)))
        late = _remind(overdue, REMIND_OVERDUE, day, with_village=True)
        planned = _remind(tomorrow, REMIND_TOMORROW, day, with_village=False)
    return {
        "overdue": late["visits"],
        "tomorrow": planned["visits"],
        "notifications": late["notifications"] + planned["notifications"],
    }


__all__ = [
    "ENGINEER_ROLES",
    "REMIND_OVERDUE",
    "REMIND_TOMORROW",
    "visit_cancel",
    "visit_finding_add",
    "visit_photo_add",
    "visit_score",
    "visit_sign",
    "visits_remind_overdue",
]
