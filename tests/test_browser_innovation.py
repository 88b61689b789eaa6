"""End to end (headless Chromium): a judge scores an entry and is never offered their own
department's; an anonymous visitor reads the published list and searches the library."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from safecity.innovation import services
from safecity.innovation.models import Score
from safecity.innovation.tests.conftest import build_contest, score_all
from safecity.library import services as library_services

pytestmark = pytest.mark.browser


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_judge_scores_and_is_not_offered_own_department(live_server: Any, city: Any, personas: Any, browser: Any) -> None:
    contest = build_contest(city, personas)
    page = browser.new_page(locale="en-GB")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, live_server.url, "judge_housing")
    page.goto(f"{live_server.url}/innovation/rounds/{contest.round.pk}/")
    page.click("[data-testid=my-sheet]")
    sheet = page.locator("[data-testid=score-sheet]")
    assert "深度安全体检" in sheet.inner_text()
    assert "高处作业" not in sheet.inner_text() and "出租房屋安全管理规定" not in sheet.inner_text()
    assert "own department" in page.locator("[data-testid=own-department]").inner_text()
    entry = contest.entries["em"]
    for criterion, value in zip(contest.round.criteria.all(), ("8", "7.5", "9"), strict=True):
        page.fill(f"input[name='s-{entry.pk}-{criterion.pk}']", value)
    page.click("[data-testid=score-sheet] button[type=submit]")
    page.wait_for_selector(".msg-success")
    assert "3 scores saved" in page.locator(".messages").inner_text()
    assert Score.objects.filter(judge=contest.assignments["housing"], entry=entry).count() == 3
    assert page.locator(f"input[name='s-{entry.pk}-{contest.round.criteria.first().pk}']").input_value() == "8.0"
    assert errors == []

    # The committee office's ranking page draws each judge's strictness before and after normalisation.
    score_all(contest, personas)
    committee = browser.new_page(locale="en-GB")
    committee.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(committee, live_server.url, "city_admin")
    committee.goto(f"{live_server.url}/innovation/rounds/{contest.round.pk}/ranking/")
    committee.wait_for_selector("#chart-raw canvas")
    committee.wait_for_selector("#chart-z canvas")
    for chart_id in ("chart-raw", "chart-z"):
        boxes = committee.evaluate(
            "id => echarts.getInstanceByDom(document.getElementById(id)).getOption().series[0].data", chart_id
        )
        # One box (min, Q1, median, Q3, max) per judge, drawn from real totals (not empty, not all zero).
        assert len(boxes) == 3 and all(len(box) == 5 and box[-1] > 0 for box in boxes), boxes
    assert "深度安全体检" in committee.locator("[data-testid=ranking-table]").inner_text()
    assert errors == []


def test_visitor_reads_published_list_and_searches_library(live_server: Any, city: Any, personas: Any, browser: Any) -> None:
    contest = build_contest(city, personas)
    score_all(contest, personas)
    services.selection_make(actor=personas.city_admin, round=contest.round)
    services.selection_publish(actor=personas.city_admin, round=contest.round)
    for title in ("起重机械安全管理规范", "出租房屋安全管理规定"):
        library_services.library_entry_create(actor=personas.city_admin, kind="local_standard", title=title, summary=title)
    first = contest.round.selection.rows.get(rank=1)

    page = browser.new_page(locale="en-GB")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/innovation/published/")
    table = page.locator("[data-testid=published-table] tbody tr")
    assert table.count() == 2 and first.title in table.first.inner_text()
    page.goto(f"{live_server.url}/innovation/library/")  # the former address: moved permanently
    assert page.url == f"{live_server.url}/library/"
    assert page.locator("[data-testid=library-table] tbody tr").count() == 2
    page.fill("[data-testid=library-search] input[name=q]", "起重")
    # Waits without evaluating a string in the page (the CSP allows no eval).
    expect(page.locator("[data-testid=library-table] tbody tr")).to_have_count(1)
    assert "起重机械安全管理规范" in page.locator("[data-testid=library-table]").inner_text()
    page.click("text=起重机械安全管理规范")
    page.wait_for_url("**/library/*/")
    assert page.locator("h1").inner_text() == "起重机械安全管理规范"
    assert errors == []
