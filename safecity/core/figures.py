"""The cockpit registry: every app contributes indicators and panels here; nothing is typed in.

An indicator is a function of a :class:`FigureContext` (region, year, viewer) that computes one
figure from the records. The cockpit page, the API and ``safecity figures`` all call
:func:`compute_indicators` (and :func:`compute_panels` for the breakdowns), so they show the same numbers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise

from safecity.core.scoping import rule_for, scoped


@dataclass(frozen=True)
class FigureContext:
    """Where and when the figures are computed, and for whom (``user=None``: unrestricted, the CLI)."""

    region: Any
    year: int
    user: Any = None
    # Values several indicators share (e.g. one app's evaluation of every project), computed once
    # per context: see :meth:`memo`.
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per context and ``key``; later calls return the same value."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def records(self, source: type[models.Model] | models.QuerySet) -> models.QuerySet:
        """The rows of ``source`` under ``region`` that the viewer may see."""
        queryset = source if isinstance(source, models.QuerySet) else source._default_manager.all()
        if self.user is not None:
            queryset = scoped(queryset, self.user)
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


@dataclass(frozen=True)
class Panel:
    id: str
    title: str | Promise
    section: str | Promise
    template: str
    data: Callable[[FigureContext], dict[str, Any]]
    order: int = 100


_indicators: dict[str, Indicator] = {}
_panels: dict[str, Panel] = {}


def indicator(
    id: str, *, title: str | Promise, section: str | Promise, unit: str | Promise = "", order: int = 100
) -> Callable[[Callable[[FigureContext], Any]], Callable[[FigureContext], Any]]:
    """Register a cockpit indicator under a stable id such as ``core.organisations.total``."""

    def decorate(fn: Callable[[FigureContext], Any]) -> Callable[[FigureContext], Any]:
        if id in _indicators and _indicators[id].compute is not fn:
            raise ValueError(f"indicator {id} is registered twice")
        _indicators[id] = Indicator(id=id, title=title, section=section, compute=fn, unit=unit, order=order)
        return fn

    return decorate


def panel(
    id: str, *, title: str | Promise, section: str | Promise, template: str, order: int = 100
) -> Callable[[Callable[[FigureContext], dict[str, Any]]], Callable[[FigureContext], dict[str, Any]]]:
    """Register a cockpit panel: a template fed by a function of the context (charts, maps)."""

    def decorate(fn: Callable[[FigureContext], dict[str, Any]]) -> Callable[[FigureContext], dict[str, Any]]:
        _panels[id] = Panel(id=id, title=title, section=section, template=template, data=fn, order=order)
        return fn

    return decorate


def indicators() -> list[Indicator]:
    return sorted(_indicators.values(), key=lambda i: (i.order, i.id))


def panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda p: (p.order, p.id))


def compute_indicators(ctx: FigureContext) -> dict[str, Any]:
    """Every registered indicator's value for ``ctx``, keyed by indicator id."""
    return {ind.id: ind.compute(ctx) for ind in indicators()}


def compute_panels(ctx: FigureContext) -> dict[str, Any]:
    """Every registered panel's data (the breakdowns the cockpit draws as charts), keyed by panel id,
    with translated labels made plain strings so the result is JSON."""
    return {p.id: json.loads(json.dumps(p.data(ctx), ensure_ascii=False, default=str)) for p in panels()}
