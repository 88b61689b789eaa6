"""Statements written out for the reads every request makes (session, user, principal, a
region's path): the ORM compiles a queryset anew on each call, which cost more than these small
queries themselves.

``statement(build)`` builds a statement once per database vendor and keeps it; ``build`` gets a
``Names`` that quotes a model's table and a field's column as the models declare them, so the
text follows the models, and values are always parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection

__all__ = ["Names", "statement"]


class Names:
    """Quoted names read from the models: ``n.table(Model)``, ``n.column(Model, "field")``."""

    def __init__(self, quote: Callable[[str], str]) -> None:
        self._quote = quote

    def table(self, model: Any) -> str:
        return self._quote(model._meta.db_table)

    def column(self, model: Any, field: str) -> str:
        return self._quote(model._meta.get_field(field).column)


_built: dict[tuple[Callable[[Names], str], str], str] = {}


def statement(build: Callable[[Names], str]) -> str:
    """The statement ``build`` writes, built on first use for the default database's vendor."""
    key = (build, connection.vendor)
    text = _built.get(key)
    if text is None:
        text = _built[key] = build(Names(connection.ops.quote_name))
    return text
