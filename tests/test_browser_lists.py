"""Every list in headless Chromium: pressing "筛选" without touching anything changes nothing;
a filter the user sets shows as a removable chip; on a phone (390 px) the filters fold away,
tables are cards and nothing scrolls sideways; the portrait chart draws fast, labels inside."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model

from safecity.hazards import services as hazard_services
from safecity.hazards.choices import HazardLevel, HazardState
from safecity.hazards.models import HiddenHazard
from safecity.portraits.models import Portrait
from safecity.portraits.services import portraits_rescore
from tests.test_browser import SHOTS, _login

pytestmark = pytest.mark.browser

YEAR = 2023
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}


@pytest.fixture
def records(city: Any, personas: Any) -> dict[str, Any]:
    """Hidden hazards of both levels and states in both districts, and the portraits of 2023
    (enterprise B forced red by an overdue major hazard, enterprise A not)."""
    tz = ZoneInfo("Asia/Shanghai")
    report = hazard_services.hazard_report
    report(actor=personas.district_a, organisation=city.enterprise_a, level=HazardLevel.GENERAL, description="消防通道堵塞")
    report(actor=personas.district_a, organisation=city.enterprise_a, level=HazardLevel.MAJOR, description="储罐区报警器失效")
    report(actor=personas.district_b, organisation=city.enterprise_b, level=HazardLevel.GENERAL, description="配电箱未接地")
    HiddenHazard.objects.create(
        organisation=city.enterprise_b, code="YH202300001", level=HazardLevel.MAJOR, state=HazardState.RECTIFYING,
        description="乙厂重大隐患", discovered_at=datetime(YEAR, 3, 1, 9, tzinfo=tz), deadline=date(YEAR, 6, 30),
    )  # fmt: skip
    with time_machine.travel(datetime(2024, 3, 1, 9, tzinfo=tz), tick=False):
        portraits_rescore(year=YEAR)
    return {"portrait_a": Portrait.objects.get(organisation=city.enterprise_a, year=YEAR)}


def _rows(page: Any, table: str) -> list[str]:
    where = "main table.table" if table == "person-table" else f"[data-testid={table}]"  # the people list has no testid
    return page.locator(f"{where} tbody tr").all_inner_texts()


def _count(page: Any) -> str:
    counts = page.locator(".pagination .count")
    return counts.first.inner_text() if counts.count() else ""


LISTS = [
    ("/hazards/", "hazard-table", 4),
    (f"/portraits/?year={YEAR}", "portrait-table", 2),
    ("/organisations/", "organisation-table", 6),
    ("/people/", "person-table", 6),
    ("/audit/", "audit-table", None),
    ("/riskdict/", "version-table", None),
    ("/deepchecks/experts/", "expert-table", None),
    ("/cylinders/", "cylinder-table", None),
    ("/ledger/", "entry-table", None),
]


@pytest.mark.parametrize(("url", "table", "expected"), LISTS)
def test_pressing_filter_without_touching_anything_changes_nothing(
    live_server: Any, city: Any, personas: Any, records: dict[str, Any], browser: Any, url: str, table: str, expected: Any
) -> None:
    get_user_model().objects.filter(username="city_admin").update(is_superuser=False)
    page = browser.new_page(locale="zh-CN")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, live_server.url, "city_admin")
    page.goto(f"{live_server.url}{url}")
    rows, count = _rows(page, table), _count(page)
    if expected is not None:
        assert len(rows) == expected
    form = page.locator("form.filters").first
    # Every select of the filters opens on an empty "any" choice, and shows it.
    for select in form.locator("select").all():
        first = select.locator("option").first
        assert first.get_attribute("value") == "", url
        if "year" not in (select.get_attribute("name") or ""):
            assert select.input_value() == "", (url, select.get_attribute("name"))
    assert "未知" not in form.inner_text()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    # Same rows, same count, and the URL carries only what was there (no "?level=&state=").
    assert page.url == f"{live_server.url}{url}"
    assert _rows(page, table) == rows and _count(page) == count
    assert errors == []


def test_a_filter_set_shows_as_a_chip_and_removing_it_restores_the_list(
    live_server: Any, city: Any, personas: Any, records: dict[str, Any], browser: Any
) -> None:
    page = browser.new_page(locale="zh-CN")
    _login(page, live_server.url, "city_official")
    page.goto(f"{live_server.url}/hazards/")
    everything = _rows(page, "hazard-table")
    page.select_option("form.filters select[name=level]", str(HazardLevel.MAJOR))
    # The enterprise is picked by its name, within reach; the URL keeps its id.
    picker = page.locator("form.filters .picker:has(input[name=organisation])")
    picker.locator("[data-picker-search]").fill("乙化工")
    picker.locator(".picker-options [role=option]", has_text=city.enterprise_b.name).click()
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert page.url == f"{live_server.url}/hazards/?level={HazardLevel.MAJOR}&organisation={city.enterprise_b.pk}"
    assert [r.split("\t")[0] for r in _rows(page, "hazard-table")] == ["YH202300001"]
    chips = page.locator(".chips .chip").all_inner_texts()
    assert chips[0].startswith("隐患等级") and "重大隐患" in chips[0]
    assert city.enterprise_b.name in chips[1]
    assert picker.locator("[data-picker-search]").input_value() == city.enterprise_b.name
    with page.expect_navigation():
        page.locator(".chip[data-filter=organisation] .chip-remove").click()
    assert page.url == f"{live_server.url}/hazards/?level={HazardLevel.MAJOR}"
    with page.expect_navigation():
        page.locator(".chip[data-filter=level] .chip-remove").click()
    assert page.url == f"{live_server.url}/hazards/"
    assert _rows(page, "hazard-table") == everything


def test_picker_lists_only_what_the_user_may_see(
    live_server: Any, city: Any, personas: Any, records: dict[str, Any], browser: Any
) -> None:
    page = browser.new_page(locale="zh-CN")
    _login(page, live_server.url, "district_a")
    page.goto(f"{live_server.url}/hazards/")
    picker = page.locator("form.filters .picker:has(input[name=organisation])")
    picker.locator("[data-picker-search]").fill("化工")
    options = picker.locator(".picker-options [role=option]")
    options.first.wait_for()
    names = options.all_inner_texts()
    assert any(city.enterprise_a.name in n for n in names)
    assert not any(city.enterprise_b.name in n for n in names)


@pytest.mark.parametrize(
    ("url", "table", "name"),
    [
        ("/hazards/", "hazard-table", "常州乙化工有限公司"),
        (f"/portraits/?year={YEAR}", "portrait-table", "常州乙化工有限公司"),
        ("/organisations/", "organisation-table", "常州乙化工有限公司"),
    ],
)
def test_phone_lists_fold_filters_and_show_cards_without_sideways_scroll(
    live_server: Any, city: Any, personas: Any, records: dict[str, Any], browser: Any, url: str, table: str, name: str
) -> None:
    context = browser.new_context(**PHONE)
    page = context.new_page()
    _login(page, live_server.url, "city_official")
    page.goto(f"{live_server.url}{url}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The filters fold away behind "筛选"; the toggle opens them.
    form = page.locator("form.filters").first
    assert not form.is_visible()
    page.locator(".filters-toggle").first.click()
    assert form.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Each row is a card: no heading row, cells labelled with their column.
    assert not page.locator(f"[data-testid={table}] thead").is_visible()
    row = page.locator(f"[data-testid={table}] tbody tr", has_text=name).first
    assert row.evaluate("el => getComputedStyle(el).display") == "block"
    assert row.locator("td[data-label]").count() >= 2
    # The enterprise's name reads on one line, not one character per line: count its line boxes.
    lines = row.evaluate(
        """(tr, name) => { const walker = document.createTreeWalker(tr, NodeFilter.SHOW_TEXT);
                          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                            const at = n.data.indexOf(name); if (at < 0) continue;
                            const range = document.createRange(); range.setStart(n, at); range.setEnd(n, at + name.length);
                            return new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top))).size; }
                          return -1; }""",
        name,
    )
    assert lines == 1, f"{name} takes {lines} lines"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"phone-{table}.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}])
def test_portrait_radar_draws_fast_with_its_labels_inside(
    live_server: Any, city: Any, personas: Any, records: dict[str, Any], browser: Any, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, live_server.url, "city_official")
    page.goto(f"{live_server.url}/portraits/{records['portrait_a'].pk}/", wait_until="commit")
    page.wait_for_selector("[data-chart='radar'][data-drawn='1']", state="attached", timeout=5000)
    timing = page.evaluate(
        """() => { const n = performance.getEntriesByType("navigation")[0];
                   const js = performance.getEntriesByType("resource").filter(r => r.name.includes("echarts"))[0];
                   return {response: n.responseEnd, dom: n.domContentLoadedEventStart, echarts: js ? js.responseEnd : -1}; }"""
    )
    drawn_after = page.evaluate("Number(document.querySelector(\"[data-chart='radar']\").dataset.drawnAt)")
    assert drawn_after < 1000, f"radar drawn {drawn_after:.0f} ms after the page arrived"
    # Every dimension's label lies inside the chart's box (none clipped at the edges).
    boxes = page.evaluate(
        """() => { const el = document.querySelector("[data-chart='radar']");
                   const chart = echarts.getInstanceByDom(el);
                   return chart.getZr().storage.getDisplayList().filter(e => e.style && e.style.text)
                     .map(e => { const r = e.getBoundingRect(); const m = e.transform || [1,0,0,1,0,0];
                                 return {text: e.style.text, x: r.x + m[4], y: r.y + m[5], w: r.width, h: r.height}; })
                     .concat([{w0: el.clientWidth, h0: el.clientHeight}]); }"""
    )
    size = boxes.pop()
    labels = [b for b in boxes if b["text"]]
    assert len(labels) >= 5
    for b in labels:
        assert b["x"] >= 0 and b["x"] + b["w"] <= size["w0"] + 0.5, b
        assert b["y"] >= 0 and b["y"] + b["h"] <= size["h0"] + 0.5, b
    assert errors == [], errors
    print(f"radar at {viewport['width']} px: drawn at {drawn_after:.0f} ms; {timing}")
    context.close()
