"""The cockpit registry: every app contributes indicators and panels here; nothing is typed in.

An indicator is a function of a :class:`FigureContext` (region, year, viewer) that computes one
figure from the records. The cockpit page, the API and ``safecity figures`` all call
:func:`compute_indicators` (and :func:`compute_panels` for the breakdowns), so they show the same numbers.

Who may see a figure (issue 13: a panel the viewer may not see is never shown as zeros):
- an indicator or panel may declare ``roles``: only viewers holding one of them see it;
- whatever it declares, a figure whose every read (:meth:`FigureContext.records`) is of a model the
  viewer cannot reach at all is "no access" for that viewer, not a zero;
- both give :data:`NO_ACCESS` in :func:`indicator_values` / :func:`panel_values`; the cockpit leaves
  those out (a section with nothing left says "no access"), the API and ``safecity figures --user``
  list their ids under ``no_access``. Without a viewer (the CLI's default) everything is shown.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise

from safecity.core.scoping import COUNT, NOTHING, principal_for, rule_for, scope_q


class _NoAccess:
    """The value of a figure its viewer may not see (never a zero)."""

    def __repr__(self) -> str:
        return "NO_ACCESS"


NO_ACCESS: Any = _NoAccess()


@dataclass(frozen=True)
class FigureContext:
    """Where and when the figures are computed, and for whom (``user=None``: unrestricted, the CLI)."""

    region: Any
    year: int
    user: Any = None
    # Values several indicators share (e.g. one app's evaluation of every project), computed once
    # per context: see :meth:`memo`.
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # One list per figure being computed: for each read, whether the viewer reaches none of the model.
    _reads: list[list[bool]] = field(default_factory=list, compare=False, repr=False)

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per context and ``key``; later calls return the same value (and
        count the same reads, so a shared input out of reach makes every figure using it "no access")."""
        if key not in self._memo:
            self._reads.append([])
            try:
                value = compute()
            finally:
                reads = self._reads.pop()
            self._memo[key] = (value, reads)
        value, reads = self._memo[key]
        if self._reads:
            self._reads[-1].extend(reads)
        return value

    def records(self, source: type[models.Model] | models.QuerySet) -> models.QuerySet:
        """The rows of ``source`` under ``region`` that the viewer may count (see ``ScopeRule.count_roles``)."""
        queryset = source if isinstance(source, models.QuerySet) else source._default_manager.all()
        if self.user is not None:
            q = scope_q(queryset.model, principal_for(self.user), COUNT)
            if self._reads:
                self._reads[-1].append(q == NOTHING)
            if q is not None:
                queryset = queryset.filter(q)
        rule = rule_for(queryset.model)
        if rule.region_path:
            queryset = queryset.filter(**{f"{rule.region_path}__startswith": self.region.path})
        return queryset


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str | Promise
    section: str | Promise
    compute: Callable[[FigureContext], Any]
    unit: str | Promise = ""
    order: int = 100
    roles: frozenset[str] | None = None  # None: every viewer who reaches its records


@dataclass(frozen=True)
class Panel:
    id: str
    title: str | Promise
    section: str | Promise
    template: str
    data: Callable[[FigureContext], dict[str, Any]]
    order: int = 100
    roles: frozenset[str] | None = None


_indicators: dict[str, Indicator] = {}
_panels: dict[str, Panel] = {}


def indicator(
    id: str,
    *,
    title: str | Promise,
    section: str | Promise,
    unit: str | Promise = "",
    order: int = 100,
    roles: frozenset[str] | None = None,
) -> Callable[[Callable[[FigureContext], Any]], Callable[[FigureContext], Any]]:
    """Register a cockpit indicator under a stable id such as ``core.organisations.total``;
    ``roles``: only viewers holding one of these roles see it (None: whoever reaches its records)."""

    def decorate(fn: Callable[[FigureContext], Any]) -> Callable[[FigureContext], Any]:
        if id in _indicators and _indicators[id].compute is not fn:
            raise ValueError(f"indicator {id} is registered twice")
        _indicators[id] = Indicator(id=id, title=title, section=section, compute=fn, unit=unit, order=order, roles=roles)
        return fn

    return decorate


def panel(
    id: str,
    *,
    title: str | Promise,
    section: str | Promise,
    template: str,
    order: int = 100,
    roles: frozenset[str] | None = None,
) -> Callable[[Callable[[FigureContext], dict[str, Any]]], Callable[[FigureContext], dict[str, Any]]]:
    """Register a cockpit panel: a template fed by a function of the context (charts, maps)."""

    def decorate(fn: Callable[[FigureContext], dict[str, Any]]) -> Callable[[FigureContext], dict[str, Any]]:
        _panels[id] = Panel(id=id, title=title, section=section, template=template, data=fn, order=order, roles=roles)
        return fn

    return decorate


def indicators() -> list[Indicator]:
    return sorted(_indicators.values(), key=lambda i: (i.order, i.id))


def panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda p: (p.order, p.id))


def may_see(user: Any, roles: frozenset[str] | None) -> bool:
    """Does the figure's declared audience include ``user``? (No viewer: the CLI, unrestricted.)"""
    if user is None or roles is None:
        return True
    principal = principal_for(user)
    return principal.is_superuser or bool(principal.roles & roles)


def _evaluate(ctx: FigureContext, roles: frozenset[str] | None, compute: Callable[[FigureContext], Any]) -> Any:
    if not may_see(ctx.user, roles):
        return NO_ACCESS
    ctx._reads.append([])
    try:
        value = compute(ctx)
    finally:
        reads = ctx._reads.pop()
    if reads and all(reads):
        return NO_ACCESS  # every record it counts is out of the viewer's reach: not a zero
    return value


def indicator_values(ctx: FigureContext) -> dict[str, Any]:
    """Every registered indicator's value for ``ctx`` (or :data:`NO_ACCESS`), keyed by id."""
    return {ind.id: _evaluate(ctx, ind.roles, ind.compute) for ind in indicators()}


def panel_values(ctx: FigureContext) -> dict[str, Any]:
    """Every registered panel's data (or :data:`NO_ACCESS`), keyed by id."""
    return {p.id: _evaluate(ctx, p.roles, p.data) for p in panels()}


def visible(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not NO_ACCESS}


def no_access(*values: dict[str, Any]) -> list[str]:
    """The ids of the figures the viewer may not see, sorted."""
    return sorted(key for group in values for key, value in group.items() if value is NO_ACCESS)


def compute_indicators(ctx: FigureContext) -> dict[str, Any]:
    """The value of every registered indicator the viewer may see, keyed by indicator id."""
    return visible(indicator_values(ctx))


def as_json(data: dict[str, Any]) -> Any:
    """Panel data with translated labels made plain strings, so the result is JSON."""
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


def compute_panels(ctx: FigureContext) -> dict[str, Any]:
    """The data of every registered panel the viewer may see (the breakdowns the cockpit draws as
    charts), keyed by panel id, as JSON."""
    return {key: as_json(data) for key, data in visible(panel_values(ctx)).items()}
