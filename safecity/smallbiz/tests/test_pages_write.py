"""The pages that write (issue 16): the engineer's phone page, the score form, the village round
form, the import page; each refusal is shown on the form and nothing is written."""

from __future__ import annotations

import io
import random
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from safecity.core.demo.codes import credit_code
from safecity.smallbiz.models import SmallEnterprise, SupervisionRound, Visit, VisitFinding, VisitScore
from safecity.smallbiz.services import visits
from safecity.smallbiz.services.sheet import COLUMNS


def _visit(biz: Any) -> Visit:
    enterprise = biz.enterprise("页面厂")
    contract = biz.contract([enterprise])
    return Visit.objects.filter(contract=contract).order_by("due_on").first()


def test_the_phone_page_signs_with_the_browsers_location(client: Any, biz: Any) -> None:
    visit = _visit(biz)
    client.force_login(biz.engineer)
    page = client.get(f"/smallbiz/visits/{visit.pk}/sign/")
    assert "smallbiz/geolocate.js" in page.content.decode() and 'name="latitude"' in page.content.decode()
    items = page.context["form"].fields["ok_items"].choices
    assert items, "the checklist comes from the dictionary's items of the trade"
    refused = client.post(f"/smallbiz/visits/{visit.pk}/sign/", {"ok_items": ["0"], "findings": "电线乱拉"})
    assert refused.status_code == 400
    assert refused.context["form"].non_field_errors() and 'data-testid="form-errors"' in refused.content.decode()
    visit.refresh_from_db()
    assert visit.state == "scheduled" and not VisitFinding.objects.exists()
    done = client.post(
        f"/smallbiz/visits/{visit.pk}/sign/",
        {"latitude": "31.93", "longitude": "119.90", "ok_items": ["0"], "findings": "电线乱拉\n灭火器过期", "note": "已告知"},
    )
    assert done.status_code == 302
    visit.refresh_from_db()
    assert visit.state == "done" and visit.checklist[0]["ok"] is True and all(not i["ok"] for i in visit.checklist[1:])
    assert VisitFinding.objects.filter(visit=visit).count() == 2


def test_the_street_scores_on_the_visit_page(client: Any, biz: Any) -> None:
    visit = _visit(biz)
    visits.visit_sign(actor=biz.engineer, visit=visit, latitude="31.9", longitude="119.9")
    client.force_login(biz.street_official)
    bad = client.post(f"/smallbiz/visits/{visit.pk}/", {"by": "street", "score": "7"})
    assert bad.status_code == 400 and "score" in bad.context["score_form"].errors
    assert not VisitScore.objects.exists()
    assert client.post(f"/smallbiz/visits/{visit.pk}/", {"by": "street", "score": "4"}).status_code == 302
    assert VisitScore.objects.get().score == 4
    assert client.get(f"/smallbiz/visits/{visit.pk}/").context["score_form"] is None  # scored: no form any more


def test_the_village_records_its_round(client: Any, biz: Any) -> None:
    client.force_login(biz.supervisor)
    assert client.post("/smallbiz/supervision/", {"month": "2025-03", "note": "逐户巡查"}).status_code == 302
    again = client.post("/smallbiz/supervision/", {"month": "2025-03"})
    assert again.status_code == 400 and again.context["form"].non_field_errors()
    assert SupervisionRound.objects.count() == 1


def test_the_import_page_lists_every_problem(client: Any, biz: Any, personas: Any) -> None:
    book = Workbook()
    book.active.append([t for _k, t in COLUMNS])
    book.active.append(["坏厂", "123", "丁村", "05", "微型", "一般", "", ""])
    out = io.BytesIO()
    book.save(out)
    client.force_login(personas.district_a)
    response = client.post(
        "/smallbiz/import/", {"street": biz.city.street_a.pk, "file": SimpleUploadedFile("l.xlsx", out.getvalue())}
    )
    assert response.status_code == 400
    assert {(e.row, e.column) for e in response.context["row_errors"]} == {(2, "统一社会信用代码"), (2, "村（社区）")}
    assert not SmallEnterprise.objects.exists()
    book = Workbook()
    book.active.append([t for _k, t in COLUMNS])
    book.active.append(["好厂", credit_code(random.Random(1), region_code="320411"), "甲村", "05", "微型", "一般", "", ""])
    out = io.BytesIO()
    book.save(out)
    response = client.post(
        "/smallbiz/import/", {"street": biz.city.street_a.pk, "file": SimpleUploadedFile("l.xlsx", out.getvalue())}
    )
    assert response.status_code == 200 and SmallEnterprise.objects.count() == 1
    client.force_login(biz.supervisor)
    assert client.get("/smallbiz/import/").status_code == 403
