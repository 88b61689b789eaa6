from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "safecity.ledger"
    label = "ledger"
    verbose_name = _("Verifiable ledger")

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created

        from safecity.core import audit
        from safecity.ledger import db
        from safecity.ledger.models import LogKey, SigningKey

        connection_created.connect(db.register_sqlite_function, dispatch_uid="safecity_ledger_sqlite_function")
        # A connection opened before this app was ready (rare) gets the function too.
        for conn in connections.all(initialized_only=True):
            if conn.connection is not None:
                db.register_sqlite_function(None, conn)
        # Encrypted private keys are recorded in the audit trail only as a digest.
        audit.register(SigningKey, masked=["private_key"])
        audit.register(LogKey, masked=["private_key"])
