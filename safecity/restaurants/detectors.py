"""A restaurant's gas-leak safety protection device on the telemetry engine (issue 15 §4): a networked
combustible-gas detector linked to an automatic shut-off valve, as data for
``safecity.telemetry.rules`` (``docs/telemetry.md``).

The detector speaks GB/T 45839-2025 (networked gas detectors, in force 2026-06-01; domain-rules
§7a): a status code, 1 normal / 2 alarm / 3 fault / 4 masked, reported on every change and at least
every 24 h; lost communication counts as a fault within 24 h. The payload's values:

- ``status``: 1, 2, 3 or 4 (the standard's codes);
- ``valve_closed``: true once the shut-off valve has closed (the device reports the valve's state);
- ``gas_lel``: the concentration in % LEL (optional, shown on the alarm).

The rules (ids stable, so an open alarm survives a rebuild of the set):

- ``gas-leak`` (red): status 2. The valve closes on the device itself; the platform opens the alarm
  and tells the restaurant and, at once, the officials and inspectors over its street (``notify``);
- ``valve-open-in-alarm`` (red): status 2 and the valve still reported open after
  ``SAFECITY_GAS_VALVE_CLOSE_S`` (10 s): the protection failed, escalated at once;
- ``detector-fault`` (orange) and ``detector-masked`` (orange): status 3 or 4;
- ``detector-offline`` (orange): nothing received for 24 h (the standard's lost communication).

A restaurant on cylinders without a working detector is a hidden hazard (the Safety Production Law
requires catering units that use gas to install combustible-gas alarms; the Jiangsu gas regulations
the protection device): a fault, a masked detector or a detector offline for a day raises one,
through the alarm service's ``hazard`` policy.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

# GB/T 45839-2025 status codes.
STATUS_NORMAL, STATUS_ALARM, STATUS_FAULT, STATUS_MASKED = 1, 2, 3, 4
# The standard: lost communication is a fault within 24 h; a signal report at least every 24 h.
OFFLINE_S = 24 * 3600
HAZARD_TYPE_EQUIPMENT = 7  # safecity.hazards.choices.HazardType.EQUIPMENT: the protection device
# Who hears of a leak at once besides the restaurant: the officials and inspectors over its street.
STREET = ["district_official", "inspector"]


def valve_close_s() -> float:
    """Seconds a valve may still be reported open after the alarm (the valve's closing time plus the
    report's delay) before the platform treats the protection as failed."""
    return float(getattr(settings, "SAFECITY_GAS_VALVE_CLOSE_S", 10))


def detector_rules() -> list[dict[str, Any]]:
    """The rules of every restaurant gas detector (titles worded in the active language)."""
    hazard = {"count": 1, "within_days": 1, "hazard_type": HAZARD_TYPE_EQUIPMENT}
    return [
        {
            "id": "gas-leak",
            "kind": "threshold",
            "level": "red",
            "title": _("Gas leak alarm"),
            "metric": "status",
            "op": "==",
            "value": STATUS_ALARM,
            "notify": STREET,
        },
        {
            "id": "valve-open-in-alarm",
            "kind": "state",
            "level": "red",
            "title": _("Shut-off valve still open during a gas leak alarm"),
            "for_s": valve_close_s(),
            "when": {"all": [["status", "==", STATUS_ALARM], ["valve_closed", "==", False]]},
            "notify": STREET,
            "clear": {"any": [["status", "!=", STATUS_ALARM], ["valve_closed", "==", True]]},
        },
        {
            "id": "detector-fault",
            "kind": "threshold",
            "level": "orange",
            "title": _("Gas detector fault"),
            "metric": "status",
            "op": "==",
            "value": STATUS_FAULT,
            "hazard": hazard,
        },
        {
            "id": "detector-masked",
            "kind": "threshold",
            "level": "orange",
            "title": _("Gas detector masked"),
            "metric": "status",
            "op": "==",
            "value": STATUS_MASKED,
            "hazard": hazard,
        },
        {
            "id": "detector-offline",
            "kind": "absence",
            "level": "orange",
            "title": _("Gas detector silent for 24 hours"),
            "after_s": OFFLINE_S,
            "hazard": hazard,
        },
    ]
