"""Who sees which key project: list, detail, export, API, per persona; no duplicate rows."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client

from safecity.keyprojects.tests.conftest import Plan

VISIBLE = {
    "city_admin": {"新北消防项目", "武进燃气项目", "全市燃气项目"},
    "city_official": {"新北消防项目", "武进燃气项目", "全市燃气项目"},
    "district_a": {"新北消防项目", "全市燃气项目"},
    "district_b": {"武进燃气项目", "全市燃气项目"},
    "enterprise_user": set(),
    "expert": set(),
    "outsider": set(),
    "dept_officer": {"武进燃气项目", "全市燃气项目"},
    "em_officer": {"新北消防项目", "全市燃气项目"},
}


def _user(kp: Plan, personas: Any, name: str) -> Any:
    return getattr(kp, name) if name in ("dept_officer", "em_officer") else getattr(personas, name)


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _xlsx_names(content: bytes) -> list[str]:
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(content))["重点项目"]
    return [row[1] for row in ws.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize("persona", list(VISIBLE))
def test_lists_detail_export_and_api_agree(kp: Plan, personas: Any, persona: str) -> None:
    client = login(_user(kp, personas, persona))
    expected = VISIBLE[persona]
    page = client.get("/keyprojects/plans/2023/projects/")
    api = client.get("/api/keyprojects/projects/?plan=2023")
    if not expected:
        assert page.status_code == 403 and api.status_code == 403
        for project in (kp.xinbei, kp.wujin, kp.citywide):
            assert client.get(f"/keyprojects/projects/{project.pk}/").status_code == 403
        return
    html = page.content.decode()
    for project in (kp.xinbei, kp.wujin, kp.citywide):
        assert (project.name in html) is (project.name in expected)
        detail = client.get(f"/keyprojects/projects/{project.pk}/")
        assert detail.status_code == (200 if project.name in expected else 404)
        assert client.get(f"/api/keyprojects/projects/{project.pk}/").status_code == (200 if project.name in expected else 404)
    names = [row["name"] for row in api.json()["results"]]
    assert sorted(names) == sorted(expected)  # each project once, though it touches several districts
    assert sorted(_xlsx_names(client.get("/keyprojects/plans/2023/export/").content)) == sorted(expected)
    assert sorted(_xlsx_names(client.get("/api/keyprojects/plans/2023/export/").content)) == sorted(expected)
    summary = client.get("/api/keyprojects/plans/2023/summary/").json()
    assert summary["counts"]["total"] == len(expected)


def test_anonymous_api_is_401(kp: Plan) -> None:
    assert Client().get("/api/keyprojects/projects/").status_code == 401


def test_filters(kp: Plan, personas: Any, city: Any) -> None:
    client = login(personas.city_official)
    names = lambda q: sorted(r["name"] for r in client.get(f"/api/keyprojects/projects/?plan=2023&{q}").json()["results"])  # noqa: E731
    assert names("district=320411") == ["全市燃气项目", "新北消防项目"]
    assert names(f"lead_department={kp.housing.pk}") == ["全市燃气项目", "武进燃气项目"]
    assert names(f"sub_system={kp.xinbei.sub_system_id}") == ["新北消防项目"]
    assert names("status=seriously_behind") == sorted(VISIBLE["city_official"])  # nothing reported by 20 December
    page = client.get(f"/keyprojects/plans/2023/projects/?district={city.district_b.pk}").content.decode()
    assert "武进燃气项目" in page and "新北消防项目" not in page


def test_query_counts_do_not_grow_with_projects(kp: Plan, personas: Any, django_assert_max_num_queries: Any) -> None:
    client = login(personas.city_official)
    with django_assert_max_num_queries(20):
        assert client.get("/keyprojects/plans/2023/projects/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/api/keyprojects/projects/?plan=2023").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get("/keyprojects/plans/2023/").status_code == 200


def test_dashboard_and_gantt_pages(kp: Plan, personas: Any) -> None:
    client = login(personas.city_official)
    page = client.get("/keyprojects/plans/2023/").content.decode()
    assert 'data-status="seriously_behind"' in page and "kp-chart" in page
    gantt = client.get("/keyprojects/plans/2023/gantt/").content.decode()
    escaped = json.dumps("新北消防项目")[1:-1]  # json_script escapes non-ASCII
    assert 'data-chart="kp-gantt"' in gantt and escaped in gantt
