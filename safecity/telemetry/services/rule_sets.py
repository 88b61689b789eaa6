"""Every write of rule sets: rules declared as data (``docs/telemetry.md``), validated before they are
stored, so the ingest worker never meets an invalid set.

A change bumps ``version``: the worker reloads a set whose version moved (and closes the alarms of
rules that are gone, ``alarms_close_unknown``). Who: the officials over the set's organisation and
its enterprise managers (``RuleSet.scope_rule``); a city-wide set (no organisation) only the
platform operator.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from safecity.core.scoping import CHANGE, require, require_target
from safecity.telemetry.models import RuleSet


def _validate(rule_set: RuleSet) -> None:
    name = (rule_set.name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the rule set a name.")})
    rule_set.name = name[:120]
    if not isinstance(rule_set.rules, list):
        raise ValidationError({"rules": _("The rules are a list.")})
    # RuleSet.clean: the engine's parser and the alarm service's fields; the error names the rule
    # and the field (``rules[2].clear: overlaps the fire condition``).
    rule_set.clean()


@transaction.atomic
def rule_set_create(*, actor: Any, name: str, rules: list[Any], organisation: Any = None) -> RuleSet:
    """Store a new rule set for ``organisation`` (``None``: city-wide)."""
    rule_set = RuleSet(name=name, rules=rules, organisation=organisation)
    _validate(rule_set)
    require_target(actor, rule_set)
    rule_set.save()
    return rule_set


@transaction.atomic
def rule_set_update(*, actor: Any, rule_set: RuleSet, name: str | None = None, rules: list[Any] | None = None) -> RuleSet:
    """Change a rule set's name or rules; a change of the rules bumps its version."""
    locked = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    require(actor, locked, CHANGE)
    if name is not None:
        locked.name = name
    rules_changed = rules is not None and rules != locked.rules
    if rules is not None:
        locked.rules = rules
    _validate(locked)
    if rules_changed:
        locked.version += 1
    locked.save()
    return locked
