"""In headless Chromium with the Content-Security-Policy on: the main pages load, draw and work
without one CSP violation (an inline script, an inline handler, an eval, a foreign source)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import PASSWORD

pytestmark = pytest.mark.browser

# Pages outside the side navigation: the login, the public pages, the API docs, the admin.
EXTRA = ["/accounts/tokens/", "/accounts/password/", "/api/docs/", "/api/redoc/", "/admin/", "/ledger/", "/cylinders/gate/"]
# Reported by Chromium for every refused inline script, handler, eval or source.
VIOLATION_WORDS = ("Content Security Policy", "Content-Security-Policy", "CSP violation")


def _watch(page: Any) -> list[str]:
    problems: list[str] = []
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', function (e) {"
        " console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber);"
        "});"
    )
    page.on("console", lambda m: problems.append(m.text) if any(w in m.text for w in VIOLATION_WORDS) else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    return problems


def test_main_pages_raise_no_csp_violation(live_server: Any, city: Any, personas: Any, browser: Any) -> None:
    page = browser.new_page(locale="zh-CN")
    problems = _watch(page)
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", city.superuser.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.wait_for_selector("[data-chart='bar'] canvas")  # ECharts drew under the policy
    links = page.eval_on_selector_all("nav.sidenav a", "els => els.map(e => e.getAttribute('href'))")
    assert len(links) >= 10
    visited = []
    for href in dict.fromkeys([*links, *EXTRA]):
        response = page.goto(f"{base}{href}")
        assert response is not None and response.status < 500, (href, response and response.status)
        assert "script-src 'self'" in (response.headers.get("content-security-policy") or ""), href
        page.wait_for_load_state("networkidle")
        visited.append(href)
    assert problems == [], problems
    assert "/hazards/" in visited and "/cylinders/" in visited


def test_declared_form_behaviours_work_without_inline_handlers(live_server: Any, city: Any, personas: Any, browser: Any) -> None:
    page = browser.new_page(locale="zh-CN")
    problems = _watch(page)
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "city_official")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    # The language menu submits itself on change (data-autosubmit, forms.js).
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("h1").first.inner_text().startswith("City cockpit")
    # The cockpit's year field reloads the cockpit for that year.
    with page.expect_navigation():
        page.fill("input[name=year]", "2022")
        page.locator("input[name=year]").dispatch_event("change")
    assert "year=2022" in page.url
    # The tokens page issues a token and revokes it, under the policy.
    page.goto(f"{base}/accounts/tokens/")
    page.click("[data-testid=issue-token]")
    secret = page.locator("[data-testid=token-secret]").inner_text()
    assert len(secret) >= 32
    page.goto(f"{base}/accounts/tokens/")
    assert page.locator("[data-testid=token-table] tbody tr[data-token]").count() == 1
    page.locator("[data-testid=token-table] button").first.click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=token-table] tbody tr[data-token]").count() == 0
    assert problems == [], problems
