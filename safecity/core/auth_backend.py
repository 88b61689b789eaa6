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

from safecity.core.sql import Names, statement

__all__ = ["UserBackend"]


def _user_sql(n: Names) -> str:
    model = get_user_model()
    columns = ", ".join(n.column(model, f.name) for f in model._meta.concrete_fields)
    return f"SELECT {columns} FROM {n.table(model)} WHERE {n.column(model, model._meta.pk.name)} = %s"  # noqa: S608 - names from the model


class UserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        user = next(iter(get_user_model()._default_manager.raw(statement(_user_sql), [user_id])), None)
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None
