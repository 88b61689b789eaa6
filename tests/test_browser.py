"""End to end in headless Chromium (Debian's, driven by Playwright): log in, read, switch language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import PASSWORD

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parent.parent / "test-results"


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_log_in_see_cockpit_and_switch_language(live_server: Any, city: Any, personas: Any, browser: Any) -> None:
    page = browser.new_page(locale="zh-CN")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, live_server.url, "district_a")
    assert page.locator("h1").first.inner_text().startswith("城市驾驶舱")
    assert page.locator("nav.sidenav").inner_text().count("单位") >= 1
    # The cockpit's figures are the district's, computed from records: 3 organisations in 新北区.
    assert page.locator("[data-indicator='core.organisations.total'] .value").inner_text() == "3"
    # Charts were drawn by ECharts (a canvas inside the chart element), offline.
    page.wait_for_selector("[data-chart='bar'] canvas")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("h1").first.inner_text().startswith("City cockpit")
    assert "Organisations" in page.locator("nav.sidenav").inner_text()
    page.locator("nav.sidenav").get_by_role("link", name="Organisations", exact=True).click()
    page.wait_for_url("**/organisations/")
    rows = page.locator("[data-testid=organisation-table] tbody tr")
    assert rows.count() == 3
    assert "常州乙化工有限公司" not in page.content()  # district B's enterprise stays out of reach
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "organisations-en.png"), full_page=True)
    assert errors == []


def test_phone_layout_has_a_working_menu(live_server: Any, city: Any, personas: Any, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    _login(page, live_server.url, "city_official")
    nav = page.locator("nav.sidenav")
    assert not nav.is_visible()
    page.click("label.nav-button")
    assert nav.is_visible()
    page.click("nav.sidenav >> text=行政区划")
    page.wait_for_url(f"{live_server.url}/regions/")
    assert "新北区" in page.content()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "regions-phone.png"), full_page=True)
    context.close()
