"""LEC and LS risk assessment: scores, the four levels at and around every boundary, refused factors,
and thresholds read from the settings (domain-rules §1)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safecity.hazards.assessment import assess, lec_level, lec_score, ls_level, ls_score
from safecity.hazards.choices import AssessmentMethod, RiskLevel

D = Decimal
RED, ORANGE, YELLOW, BLUE = RiskLevel.MAJOR, RiskLevel.SIGNIFICANT, RiskLevel.GENERAL, RiskLevel.LOW


@pytest.mark.parametrize(
    ("l", "e", "c", "score", "level"),
    [
        ("10", "10", "100", "10000", RED),
        ("10", "1", "40", "400", RED),
        ("6", "6", "7", "252", ORANGE),
        ("3", "6", "7", "126", YELLOW),
        ("1", "10", "7", "70", YELLOW),  # exactly 70: yellow, not blue
        ("3", "3", "7", "63", BLUE),
        ("0.1", "0.5", "1", "0.05", BLUE),
        ("0.2", "3", "100", "60", BLUE),
    ],
)
def test_lec_score_and_level(l: str, e: str, c: str, score: str, level: RiskLevel) -> None:  # noqa: E741
    result, result_level = assess(AssessmentMethod.LEC, l=D(l), e=D(e), c=D(c))
    assert result == D(score)
    assert result_level == level


@pytest.mark.parametrize(
    ("score", "level"),
    [
        ("320.01", RED),
        ("320", ORANGE),  # 160-320 inclusive is orange
        ("160", ORANGE),
        ("159.99", YELLOW),
        ("70", YELLOW),
        ("69.99", BLUE),
        ("0", BLUE),
    ],
)
def test_lec_level_boundaries(score: str, level: RiskLevel) -> None:
    assert lec_level(D(score)) == level


@pytest.mark.parametrize(
    ("l", "s", "score", "level"),
    [
        (5, 5, 25, RED),
        (4, 5, 20, RED),
        (4, 4, 16, ORANGE),
        (3, 3, 9, ORANGE),
        (2, 4, 8, YELLOW),
        (2, 2, 4, YELLOW),
        (1, 4, 4, YELLOW),
        (1, 3, 3, BLUE),
        (1, 1, 1, BLUE),
    ],
)
def test_ls_score_and_level(l: int, s: int, score: int, level: RiskLevel) -> None:  # noqa: E741
    result, result_level = assess(AssessmentMethod.LS, l=D(l), s=D(s))
    assert result == D(score)
    assert result_level == level


@pytest.mark.parametrize(("score", "level"), [(20, RED), (19, ORANGE), (9, ORANGE), (8, YELLOW), (4, YELLOW), (3, BLUE)])
def test_ls_level_boundaries(score: int, level: RiskLevel) -> None:
    assert ls_level(D(score)) == level


@pytest.mark.parametrize(
    ("factors", "bad"),
    [
        ({"l": "2", "e": "6", "c": "7"}, "l"),
        ({"l": "6", "e": "4", "c": "7"}, "e"),
        ({"l": "6", "e": "6", "c": "50"}, "c"),
        ({"l": "0", "e": "6", "c": "7"}, "l"),
    ],
)
def test_lec_factor_outside_its_scale_is_refused_naming_it(factors: dict[str, str], bad: str) -> None:
    with pytest.raises(ValidationError) as exc:
        lec_score(**{k: D(v) for k, v in factors.items()})
    assert set(exc.value.message_dict) == {bad}
    assert bad.upper() in exc.value.message_dict[bad][0]


def test_lec_names_every_bad_factor_at_once() -> None:
    with pytest.raises(ValidationError) as exc:
        assess(AssessmentMethod.LEC, l=D("2"), e=D("4"), c=D("50"))
    assert set(exc.value.message_dict) == {"l", "e", "c"}
    assert "0.5" in exc.value.message_dict["l"][0]  # the message lists the allowed values


@pytest.mark.parametrize(("l", "s", "bad"), [(0, 3, "l"), (6, 3, "l"), (3, 0, "s"), (3, 6, "s"), ("2.5", 3, "l")])
def test_ls_factor_outside_1_to_5_is_refused_naming_it(l: Any, s: Any, bad: str) -> None:  # noqa: E741
    with pytest.raises(ValidationError) as exc:
        ls_score(D(l), D(s))
    assert set(exc.value.message_dict) == {bad}


def test_missing_factor_and_unknown_method_are_refused() -> None:
    with pytest.raises(ValidationError, match="LEC needs"):
        assess(AssessmentMethod.LEC, l=D("6"), e=D("6"))
    with pytest.raises(ValidationError, match="LS needs"):
        assess(AssessmentMethod.LS, l=D("3"))
    with pytest.raises(ValidationError) as exc:
        assess("XYZ", l=D("1"))
    assert "method" in exc.value.message_dict


def test_lec_thresholds_come_from_settings(settings: Any) -> None:
    assert assess(AssessmentMethod.LEC, l=D("6"), e=D("6"), c=D("7"))[1] == ORANGE  # 252
    settings.SAFECITY_LEC_THRESHOLDS = (240, 120, 50)
    assert assess(AssessmentMethod.LEC, l=D("6"), e=D("6"), c=D("7"))[1] == RED
    assert lec_level(D("240")) == ORANGE
    assert lec_level(D("50")) == YELLOW
    assert lec_level(D("49")) == BLUE


def test_ls_thresholds_come_from_settings(settings: Any) -> None:
    assert assess(AssessmentMethod.LS, l=D(4), s=D(4))[1] == ORANGE  # 16
    settings.SAFECITY_LS_THRESHOLDS = (15, 8, 3)
    assert assess(AssessmentMethod.LS, l=D(4), s=D(4))[1] == RED
    assert ls_level(D(8)) == ORANGE
    assert ls_level(D(3)) == YELLOW
    assert ls_level(D(2)) == BLUE


def test_risk_event_assessment_refuses_a_bad_factor_and_stores_the_levels(registry: Any, personas: Any) -> None:
    assert (registry.event.initial_level, registry.event.current_level) == (ORANGE, ORANGE)
    assert registry.event.initial_score == D("252")
    with pytest.raises(ValidationError) as exc:
        from safecity.hazards import services

        services.risk_event_assess(
            actor=personas.enterprise_user,
            unit=registry.unit,
            name="x",
            method=AssessmentMethod.LEC,
            initial={"L": "6", "E": "6", "C": "7"},
            current={"L": "2", "E": "6", "C": "7"},
        )
    assert "current" in exc.value.message_dict
    assert "L (likelihood)" in exc.value.message_dict["current"][0]
