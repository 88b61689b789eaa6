"""The rule-evaluation engine: readings in device-time order per device -> fire/clear events.

Policies (issue 14; domain-rules §4, "out-of-order buffered positions causing false events",
"geofence flapping", "alarm fatigue"):

- **Order.** Each device's readings are evaluated in (device time, sequence) order. A reading at or
  before the device's last evaluated one is *late* (or a *duplicate* when equal) and is not
  evaluated: it cannot clear, move a geofence or start a duration, so a position buffered during a
  tunnel and uploaded afterwards never flaps a zone. The one thing a late reading still does is fire
  a closed *momentary* threshold (an event one reading holds, a collision), on the reading's own
  values, see ``_late_spikes``. The ingest worker still stores it (route playback shows
  it). No reorder window: holding readings back to sort them would delay every alarm by the window,
  and a device's own buffer uploads in order, so what arrives late is stale rather than shuffled.
- **Future.** A reading stamped more than ``max_future_s`` after it was received is not evaluated;
  accepted, it would make every correct reading after it look late.
- **Current values.** Rules see the device's last known value of each metric and its last known
  position, updated by each evaluated reading (devices may send partial readings). A metric never
  reported makes a rule's condition unknown, which changes nothing.
- **Durations** (``for_s``, ``clear_for_s``, ``dwell_s``) are measured in device time from the first
  evaluated reading at which the condition held, and end at the first reading that shows it has
  held long enough (so the seat belt fires at the first reading 20 s or more into the violation).
  A reading at which the condition does not hold restarts the count.
- **Dedup.** One open alarm per (device, rule): a rule that is already open emits nothing until it
  clears; a closed rule emits no clear.
- **Absence** uses the receive clock: ``tick(now)`` fires for devices silent for ``after_s``; any
  reading received afterwards (late ones too: they prove the device is alive) clears it.
- **Restart.** ``dump_device``/``load_device`` (and ``dump``/``load``) give each device's state as
  JSON-ready dicts; restoring it and evaluating the rest of a stream gives exactly the events an
  uninterrupted run would have given.

Feed each device's readings to one engine (MQTT shared subscriptions spread a device's messages
over workers, so the ingest worker must route by device before evaluation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from safecity.telemetry.rules.definitions import AbsenceRule, GeofenceRule, RateRule, Rule, StateRule, ThresholdRule
from safecity.telemetry.rules.model import Action, Evaluation, Event, Reading, Status

STATE_VERSION = 1
RATE_SAMPLES_PER_WINDOW = 32  # bounds the persisted samples of a rate rule whatever the send rate
_EVALUATED_EMPTY = Evaluation(Status.EVALUATED)


class RuleState:
    """The state of one (device, rule): open or not, since when the pending condition has held,
    and for a rate rule its recent samples. Serialised by ``to_data``/``from_data``."""

    __slots__ = ("open", "samples", "since")

    def __init__(self, open: bool = False, since: float | None = None, samples: list[list[float]] | None = None) -> None:
        self.open = open
        self.since = since
        self.samples = samples

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"open": self.open, "since": self.since}
        if self.samples is not None:
            data["samples"] = [list(s) for s in self.samples]
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> RuleState:
        samples = data.get("samples")
        since = data.get("since")
        return cls(
            open=bool(data.get("open", False)),
            since=None if since is None else float(since),
            samples=None if samples is None else [[float(t), float(v)] for t, v in samples],
        )


class DeviceState:
    """Everything the engine knows about one device; ``to_data`` gives its JSON form."""

    __slots__ = ("absence", "device_id", "last_received", "last_seq", "last_ts", "position", "rules", "values")

    def __init__(self, device_id: str, rules: Sequence[Rule]) -> None:
        self.device_id = device_id
        self.last_ts: float | None = None
        self.last_seq: int | None = None
        self.last_received: float | None = None
        self.values: dict[str, Any] = {}
        self.position: tuple[float, float] | None = None
        self.bind(rules, {})

    def bind(self, rules: Sequence[Rule], states: Mapping[str, RuleState]) -> None:
        bound: list[tuple[Rule, RuleState]] = []
        absence: list[tuple[AbsenceRule, RuleState]] = []
        for rule in rules:
            state = states.get(rule.id) or RuleState(samples=[] if isinstance(rule, RateRule) else None)
            if isinstance(rule, RateRule) and state.samples is None:
                state.samples = []
            if isinstance(rule, AbsenceRule):
                absence.append((rule, state))
            else:
                bound.append((rule, state))
        self.rules: tuple[tuple[Rule, RuleState], ...] = tuple(bound)
        self.absence: tuple[tuple[AbsenceRule, RuleState], ...] = tuple(absence)

    def rule_states(self) -> Iterator[tuple[Rule, RuleState]]:
        yield from self.rules
        yield from self.absence

    def to_data(self, *, at_rest: bool = True) -> dict[str, Any]:
        """The JSON form. Without ``at_rest``, rules at rest (closed, nothing pending, no samples)
        are left out: ``bind`` makes exactly that of a missing entry, and the ingest path writes
        this form once a batch per device, so the short form is the cheap one."""
        if at_rest:
            rules = {rule.id: state.to_data() for rule, state in self.rule_states()}
        else:
            rules = {
                rule.id: state.to_data()
                for rule, state in self.rule_states()
                if state.open or state.since is not None or state.samples
            }
        return {
            "version": STATE_VERSION,
            "last_ts": self.last_ts,
            "last_seq": self.last_seq,
            "last_received": self.last_received,
            "values": dict(self.values),
            "position": None if self.position is None else list(self.position),
            "rules": rules,
        }


def _zone_outside(rule: ThresholdRule | RateRule | StateRule, dev: DeviceState) -> bool | None:
    """Whether a zone-scoped rule is out of its zone (None: no position known yet)."""
    if rule.zone is None:
        return False
    if dev.position is None:
        return None
    return not rule.zone.contains(dev.position[0], dev.position[1])


def _zone_gate(
    rule: ThresholdRule | RateRule | StateRule, dev: DeviceState, state: RuleState, value: Any
) -> tuple[bool | None, Any] | None:
    """The probe's answer when the rule's zone decides it: unknown without a position; out of the
    zone, the clear condition counts as met (an open alarm clears, none opens). None: in the zone,
    or no zone, so the rule's own conditions decide."""
    outside = _zone_outside(rule, dev)
    if outside is None:
        return None, None
    if outside:
        return state.open, value
    return None


def _probe_threshold(
    rule: ThresholdRule, dev: DeviceState, state: RuleState, reading: Reading, t: float
) -> tuple[bool | None, Any]:
    value = dev.values.get(rule.fire.metric)
    if value is None:
        return None, None
    if (gated := _zone_gate(rule, dev, state, value)) is not None:
        return gated
    cond = rule.clear if state.open else rule.fire
    return cond.fn(value, cond.value), value


def _probe_rate(rule: RateRule, dev: DeviceState, state: RuleState, reading: Reading, t: float) -> tuple[bool | None, Any]:
    value = reading.values.get(rule.fire.metric)
    if value is None:
        return None, None  # no new sample, no new rate
    samples = state.samples
    assert samples is not None
    cutoff = t - rule.window_s
    while samples and samples[0][0] < cutoff:
        samples.pop(0)
    rate = None
    if samples and t > samples[0][0]:
        rate = (value - samples[0][1]) / (t - samples[0][0]) * rule.per_s
    if not samples or t - samples[-1][0] >= rule.window_s / RATE_SAMPLES_PER_WINDOW:
        samples.append([t, float(value)])
    if rate is None:
        return None, None
    if (gated := _zone_gate(rule, dev, state, rate)) is not None:
        return gated
    cond = rule.clear if state.open else rule.fire
    return cond.fn(rate, cond.value), rate


def _probe_geofence(
    rule: GeofenceRule, dev: DeviceState, state: RuleState, reading: Reading, t: float
) -> tuple[bool | None, Any]:
    if dev.position is None:
        return None, None
    inside = rule.zone.contains(dev.position[0], dev.position[1])
    on_alarm_side = inside if rule.alarm_when == "inside" else not inside
    return (not on_alarm_side if state.open else on_alarm_side), inside


def _probe_state(rule: StateRule, dev: DeviceState, state: RuleState, reading: Reading, t: float) -> tuple[bool | None, Any]:
    if (gated := _zone_gate(rule, dev, state, None)) is not None:
        return gated
    return (rule.clear if state.open else rule.when).test(dev.values), None


_PROBES: dict[type, Callable[..., tuple[bool | None, Any]]] = {
    ThresholdRule: _probe_threshold,
    RateRule: _probe_rate,
    GeofenceRule: _probe_geofence,
    StateRule: _probe_state,
}


def _params(rule: Rule, dev: DeviceState, detail: Any, since: float, t: float, opening: bool) -> dict[str, Any]:
    params: dict[str, Any] = {"since": since, "held_s": t - since}
    if isinstance(rule, ThresholdRule | RateRule):
        cond = rule.fire if opening else rule.clear
        params.update(metric=cond.metric, op=cond.op, limit=cond.value)
        params["rate" if isinstance(rule, RateRule) else "value"] = detail
        if isinstance(rule, RateRule):
            params["per_s"] = rule.per_s
    elif isinstance(rule, GeofenceRule):
        params.update(alarm_when=rule.alarm_when, inside=detail, position=list(dev.position) if dev.position else None)
    elif isinstance(rule, StateRule):
        params["values"] = {m: dev.values.get(m) for m in sorted(rule.when.metrics() | rule.clear.metrics())}
    if isinstance(rule, ThresholdRule | RateRule | StateRule) and rule.zone is not None:
        params["in_zone"] = _zone_outside(rule, dev) is False
    return params


class Engine:
    """Evaluates readings against rules and keeps the per-(device, rule) state.

    ``rules`` is either one rule set for every device or a function from a device id to its rules
    (resolved once per device; call ``rebind`` after the rules change). Not thread-safe: one engine
    per worker thread, each device on one engine.
    """

    def __init__(self, rules: Sequence[Rule] | Callable[[str], Sequence[Rule]], *, max_future_s: float = 300.0) -> None:
        if callable(rules):
            self.rules_for: Callable[[str], Sequence[Rule]] = rules
        else:
            fixed = tuple(rules)
            _check_unique(fixed)
            self.rules_for = lambda device_id: fixed
        self.max_future_s = max_future_s
        self.devices: dict[str, DeviceState] = {}

    def _device(self, device_id: str) -> DeviceState:
        dev = self.devices.get(device_id)
        if dev is None:
            rules = tuple(self.rules_for(device_id))
            _check_unique(rules)
            dev = self.devices[device_id] = DeviceState(device_id, rules)
        return dev

    def evaluate(self, reading: Reading) -> Evaluation:
        """Evaluate one reading; see the module docstring for the ordering policy."""
        dev = self._device(reading.device_id)
        events: list[Event] = []
        previous_received = dev.last_received
        if previous_received is None or reading.received_ts > previous_received:
            dev.last_received = reading.received_ts
        for absence_rule, absence_state in dev.absence:
            if absence_state.open:
                absence_state.open = False
                silent = reading.received_ts - previous_received if previous_received is not None else None
                events.append(_event(dev, absence_rule, Action.CLEAR, reading.received_ts, {"silent_s": silent}, reading))
        t = reading.device_ts
        if t > reading.received_ts + self.max_future_s:
            return Evaluation(Status.FUTURE, tuple(events))
        last_ts = dev.last_ts
        if last_ts is not None and (t < last_ts or (t == last_ts and dev.last_seq is not None and reading.seq <= dev.last_seq)):
            if t == last_ts and reading.seq == dev.last_seq:
                return Evaluation(Status.DUPLICATE, tuple(events))
            events.extend(_late_spikes(dev, reading, t))
            return Evaluation(Status.LATE, tuple(events))
        dev.last_ts, dev.last_seq = t, reading.seq
        if reading.values:
            dev.values.update(reading.values)
        if reading.position is not None:
            dev.position = reading.position
        for rule, state in dev.rules:
            held, detail = _PROBES[type(rule)](rule, dev, state, reading, t)
            if held is None:
                continue
            if not held:
                state.since = None
                continue
            since = state.since
            if since is None:
                since = state.since = t
            opening = not state.open
            needed = _duration(rule, opening)
            if t - since < needed:
                continue
            state.open = opening
            state.since = None
            params = _params(rule, dev, detail, since, t, opening)
            events.append(_event(dev, rule, Action.FIRE if opening else Action.CLEAR, t, params, reading))
        if not events:
            return _EVALUATED_EMPTY
        return Evaluation(Status.EVALUATED, tuple(events))

    def tick(self, now: float) -> list[Event]:
        """Fire the absence rules of devices silent for their ``after_s`` (receive clock)."""
        events: list[Event] = []
        for dev in self.devices.values():
            last = dev.last_received
            if last is None:
                continue
            for rule, state in dev.absence:
                if not state.open and now - last >= rule.after_s:
                    state.open = True
                    events.append(_event(dev, rule, Action.FIRE, now, {"last_received": last, "silent_s": now - last}, None))
        return events

    def expect(self, device_id: str, *, since: float) -> None:
        """Start the absence clock of a registered device that has not reported yet."""
        dev = self._device(device_id)
        if dev.last_received is None:
            dev.last_received = since

    def open_alarms(self) -> list[tuple[str, str]]:
        """The (device, rule) pairs whose alarm is open, sorted."""
        return sorted((d.device_id, r.id) for d in self.devices.values() for r, s in d.rule_states() if s.open)

    def dump_device(self, device_id: str, *, at_rest: bool = True) -> dict[str, Any] | None:
        """The device's state as JSON data (``load_device`` restores it); ``at_rest=False`` leaves
        out the rules at rest, which ``load_device`` restores the same."""
        dev = self.devices.get(device_id)
        return None if dev is None else dev.to_data(at_rest=at_rest)

    def load_device(self, device_id: str, data: Mapping[str, Any]) -> list[str]:
        """Restore a device from ``dump_device``; returns the ids of rules that were open in the
        saved state but no longer apply to the device (their alarms are for the caller to close)."""
        if data.get("version") != STATE_VERSION:
            raise ValueError(f"device {device_id}: unknown state version {data.get('version')!r}")
        dev = DeviceState(device_id, ())
        dev.last_ts = None if data.get("last_ts") is None else float(data["last_ts"])
        dev.last_seq = None if data.get("last_seq") is None else int(data["last_seq"])
        dev.last_received = None if data.get("last_received") is None else float(data["last_received"])
        dev.values = dict(data.get("values") or {})
        position = data.get("position")
        dev.position = None if position is None else (float(position[0]), float(position[1]))
        states = {rule_id: RuleState.from_data(state) for rule_id, state in (data.get("rules") or {}).items()}
        rules = tuple(self.rules_for(device_id))
        _check_unique(rules)
        dev.bind(rules, states)
        self.devices[device_id] = dev
        current = {rule.id for rule in rules}
        return sorted(rule_id for rule_id, state in states.items() if state.open and rule_id not in current)

    def dump(self) -> dict[str, Any]:
        """Every device's state, as one JSON-ready dict."""
        return {"version": STATE_VERSION, "devices": {d: dev.to_data() for d, dev in self.devices.items()}}

    def load(self, data: Mapping[str, Any]) -> list[tuple[str, str]]:
        orphans: list[tuple[str, str]] = []
        for device_id, device_data in (data.get("devices") or {}).items():
            orphans.extend((device_id, rule_id) for rule_id in self.load_device(device_id, device_data))
        return orphans

    def rebind(self, device_ids: Iterable[str] | None = None) -> list[tuple[str, str]]:
        """Re-resolve the rules of the given (default: all) devices after a rule change, keeping
        each remaining rule's state by id; returns the open alarms of rules that went away."""
        orphans: list[tuple[str, str]] = []
        for device_id in list(self.devices if device_ids is None else device_ids):
            data = self.dump_device(device_id)
            if data is not None:
                orphans.extend((device_id, rule_id) for rule_id in self.load_device(device_id, data))
        return orphans


def _late_spikes(dev: DeviceState, reading: Reading, t: float) -> list[Event]:
    """What a late reading still fires: the *momentary* thresholds (``"momentary": true``: an event
    that one reading holds, no duration, no zone), tested on the reading's own values. A collision's
    2.5 g exists in that reading only; missing it because another worker committed the next reading
    first, or because the tracker buffered it, would lose the one alarm that matters. A stale
    overspeed, by contrast, is a condition that has since changed, so it stays unevaluated. It fires
    a closed rule and nothing else: it moves no state the next readings depend on (current values,
    position, pending durations) and clears nothing, so a stale reading never closes a live alarm;
    the next in-order reading clears it as usual."""
    events: list[Event] = []
    for rule, state in dev.rules:
        if type(rule) is not ThresholdRule or not rule.momentary or state.open:
            continue
        value = reading.values.get(rule.fire.metric)
        if value is None or not rule.fire.fn(value, rule.fire.value):
            continue
        state.open = True
        state.since = None
        params = _params(rule, dev, value, t, t, True)
        params["late"] = True
        events.append(_event(dev, rule, Action.FIRE, t, params, reading))
    return events


def _duration(rule: Rule, opening: bool) -> float:
    if isinstance(rule, GeofenceRule):
        return rule.dwell_s if opening else rule.clear_dwell_s
    if isinstance(rule, AbsenceRule):
        return 0.0
    return rule.for_s if opening else rule.clear_for_s


def _event(dev: DeviceState, rule: Rule, action: Action, at: float, params: dict[str, Any], reading: Reading | None) -> Event:
    return Event(dev.device_id, rule.id, rule.kind, action, rule.level, at, f"{rule.kind}.{action.value}", params, reading)


def _check_unique(rules: Sequence[Rule]) -> None:
    ids = [rule.id for rule in rules]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate rule ids: {sorted({i for i in ids if ids.count(i) > 1})}")
