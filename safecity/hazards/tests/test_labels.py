"""Words a user reads are words, not codes (issue 13): a risk level reads 较大风险（橙）/ Significant risk
(orange) on the registry pages and in their maps' tooltips, never its number; a hazard's timeline
entry names its step."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from django.utils import translation

from safecity.hazards import services
from safecity.hazards.choices import AssessmentMethod, risk_level_label
from safecity.hazards.models import HazardTransition

pytestmark = pytest.mark.django_db


def _row(page: str, name: str) -> str:
    found = re.search(rf"<tr><td><a [^>]*>{re.escape(name)}</a></td>(.*?)</tr>", page, re.S)
    assert found, f"no row for {name}"
    return found.group(1)


def _map(page: str, attribute: str) -> list[list[Any]]:
    found = re.search(rf"{attribute}='([^']*)'", page)
    assert found
    return json.loads(html.unescape(found.group(1)))["points"]


def test_registry_index_shows_the_highest_risk_in_words(client: Any, city: Any, personas: Any, registry: Any) -> None:
    city.enterprise_a.latitude, city.enterprise_a.longitude = 31.78, 119.95
    city.enterprise_a.save()
    client.force_login(personas.district_a)
    chinese = client.get("/hazards/registry/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    cell = _row(chinese, city.enterprise_a.name)
    assert "较大风险（橙）" in cell
    assert not re.search(r"</span>\s*2\s*</td>", cell), "the level's number is shown"
    assert _map(chinese, "data-map")[0][6] == "较大风险（橙）"
    english = client.get("/hazards/registry/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Significant risk (orange)" in _row(english, city.enterprise_a.name)


def test_registry_detail_shows_levels_in_words(client: Any, city: Any, personas: Any, registry: Any) -> None:
    # A second, low (blue) event: LEC 1 x 1 x 1 = 1.
    services.risk_event_assess(
        actor=personas.enterprise_user,
        unit=registry.unit,
        name="轻微泄漏",
        method=AssessmentMethod.LEC,
        initial={"L": "1", "E": "1", "C": "1"},
    )
    registry.unit.latitude, registry.unit.longitude = 31.78, 119.95
    registry.unit.save()
    client.force_login(personas.district_a)
    page = client.get(f"/hazards/registry/{city.enterprise_a.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "较大风险（橙）" in page and "低风险（蓝）" in page
    assert not re.search(r'class="risk risk-\d">\s*\d\s*<', page), "a level's number is shown"
    assert _map(page, "data-map")[0][6] == "较大风险（橙）"  # the unit's highest risk


def test_risk_level_label() -> None:
    with translation.override("zh-hans"):
        assert [risk_level_label(level) for level in (1, 2, 3, 4, None)] == [
            "重大风险（红）",
            "较大风险（橙）",
            "一般风险（黄）",
            "低风险（蓝）",
            "—",
        ]


def test_hazard_timeline_entry_text_names_its_step(make_hazard: Any) -> None:
    hazard = make_hazard()
    entry = HazardTransition.objects.get(hazard=hazard, action="report")
    with translation.override("zh-hans"):
        assert str(entry).startswith("上报 ")
    with translation.override("en"):
        assert str(entry).startswith("Reported ")
