"""End to end in headless Chromium: a filling-station operator scans an overdue cylinder (REFUSE
with the reason), scans a good one and fills it; an anonymous visitor opens the cylinder's public
page and sees its history, each step verified in the browser against the latest checkpoint, and the
refused cylinder's page lists its refusal on the ledger, verified too."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from conftest import PASSWORD
from safecity.cylinders.models import CylinderEvent
from safecity.cylinders.tests.conftest import Cyl, cyl  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parent.parent / "test-results"


def test_scan_refuse_fill_and_verify_publicly(live_server: Any, cyl: Cyl, browser: Any) -> None:  # noqa: F811
    cyl.register("CZ7000001", made=timezone.localdate() - timedelta(days=365 * 4 + 25))  # overdue
    cyl.register("CZ7000002")
    base = live_server.url
    page = browser.new_page(locale="en-US", viewport={"width": 390, "height": 844})  # a phone
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/cylinders/gate/")
    page.fill("input[name=username]", cyl.operator.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/cylinders/gate/")

    page.fill("[data-testid=scan-code]", "CZ7000001")
    page.click("[data-testid=scan-submit]")
    refuse = page.wait_for_selector("[data-testid=gate-refuse]")
    assert "REFUSE" in refuse.inner_text() and "periodic inspection was due by" in refuse.inner_text()

    page.fill("[data-testid=scan-code]", "CZ7000002")
    page.click("[data-testid=scan-submit]")
    page.wait_for_selector("[data-testid=gate-allow]")
    page.fill("input[name=net_kg]", "14.6")
    page.click("[data-testid=fill-submit]")
    done = page.wait_for_selector("[data-testid=fill-done]")
    assert "14.6 kg" in done.inner_text()
    assert CylinderEvent.objects.filter(cylinder__code="CZ7000002", kind="filling").count() == 1
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "cylinders-gate.png"), full_page=True)

    visitor = browser.new_page(locale="en-US")
    visitor.on("pageerror", lambda exc: errors.append(str(exc)))
    visitor.goto(f"{base}/cylinders/c/CZ7000002/")
    history = visitor.locator("[data-testid=public-history] > li")
    assert history.count() == 2 and "Filling" in history.nth(1).inner_text()
    visitor.wait_for_function(
        "() => [...document.querySelectorAll('[data-ledger-verify]')].every(el => /✔|✘/.test(el.innerText))", timeout=20000
    )
    for block in visitor.locator("[data-ledger-verify]").all():
        text = block.inner_text()
        assert "✔" in text and "✘" not in text, text
        assert "Verified in your browser" in text
    assert cyl.operator.username not in visitor.content()
    visitor.screenshot(path=str(SHOTS / "cylinders-public.png"), full_page=True)

    # The refused cylinder's public page lists the refusal on the ledger (no personal data), verified.
    visitor.goto(f"{base}/cylinders/c/CZ7000001/")
    refusals = visitor.locator("[data-testid=public-refusals] > li")
    assert refusals.count() == 1 and "Periodic inspection overdue" in refusals.nth(0).inner_text()
    visitor.wait_for_function(
        "() => [...document.querySelectorAll('[data-ledger-verify]')].every(el => /✔|✘/.test(el.innerText))", timeout=20000
    )
    for block in visitor.locator("[data-ledger-verify]").all():
        assert "✔" in block.inner_text() and "✘" not in block.inner_text()
    assert cyl.operator.username not in visitor.content()
    assert errors == []
