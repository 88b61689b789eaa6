"""One entry point for the steps of a case, shared by the case page and the API.

The rules that used to sit in the views live here: which letter a step concerns (the case's latest
letter, by issue date and number), which reply is assessed (that letter's), which decision is
notified, and how the persons prosecuted are read from a form's text (one per line). The UI and the
API therefore cannot pick different records for the same step.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from safecity.core.scoping import roles_for
from safecity.firecases.choices import DecisionKind
from safecity.firecases.models import Case, Decision, Reply, SuggestionLetter
from safecity.firecases.services import cases as case_services
from safecity.firecases.services import letters as letter_services
from safecity.firecases.transitions import EVIDENCE_STATES, actions_from

# "name" or "name：description" / "name: description" / "name - description" per line.
_PERSON_SEPARATOR = re.compile(r"\s*(?:[:：]|\s-\s|，|,)\s*")


def case_letter_current(case: Case) -> SuggestionLetter | None:
    """The letter the later steps of a case concern: its latest, by issue date then number."""
    return SuggestionLetter.objects.filter(case=case).order_by("-issued_on", "-serial", "-id").first()


def prosecuted_persons_parse(text: str) -> list[dict[str, str]]:
    """The persons prosecuted from free text: one per line, optionally "name：description".

    Blank lines are skipped; a person without a name is refused by :func:`prosecution_record`.
    """
    persons = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        name, _sep, description = (part.strip() for part in _split_once(line))
        persons.append({"name": name, "description": description})
    return persons


def _split_once(line: str) -> tuple[str, str, str]:
    match = _PERSON_SEPARATOR.search(line)
    if match is None:
        return line, "", ""
    return line[: match.start()], match.group(0), line[match.end() :]


def case_next_steps(*, user: Any, case: Case) -> list[str]:
    """The steps ``user`` may take on ``case`` now (the case page offers a form for each).

    Only a procurator of the case's jurisdiction moves a case (transitions.py); evidence is added
    while the case is filed, investigated or at its hearing (``EVIDENCE_STATES``); a decision not to
    sue is notified once.
    """
    if not (roles_for(user, case) & {"procurator"}):
        return []
    steps = [t.action for t in actions_from(case.state)]
    if "decide_sue" in steps:
        steps = [s for s in steps if s not in ("decide_sue", "decide_not_sue")] + ["decide"]
    if case.state in EVIDENCE_STATES:
        steps.append("add_evidence")
    decision = Decision.objects.filter(case=case).first()
    if decision is not None and decision.kind == DecisionKind.NOT_SUE and decision.notified_on is None:
        steps.append("notify_not_sue")
    return steps


def _letter(case: Case) -> SuggestionLetter:
    letter = case_letter_current(case)
    if letter is None:
        raise ValidationError({"letter": _("This case has no letter.")}, code="no_letter")
    return letter


def _reply(case: Case) -> Reply:
    reply = Reply.objects.filter(letter=_letter(case)).first()
    if reply is None:
        raise ValidationError({"reply": _("No reply has been recorded.")}, code="no_reply")
    return reply


def _decision(case: Case) -> Decision:
    decision = Decision.objects.filter(case=case).first()
    if decision is None:
        raise ValidationError({"decision": _("No decision has been taken.")}, code="no_decision")
    return decision


def _prosecute(actor: Any, case: Case, data: dict[str, Any]) -> Any:
    persons = data.pop("persons", [])
    if isinstance(persons, str):
        persons = prosecuted_persons_parse(persons)
    return letter_services.prosecution_record(actor=actor, case=case, persons=persons, **data)


STEPS: dict[str, Callable[[Any, Case, dict[str, Any]], Any]] = {
    "investigate": lambda actor, case, data: case_services.case_investigate(
        actor=actor, case=case, comment=data.get("comment", "")
    ),
    "add_evidence": lambda actor, case, data: case_services.case_evidence_add(actor=actor, case=case, **data),
    "schedule_hearing": lambda actor, case, data: case_services.hearing_schedule(actor=actor, case=case, **data),
    "issue_letter": lambda actor, case, data: letter_services.letter_issue(actor=actor, case=case, **data),
    "deliver_letter": lambda actor, case, data: letter_services.letter_deliver(actor=actor, letter=_letter(case), **data),
    "record_reply": lambda actor, case, data: letter_services.reply_record(actor=actor, letter=_letter(case), **data),
    "assess_reply": lambda actor, case, data: letter_services.reply_assess(actor=actor, reply=_reply(case), **data),
    "follow_up": lambda actor, case, data: letter_services.follow_up_record(actor=actor, case=case, **data),
    "decide": lambda actor, case, data: letter_services.decision_record(actor=actor, case=case, **data),
    "notify_not_sue": lambda actor, case, data: letter_services.decision_notify(actor=actor, decision=_decision(case), **data),
    "record_prosecution": _prosecute,
}


def case_step_apply(*, actor: Any, case: Case, step: str, data: dict[str, Any]) -> Any:
    """Apply one named step of a case with its validated input; returns the record it wrote.

    The step's own service locks the case, checks transitions.py and the actor's role, and writes
    the timeline row; a refusal is a ValidationError (or PermissionDenied) and nothing changes.
    """
    apply = STEPS.get(step)
    if apply is None:
        raise ValidationError(_("Unknown step."), code="unknown_step")
    return apply(actor, case, dict(data))


__all__ = [
    "STEPS",
    "case_letter_current",
    "case_next_steps",
    "case_step_apply",
    "prosecuted_persons_parse",
]
