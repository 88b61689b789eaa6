"""The allowed state changes of a dictionary version, as one table: (from, to) -> guard.

A version is prepared as a draft and published once; it is never unpublished, because enterprises'
registries record the version they use and their assessments must stay reproducible. A draft may
be deleted; a published version may not (a newer version supersedes it instead). Who may make a
change is the models' ScopeRule (:mod:`safecity.riskdict.permissions`): city administrators and
city officials.
"""

from __future__ import annotations

from dataclasses import dataclass

from safecity.riskdict.choices import DictionaryStatus


@dataclass(frozen=True)
class Transition:
    needs_entries: bool = False  # an empty dictionary cannot be published


TRANSITIONS: dict[tuple[str, str], Transition] = {
    (DictionaryStatus.DRAFT, DictionaryStatus.PUBLISHED): Transition(needs_entries=True),
}


def transition_for(current: str, target: str) -> Transition | None:
    """The rule for moving from ``current`` to ``target``, or None when the move is not allowed."""
    return TRANSITIONS.get((current, target))
