from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CylindersConfig(AppConfig):
    name = "safecity.cylinders"
    label = "cylinders"
    verbose_name = _("Gas-cylinder traceability")

    def ready(self) -> None:
        from safecity.core import audit
        from safecity.cylinders.models import CylinderEvent
        from safecity.cylinders.verify import cylinders_verify
        from safecity.ledger.services import register_kind_owner, register_verifier

        # Cylinder statements are written only through this app's services, which check the
        # order, the gate and who acts before signing: the generic ledger API refuses them.
        register_kind_owner(prefix="cylinders.", owner="cylinders")
        # `safecity ledger verify` also checks that the cylinder tables say what was signed.
        register_verifier("cylinders", cylinders_verify)
        # A household's name, address and commitment nonce never reach the audit trail in clear.
        audit.register(CylinderEvent, masked=["private"])

        # Their statements' kinds and the gate's reasons, in words (core.labels).
        from safecity.core import labels
        from safecity.cylinders import rules
        from safecity.cylinders.choices import EventKind

        labels.register("ledger.kind", {f"cylinders.{code}": text for code, text in EventKind.choices})
        labels.register("ledger.kind", {"cylinders.fill_refused": _("Filling refused at the gate")})
        from safecity.cylinders.choices import CylinderState

        # to_state has its choices on the field; from_state is blank on a registration, so has none.
        states = dict(CylinderState.choices)
        labels.register_value("cylinders.cylinderevent", "from_state", lambda code: str(states.get(code, code)))
        labels.register_value(
            "cylinders.fillattempt",
            "reasons",
            lambda reasons: (
                "; ".join(r["message"] for r in rules.reasons_display(reasons)) if isinstance(reasons, list) else reasons
            ),
        )
