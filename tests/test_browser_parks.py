"""End to end in headless Chromium on a phone: the landlord opens its park's site plan, clicks the
corners of a tenant's area on the plan (the points fill the form and a dashed sketch follows), draws
it, and the park's page shows the area on the plan, labelled with the tenant's unified number; the
campaign map shows the park. No console error, no sideways scroll."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from conftest import PASSWORD
from safecity.parks import services
from safecity.parks.models import SiteShape
from safecity.parks.tests.test_views import code

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parent.parent / "test-results"


def test_landlord_draws_a_tenant_area_on_the_site_plan(live_server: Any, city: Any, personas: Any, browser: Any) -> None:
    park = services.park_create(
        actor=None,
        landlord=city.enterprise_a,
        name="三井工业园",
        inspection_interval_days=30,
        latitude=Decimal("31.85"),
        longitude=Decimal("119.97"),
    )
    image = io.BytesIO()
    Image.new("RGB", (600, 400), (235, 238, 242)).save(image, format="PNG")
    services.site_plan_upload(actor=None, park=park, file=SimpleUploadedFile("plan.png", image.getvalue()))
    tenant = services.tenant_register(
        actor=None,
        park=park,
        credit_code=code(11),
        name="常州小五金加工厂",
        unified_number="A-07",
        entered_on=timezone.localdate(),
    )
    base = live_server.url
    page = browser.new_page(locale="en-US", viewport={"width": 390, "height": 844})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{base}/accounts/login/?next=/parks/{park.pk}/plan/")
    page.fill("input[name=username]", personas.enterprise_user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/parks/{park.pk}/plan/")
    plan = page.wait_for_selector("[data-testid=site-plan] .leaflet-image-layer")
    box = plan.bounding_box()
    for fx, fy in ((0.2, 0.2), (0.6, 0.2), (0.6, 0.7)):
        page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    points = page.input_value("[data-shape-points]")
    assert len([line for line in points.splitlines() if line.strip()]) == 3
    page.wait_for_selector("[data-testid=site-plan] .leaflet-overlay-pane path")
    page.select_option("select[name=kind]", "tenant_area")
    page.select_option("select[name=tenant]", str(tenant.pk))
    # A label is the landlord's words, shown as words: never read as HTML on the plan.
    page.fill("input[name=label]", "<i>A-07</i>")
    page.click("[data-testid=shape-form] button[type=submit]")
    page.wait_for_selector("[data-testid=shape-table] tbody tr td:has-text('Tenant area')")
    shape = SiteShape.objects.get(park=park)
    assert shape.tenant_id == tenant.pk and len(shape.points) == 3
    assert all(0 <= x <= 600 and 0 <= y <= 400 for x, y in shape.points)
    page.goto(f"{base}/parks/{park.pk}/")
    page.wait_for_selector("[data-testid=site-plan] .leaflet-overlay-pane path")
    assert "<i>A-07</i>" in page.inner_text("[data-testid=site-plan]")
    assert page.locator("[data-testid=site-plan] .plan-label i").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "parks-site-plan.png"), full_page=True)
    page.goto(f"{base}/parks/")
    page.wait_for_selector("#parks-map path.leaflet-interactive")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert not errors, errors
