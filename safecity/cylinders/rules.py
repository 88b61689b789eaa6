"""Cylinder rules: inspection intervals, service life and scrap age, the filling gate, fill mass.

Pure functions of plain values (no database), so every rule and boundary is tested by table.

Sources (see ``shared/mission/domain-rules.md`` §3 and ``docs/cylinders.md``):

- TSG 23-2021 《气瓶安全技术规程》 (amendment in force 2025-01-01): periodic-inspection intervals by
  medium (LPG steel cylinders 4 years, corrosive gases 2, inert / high-purity gases 5, others 3);
  a filling unit fills only its own cylinders that are registered, within their inspection date,
  not scrapped, not past their service life, with legible marks and sound accessories; every
  cylinder carries a permanent electronic code; a scrapped cylinder's code is voided.
- GB 5842 《液化石油气钢瓶》: LPG steel cylinders have a design service life of 8 years; one that
  passes its inspection at the end of that life may be used for 4 more years; compulsory scrap at
  12 years (the older rule allowed 15).
- GB 14193 《液化气体气瓶充装规定》: LPG filling coefficient 0.42 kg per litre of water volume.
- DB4114/T 185-2023: code unique, one filling unit per cylinder, records kept at least 2 years.

Numbers that differ between provinces or editions are settings (``CYLINDERS_*``) with these
values as defaults.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safecity.cylinders.choices import CylinderState, GateReason, InspectionResult, MediumClass

# TSG 23-2021: periodic-inspection interval in years, by medium class.
INSPECTION_INTERVAL_YEARS: dict[str, int] = {
    MediumClass.LPG_STEEL: 4,
    MediumClass.CORROSIVE: 2,
    MediumClass.INERT: 5,
    MediumClass.GENERAL: 3,
}
# GB 5842: LPG steel cylinder design life, extension after a passing end-of-life inspection, hard cap.
LPG_DESIGN_LIFE_YEARS = 8
LPG_EXTENSION_YEARS = 4
LPG_COMPULSORY_SCRAP_YEARS = 12
# Seamless steel cylinders for other gases (TSG 23-2021 Annex: design life 30 years).
OTHER_DESIGN_LIFE_YEARS = 30
# An inspection counts as the end-of-life inspection when done at most this many months before the
# design life ends (cylinders are brought in shortly before their due date).
END_OF_LIFE_WINDOW_MONTHS = 6
# GB 14193: filling coefficient of LPG, kg per litre of water volume.
LPG_FILLING_COEFFICIENT = Decimal("0.42")
# A cylinder whose inspection falls due within this many days is flagged (daily job).
DUE_SOON_DAYS = 30


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def add_years(day: date, years: int) -> date:
    """``day`` plus whole years; 29 February becomes 28 February in a common year."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def inspection_interval_years(medium_class: str) -> int:
    """TSG 23-2021: years between periodic inspections for ``medium_class``."""
    table = _setting("CYLINDERS_INSPECTION_INTERVAL_YEARS", INSPECTION_INTERVAL_YEARS)
    return int(table.get(medium_class, table[MediumClass.GENERAL]))


def next_inspection_on(since: date, medium_class: str) -> date:
    """The next periodic inspection date: ``since`` (manufacture or last passing inspection) plus the interval."""
    return add_years(since, inspection_interval_years(medium_class))


def design_life_end(manufactured_on: date, medium_class: str) -> date:
    """GB 5842 / TSG 23-2021: end of the design service life."""
    years = LPG_DESIGN_LIFE_YEARS if medium_class == MediumClass.LPG_STEEL else OTHER_DESIGN_LIFE_YEARS
    return add_years(manufactured_on, years)


def is_end_of_life_inspection(manufactured_on: date, medium_class: str, inspected_on: date) -> bool:
    """Is this inspection the one at the end of the LPG design life (which may extend it)?"""
    if medium_class != MediumClass.LPG_STEEL:
        return False
    return inspected_on >= add_months(design_life_end(manufactured_on, medium_class), -END_OF_LIFE_WINDOW_MONTHS)


def scrap_on(manufactured_on: date, medium_class: str, *, extended_by: date | None = None) -> date:
    """The date from which the cylinder must not be filled and must be scrapped.

    GB 5842: an LPG steel cylinder ends its life after 8 years; when it passes the end-of-life
    inspection (``extended_by``: the date of that inspection) it may be used 4 years more, but never
    beyond 12 years from manufacture (compulsory scrap).
    """
    end = design_life_end(manufactured_on, medium_class)
    if medium_class != MediumClass.LPG_STEEL or extended_by is None:
        return end
    cap = add_years(manufactured_on, int(_setting("CYLINDERS_LPG_COMPULSORY_SCRAP_YEARS", LPG_COMPULSORY_SCRAP_YEARS)))
    return min(add_years(extended_by, LPG_EXTENSION_YEARS), cap)


@dataclass(frozen=True)
class InspectionOutcome:
    next_inspection_on: date | None
    scrap_on: date


def inspection_outcome(
    *, manufactured_on: date, medium_class: str, current_scrap_on: date, inspected_on: date, result: str
) -> InspectionOutcome:
    """What a periodic inspection changes: a pass sets the next date (and may extend the LPG life)."""
    if result != InspectionResult.PASS:
        return InspectionOutcome(next_inspection_on=None, scrap_on=current_scrap_on)
    scrap = current_scrap_on
    if is_end_of_life_inspection(manufactured_on, medium_class, inspected_on):
        scrap = max(current_scrap_on, scrap_on(manufactured_on, medium_class, extended_by=inspected_on))
    return InspectionOutcome(next_inspection_on=min(next_inspection_on(inspected_on, medium_class), scrap), scrap_on=scrap)


def max_fill_kg(volume_l: Decimal) -> Decimal:
    """GB 14193: the most LPG a cylinder of ``volume_l`` litres may hold (0.42 kg/L)."""
    return (Decimal(volume_l) * LPG_FILLING_COEFFICIENT).quantize(Decimal("0.1"))


def fill_mass_problem(*, net_kg: Decimal, volume_l: Decimal) -> str | None:
    """A reason the scale reading cannot be accepted, or None."""
    if net_kg <= 0:
        return str(_("The net filled mass must be positive."))
    limit = max_fill_kg(volume_l)
    if net_kg > limit:
        return str(
            _("Overfilled: %(net)s kg is more than the %(limit)s kg allowed for %(volume)s L (GB 14193).")
            % {"net": net_kg, "limit": limit, "volume": volume_l}
        )
    return None


@dataclass(frozen=True)
class CylinderFacts:
    """What the gate needs to know about a registered cylinder (the dates of its history too, so
    that the gate can tell a record it cannot trust)."""

    owner_id: int
    state: str
    code_voided: bool
    next_inspection_on: date | None
    scrap_on: date | None
    last_inspection_result: str
    manufactured_on: date | None = None
    medium_class: str = MediumClass.GENERAL
    last_inspected_on: date | None = None


def latest_scrap_on(manufactured_on: date, medium_class: str) -> date:
    """The latest scrap date any history can give: the LPG compulsory scrap age (GB 5842: 12
    years), otherwise the end of the design life (no extension)."""
    if medium_class == MediumClass.LPG_STEEL:
        return add_years(manufactured_on, int(_setting("CYLINDERS_LPG_COMPULSORY_SCRAP_YEARS", LPG_COMPULSORY_SCRAP_YEARS)))
    return design_life_end(manufactured_on, medium_class)


def history_contradictions(facts: CylinderFacts, *, today: date) -> list[dict[str, str]]:
    """Where the cylinder's current dates contradict its own history (each a ``what``, the date on
    record and the limit the history allows). Empty when the dates are consistent or unknown.

    The facts are derived from the signed events (registration: manufacture + interval; a passing
    inspection: inspection day + interval, never past the scrap date; an end-of-life inspection may
    extend an LPG cylinder's life to at most 12 years), so a date beyond what the history allows is
    a record the gate cannot trust (TSG 23-2021: fill only within the inspection date)."""
    made = facts.manufactured_on
    if made is None:
        return []
    found: list[dict[str, str]] = []

    def add(what: str, on: date, limit: date) -> None:
        found.append({"what": what, "date": on.isoformat(), "limit": limit.isoformat()})

    if made > today:
        add("manufactured_on", made, today)
    inspected = facts.last_inspected_on
    if inspected is not None and (inspected < made or inspected > today):
        add("last_inspected_on", inspected, today if inspected > today else made)
    base = max(made, inspected) if inspected is not None else made
    if facts.next_inspection_on is not None:
        limit = next_inspection_on(base, facts.medium_class)
        if facts.next_inspection_on > limit or facts.next_inspection_on < made:
            add("next_inspection_on", facts.next_inspection_on, limit)
    if facts.scrap_on is not None:
        limit = latest_scrap_on(made, facts.medium_class)
        if facts.scrap_on > limit or facts.scrap_on < made:
            add("scrap_on", facts.scrap_on, limit)
    return found


def registration_problem(*, manufactured_on: date, medium_class: str, on: date) -> Reason | None:
    """Why a cylinder cannot be registered for use on ``on``, or None.

    GB 5842 / TSG 23-2021: a cylinder that has reached its scrap age (LPG steel: 12 years at the
    latest, even with a passing end-of-life inspection; others: the end of their design life) must
    be scrapped, never put (back) into service. An LPG cylinder between 8 and 12 years may be
    registered: the gate refuses it until it passes its end-of-life inspection."""
    limit = latest_scrap_on(manufactured_on, medium_class)
    if on >= limit:
        return Reason(code=GateReason.PAST_SCRAP_AGE, params={"date": limit.isoformat()})
    return None


@dataclass(frozen=True)
class PrefillCheck:
    """The station's pre-fill check (TSG 23-2021: marks, accessories, appearance)."""

    marks_legible: bool = True
    accessories_ok: bool = True
    appearance_ok: bool = True


# The message of each gate reason, rendered in the reader's language when shown (the records keep
# the code and its parameters, never translated text).
REASON_MESSAGES: dict[str, Promise] = {
    GateReason.NOT_REGISTERED: _("The code is not registered: the cylinder is unknown to the registry."),
    GateReason.CODE_VOIDED: _("The code has been voided."),
    GateReason.NOT_OWN_PROPERTY: _("The cylinder is not registered to this filling unit."),
    GateReason.SCRAPPED: _("The cylinder is scrapped."),
    GateReason.PAST_SCRAP_AGE: _("The cylinder reached its scrap date on %(date)s."),
    GateReason.INSPECTION_OVERDUE: _("The periodic inspection was due by %(date)s."),
    GateReason.INSPECTION_DATE_MISSING: _(
        "No next periodic inspection date is on record: the cylinder must be inspected before it is filled."
    ),
    GateReason.SCRAP_DATE_MISSING: _("No scrap date is on record: the registry must be corrected before it is filled."),
    GateReason.DATES_CONTRADICT_HISTORY: _(
        "Its dates contradict its history (%(what)s %(date)s, at most %(limit)s allowed): the registry must be "
        "corrected before it is filled."
    ),
    GateReason.LAST_INSPECTION_FAILED: _("The cylinder failed its last periodic inspection."),
    GateReason.NOT_EMPTY: _("The cylinder has not been returned empty."),
    GateReason.MARKS_ILLEGIBLE: _("The marks on the cylinder are illegible."),
    GateReason.ACCESSORIES_DEFECTIVE: _("The valve or other accessories are defective."),
    GateReason.APPEARANCE_DEFECTIVE: _("The cylinder shows dents, corrosion or other damage."),
}


def reason_message(code: str, params: dict[str, Any] | None = None) -> str:
    """The message for a stored reason code, in the active language (unknown codes as they are)."""
    template = REASON_MESSAGES.get(code)
    if template is None:
        return code
    text = str(template)
    if "%(" in text:
        values = _Params(params or {})
        if "what" in values:
            values["what"] = str(DATE_NAMES.get(values["what"], values["what"]))
        try:
            return text % values
        except (TypeError, ValueError):
            return text
    return text


class _Params(dict[str, Any]):
    """Stored parameters; a missing one reads as "?" (an older record, a newer message)."""

    def __missing__(self, key: str) -> str:
        return "?"


# The names of the dates a contradiction can be about, in the reader's language.
DATE_NAMES: dict[str, Promise] = {
    "manufactured_on": _("manufacture date"),
    "last_inspected_on": _("last inspection date"),
    "next_inspection_on": _("next inspection date"),
    "scrap_on": _("scrap date"),
}


def reasons_display(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored reasons (``code`` and ``params``) with their message in the active language."""
    return [
        {
            "code": r.get("code", ""),
            "params": r.get("params") or {},
            "message": reason_message(r.get("code", ""), r.get("params")),
        }
        for r in reasons
    ]


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return reason_message(self.code, self.params)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reasons: list[Reason] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]

    def as_data(self) -> list[dict[str, Any]]:
        """What is stored: codes and parameters (the message is rendered when shown)."""
        return [{"code": r.code, "params": dict(r.params)} for r in self.reasons]


def fill_gate_decision(
    facts: CylinderFacts | None, *, station_id: int, today: date, check: PrefillCheck | None = None
) -> Decision:
    """Allow or refuse filling, with every reason that applies (TSG 23-2021 filling requirements).

    Refused when: the code is unknown (not registered); the code is voided; the cylinder is not the
    station's own property; it is scrapped; it is past its scrap age (on or after ``scrap_on``); its
    periodic inspection is overdue (``today`` after ``next_inspection_on``: the due date itself is
    still allowed); its next inspection date or scrap date is missing, or its dates contradict its
    history (:func:`history_contradictions`): the gate fails closed, never open; it failed its last
    inspection; it is not back empty; the pre-fill check found illegible marks, defective
    accessories or visible damage.
    """
    reasons: list[Reason] = []

    def add(code: str, **params: str) -> None:
        reasons.append(Reason(code=code, params=params))

    if facts is None:
        add(GateReason.NOT_REGISTERED)
    else:
        if facts.code_voided:
            add(GateReason.CODE_VOIDED)
        if facts.owner_id != station_id:
            add(GateReason.NOT_OWN_PROPERTY)
        if facts.state == CylinderState.SCRAPPED:
            add(GateReason.SCRAPPED)
        if facts.scrap_on is not None and today >= facts.scrap_on:
            add(GateReason.PAST_SCRAP_AGE, date=facts.scrap_on.isoformat())
        if facts.next_inspection_on is not None and today > facts.next_inspection_on:
            add(GateReason.INSPECTION_OVERDUE, date=facts.next_inspection_on.isoformat())
        # Fail closed: a date the gate does not know, or cannot trust, refuses the fill.
        if facts.next_inspection_on is None:
            add(GateReason.INSPECTION_DATE_MISSING)
        if facts.scrap_on is None:
            add(GateReason.SCRAP_DATE_MISSING)
        for contradiction in history_contradictions(facts, today=today):
            add(GateReason.DATES_CONTRADICT_HISTORY, **contradiction)
        if facts.last_inspection_result == InspectionResult.FAIL or facts.state in (
            CylinderState.FAILED,
            CylinderState.REPAIRED,
        ):
            add(GateReason.LAST_INSPECTION_FAILED)
        if facts.state in (CylinderState.FILLED, CylinderState.DISPATCHED, CylinderState.DELIVERED):
            add(GateReason.NOT_EMPTY)
    if check is not None:
        if not check.marks_legible:
            add(GateReason.MARKS_ILLEGIBLE)
        if not check.accessories_ok:
            add(GateReason.ACCESSORIES_DEFECTIVE)
        if not check.appearance_ok:
            add(GateReason.APPEARANCE_DEFECTIVE)
    return Decision(allowed=not reasons, reasons=reasons)


def inspection_status(*, next_inspection_on: date | None, today: date, due_soon_days: int = DUE_SOON_DAYS) -> str:
    """``overdue``, ``due_soon`` (within ``due_soon_days``) or ``ok``; used by the daily job and lists."""
    if next_inspection_on is None:
        return "ok"
    if today > next_inspection_on:
        return "overdue"
    if (next_inspection_on - today).days <= due_soon_days:
        return "due_soon"
    return "ok"
