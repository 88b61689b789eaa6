"""Risk assessment methods: LEC and the LS matrix, giving one of the four risk levels.

Thresholds are settings (provinces differ); the defaults are those of domain-rules §1:
- LEC: D = L × E × C; D > 320 red, 160-320 orange, 70-160 yellow, < 70 blue.
- LS: R = L × S on 1..5 × 1..5; 20-25 red, 9-16 orange, 4-8 yellow, 1-3 blue.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from safecity.hazards.choices import AssessmentMethod, RiskLevel

LEC_L = (Decimal("10"), Decimal("6"), Decimal("3"), Decimal("1"), Decimal("0.5"), Decimal("0.2"), Decimal("0.1"))
LEC_E = (Decimal("10"), Decimal("6"), Decimal("3"), Decimal("2"), Decimal("1"), Decimal("0.5"))
LEC_C = (Decimal("100"), Decimal("40"), Decimal("15"), Decimal("7"), Decimal("3"), Decimal("1"))
LS_RANGE = tuple(Decimal(n) for n in range(1, 6))
CENT = Decimal("0.01")  # scores are stored with two decimals (LEC's smallest is 0.1 × 0.5 × 1 = 0.05)


def _thresholds(name: str, default: tuple[int, int, int]) -> tuple[Decimal, Decimal, Decimal]:
    red, orange, yellow = getattr(settings, name, default)
    return Decimal(red), Decimal(orange), Decimal(yellow)


def lec_score(l: Decimal, e: Decimal, c: Decimal) -> Decimal:
    errors = {}
    if l not in LEC_L:
        errors["l"] = _("L (likelihood) must be one of %(values)s.") % {"values": ", ".join(str(v) for v in LEC_L)}
    if e not in LEC_E:
        errors["e"] = _("E (exposure) must be one of %(values)s.") % {"values": ", ".join(str(v) for v in LEC_E)}
    if c not in LEC_C:
        errors["c"] = _("C (consequence) must be one of %(values)s.") % {"values": ", ".join(str(v) for v in LEC_C)}
    if errors:
        raise ValidationError(errors)
    return l * e * c


def lec_level(score: Decimal) -> RiskLevel:
    red, orange, yellow = _thresholds("SAFECITY_LEC_THRESHOLDS", (320, 160, 70))
    if score > red:
        return RiskLevel.MAJOR
    if score >= orange:
        return RiskLevel.SIGNIFICANT
    if score >= yellow:
        return RiskLevel.GENERAL
    return RiskLevel.LOW


def ls_score(l: Decimal, s: Decimal) -> Decimal:
    errors = {}
    if l not in LS_RANGE:
        errors["l"] = _("L (likelihood) must be a whole number from 1 to 5.")
    if s not in LS_RANGE:
        errors["s"] = _("S (severity) must be a whole number from 1 to 5.")
    if errors:
        raise ValidationError(errors)
    return l * s


def ls_level(score: Decimal) -> RiskLevel:
    red, orange, yellow = _thresholds("SAFECITY_LS_THRESHOLDS", (20, 9, 4))
    if score >= red:
        return RiskLevel.MAJOR
    if score >= orange:
        return RiskLevel.SIGNIFICANT
    if score >= yellow:
        return RiskLevel.GENERAL
    return RiskLevel.LOW


def _dec(value: object) -> Decimal:
    """Factors arrive as strings, Decimals or floats (0.2 as a float is not exactly 0.2)."""
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise ValidationError(_("A factor must be a number.")) from None


def assess(
    method: str,
    *,
    l: Decimal | None,
    e: Decimal | None = None,
    c: Decimal | None = None,
    s: Decimal | None = None,
) -> tuple[Decimal, RiskLevel]:
    """Score and level for one assessment; raises ValidationError naming the bad factor."""
    if method == AssessmentMethod.LEC:
        if l is None or e is None or c is None:
            raise ValidationError(_("LEC needs L, E and C."))
        score = lec_score(_dec(l), _dec(e), _dec(c)).quantize(CENT)
        return score, lec_level(score)
    if method == AssessmentMethod.LS:
        if l is None or s is None:
            raise ValidationError(_("LS needs L and S."))
        score = ls_score(_dec(l), _dec(s)).quantize(CENT)
        return score, ls_level(score)
    raise ValidationError({"method": _("Unknown assessment method.")})
