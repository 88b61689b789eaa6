"""The demo city: a seeded, deterministic generator of Changzhou as the article describes it.

Each app contributes a step with :func:`register_step` (in its ``demo.py``); ``safecity seed-demo``
runs them in order with one ``random.Random(seed)`` per step, so the same seed gives the same city.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

DEMO_PASSWORD = "Changzhou-2023"


@dataclass(frozen=True)
class DemoStep:
    name: str
    run: Callable[[random.Random, Any], None]
    order: int


_steps: dict[str, DemoStep] = {}


def register_step(
    name: str, *, order: int
) -> Callable[[Callable[[random.Random, Any], None]], Callable[[random.Random, Any], None]]:
    def decorate(fn: Callable[[random.Random, Any], None]) -> Callable[[random.Random, Any], None]:
        _steps[name] = DemoStep(name=name, run=fn, order=order)
        return fn

    return decorate


def steps() -> list[DemoStep]:
    return sorted(_steps.values(), key=lambda s: (s.order, s.name))


from safecity.core.demo import city as _city  # noqa: E402,F401  (registers the core step)
