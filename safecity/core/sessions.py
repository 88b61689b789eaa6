"""The session store: Django's database sessions, read with one SQL statement.

Every signed-in request reads its session first. Django's store does it through a queryset
compiled anew each time, which cost about twice the query itself; this reads the same row (same
key, not expired) with the statement written out. Writing, expiry and clearing are Django's.
``SESSION_ENGINE = "safecity.core.sessions"``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone

__all__ = ["SessionStore"]

_SQL: dict[str, str] = {}


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        key = self.session_key
        if not key:
            self._session_key = None
            return None
        model = self.model
        alias = router.db_for_read(model)
        connection = connections[alias]
        sql = _SQL.get(connection.vendor)
        if sql is None:
            meta, q = model._meta, connection.ops.quote_name
            sql = _SQL[connection.vendor] = (
                f"SELECT {q(meta.get_field('session_data').column)}"  # noqa: S608 - names from _meta, values as parameters
                f" FROM {q(meta.db_table)}"
                f" WHERE {q(meta.get_field('session_key').column)} = %s AND {q(meta.get_field('expire_date').column)} > %s"
            )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=key, session_data=row[0])
