"""A rule's title and hidden-hazard policy: checked with the rule, naming the field (issue 14)."""

from __future__ import annotations

import pytest

from safecity.telemetry.policies import rule_meta
from safecity.telemetry.rules import RuleError

OVERSPEED = {"id": "overspeed", "kind": "threshold", "level": "orange", "metric": "speed_kmh", "op": ">", "value": 5}
OFFLINE = {"id": "offline", "kind": "absence", "level": "yellow", "after_s": 600}


def test_title_and_count_policy_are_read() -> None:
    meta = rule_meta([{**OVERSPEED, "title": " 车间超速 ", "hazard": {"count": 3, "within_days": 7, "hazard_type": 7}}])
    assert meta["overspeed"].title == "车间超速"
    policy = meta["overspeed"].hazard
    assert policy is not None and (policy.count, policy.within_days, policy.hazard_type) == (3, 7, 7)


def test_open_minutes_policy_defaults_to_type_other() -> None:
    policy = rule_meta([{**OFFLINE, "hazard": {"open_minutes": 1440}}])["offline"].hazard
    assert policy is not None and policy.open_minutes == 1440 and policy.hazard_type == 8 and policy.count is None


def test_a_rule_without_policy_has_none() -> None:
    assert rule_meta([OVERSPEED])["overspeed"].hazard is None


@pytest.mark.parametrize(
    ("hazard", "path"),
    [
        ({"count": 3}, "rules[0].hazard"),
        ({"count": 0, "within_days": 7}, "rules[0].hazard.count"),
        ({"count": 3, "within_days": 7, "open_minutes": 5}, "rules[0].hazard"),
        ({"count": True, "within_days": 7}, "rules[0].hazard.count"),
        ({"open_minutes": 10, "hazard_type": 9}, "rules[0].hazard.hazard_type"),
        ({"open_minutes": 10, "after": 1}, "rules[0].hazard.after"),
        ("three", "rules[0].hazard"),
    ],
)
def test_bad_policies_are_refused_naming_the_field(hazard: object, path: str) -> None:
    with pytest.raises(RuleError) as error:
        rule_meta([{**OVERSPEED, "hazard": hazard}])
    assert error.value.field == path


def test_a_title_must_be_short_text() -> None:
    with pytest.raises(RuleError) as error:
        rule_meta([OVERSPEED, {**OFFLINE, "title": 5}])
    assert error.value.field == "rules[1].title"


def test_engine_errors_still_come_first() -> None:
    with pytest.raises(RuleError) as error:
        rule_meta([{**OVERSPEED, "op": "~"}])
    assert error.value.field == "rules[0].op"


def test_notify_names_the_jurisdiction_roles_told_at_once() -> None:
    rule = {"id": "leak", "kind": "threshold", "level": "red", "metric": "status", "op": "==", "value": 2}
    assert rule_meta([rule])["leak"].notify == ()
    assert rule_meta([{**rule, "notify": ["district_official", "inspector"]}])["leak"].notify == (
        "district_official",
        "inspector",
    )
    for bad in ([], ["enterprise_manager"], "inspector"):
        with pytest.raises(RuleError, match=r"rules\[0\]\.notify"):
            rule_meta([{**rule, "notify": bad}])
