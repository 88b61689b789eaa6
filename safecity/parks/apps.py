from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParksConfig(AppConfig):
    name = "safecity.parks"
    label = "parks"
    verbose_name = _("Factory within a factory")

    def ready(self) -> None:
        from safecity.core import audit
        from safecity.parks.models import Tenant

        # The notice link's key is what makes the public notice unguessable: never shown in the trail.
        audit.register(Tenant, masked=["notice_token"])
        # The tenants' three-in-one use feeds the health portraits' forced-red rule.
        from safecity.parks import portraits  # noqa: F401
