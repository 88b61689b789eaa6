"""The triage of a citizen's report as one table: (action, from-state) -> to-state and the roles
allowed. A report is triaged once: dismissed (with a reason), merged with a known hidden hazard, or
recorded as a new hidden hazard; the outcome is final (a new report is a new report)."""

from __future__ import annotations

from dataclasses import dataclass

from safecity.citizenreports.choices import ReportAction as A
from safecity.citizenreports.choices import ReportState as S

# The district's people triage the reports located in their district (issue 17 §2).
TRIAGE_ROLES = frozenset({"district_official", "inspector"})


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    roles: frozenset[str] = TRIAGE_ROLES


TRANSITIONS: dict[tuple[str, str], Transition] = {
    (t.action, t.source): t
    for t in (
        Transition(A.DISMISS, S.RECEIVED, S.DISMISSED),
        Transition(A.MERGE, S.RECEIVED, S.MERGED),
        Transition(A.HAZARD, S.RECEIVED, S.HAZARD),
    )
}


def transition_for(action: str, state: str) -> Transition | None:
    return TRANSITIONS.get((action, state))
