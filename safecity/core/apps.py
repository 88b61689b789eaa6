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
        from rest_framework.authtoken.models import Token

        from safecity.core import audit
        from safecity.core.models import AuditedModel

        for model in apps.get_models():
            if issubclass(model, AuditedModel):
                audit.register(model)
        audit.register(get_user_model(), exclude=["last_login"], masked=["password"])
        audit.register(Token, masked=["key"])
        from safecity.core.models import Notification

        audit.register(Notification)
        pre_save.connect(audit.on_pre_save, dispatch_uid="safecity_audit_pre_save")
        post_save.connect(audit.on_post_save, dispatch_uid="safecity_audit_post_save")
        post_delete.connect(audit.on_post_delete, dispatch_uid="safecity_audit_post_delete")
        # Each app contributes cockpit indicators/panels and navigation sections in these modules.
        autodiscover_modules("cockpit")
        autodiscover_modules("navigation")
        autodiscover_modules("tasks")
        autodiscover_modules("scopes")
