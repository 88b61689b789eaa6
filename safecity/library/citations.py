"""The registry of citing models: how a sub-system's records cite library entries.

The library imports no sub-system. Each app that cites the library keeps a citation table (a
subclass of :class:`safecity.library.models.Citation`, or any model with a ``library_entry``
foreign key and one to the citing record) and registers it here from its own ``citations.py``,
which the library's ``AppConfig.ready`` discovers::

    register_citing(CitingKind(key="hazards.hazard", citation=LibraryCitation, record_field="hazard", ...))

The library page then shows, per registered kind, the citing records the viewer may see
(``scoped`` on the record's own model, assignments included), and the API detail of an entry
carries one list per kind (``api_field``). Who may add or remove a citation is the kind's
``may_cite`` (usually: whoever may change the citing record).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise


@dataclass(frozen=True)
class CitedRecord:
    """One citing record as the library page shows it: words, never codes."""

    label: str
    url: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class CitingKind:
    """One citing model.

    key: stable name used in forms and the API (``"<app>.<model>"``).
    slug: the section's name in the page and the API (``"hazards"``, ``"key-projects"``).
    citation: the citation table; it has ``library_entry`` and ``record_field`` foreign keys.
    heading: the section title on the library page ("Hidden hazards citing it").
    describe: one visible citing object -> :class:`CitedRecord` (label, link, detail line).
    may_cite: may the user add or remove a citation of this record (the rule of the citing app).
    api_field / serializer: the list of citing objects in the API detail of an entry.
    rows: optional; the visible citing objects of an entry for a viewer, when the default
        (``scoped(record model, user)`` restricted to the cited ones) is not what the app shows.
    visible_to: optional; a viewer for whom the kind is shown at all (a role check).
    signed_out: what an anonymous visitor reads instead of the list (None: the list is shown).
    lookup / lookup_label: optional; find a record the user may see by the number they type, so
        the record can be cited from the library page.
    count_field / count_label: optional; a column of the library list counting the citations.
    duplicate: the refusal when the pair is already linked.
    """

    key: str
    slug: str
    citation: type[models.Model]
    record_field: str
    heading: str | Promise
    order: int
    describe: Callable[[Any], CitedRecord]
    may_cite: Callable[[Any, models.Model], bool]
    api_field: str
    serializer: type[Any]
    duplicate: str | Promise
    empty: str | Promise
    rows: Callable[[Any, models.Model], Iterable[Any]] | None = None
    visible_to: Callable[[Any], bool] | None = None
    signed_out: str | Promise | None = None
    lookup: Callable[[Any, str], models.Model | None] | None = None
    lookup_label: str | Promise = ""
    lookup_placeholder: str | Promise = ""
    lookup_button: str | Promise = ""
    count_field: str | None = None
    count_label: str | Promise = ""
    select_related: tuple[str, ...] = ()
    ordering: tuple[str, ...] = ("-pk",)
    max_shown: int = 50
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def record_model(self) -> type[models.Model]:
        return self.citation._meta.get_field(self.record_field).related_model  # type: ignore[return-value]


_kinds: dict[str, CitingKind] = {}


def register_citing(kind: CitingKind) -> CitingKind:
    """Register a citing model (from the citing app's ``citations.py``). Registering the same key
    twice replaces it (module reloads in tests), never duplicates it."""
    _kinds[kind.key] = kind
    return kind


def kinds() -> list[CitingKind]:
    return sorted(_kinds.values(), key=lambda k: (k.order, k.key))


def kind_by_key(key: str) -> CitingKind | None:
    return _kinds.get(key)


def kind_for(model: type[models.Model]) -> CitingKind | None:
    """The kind whose citing record is ``model`` (a hidden hazard, a key project)."""
    for kind in _kinds.values():
        if kind.record_model is model:
            return kind
    return None
