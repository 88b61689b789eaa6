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


def test_closure_on_evidence_on_a_phone(
    live_server: Any, city: Any, personas: Any, browser: Any, tmp_path: Path, settings: Any
) -> None:
    """The enterprise manager cannot request acceptance without a photo of the fix; with one it goes
    to acceptance; the manager is not offered *Accept*; the district official accepts it."""
    from safecity.hazards import services

    settings.MEDIA_ROOT = str(tmp_path / "media")
    hazard = services.hazard_report(actor=personas.district_a, organisation=city.enterprise_a, description="消防通道堵塞")
    services.hazard_confirm(actor=personas.district_a, hazard=hazard, deadline=hazard.discovered_at.date().replace(year=2099))
    photo = tmp_path / "fixed.png"
    photo.write_bytes(PNG)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="en-US")
    page = context.new_page()
    _login(page, live_server.url, "enterprise_user")
    page.goto(f"{live_server.url}/hazards/{hazard.pk}/")
    # The next step is on the first screen of the phone.
    step = page.locator("[data-testid=hazard-next-step]")
    assert step.bounding_box()["y"] < 844
    assert "evidence of the rectification" in step.inner_text()
    page.fill("textarea[name=rectification]", "已清理通道")
    with page.expect_navigation():
        page.click("button[value=request_acceptance]")
    assert "only with evidence of the rectification" in page.content()
    assert "Rectifying" in page.locator("h1").inner_text()
    page.fill("textarea[name=rectification]", "已清理通道")
    page.set_input_files("input[name=evidence]", str(photo))
    with page.expect_navigation():
        page.click("button[value=request_acceptance]")
    assert "Awaiting acceptance" in page.locator("h1").inner_text()
    assert page.locator("button[value=accept]").count() == 0  # the rectifier never accepts
    context.close()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="en-US")
    page = context.new_page()
    _login(page, live_server.url, "district_a")
    page.goto(f"{live_server.url}/hazards/{hazard.pk}/")
    page.fill("textarea[name=comment]", "现场复核，整改到位")
    with page.expect_navigation():
        page.click("button[value=accept]")
    assert "Accepted (closed)" in page.locator("h1").inner_text()
    assert "现场复核，整改到位" in page.locator("[data-testid=acceptance-record]").inner_text()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "hazard-closed-on-evidence.png"), full_page=True)
    context.close()
    hazard.refresh_from_db()
    assert hazard.state == 9 and hazard.evidence.filter(stage="rectification").count() == 1
