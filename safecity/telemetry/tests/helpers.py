"""Small builders for the rule-engine tests: readings at device times in seconds from T0."""

from __future__ import annotations

from typing import Any

from safecity.telemetry.rules import Action, Engine, Event, Reading, parse_rule

T0 = 1_780_000_000.0  # a fixed epoch second, so tests never depend on the clock


def reading(t: float, *, device: str = "F1", seq: int | None = None, pos: tuple[float, float] | None = None,
            received: float | None = None, **values: Any) -> Reading:  # fmt: skip
    return Reading(
        device_id=device,
        seq=int(t * 10) if seq is None else seq,
        device_ts=T0 + t,
        received_ts=T0 + (t if received is None else received),
        values=values,
        position=pos,
    )


def engine(*rules: dict[str, Any], **kwargs: Any) -> Engine:
    return Engine([parse_rule(rule) for rule in rules], **kwargs)


def feed(eng: Engine, *readings: Reading) -> list[Event]:
    events: list[Event] = []
    for item in readings:
        events.extend(eng.evaluate(item).events)
    return events


def actions(events: list[Event]) -> list[tuple[str, float]]:
    """(action, seconds after T0) of each event: what a user would see on the alarm timeline."""
    return [(event.action.value, round(event.at - T0, 3)) for event in events]


FIRE, CLEAR = Action.FIRE.value, Action.CLEAR.value
