"""The verifiable ledger in the city cockpit: how much the log grew in the year, and its checkpoints."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecity.core.figures import FigureContext, indicator
from safecity.ledger.models import Checkpoint, Cosignature, LogEntry

SECTION = _("Verifiable ledger")


@indicator("ledger.entries", title=_("Ledger entries appended"), section=SECTION, unit=_("entries"), order=900)
def entries(ctx: FigureContext) -> int:
    return ctx.records(LogEntry).filter(appended_at__year=ctx.year).count()


@indicator("ledger.checkpoints", title=_("Signed checkpoints"), section=SECTION, unit=_("checkpoints"), order=901)
def checkpoints(ctx: FigureContext) -> int:
    return ctx.records(Checkpoint).filter(created_at__year=ctx.year).count()


@indicator("ledger.cosignatures", title=_("Witness cosignatures"), section=SECTION, unit=_("cosignatures"), order=902)
def cosignatures(ctx: FigureContext) -> int:
    return ctx.records(Cosignature).filter(created_at__year=ctx.year).count()
