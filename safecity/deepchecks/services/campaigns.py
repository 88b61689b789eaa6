"""Writes of campaigns and panels: targets, scheduler runs, publication, manual panel edits.

The panel rule (Xinbei 坐堂会诊): at least ``min_panel_size`` experts (5), at least ``min_senior``
(3) provincial-level or above; no conflict of interest; no unavailable day; one panel per expert per
day; at most ``workload_cap`` panels per expert. The scheduler and every manual edit check the same
rules (``safecity.deepchecks.scheduling``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import Notification, Organisation, Region
from safecity.core.scoping import CHANGE, allows_target, can
from safecity.deepchecks.choices import SENIOR_LEVELS, CampaignStatus, PanelStatus, RunStatus
from safecity.deepchecks.models import Campaign, CampaignTarget, Expert, Panel, PanelMember, ScheduleRun, Specialty
from safecity.deepchecks.scheduling import ExpertInput, Problem, Rules, Solution, TargetInput, solve, validate_panel
from safecity.deepchecks.services.experts import conflicts
from safecity.deepchecks.services.specialties import targets_derive


def working_days(start: date, end: date) -> tuple[date, ...]:
    """Monday to Friday within the period (public holidays are recorded as unavailability)."""
    days: list[date] = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return tuple(days)


def check_days(start: date, count: int) -> tuple[date, ...]:
    days: list[date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return tuple(days)


@transaction.atomic
def campaign_create(
    *, actor: Any, name: str, region: Region, year: int, period_start: date, period_end: date, **rules: Any
) -> Campaign:
    """Create a campaign in ``region`` (draft). Who: officials of the region."""
    campaign = Campaign(name=name, region=region, year=year, period_start=period_start, period_end=period_end, **rules)
    campaign.full_clean()
    if not allows_target(actor, campaign):
        raise PermissionDenied
    campaign.save()
    return campaign


@transaction.atomic
def campaign_targets_add(*, actor: Any, campaign: Campaign, organisations: Iterable[Organisation]) -> list[CampaignTarget]:
    """Add enterprises of the campaign's region as targets and derive the specialties they need."""
    if not can(actor, campaign, CHANGE):
        raise PermissionDenied
    rows = []
    existing = set(campaign.targets.values_list("organisation_id", flat=True))
    for org in organisations:
        if org.pk in existing:
            continue
        if not org.region.path.startswith(campaign.region.path):
            raise ValidationError({"organisations": _("%(org)s is outside the campaign's region.") % {"org": org.name}})
        rows.append(CampaignTarget(campaign=campaign, organisation=org))
    created = CampaignTarget.objects.bulk_create(rows)
    targets_derive(created)
    return created


@transaction.atomic
def target_specialties_set(*, actor: Any, target: CampaignTarget, specialties: Iterable[Specialty]) -> CampaignTarget:
    """Override the derived specialties of a target by hand (kept on later derivations)."""
    if not can(actor, target, CHANGE):
        raise PermissionDenied
    target.specialties_overridden = True
    target.save(update_fields=["specialties_overridden", "updated_at"])
    target.needed_specialties.set(list(specialties))
    return target


def pool_for(campaign: Campaign) -> Any:
    """The experts of the pools that reach the campaign's region (its own, its ancestors', its sub-regions')."""
    parts = campaign.region.path.strip("/").split("/")
    ancestors = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    return (
        Expert.objects.filter(is_active=True)
        .filter(Q(region__path__in=ancestors) | Q(region__path__startswith=campaign.region.path))
        .select_related("person")
        .prefetch_related("affiliations", "specialties", "unavailability")
    )


def _expert_input(expert: Expert, period: tuple[date, date]) -> ExpertInput:
    off: set[date] = set()
    for row in expert.unavailability.all():
        if row.end >= period[0] and row.start <= period[1]:
            off.update(row.days())
    return ExpertInput(
        id=expert.pk,
        name=expert.person.name,
        senior=expert.level in SENIOR_LEVELS,
        level=expert.level,
        specialties=frozenset(s.code for s in expert.specialties.all()),
        unavailable=frozenset(off),
    )


def rules_for(campaign: Campaign) -> Rules:
    return Rules(
        panel_size=campaign.min_panel_size,
        min_senior=campaign.min_senior,
        workload_cap=campaign.workload_cap,
        days_per_check=campaign.days_per_check,
        max_panels_per_day=campaign.max_panels_per_day,
    )


def problem_for(campaign: Campaign) -> Problem:
    """The campaign as plain data for the scheduler: pool, targets with needs and conflicts, rules, days."""
    experts = list(pool_for(campaign))
    targets = list(campaign.targets.select_related("organisation").prefetch_related("needed_specialties").order_by("pk"))
    found = conflicts(
        experts=experts,
        organisation_ids=[t.organisation_id for t in targets],
        on=campaign.period_start,
        years=campaign.conflict_years,
    )
    period = (campaign.period_start, campaign.period_end)
    return Problem(
        experts=tuple(_expert_input(e, period) for e in experts),
        targets=tuple(
            TargetInput(
                id=t.pk,
                name=t.organisation.name,
                needed=frozenset(s.code for s in t.needed_specialties.all()),
                conflicts=frozenset(found[t.organisation_id]),
            )
            for t in targets
        ),
        rules=rules_for(campaign),
        days=working_days(campaign.period_start, campaign.period_end),
    )


def schedule_request(*, actor: Any, campaign: Campaign) -> ScheduleRun:
    """Queue a scheduler run (the solve runs as a background task; the page shows its progress).

    Not atomic on purpose: the run row must be committed before a worker picks up the task.
    """
    if not can(actor, campaign, CHANGE):
        raise PermissionDenied
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED):
        raise ValidationError(_("The schedule is published; edit panels one by one instead."), code="published")
    run = ScheduleRun.objects.create(campaign=campaign, requested_by=actor if getattr(actor, "pk", None) else None)
    from safecity.deepchecks.tasks import schedule_campaign

    schedule_campaign.enqueue(run.pk)
    return run


def schedule_execute(*, run: ScheduleRun, time_limit: float = 50.0) -> ScheduleRun:
    """Solve the run's campaign and store the proposed panels (or the reasons none exist)."""
    campaign = run.campaign
    ScheduleRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=timezone.now(), progress=1)

    def progress(done: int, total: int) -> None:
        ScheduleRun.objects.filter(pk=run.pk).update(progress=max(1, min(99, 100 * done // max(1, total))))

    try:
        problem = problem_for(campaign)
        solution = solve(problem, time_limit=time_limit, progress=progress)
        schedule_store(campaign=campaign, solution=solution)
    except Exception as exc:
        ScheduleRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            reasons=[{"rule": "error", "rule_label": "", "message": str(exc)}],
        )
        raise
    run.refresh_from_db()
    run.status = RunStatus.SUCCEEDED if solution.feasible else RunStatus.INFEASIBLE
    run.progress = 100
    run.finished_at = timezone.now()
    run.solver_status = solution.status
    run.objective = solution.objective if solution.feasible else None
    run.bound = solution.bound if solution.feasible else None
    run.gap = solution.gap if solution.feasible else None
    run.wall_time = solution.wall_time
    run.uncovered = solution.uncovered
    run.reasons = [r.as_dict() for r in solution.reasons]
    run.save()
    return run


@transaction.atomic
def schedule_store(*, campaign: Campaign, solution: Solution) -> list[Panel]:
    """Replace the campaign's proposed panels by ``solution`` (published panels are never replaced)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not solution.feasible:
        return []
    Panel.objects.filter(campaign=campaign, status=PanelStatus.PLANNED).delete()
    panels = Panel.objects.bulk_create(
        [
            Panel(campaign=campaign, target_id=p.target_id, start_date=p.days[0], end_date=p.days[-1], status=PanelStatus.PLANNED)
            for p in solution.panels
        ]
    )
    by_target = {p.target_id: p for p in panels}
    PanelMember.objects.bulk_create(
        [
            PanelMember(panel=by_target[plan.target_id], expert_id=m, is_leader=(m == plan.leader))
            for plan in solution.panels
            for m in plan.members
        ]
    )
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.SCHEDULED)
    return panels


@transaction.atomic
def schedule_publish(*, actor: Any, campaign: Campaign) -> int:
    """Publish the proposed schedule and notify every panel member with an account. Returns the notices sent."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not can(actor, campaign, CHANGE):
        raise PermissionDenied
    if campaign.status != CampaignStatus.SCHEDULED:
        raise ValidationError(_("Only a proposed schedule can be published."), code="not_scheduled")
    Panel.objects.filter(campaign=campaign, status=PanelStatus.PLANNED).update(status=PanelStatus.PUBLISHED)
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.PUBLISHED)
    seats = PanelMember.objects.filter(panel__campaign=campaign, expert__person__user__isnull=False).select_related(
        "panel__target__organisation", "expert__person"
    )
    notes = [
        Notification(
            recipient_id=seat.expert.person.user_id,
            kind="deepchecks.panel",
            message=_("You sit on the deep safety check panel for %(target)s on %(day)s%(leader)s.")
            % {
                "target": seat.panel.target.organisation.name,
                "day": seat.panel.start_date.isoformat(),
                "leader": _(" (panel leader)") if seat.is_leader else "",
            },
            link=reverse("deepchecks:panel-detail", args=[seat.panel_id]),
        )
        for seat in seats
    ]
    Notification.objects.bulk_create(notes)
    return len(notes)


@transaction.atomic
def panel_member_set(*, actor: Any, panel: Panel, experts: Iterable[Expert], leader: Expert | None = None) -> Panel:
    """Replace the panel's members by hand, re-validated against every rule of the campaign.

    Raises ValidationError naming each broken rule (code = the rule's name); nothing changes then.
    """
    experts = list(experts)
    panel = Panel.objects.select_for_update().select_related("campaign__region", "target__organisation").get(pk=panel.pk)
    if not can(actor, panel, CHANGE):
        raise PermissionDenied
    if panel.status == PanelStatus.COMPLETED:
        raise ValidationError(_("The check is completed; its panel cannot change."), code="completed")
    campaign = panel.campaign
    wanted = {e.pk for e in experts}
    # Only the campaign's pool: an id from elsewhere is refused, never shown or seated.
    chosen = list(pool_for(campaign).filter(pk__in=wanted).select_related("person").prefetch_related(
        "affiliations", "specialties", "unavailability"
    ))  # fmt: skip
    if len(chosen) != len(wanted):
        raise ValidationError({"experts": [_("Choose experts from the campaign's expert pool.")]}, code="pool")
    period = (campaign.period_start, campaign.period_end)
    found = conflicts(
        experts=chosen, organisation_ids=[panel.target.organisation_id], on=panel.start_date, years=campaign.conflict_years
    )
    target = TargetInput(
        id=panel.target_id, name=panel.target.organisation.name, conflicts=frozenset(found[panel.target.organisation_id])
    )
    days = check_days(panel.start_date, campaign.days_per_check)
    others = []
    member_rows = (
        PanelMember.objects.filter(panel__campaign=campaign)
        .exclude(panel=panel)
        .values_list("panel_id", "panel__start_date", "expert_id")
    )
    grouped: dict[int, tuple[date, list[int]]] = {}
    for panel_id, start, expert_id in member_rows:
        grouped.setdefault(panel_id, (start, []))[1].append(expert_id)
    for start, ids in grouped.values():
        others.append((check_days(start, campaign.days_per_check), ids))
    reasons = validate_panel(
        rules=rules_for(campaign),
        target=target,
        days=days,
        members=[_expert_input(e, period) for e in chosen],
        other_panels=others,
    )
    if len(chosen) != len({e.pk for e in experts}) and not reasons:
        raise ValidationError(_("An expert of the list is not in the pool."), code="unknown_expert")
    if reasons:
        raise ValidationError([ValidationError(str(r), code=r.rule) for r in reasons])
    if leader is None or leader.pk not in {e.pk for e in chosen}:
        current = panel.members.filter(is_leader=True).values_list("expert_id", flat=True).first()
        seniors = [e for e in chosen if e.level in SENIOR_LEVELS]
        leader = next((e for e in chosen if e.pk == current), None) or (seniors[0] if seniors else chosen[0])
    panel.members.all().delete()
    PanelMember.objects.bulk_create([PanelMember(panel=panel, expert=e, is_leader=(e.pk == leader.pk)) for e in chosen])
    Panel.objects.filter(pk=panel.pk).update(updated_at=timezone.now())
    return panel
