"""Writes of the health-portrait app: rescoring (set-based) and one enterprise's portrait."""

from __future__ import annotations

from safecity.portraits.services.facts import enterprise_facts, reference_moment
from safecity.portraits.services.outbox import (
    portraits_mark_stale,
    portraits_rescore_due,
    register_portrait_input,
)
from safecity.portraits.services.rescore import (
    portrait_compute,
    portraits_changed,
    portraits_rescore,
    portraits_rescore_by,
    portraits_rescore_changed,
    portraits_score,
)

__all__ = [
    "enterprise_facts",
    "portrait_compute",
    "portraits_changed",
    "portraits_mark_stale",
    "portraits_rescore",
    "portraits_rescore_by",
    "portraits_rescore_changed",
    "portraits_rescore_due",
    "portraits_score",
    "reference_moment",
    "register_portrait_input",
]
