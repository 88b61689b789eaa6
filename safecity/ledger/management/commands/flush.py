"""``flush`` that can empty the ledger's append-only tables.

Django's ``flush`` (used by the test suite between transactional tests, and by operators to wipe a
database) empties every table: TRUNCATE on PostgreSQL (row triggers do not fire), DELETE on
SQLite, which the ledger's triggers would refuse. Wiping the whole database is a maintenance
operation, not an edit of the log, so this override runs Django's flush inside
:func:`safecity.ledger.db.ledger_maintenance`. Apps' management commands take precedence over
Django's own, so ``call_command("flush")`` reaches this class.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import DEFAULT_DB_ALIAS, connections

from safecity.ledger.db import ledger_maintenance


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        using = options.get("database") or DEFAULT_DB_ALIAS
        if connections[using].vendor == "sqlite":
            with ledger_maintenance(using):
                super().handle(**options)
        else:
            super().handle(**options)
