from __future__ import annotations

import json
from typing import Any

from django import template

from safecity.core import labels

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """``{{ dict|get_item:key }}`` for the before/after values of an audit entry."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def is_structured(value: Any) -> bool:
    """A stored list or object (an audit value): shown as data, not as words."""
    return isinstance(value, (list, dict))


@register.filter
def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@register.filter
def label(code: Any, namespace: str) -> str:
    """``{{ entry.kind|label:"ledger.kind" }}``: a stored code in words (safecity.core.labels)."""
    return labels.label(namespace, code)
