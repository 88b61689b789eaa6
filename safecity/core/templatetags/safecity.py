from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """``{{ dict|get_item:key }}`` for the before/after values of an audit entry."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None
