"""The allowed order of a cylinder's events, as one table: (state, step) -> next state.

A cylinder is registered empty at its filling unit, then cycles filled -> dispatched -> delivered
(to a restaurant or a household) -> returned empty -> filled ... A periodic inspection (at the
inspection station, only when empty) passes (back to empty, with a new next-inspection date) or
fails (``failed``: it must be repaired and re-inspected, or scrapped). Scrapping is terminal and
voids the code for ever (TSG 23-2021; the code is unique across every cylinder ever registered).
Anything else is out of order: a clear error, nothing written, nothing appended to the ledger.

Who may take each step (checked by the services): the owning filling unit fills, dispatches,
delivers and takes back; an inspection station inspects and repairs; the regulator (city
officials, e.g. the market supervision bureau) or the inspection station scraps.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from safecity.cylinders.choices import CylinderState as S
from safecity.cylinders.choices import EventKind as K
from safecity.cylinders.choices import InspectionResult

# A step is an event kind, except that an inspection's outcome decides where it leads.
INSPECTION_PASS = "inspection:pass"  # noqa: S105 (a step name, not a password)
INSPECTION_FAIL = "inspection:fail"
REGISTERED = ""  # the "state" before registration

TRANSITIONS: dict[tuple[str, str], str] = {
    (REGISTERED, K.REGISTRATION): S.EMPTY,
    (S.EMPTY, K.FILLING): S.FILLED,
    (S.FILLED, K.DISPATCH): S.DISPATCHED,
    (S.DISPATCHED, K.DELIVERY): S.DELIVERED,
    (S.DELIVERED, K.RETURN): S.EMPTY,
    # A dispatched cylinder that could not be delivered comes back still full.
    (S.DISPATCHED, K.RETURN): S.FILLED,
    (S.EMPTY, INSPECTION_PASS): S.EMPTY,
    (S.EMPTY, INSPECTION_FAIL): S.FAILED,
    (S.FAILED, K.REPAIR): S.REPAIRED,
    (S.REPAIRED, INSPECTION_PASS): S.EMPTY,
    (S.REPAIRED, INSPECTION_FAIL): S.FAILED,
    (S.EMPTY, K.SCRAPPING): S.SCRAPPED,
    (S.FAILED, K.SCRAPPING): S.SCRAPPED,
    (S.REPAIRED, K.SCRAPPING): S.SCRAPPED,
}

FILLING_UNIT_STEPS = frozenset({K.FILLING, K.DISPATCH, K.DELIVERY, K.RETURN})
INSPECTION_STATION_STEPS = frozenset({K.INSPECTION, K.REPAIR, K.SCRAPPING})
REGULATOR_STEPS = frozenset({K.SCRAPPING, K.REGISTRATION})


def step_of(kind: str, result: str | None = None) -> str:
    if kind == K.INSPECTION:
        return INSPECTION_PASS if result == InspectionResult.PASS else INSPECTION_FAIL
    return kind


def next_state(state: str, kind: str, result: str | None = None) -> str | None:
    """The state after ``kind`` (with its inspection ``result``), or None when out of order."""
    return TRANSITIONS.get((state, step_of(kind, result)))


def allowed_kinds(state: str) -> list[str]:
    """Event kinds that may follow ``state`` (for the forms on the cylinder page)."""
    kinds: list[str] = []
    for source, step in TRANSITIONS:
        if source == state:
            kind = K.INSPECTION if step.startswith("inspection:") else step
            if kind not in kinds:
                kinds.append(kind)
    return kinds


def out_of_order_message(state: str, kind: str) -> str:
    state_label = S(state).label if state in S.values else _("not registered")
    return _("A “%(kind)s” cannot follow while the cylinder is “%(state)s”.") % {
        "kind": K(kind).label,
        "state": state_label,
    }
