"""The triage of a citizen's report as one table: (action, from-state) -> to-state and the roles
allowed. A report is triaged once: dismissed (with a reason), merged with a known hidden hazard, or
recorded as a new hidden hazard; the outcome is final (a new report is a new report)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


def triage_reach(user: Any, report: Any) -> bool:
    """Whether ``user`` holds a triage grant (district official, inspector) at the report's
    district or below. A grant of an ancestor region (the city, the province) does not count, nor
    does being a superuser: the city reads and counts, the district triages (issue 17 §2), and the
    reporter's phone goes no further than the district that calls the citizen back."""
    from safecity.core.scoping import principal_for

    if user is None or not getattr(user, "is_authenticated", False):
        return False
    district_path = report.district.path
    return any(grant.role in TRIAGE_ROLES and grant.region_path.startswith(district_path) for grant in principal_for(user).grants)
