"""The innovation selection in the city cockpit and ``safecity figures`` (counted from the records).

Issue 5 §5: in 2023 the City Safety Committee selected 38 innovation projects.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from safecity.core.figures import FigureContext, indicator, panel
from safecity.innovation.choices import EntryState, InnovationCategory
from safecity.innovation.models import InnovationEntry, SelectedEntry

SECTION = _("Innovation selection")


@indicator("innovation.submitted", title=_("Innovation projects submitted"), section=SECTION, unit=_("projects"), order=600)
def submitted(ctx: FigureContext) -> int:
    return ctx.records(InnovationEntry).filter(round__year=ctx.year, state=EntryState.SUBMITTED).count()


@indicator("innovation.selected", title=_("Innovation projects selected"), section=SECTION, unit=_("projects"), order=601)
def selected(ctx: FigureContext) -> int:
    """Counted from the published list (frozen rows), within the region of the departments."""
    rows = ctx.records(SelectedEntry).filter(selection__round__year=ctx.year, selection__published_at__isnull=False)
    return rows.filter(entry__department__region__path__startswith=ctx.region.path).count()


@panel(
    "innovation.by_category",
    title=_("Innovation projects by category (submitted / selected)"),
    section=SECTION,
    template="core/panels/bar.html",
    order=602,
)
def by_category(ctx: FigureContext) -> dict[str, Any]:
    entries = ctx.records(InnovationEntry).filter(round__year=ctx.year, state=EntryState.SUBMITTED)
    counts = {r["category"]: r["n"] for r in entries.values("category").annotate(n=Count("id"))}
    chosen = {
        r["category"]: r["n"]
        for r in ctx.records(SelectedEntry)
        .filter(selection__round__year=ctx.year, selection__published_at__isnull=False)
        .filter(entry__department__region__path__startswith=ctx.region.path)
        .values("category")
        .annotate(n=Count("id"))
    }
    # Each bar is a category and a stage, named by the entry state's label and the selection's.
    submitted_label, selected_label = EntryState.SUBMITTED.label, _("selected")
    labels, values = [], []
    for value, label in InnovationCategory.choices:
        labels += [f"{label} · {submitted_label}", f"{label} · {selected_label}"]
        values += [counts.get(value, 0), chosen.get(value, 0)]
    return {"labels": labels, "values": values}
