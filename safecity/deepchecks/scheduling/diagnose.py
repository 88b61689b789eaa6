"""Infeasibility diagnosis before the solver runs: each rule checked on its own, with a reason that
names the rule and the place ("only 2 provincial-level or above experts are free in week 14").

A campaign that fails any of these checks has no schedule at all, so the solver is not called.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from safecity.deepchecks.scheduling.data import Problem, Reason, RuleCode, gettext_noop


def week_label(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def precheck(problem: Problem) -> list[Reason]:
    """Every rule that cannot be met, whatever the assignment: pool size, seniors, conflicts,
    workload capacity, the period's length and each week's free experts."""
    rules = problem.rules
    experts = problem.experts
    seniors = [e for e in experts if e.senior]
    reasons: list[Reason] = []
    n = len(problem.targets)
    if n == 0:
        return reasons
    if len(problem.days) < rules.days_per_check:
        reasons.append(
            Reason(
                RuleCode.PERIOD,
                gettext_noop("The campaign period has %(days)d working days; one check takes %(need)d."),
                {"days": len(problem.days), "need": rules.days_per_check},
            )
        )
        return reasons
    if len(experts) < rules.panel_size:
        reasons.append(
            Reason(
                RuleCode.PANEL_SIZE,
                gettext_noop("The pool has only %(have)d experts; a panel needs %(need)d."),
                {"have": len(experts), "need": rules.panel_size},
            )
        )
    if len(seniors) < rules.min_senior:
        reasons.append(
            Reason(
                RuleCode.MIN_SENIOR,
                gettext_noop("The pool has only %(have)d provincial-level or above experts; a panel needs %(need)d."),
                {"have": len(seniors), "need": rules.min_senior},
            )
        )
    if reasons:
        return reasons
    for target in problem.targets:
        free = [e for e in experts if e.id not in target.conflicts]
        free_seniors = [e for e in free if e.senior]
        if len(free_seniors) < rules.min_senior:
            reasons.append(
                Reason(
                    RuleCode.CONFLICT,
                    gettext_noop(
                        "Only %(have)d provincial-level or above experts have no conflict of interest with %(target)s; %(need)d are needed."
                    ),
                    {"have": len(free_seniors), "target": target.name, "need": rules.min_senior},
                )
            )
        elif len(free) < rules.panel_size:
            reasons.append(
                Reason(
                    RuleCode.CONFLICT,
                    gettext_noop("Only %(have)d experts have no conflict of interest with %(target)s; %(need)d are needed."),
                    {"have": len(free), "target": target.name, "need": rules.panel_size},
                )
            )
    capacity = sum(min(rules.workload_cap, len(problem.days) // rules.days_per_check) for _ in experts)
    senior_capacity = sum(min(rules.workload_cap, len(problem.days) // rules.days_per_check) for _ in seniors)
    if capacity < n * rules.panel_size:
        reasons.append(
            Reason(
                RuleCode.WORKLOAD_CAP,
                gettext_noop(
                    "%(targets)d panels need %(need)d expert places, but %(experts)d experts with a cap of %(cap)d panels each give only %(have)d."
                ),
                {
                    "targets": n,
                    "need": n * rules.panel_size,
                    "experts": len(experts),
                    "cap": rules.workload_cap,
                    "have": capacity,
                },
            )
        )
    if senior_capacity < n * rules.min_senior:
        reasons.append(
            Reason(
                RuleCode.WORKLOAD_CAP,
                gettext_noop(
                    "%(targets)d panels need %(need)d provincial-level or above places, but %(seniors)d such experts with a cap of %(cap)d give only %(have)d."
                ),
                {
                    "targets": n,
                    "need": n * rules.min_senior,
                    "seniors": len(seniors),
                    "cap": rules.workload_cap,
                    "have": senior_capacity,
                },
            )
        )
    reasons.extend(week_shortages(problem))
    return reasons


def week_shortages(problem: Problem) -> list[Reason]:
    """Weeks in which nobody could sit: fewer free seniors on every day of the week than one panel needs.

    Only reported when the whole period cannot hold the panels, since a short week is fine if the
    panels fit elsewhere.
    """
    rules = problem.rules
    per_day_panels: dict[date, int] = {}
    for day in problem.days:
        free = [e for e in problem.experts if day not in e.unavailable]
        free_seniors = sum(1 for e in free if e.senior)
        per_day_panels[day] = min(len(free) // rules.panel_size, free_seniors // rules.min_senior)
        if rules.max_panels_per_day is not None:
            per_day_panels[day] = min(per_day_panels[day], rules.max_panels_per_day)
    total_slots = sum(per_day_panels.values()) // rules.days_per_check
    if total_slots >= len(problem.targets):
        return []
    by_week: dict[str, list[date]] = defaultdict(list)
    for day in problem.days:
        by_week[week_label(day)].append(day)
    reasons = [
        Reason(
            RuleCode.UNAVAILABLE,
            gettext_noop("%(targets)d panels need to sit, but the experts' free days hold only %(slots)d panels in the period."),
            {"targets": len(problem.targets), "slots": total_slots},
        )
    ]
    for week, days in by_week.items():
        best = max(days, key=lambda d: sum(1 for e in problem.experts if e.senior and d not in e.unavailable))
        free_seniors = sum(1 for e in problem.experts if e.senior and best not in e.unavailable)
        if free_seniors < rules.min_senior:
            reasons.append(
                Reason(
                    RuleCode.UNAVAILABLE,
                    gettext_noop(
                        "Only %(have)d provincial-level or above experts are free in week %(week)s; a panel needs %(need)d."
                    ),
                    {"have": free_seniors, "week": week, "need": rules.min_senior},
                )
            )
    return reasons[:20]
