"""Fact providers: other apps supply structured facts the portrait's rules read.

A rule such as "forced red: an unresolved three-in-one premises" must not depend on which app holds
the record, nor on a word in a description. An app registers a provider for a named fact
(:func:`register_fact_provider`); the rescoring asks every provider of a fact for the enterprises it
scores, set-based (one call per provider, never per enterprise), and the pure engine applies the
rule to the facts whatever their source.

Facts defined so far:

- ``three_in_one`` (:class:`PremisesFact`): premises where living quarters share a building with
  production, storage or trade (三合一; GB 35181-2017 6.2 / 7.9). Provided today by the fire-safety
  inspections' determination (``firecases``); the future factory-within-a-factory app (厂中厂, tenant
  register and landlord inspections) registers its tenant sites the same way, and the portrait
  needs no change.

A provider also names the models its facts come from (``inputs``), so a write to them marks the
enterprise's portrait stale (the rescore outbox, ``services/outbox.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from safecity.portraits.scoring.engine import PremisesFact as _PremisesFact

THREE_IN_ONE = "three_in_one"


# ``evidence_kind`` and ``evidence_id`` of a fact name the record that determined it (a fire
# inspection, a tenant-site check), ``label`` says which in words; only ``present`` facts force red.
PremisesFact = _PremisesFact


# A provider: (enterprise ids, or None for all; the reference moment) -> the facts standing then.
FactProvider = Callable[[list[int] | None, datetime], Iterable[Any]]

_providers: dict[str, dict[str, FactProvider]] = defaultdict(dict)


def register_fact_provider(fact: str, name: str, provider: FactProvider, *, inputs: Iterable[tuple[str, str]] = ()) -> None:
    """Let an app supply ``fact`` for the portraits (``name``: the provider's stable id, e.g.
    ``firecases.inspections``); ``inputs``: (app label, model name) of the models it reads."""
    from safecity.portraits.services.outbox import register_portrait_input

    _providers[fact][name] = provider
    for app_label, model_name in inputs:
        register_portrait_input(app_label, model_name)


def providers(fact: str) -> dict[str, FactProvider]:
    return dict(_providers.get(fact, {}))


def facts_by_enterprise(fact: str, organisation_ids: list[int] | None, ref: datetime) -> dict[int, list[Any]]:
    """Every provider's facts of ``fact`` standing at ``ref``, grouped by enterprise."""
    grouped: dict[int, list[Any]] = defaultdict(list)
    for _name, provider in sorted(providers(fact).items()):
        for item in provider(organisation_ids, ref):
            grouped[item.organisation_id].append(item)
    return grouped
