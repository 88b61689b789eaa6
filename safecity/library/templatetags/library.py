"""``{% library_citations record %}``: the library entries a record cites, on the record's own page.

Any citing app (hazards, key projects, ...) puts the tag on its detail template; the tag reads
through the library's selectors (scoped) and offers the cite/remove form only to those the citing
kind's rule lets cite.
"""

from __future__ import annotations

from typing import Any

from django import template

from safecity.library import selectors
from safecity.library.citations import kind_for

register = template.Library()


@register.inclusion_tag("library/cited.html", takes_context=True)
def library_citations(context: dict[str, Any], record: Any, heading: str = "") -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    kind = kind_for(type(record))
    may = kind is not None and user is not None and selectors.may_cite(user=user, record=record)
    return {
        "record": record,
        "kind": kind,
        "heading": heading,
        "entries": selectors.cited_entries(user=user, record=record) if kind is not None else [],
        "candidates": selectors.citation_candidates(user=user, record=record) if may else None,
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
