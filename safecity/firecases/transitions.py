"""The allowed state changes of a case, as one table: (action, from) -> to, roles.

Order of the steps (domain-rules §5): case filed -> investigation -> [public hearing] ->
procuratorial suggestion letter -> delivery (reply clock) -> reply -> assessment -> follow-up review
(回头看) -> decision to sue or not -> prosecution record. A public hearing is optional; when one is
held, the letter waits for its minutes (guard in the service).
"""

from __future__ import annotations

from dataclasses import dataclass

from safecity.firecases.choices import CaseAction, CaseState

S = CaseState
PROCURATOR = frozenset({"procurator"})


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    roles: frozenset[str] = PROCURATOR


TRANSITIONS: dict[tuple[str, str], Transition] = {
    (t.action, t.source): t
    for t in [
        Transition("investigate", S.FILED, S.INVESTIGATING),
        Transition("schedule_hearing", S.INVESTIGATING, S.HEARING),
        Transition("issue_letter", S.INVESTIGATING, S.LETTER_ISSUED),
        Transition("issue_letter", S.HEARING, S.LETTER_ISSUED),
        Transition("deliver_letter", S.LETTER_ISSUED, S.AWAITING_REPLY),
        Transition("record_reply", S.AWAITING_REPLY, S.REPLY_RECEIVED),
        Transition("assess_reply", S.REPLY_RECEIVED, S.REPLY_ASSESSED),
        Transition("follow_up", S.REPLY_ASSESSED, S.REVIEWED),
        Transition("decide_sue", S.REVIEWED, S.SUED),
        Transition("decide_not_sue", S.REVIEWED, S.NOT_SUED),
        Transition("record_prosecution", S.SUED, S.PROSECUTED),
    ]
}

# Steps that add to a case without moving it: allowed in these states.
EVIDENCE_STATES = frozenset({S.FILED, S.INVESTIGATING, S.HEARING})
HEARING_EDIT_STATES = frozenset({S.HEARING})

# What each step is called on the case page (its button) and in the timeline.
ACTION_LABELS = dict(CaseAction.choices)


def transition_for(action: str, state: str) -> Transition | None:
    return TRANSITIONS.get((action, state))


def actions_from(state: str) -> list[Transition]:
    return [t for (_action, source), t in TRANSITIONS.items() if source == state]
