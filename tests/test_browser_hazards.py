"""End to end on a phone: an official reports a hidden hazard with a photo, then confirms it."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from safecity.hazards.models import HiddenHazard
from tests.test_browser import SHOTS, _login

pytestmark = pytest.mark.browser

# A 1×1 PNG: what a phone camera upload looks like to the server (content checked, not the name).
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")


def test_report_a_hazard_with_a_photo_on_a_phone(
    live_server: Any, city: Any, personas: Any, browser: Any, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="en-US")
    page = context.new_page()
    _login(page, live_server.url, "district_a")
    page.goto(f"{live_server.url}/hazards/report/")
    page.select_option("select[name=organisation]", str(city.enterprise_a.pk))
    page.fill("textarea[name=description]", "储罐区可燃气体检测报警器未定期标定")
    page.fill("input[name=location]", "储罐区")
    photo = tmp_path / "photo.png"
    photo.write_bytes(PNG)
    page.set_input_files("input[name=photo]", str(photo))
    page.click("main form.form button[type=submit]")
    page.wait_for_url("**/hazards/*/")
    hazard = HiddenHazard.objects.get(description__startswith="储罐区可燃气体")
    assert hazard.organisation_id == city.enterprise_a.pk and hazard.evidence.count() == 1
    assert hazard.code in page.locator("h1").inner_text()
    assert "To be confirmed" in page.content()
    page.fill("input[name=deadline]", "2099-12-31")
    with page.expect_navigation():
        page.click("button[value=confirm]")
    assert "Rectifying" in page.locator("h1").inner_text()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "hazard-phone.png"), full_page=True)
    hazard.refresh_from_db()
    assert hazard.state == 0 and str(hazard.deadline) == "2099-12-31"
    context.close()
