"""Plain data of the panel scheduler: no Django models, so the bench and the tests run it in memory.

The rules (``RuleCode``) are those of the Xinbei deep safety check (坐堂会诊): a panel of at least
``panel_size`` experts (default 5), at least ``min_senior`` of them provincial-level or above
(default 3); no expert with a conflict of interest (current or recent employer, related enterprise,
same group company); no expert on a day they are unavailable; at most one panel per expert per day;
at most ``workload_cap`` panels per expert in the campaign.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


def gettext_noop(message: str) -> str:
    """Mark a message for translation without Django settings (the bench runs without them)."""
    return message


class RuleCode:
    """Stable names of the rules; a refused edit or an infeasible campaign names one of these."""

    PANEL_SIZE = "panel_size"
    MIN_SENIOR = "min_senior"
    CONFLICT = "conflict_of_interest"
    UNAVAILABLE = "unavailability"
    ONE_PANEL_PER_DAY = "one_panel_per_day"
    WORKLOAD_CAP = "workload_cap"
    PERIOD = "period"


RULE_LABELS: dict[str, str] = {
    RuleCode.PANEL_SIZE: gettext_noop("Panel size"),
    RuleCode.MIN_SENIOR: gettext_noop("Provincial-level or above experts per panel"),
    RuleCode.CONFLICT: gettext_noop("Conflict of interest"),
    RuleCode.UNAVAILABLE: gettext_noop("Expert unavailability"),
    RuleCode.ONE_PANEL_PER_DAY: gettext_noop("One panel per expert per day"),
    RuleCode.WORKLOAD_CAP: gettext_noop("Workload cap per expert"),
    RuleCode.PERIOD: gettext_noop("Campaign period"),
}


def _translate(text: str) -> str:
    try:
        from django.utils.translation import gettext

        return gettext(text)
    except Exception:  # noqa: BLE001 - outside a configured Django (the bench), show the English text
        return text


@dataclass(frozen=True)
class Reason:
    """Why a schedule cannot exist or an edit is refused: the rule, a message template and where."""

    rule: str
    template: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def rule_label(self) -> str:
        return _translate(RULE_LABELS.get(self.rule, self.rule))

    @property
    def message(self) -> str:
        return _translate(self.template) % self.params

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "rule_label": self.rule_label, "message": self.message}

    def __str__(self) -> str:
        return f"{self.rule_label}: {self.message}"


@dataclass(frozen=True)
class ExpertInput:
    """An expert as the scheduler sees them. ``senior``: provincial level or above."""

    id: int
    name: str
    senior: bool
    specialties: frozenset[str] = frozenset()
    unavailable: frozenset[date] = frozenset()
    level: str = ""


@dataclass(frozen=True)
class TargetInput:
    """An enterprise to check: the specialties it needs and the experts it conflicts with."""

    id: int
    name: str
    needed: frozenset[str] = frozenset()
    conflicts: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Rules:
    """The campaign's panel rule (configurable per campaign; defaults are Xinbei's)."""

    panel_size: int = 5
    min_senior: int = 3
    workload_cap: int = 8
    days_per_check: int = 1
    max_panels_per_day: int | None = None


@dataclass(frozen=True)
class Problem:
    experts: tuple[ExpertInput, ...]
    targets: tuple[TargetInput, ...]
    rules: Rules
    days: tuple[date, ...]  # the working days of the campaign period, in order


@dataclass
class PanelPlan:
    target_id: int
    days: tuple[date, ...]
    members: tuple[int, ...]
    leader: int | None = None
    uncovered: tuple[str, ...] = ()


@dataclass
class Solution:
    """The scheduler's answer: panels, or the reasons no schedule exists; with the solve statistics."""

    status: str  # "optimal", "feasible", "infeasible"
    panels: list[PanelPlan] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    objective: float = 0.0
    bound: float = 0.0
    wall_time: float = 0.0
    blocks: int = 0
    uncovered: int = 0
    max_load: int = 0

    @property
    def gap(self) -> float:
        """Relative optimality gap: (objective - best bound) / objective (0 when proven optimal)."""
        if self.status == "infeasible":
            return 1.0
        return max(0.0, (self.objective - self.bound) / max(1.0, abs(self.objective)))

    @property
    def feasible(self) -> bool:
        return self.status in ("optimal", "feasible")
