from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "safecity.core"
    label = "core"
    verbose_name = _("Core: regions, organisations, people, audit")

    def ready(self) -> None:
        from django.apps import apps
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save, pre_save
        from django.utils.module_loading import autodiscover_modules
        from knox.models import AuthToken

        from safecity.core import audit
        from safecity.core.models import AuditedModel

        for model in apps.get_models():
            if issubclass(model, AuditedModel):
                audit.register(model)
        audit.register(get_user_model(), exclude=["last_login"], masked=["password"])
        audit.register(AuthToken, masked=["digest"])
        from safecity.core.models import Notification

        audit.register(Notification)
        # A notification's kind is a code each app registers words for (labels namespace
        # "notification.kind"); the audit trail and the inbox read it through them.
        from safecity.core import labels

        labels.register_value("core.notification", "kind", lambda code: labels.label("notification.kind", code))
        pre_save.connect(audit.on_pre_save, dispatch_uid="safecity_audit_pre_save")
        post_save.connect(audit.on_post_save, dispatch_uid="safecity_audit_post_save")
        post_delete.connect(audit.on_post_delete, dispatch_uid="safecity_audit_post_delete")
        # Each app contributes cockpit indicators/panels and navigation sections in these modules.
        autodiscover_modules("cockpit")
        autodiscover_modules("navigation")
        autodiscover_modules("tasks")
        autodiscover_modules("scopes")
        from safecity.core import checks  # noqa: F401 - registers the deployment checks

        self._audit_chain()

    def _audit_chain(self) -> None:
        """The audit trail's append-only triggers need their SQLite function on every connection;
        its anchors are ``audit.*`` statements only the core writes, and ``safecity ledger verify``
        checks the chain too (ADR 0006)."""
        from django.db import connections
        from django.db.backends.signals import connection_created

        from safecity.core import audit_db
        from safecity.core.audit_verify import cross_check
        from safecity.ledger.services import register_kind_owner, register_verifier

        connection_created.connect(audit_db.register_sqlite_function, dispatch_uid="safecity_audit_sqlite_function")
        for conn in connections.all(initialized_only=True):
            if conn.connection is not None:
                audit_db.register_sqlite_function(None, conn)
        register_kind_owner(prefix="audit.", owner="core")
        from django.utils.translation import gettext_lazy as _

        from safecity.core import labels

        labels.register("ledger.kind", {"audit.seal": _("Audit trail sealed"), "audit.prune": _("Audit trail pruned")})
        register_verifier("audit", cross_check)
