"""The documented model (docs/portraits.md, handed to enterprises) and the code agree."""

from __future__ import annotations

from pathlib import Path

from safecity.portraits.scoring import DIMENSIONS, FORCED_RED_RULES, RULES

DOC = Path(__file__).resolve().parents[3] / "docs" / "portraits.md"


def _row(code: str) -> list[str]:
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and cells[0] == code:
            return cells
    raise AssertionError(f"{code} is not documented in {DOC.name}")


def test_every_dimension_is_documented_with_its_points() -> None:
    for spec in DIMENSIONS:
        cells = _row(spec.code)
        assert cells[2] == spec.title_zh and int(cells[3]) == spec.max_points


def test_every_rule_is_documented_with_its_points_and_source() -> None:
    for rule in RULES:
        cells = _row(rule.code)
        assert cells[2] == rule.title_zh, rule.code
        assert cells[3] == f"{rule.points.normalize():f}", rule.code
        assert cells[4] == (rule.dimension or "by evidence"), rule.code
        assert cells[6] == rule.source, rule.code


def test_every_forced_red_rule_is_documented() -> None:
    for rule in FORCED_RED_RULES:
        cells = _row(rule.code)
        assert cells[2] == rule.title_zh and cells[4] == rule.source, rule.code
