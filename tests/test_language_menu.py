"""The language menu names each language in its own name, on a Chinese page and on an English one."""

from __future__ import annotations

import re
from typing import Any

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["zh-hans", "en"])
def test_language_menu_shows_each_language_in_its_own_name(client: Any, settings: Any, accept: str) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    menu = re.search(r'<select name="language".*?</select>', html, re.S)
    assert menu, html[:500]
    options = re.findall(r"<option[^>]*>([^<]+)</option>", menu.group(0))
    assert options == ["简体中文", "English"]
    assert "英语" not in menu.group(0) and "Chinese" not in menu.group(0)
