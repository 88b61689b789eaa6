"""The health-portrait scoring model (documented in ``docs/portraits.md``) and its pure engine."""

from __future__ import annotations

from safecity.portraits.scoring.engine import (
    DeductionResult,
    EnterpriseFacts,
    EventFact,
    ForcedRedResult,
    HazardFact,
    InstallationFact,
    PortraitResult,
    PremisesFact,
    RecordFact,
    score_enterprise,
)
from safecity.portraits.scoring.model import (
    DIMENSION_BY_CODE,
    DIMENSIONS,
    FORCED_BY_CODE,
    FORCED_RED_RULES,
    RULE_BY_CODE,
    RULES,
    colour_for,
    round_score,
)

__all__ = [
    "DIMENSIONS",
    "DIMENSION_BY_CODE",
    "FORCED_BY_CODE",
    "FORCED_RED_RULES",
    "RULES",
    "RULE_BY_CODE",
    "DeductionResult",
    "EnterpriseFacts",
    "EventFact",
    "ForcedRedResult",
    "HazardFact",
    "InstallationFact",
    "PortraitResult",
    "PremisesFact",
    "RecordFact",
    "colour_for",
    "round_score",
    "score_enterprise",
]
