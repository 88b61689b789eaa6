"""The portrait list's filters never choose for the user (issue 13): the default year is shown, not sent."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_the_default_year_is_a_placeholder_not_a_chosen_filter(client: Any, city: Any, personas: Any) -> None:
    client.force_login(personas.city_official)
    page = client.get("/portraits/").content.decode()
    year_input = re.search(r'<input[^>]*name="year"[^>]*>', page)
    assert year_input is not None
    assert "placeholder=" in year_input.group(0) and "value=" not in year_input.group(0)
    assert 'class="chips"' not in page
    chosen = client.get("/portraits/", {"year": "2023"}).content.decode()
    assert re.search(r'<input[^>]*name="year"[^>]*value="2023"', chosen)
    assert 'class="chips"' in chosen
