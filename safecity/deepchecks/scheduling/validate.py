"""Check one panel (a manual edit) or a whole schedule against every rule of the campaign.

Used by the manual edit service (``panel_member_set``) so an edit that breaks a rule is refused with
the rule named, and by the tests to verify every schedule the solver returns.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date

from safecity.deepchecks.scheduling.data import ExpertInput, Problem, Reason, RuleCode, Rules, Solution, TargetInput, gettext_noop


def validate_panel(
    *,
    rules: Rules,
    target: TargetInput,
    days: Sequence[date],
    members: Sequence[ExpertInput],
    other_panels: Iterable[tuple[Sequence[date], Sequence[int]]] = (),
) -> list[Reason]:
    """Every rule the panel ``members`` for ``target`` on ``days`` breaks; ``other_panels`` are the
    campaign's other panels (their days and member ids), for the per-day and workload rules."""
    reasons: list[Reason] = []
    ids = [m.id for m in members]
    if len(set(ids)) != len(ids):
        reasons.append(Reason(RuleCode.PANEL_SIZE, gettext_noop("An expert is listed twice on the panel."), {}))
    if len(set(ids)) < rules.panel_size:
        reasons.append(
            Reason(
                RuleCode.PANEL_SIZE,
                gettext_noop("The panel for %(target)s has %(have)d experts; at least %(need)d are required."),
                {"target": target.name, "have": len(set(ids)), "need": rules.panel_size},
            )
        )
    seniors = sum(1 for m in {m.id: m for m in members}.values() if m.senior)
    if seniors < rules.min_senior:
        reasons.append(
            Reason(
                RuleCode.MIN_SENIOR,
                gettext_noop(
                    "The panel for %(target)s has %(have)d provincial-level or above experts; at least %(need)d are required."
                ),
                {"target": target.name, "have": seniors, "need": rules.min_senior},
            )
        )
    day_set = set(days)
    loads: Counter[int] = Counter()
    busy: dict[int, set[date]] = {}
    for other_days, other_members in other_panels:
        for expert_id in other_members:
            loads[expert_id] += 1
            busy.setdefault(expert_id, set()).update(other_days)
    for member in members:
        if member.id in target.conflicts:
            reasons.append(
                Reason(
                    RuleCode.CONFLICT,
                    gettext_noop("%(expert)s has a conflict of interest with %(target)s."),
                    {"expert": member.name, "target": target.name},
                )
            )
        clash = sorted(day_set & member.unavailable)
        if clash:
            reasons.append(
                Reason(
                    RuleCode.UNAVAILABLE,
                    gettext_noop("%(expert)s is unavailable on %(day)s."),
                    {"expert": member.name, "day": clash[0].isoformat()},
                )
            )
        double = sorted(day_set & busy.get(member.id, set()))
        if double:
            reasons.append(
                Reason(
                    RuleCode.ONE_PANEL_PER_DAY,
                    gettext_noop("%(expert)s already sits on another panel on %(day)s."),
                    {"expert": member.name, "day": double[0].isoformat()},
                )
            )
        if loads[member.id] + 1 > rules.workload_cap:
            reasons.append(
                Reason(
                    RuleCode.WORKLOAD_CAP,
                    gettext_noop("%(expert)s would sit on %(have)d panels; the cap is %(cap)d."),
                    {"expert": member.name, "have": loads[member.id] + 1, "cap": rules.workload_cap},
                )
            )
    return reasons


def validate_solution(problem: Problem, solution: Solution) -> list[Reason]:
    """Every rule any panel of ``solution`` breaks (empty for a valid schedule). Linear in the size
    of the schedule, so the bench verifies its 2,000-panel answers too."""
    rules = problem.rules
    experts = {e.id: e for e in problem.experts}
    targets = {t.id: t for t in problem.targets}
    day_set = set(problem.days)
    reasons: list[Reason] = []
    planned = {p.target_id for p in solution.panels}
    for target in problem.targets:
        if target.id not in planned:
            reasons.append(Reason(RuleCode.PANEL_SIZE, gettext_noop("%(target)s has no panel."), {"target": target.name}))
    loads: Counter[int] = Counter()
    seats: Counter[tuple[int, date]] = Counter()
    for panel in solution.panels:
        target = targets[panel.target_id]
        if len(panel.days) != rules.days_per_check or any(d not in day_set for d in panel.days):
            reasons.append(Reason(RuleCode.PERIOD, gettext_noop("A panel sits outside the campaign period."), {}))
        reasons.extend(validate_panel(rules=rules, target=target, days=panel.days, members=[experts[m] for m in panel.members]))
        for member in panel.members:
            loads[member] += 1
            for day in panel.days:
                seats[(member, day)] += 1
    for (member, day), count in seats.items():
        if count > 1:
            reasons.append(
                Reason(
                    RuleCode.ONE_PANEL_PER_DAY,
                    gettext_noop("%(expert)s already sits on another panel on %(day)s."),
                    {"expert": experts[member].name, "day": day.isoformat()},
                )
            )
    for member, load in loads.items():
        if load > rules.workload_cap:
            reasons.append(
                Reason(
                    RuleCode.WORKLOAD_CAP,
                    gettext_noop("%(expert)s would sit on %(have)d panels; the cap is %(cap)d."),
                    {"expert": experts[member].name, "have": load, "cap": rules.workload_cap},
                )
            )
    return reasons
