"""Django's PostgreSQL backend, reading timestamps with psycopg's C loader.

Django registers a pure-Python ``timestamptz`` loader on every connection (it parses each value
with a regular expression, then sets the tzinfo). A list page of 50 rows reads about 50 such
values, and that parsing was a tenth of a list request's CPU. This backend registers a loader that
hands each value to psycopg's own (C, from ``psycopg[binary]``). That one returns aware datetimes
in the connection's time zone, which Django sets to UTC on every connection (``USE_TZ``): the
datetimes Django's loader would have produced.

Set by ``safecity.env.parse_database_url`` for ``postgres://`` URLs. Everything else is Django's.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.db.backends.postgresql import base
from psycopg import adapt, adapters
from psycopg.pq import Format

__all__ = ["DatabaseWrapper"]

# psycopg's default loader for the type: the C one when psycopg-binary is installed.
_PSYCOPG_LOADER: Any = adapters.get_loader(adapters.types["timestamptz"].oid, Format.TEXT)


class UtcTimestamptzLoader(adapt.Loader):
    """psycopg's loader under Django's name for it: ``timezone`` is what Django compares before
    it would put its own loader on a cursor (the C class cannot be subclassed to carry it)."""

    timezone = UTC

    def __init__(self, oid: int, context: Any = None) -> None:
        super().__init__(oid, context)
        # The C loader's bound method: psycopg calls it for each value, no Python in between.
        self.load = _PSYCOPG_LOADER(oid, context).load  # type: ignore[method-assign]

    def load(self, data: Any) -> Any:  # replaced per instance in __init__
        raise NotImplementedError


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        context = params.get("context")
        if context is not None and self.timezone == UTC:
            context.register_loader("timestamptz", UtcTimestamptzLoader)
        return params
