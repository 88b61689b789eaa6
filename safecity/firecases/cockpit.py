"""Fire governance and public-interest litigation in the city cockpit and ``safecity figures``.

Every figure is counted from the records of the year (issue 7: 17 units, 2 public hearings,
43 procuratorial suggestion letters, 2 people prosecuted in 2023). Seen by the procuratorate, the
fire rescue detachment and the city and district officials (``SUPERVISORS``, issue 13; officials
count the letters, hearings, replies and prosecutions of their jurisdiction without reading them:
``ScopeRule.count_roles``); everybody else gets "no access", never zeros.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from safecity.core.figures import FigureContext, indicator, panel
from safecity.firecases.models import (
    SUPERVISORS,
    Case,
    Hearing,
    MajorFireHazardUnit,
    ProsecutedPerson,
    Reply,
    SuggestionLetter,
)

SECTION = _("Fire governance + public-interest litigation")


@indicator(
    "firecases.units", title=_("Units with a major fire hazard"), section=SECTION, unit=_("units"), order=400, roles=SUPERVISORS
)
def units(ctx: FigureContext) -> int:
    return ctx.records(MajorFireHazardUnit).filter(determined_on__year=ctx.year).values("organisation").distinct().count()


@indicator("firecases.hearings", title=_("Public hearings"), section=SECTION, unit=_("hearings"), order=401, roles=SUPERVISORS)
def hearings(ctx: FigureContext) -> int:
    return ctx.records(Hearing).filter(held_at__year=ctx.year).count()


@indicator(
    "firecases.letters",
    title=_("Procuratorial suggestion letters"),
    section=SECTION,
    unit=_("letters"),
    order=402,
    roles=SUPERVISORS,
)
def letters(ctx: FigureContext) -> int:
    return ctx.records(SuggestionLetter).filter(year=ctx.year).count()


@indicator(
    "firecases.replies_on_time", title=_("Replies on time"), section=SECTION, unit=_("replies"), order=403, roles=SUPERVISORS
)
def replies_on_time(ctx: FigureContext) -> int:
    return ctx.records(Reply).filter(letter__year=ctx.year, late=False).count()


@indicator("firecases.replies_late", title=_("Replies late"), section=SECTION, unit=_("replies"), order=404, roles=SUPERVISORS)
def replies_late(ctx: FigureContext) -> int:
    return ctx.records(Reply).filter(letter__year=ctx.year, late=True).count()


@indicator(
    "firecases.prosecuted_persons",
    title=_("Persons prosecuted"),
    section=SECTION,
    unit=_("persons"),
    order=405,
    roles=SUPERVISORS,
)
def prosecuted_persons(ctx: FigureContext) -> int:
    return ctx.records(ProsecutedPerson).filter(prosecution__filed_on__year=ctx.year).count()


@panel(
    "firecases.cases_by_state",
    title=_("Fire cases by state"),
    section=SECTION,
    template="core/panels/bar.html",
    order=406,
    roles=SUPERVISORS,
)
def cases_by_state(ctx: FigureContext) -> dict[str, Any]:
    rows = ctx.records(Case).filter(year=ctx.year).values("state").annotate(n=Count("id")).order_by("state")
    labels = dict(Case._meta.get_field("state").choices or [])
    return {"labels": [str(labels.get(r["state"], r["state"])) for r in rows], "values": [r["n"] for r in rows]}
