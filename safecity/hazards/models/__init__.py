"""Dual prevention models: the enterprise risk registry and hidden hazards."""

from safecity.hazards.models.citations import LibraryCitation
from safecity.hazards.models.hazards import (
    GovernancePlan,
    HazardEvidence,
    HazardNumberSequence,
    HazardReminder,
    HazardTransition,
    HiddenHazard,
    hazard_number,
)
from safecity.hazards.models.registry import (
    CheckRecord,
    CheckTask,
    ControlMeasure,
    RiskEvent,
    RiskObject,
    RiskRegistry,
    RiskUnit,
)
from safecity.hazards.models.tally import HazardTally

__all__ = [
    "CheckRecord",
    "CheckTask",
    "ControlMeasure",
    "GovernancePlan",
    "HazardEvidence",
    "HazardNumberSequence",
    "HazardReminder",
    "HazardTally",
    "HazardTransition",
    "HiddenHazard",
    "LibraryCitation",
    "RiskEvent",
    "RiskObject",
    "RiskRegistry",
    "RiskUnit",
    "hazard_number",
]
