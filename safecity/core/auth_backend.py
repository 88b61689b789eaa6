"""Sign-in by username and password (Django's ModelBackend), with the signed-in user read by one
written-out statement.

Every signed-in request loads its user from the session's user id. Django's backend does it with a
queryset compiled each time (``objects.get``), which cost more than the query; this reads the same
row with ``raw()``, which still applies the database's converters. What may sign in, and the
permission checks, are Django's.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router

__all__ = ["UserBackend"]

_SQL: dict[str, str] = {}


class UserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        alias = router.db_for_read(model)
        connection = connections[alias]
        sql = _SQL.get(connection.vendor)
        if sql is None:
            meta, q = model._meta, connection.ops.quote_name
            columns = ", ".join(q(f.column) for f in meta.concrete_fields)
            sql = _SQL[connection.vendor] = f"SELECT {columns} FROM {q(meta.db_table)} WHERE {q(meta.pk.column)} = %s"  # noqa: S608 - names from _meta
        rows = list(model._default_manager.db_manager(alias).raw(sql, [user_id]))
        if not rows:
            return None
        user = rows[0]
        return user if self.user_can_authenticate(user) else None
