"""The session store: Django's database sessions, read with one SQL statement.

Every signed-in request reads its session first. Django's store does it through a queryset
compiled anew each time, which cost about twice the query itself; this reads the same row (same
key, not expired) with the statement written out. Writing, expiry and clearing are Django's.
``SESSION_ENGINE = "safecity.core.sessions"``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connection
from django.utils import timezone

from safecity.core.sql import Names, statement

__all__ = ["SessionStore"]


def _session_sql(n: Names) -> str:
    from django.contrib.sessions.models import Session

    return (
        f"SELECT {n.column(Session, 'session_data')} FROM {n.table(Session)}"  # noqa: S608 - names from the model
        f" WHERE {n.column(Session, 'session_key')} = %s AND {n.column(Session, 'expire_date')} > %s"
    )


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        key = self.session_key
        if not key:
            self._session_key = None
            return None
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(statement(_session_sql), [key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=key, session_data=row[0])
