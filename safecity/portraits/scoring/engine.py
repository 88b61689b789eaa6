"""The scoring engine: pure functions from one enterprise's facts (plain data) to its portrait.

No database access here: :mod:`safecity.portraits.services` gathers the facts of every enterprise
with a few aggregate queries and calls :func:`score_enterprise` for each, so the one-enterprise and
the set-based paths cannot differ. Rules and points: :mod:`safecity.portraits.scoring.model`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from safecity.portraits.scoring.model import (
    CLOSURE_MAX_STEPS,
    CLOSURE_STEP,
    CLOSURE_TARGET,
    DIMENSIONS,
    HAZARD_TYPE_DIMENSION,
    MANAGEMENT_ELEMENT_DIMENSION,
    ROOT_CAUSE_CATEGORY_DIMENSION,
    RULE_BY_CODE,
    colour_for,
    round_score,
)

MAJOR = 1
RED_EVENT = 1
SIGNIFICANT_EVENT = 2


@dataclass(frozen=True)
class HazardFact:
    """A hidden hazard as the portrait sees it at the reference date (end of year, or today).

    ``open``: not accepted (closed) nor withdrawn at the reference date; ``overdue``: open, not yet
    awaiting acceptance, and past its deadline; ``found_in_year``: discovered in the portrait's year;
    ``closed``: accepted by the reference date. ``root_cause`` is the management element (or
    category) a deep check filed its root cause under, "" when none.
    """

    id: int
    label: str
    level: int
    hazard_type: int
    open: bool
    overdue: bool
    found_in_year: bool
    closed: bool
    on_mhi: bool = False
    plan_complete: bool = False
    root_cause: str = ""
    finding_id: int | None = None


@dataclass(frozen=True)
class InstallationFact:
    """A major hazard installation and which of its three persons in charge is missing or inactive
    (``missing``: the risk object's field names, e.g. ``technical_in_charge``)."""

    id: int
    label: str
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventFact:
    """A risk event with its current level (1 red .. 4 blue) and its control measures by class."""

    id: int
    label: str
    level: int
    measures: int
    emergency_measures: int
    on_mhi: bool = False


@dataclass(frozen=True)
class RecordFact:
    """A check record or check task cited as evidence (an overdue check, a task without checker)."""

    id: int
    label: str


@dataclass(frozen=True)
class PremisesFact:
    """A premises of the enterprise and whether it is three-in-one (三合一) at the reference date,
    from a registered fact provider (a fire inspection's determination, later a tenant-site check)."""

    organisation_id: int
    present: bool
    evidence_kind: str
    evidence_id: int
    label: str


@dataclass
class EnterpriseFacts:
    organisation_id: int
    label: str = ""
    hazards: list[HazardFact] = field(default_factory=list)
    premises: list[PremisesFact] = field(default_factory=list)
    installations: list[InstallationFact] = field(default_factory=list)
    events: list[EventFact] = field(default_factory=list)
    overdue_checks: list[RecordFact] = field(default_factory=list)
    tasks_without_checker: list[RecordFact] = field(default_factory=list)


@dataclass(frozen=True)
class DeductionResult:
    """One deduction. ``detail`` is data, never words: codes and numbers that the page turns into
    text in the reader's language (``Deduction.detail_text``): ``root_cause`` and ``finding`` for a
    hidden hazard filed under a deep check's root cause, ``rate``/``closed``/``found`` for the
    closure rate, ``missing`` (field names) for an installation's persons in charge."""

    dimension: str
    rule: str
    points: Decimal
    evidence_kind: str
    evidence_id: int
    evidence_label: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ForcedRedResult:
    rule: str
    evidence_kind: str
    evidence_id: int
    evidence_label: str


@dataclass
class PortraitResult:
    organisation_id: int
    score: Decimal
    colour: int
    dimensions: dict[str, Decimal]
    deductions: list[DeductionResult]
    forced_red: list[ForcedRedResult]

    @property
    def is_forced_red(self) -> bool:
        return bool(self.forced_red)


def root_cause_dimension(key: str) -> str | None:
    """The dimension of a root cause: by management element (code or label), else by category."""
    text = key.strip().lower().replace("&", "and").replace("-", "_").replace(" ", "_")
    if not text:
        return None
    if text in MANAGEMENT_ELEMENT_DIMENSION:
        return MANAGEMENT_ELEMENT_DIMENSION[text]
    if text in ROOT_CAUSE_CATEGORY_DIMENSION:
        return ROOT_CAUSE_CATEGORY_DIMENSION[text]
    # Labels such as "contractor and tenant management": the first known word decides.
    for word, dimension in MANAGEMENT_ELEMENT_DIMENSION.items():
        if word in text:
            return dimension
    return None


def hazard_dimension(hazard: HazardFact) -> str:
    """Where a hidden hazard counts: its root cause (deep check), else its major hazard
    installation, else its national type code."""
    by_cause = root_cause_dimension(hazard.root_cause)
    if by_cause:
        return by_cause
    if hazard.on_mhi:
        return "mhi"
    return HAZARD_TYPE_DIMENSION.get(hazard.hazard_type, "leadership")


def _deduct(
    out: list[DeductionResult],
    rule: str,
    kind: str,
    fact_id: int,
    label: str,
    *,
    dimension: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    spec = RULE_BY_CODE[rule]
    out.append(
        DeductionResult(
            dimension=dimension or spec.dimension,
            rule=rule,
            points=spec.points,
            evidence_kind=kind,
            evidence_id=fact_id,
            evidence_label=label,
            detail=detail or {},
        )
    )


def _hazard_rules(facts: EnterpriseFacts, out: list[DeductionResult], forced: list[ForcedRedResult]) -> None:
    for h in facts.hazards:
        dimension = hazard_dimension(h)
        detail = {"root_cause": h.root_cause, "finding": h.finding_id} if h.root_cause else None
        if h.open:
            rule = "hazard.open_major" if h.level == MAJOR else "hazard.open_general"
            _deduct(out, rule, "hazard", h.id, h.label, dimension=dimension, detail=detail)
        elif h.level == MAJOR and h.found_in_year and h.closed:
            _deduct(out, "hazard.major_found", "hazard", h.id, h.label, dimension=dimension, detail=detail)
        elif h.finding_id is not None and h.found_in_year and h.closed:
            _deduct(out, "deepcheck.finding", "hazard", h.id, h.label, dimension=dimension, detail=detail)
        if h.open and h.overdue:
            _deduct(out, "governance.overdue", "hazard", h.id, h.label)
            if h.level == MAJOR:
                forced.append(ForcedRedResult("forced.major_overdue", "hazard", h.id, h.label))
        if h.open and h.level == MAJOR and not h.plan_complete:
            _deduct(out, "governance.plan_incomplete", "hazard", h.id, h.label)


def _premises_rules(facts: EnterpriseFacts, forced: list[ForcedRedResult]) -> None:
    """Three-in-one premises (GB 35181-2017 6.2 / 7.9): a structured determination, never a word
    in a description; it stands until a later determination says the premises is no longer so."""
    for premises in facts.premises:
        if premises.present:
            forced.append(ForcedRedResult("forced.three_in_one", premises.evidence_kind, premises.evidence_id, premises.label))


def closure_rate(facts: EnterpriseFacts) -> tuple[int, int]:
    """(closed, found) of the hidden hazards found in the year (withdrawn ones never count)."""
    found = [h for h in facts.hazards if h.found_in_year]
    return sum(1 for h in found if h.closed), len(found)


def _closure_rule(facts: EnterpriseFacts, out: list[DeductionResult]) -> None:
    closed, found = closure_rate(facts)
    if not found:
        return
    rate = Decimal(100 * closed) / Decimal(found)
    if rate >= CLOSURE_TARGET:
        return
    steps = min(CLOSURE_MAX_STEPS, math.ceil((CLOSURE_TARGET - rate) / CLOSURE_STEP))
    spec = RULE_BY_CODE["governance.closure_rate"]
    out.append(
        DeductionResult(
            dimension=spec.dimension,
            rule=spec.code,
            points=spec.points * steps,
            evidence_kind="organisation",
            evidence_id=facts.organisation_id,
            evidence_label=facts.label,
            detail={"rate": str(round_score(rate)), "closed": closed, "found": found},
        )
    )


def _registry_rules(facts: EnterpriseFacts, out: list[DeductionResult], forced: list[ForcedRedResult]) -> None:
    for inst in facts.installations:
        if inst.missing:
            detail = {"missing": list(inst.missing)}
            _deduct(out, "mhi.persons_missing", "risk_object", inst.id, inst.label, detail=detail)
            forced.append(ForcedRedResult("forced.mhi_persons", "risk_object", inst.id, inst.label))
    for event in facts.events:
        if event.level == RED_EVENT:
            rule = "mhi.red_event" if event.on_mhi else "process.red_event"
            _deduct(out, rule, "risk_event", event.id, event.label)
            if event.measures == 0:
                forced.append(ForcedRedResult("forced.red_event_no_measures", "risk_event", event.id, event.label))
        if event.level in (RED_EVENT, SIGNIFICANT_EVENT):
            if event.measures == 0:
                _deduct(out, "process.event_without_measures", "risk_event", event.id, event.label)
            if event.emergency_measures == 0:
                _deduct(out, "emergency.no_emergency_measure", "risk_event", event.id, event.label)
    for record in facts.overdue_checks:
        _deduct(out, "governance.check_overdue", "check_record", record.id, record.label)
    for task in facts.tasks_without_checker:
        _deduct(out, "training.task_without_checker", "check_task", task.id, task.label)


def score_enterprise(facts: EnterpriseFacts) -> PortraitResult:
    """Apply every rule to one enterprise's facts.

    Each dimension starts at its maximum and loses the points of its deductions, never below zero;
    the score is the sum of the dimensions, one decimal. Any forced-red finding makes the colour
    red whatever the score (the score itself is kept, so the enterprise sees both).
    """
    deductions: list[DeductionResult] = []
    forced: list[ForcedRedResult] = []
    _hazard_rules(facts, deductions, forced)
    _premises_rules(facts, forced)
    _closure_rule(facts, deductions)
    _registry_rules(facts, deductions, forced)
    lost: dict[str, Decimal] = {d.code: Decimal(0) for d in DIMENSIONS}
    for deduction in deductions:
        lost[deduction.dimension] += deduction.points
    dimensions = {d.code: max(Decimal(0), Decimal(d.max_points) - lost[d.code]) for d in DIMENSIONS}
    score = round_score(sum(dimensions.values(), Decimal(0)))
    return PortraitResult(
        organisation_id=facts.organisation_id,
        score=score,
        colour=colour_for(score, forced_red=bool(forced)),
        dimensions=dimensions,
        deductions=deductions,
        forced_red=forced,
    )
