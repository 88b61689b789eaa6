"""Words a user reads are words, not codes (issue 13): the cockpit's innovation chart names each bar
by its category and the entry state's label, in Chinese and in English."""

from __future__ import annotations

import html
import json
import re

import pytest

pytestmark = pytest.mark.django_db


def _chart(client, language: str) -> dict:
    page = client.get("/", {"year": 2023}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    for raw in re.findall(r"data-series='([^']*)'", page):
        data = json.loads(html.unescape(raw))
        if any(str(label).startswith(("制度创新", "Institutional innovation")) for label in data.get("labels", [])):
            return data
    raise AssertionError("the cockpit has no innovation-by-category chart")


def test_innovation_chart_names_the_entry_state_not_its_code(client, contest, personas):
    client.force_login(personas.city_admin)
    chinese = _chart(client, "zh-hans")
    assert "制度创新 · 已申报" in chinese["labels"] and "制度创新 · 入选" in chinese["labels"]
    assert not any("submitted" in label or "selected" in label for label in chinese["labels"])
    english = _chart(client, "en")
    assert "Institutional innovation · Submitted" in english["labels"]
    assert sum(chinese["values"]) == sum(english["values"]) == 5  # the five submitted entries, none selected yet
