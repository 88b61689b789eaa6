"""The dictionary's contribution to the city cockpit."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecity.core.figures import FigureContext, indicator
from safecity.riskdict.choices import DictionaryStatus
from safecity.riskdict.models import DictionaryVersion, RiskEntry

SECTION = _("Dual prevention")


@indicator(
    "riskdict.entries.published",
    title=_("Risks in the published dictionary"),
    section=SECTION,
    unit=_("risks"),
    order=5,
)
def entries_published(ctx: FigureContext) -> int:
    """Entries of the latest published version: the catalogue enterprises report and check against."""
    latest = ctx.records(DictionaryVersion).filter(status=DictionaryStatus.PUBLISHED).order_by("-published_at", "-id").first()
    if latest is None:
        return 0
    return ctx.records(RiskEntry).filter(version=latest).count()
