"""Who sees which key project: list, detail, export, API, per persona; no duplicate rows."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
import time_machine
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
    with time_machine.travel("2023-12-20 10:00 +08:00", tick=False):  # the year still runs: judged today
        assert names("district=320411") == ["全市燃气项目", "新北消防项目"]
        assert names(f"lead_department={kp.housing.pk}") == ["全市燃气项目", "武进燃气项目"]
        assert names(f"sub_system={kp.xinbei.sub_system_id}") == ["新北消防项目"]
        assert names("status=seriously_behind") == sorted(VISIBLE["city_official"])  # nothing reported by 20 December
        assert names("status=not_completed") == []
        page = client.get(f"/keyprojects/plans/2023/projects/?district={city.district_b.pk}").content.decode()
        assert "武进燃气项目" in page and "新北消防项目" not in page
    with time_machine.travel("2024-03-01 10:00 +08:00", tick=False):  # the year is over: judged at its end
        assert names("status=not_completed") == sorted(VISIBLE["city_official"])
        assert names("status=seriously_behind") == []
        assert names("district=320411&status=not_completed") == ["全市燃气项目", "新北消防项目"]


def test_query_counts_do_not_grow_with_projects(kp: Plan, personas: Any, django_assert_max_num_queries: Any) -> None:
    client = login(personas.city_official)
    with django_assert_max_num_queries(20):
        assert client.get("/keyprojects/plans/2023/projects/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/api/keyprojects/projects/?plan=2023").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get("/keyprojects/plans/2023/").status_code == 200


@time_machine.travel("2023-12-20 10:00 +08:00", tick=False)  # within the year: the schedule statuses
def test_dashboard_and_gantt_pages(kp: Plan, personas: Any) -> None:
    client = login(personas.city_official)
    page = client.get("/keyprojects/plans/2023/").content.decode()
    assert 'data-status="seriously_behind"' in page and "kp-chart" in page
    gantt = client.get("/keyprojects/plans/2023/gantt/").content.decode()
    escaped = json.dumps("新北消防项目")[1:-1]  # json_script escapes non-ASCII
    assert 'data-chart="kp-gantt"' in gantt and escaped in gantt


def test_district_official_sees_a_city_wide_project_but_cannot_change_or_report(kp: Plan, personas: Any, city: Any) -> None:
    """A project whose only district is the city itself is seen by every district official (the
    scope rule's region ancestors): detail, list, API and its library citations; never changed."""
    from datetime import date

    import time_machine
    from django.core.exceptions import PermissionDenied

    from safecity.keyprojects import services
    from safecity.keyprojects.citations import KEY_PROJECT_CITATIONS
    from safecity.keyprojects.models import KeyProject, ProgressReport
    from safecity.keyprojects.tests.conftest import STANDARD, milestones
    from safecity.library import selectors as library_selectors
    from safecity.library import services as library_services

    project = services.project_create(
        actor=personas.city_admin,
        plan=kp.plan,
        sequence=4,
        name="全市安全发展示范城市创建",
        sub_system=kp.wujin.sub_system,
        lead_department=kp.housing,
        districts=[city.city],
        goal="创建",
        start_date=date(2023, 1, 1),
        milestones=milestones(*STANDARD),
    )
    entry = library_services.library_entry_create(
        actor=personas.city_admin, kind="local_standard", title="安全发展示范城市评价细则", summary="s"
    )
    library_services.citation_add(actor=personas.city_admin, library_entry=entry, record=project)
    for name in ("district_a", "district_b"):
        user = getattr(personas, name)
        client = login(user)
        page = client.get(f"/keyprojects/projects/{project.pk}/")
        assert page.status_code == 200 and "安全发展示范城市评价细则" in page.content.decode(), name
        assert 'data-testid="report-form"' not in page.content.decode()
        assert 'data-testid="library-link-form"' not in page.content.decode()
        assert project.name in client.get("/keyprojects/plans/2023/projects/").content.decode()
        assert project.name in [r["name"] for r in client.get("/api/keyprojects/projects/?plan=2023").json()["results"]]
        detail = client.get(f"/api/keyprojects/projects/{project.pk}/").json()
        assert [e["title"] for e in detail["library_entries"]] == ["安全发展示范城市评价细则"]
        cited = library_selectors.cited_records(user=user, item=entry, kind=KEY_PROJECT_CITATIONS)
        assert project.name in {p.name for p in cited}
        api_entry = client.get(f"/api/library/entries/{entry.pk}/").json()
        assert [p["code"] for p in api_entry["key_projects"]] == [project.code]
        # Seeing is not changing: no edit, no citation change, no progress report (UI and API).
        with pytest.raises(PermissionDenied):
            services.project_update(actor=user, project=project, name="改名")
        with pytest.raises(PermissionDenied):
            library_services.citation_remove(actor=user, library_entry=entry, record=project)
        assert (
            client.post(f"/keyprojects/projects/{project.pk}/library/", {"library_entry": entry.pk, "unlink": "1"}).status_code
            == 403
        )
        unlink = client.delete(
            f"/api/library/entries/{entry.pk}/citations/",
            {"kind": "keyprojects.keyproject", "record": project.pk},
            content_type="application/json",
        )
        assert unlink.status_code == 403
        milestone = project.milestones.first()
        with time_machine.travel("2023-05-15 10:00 +08:00", tick=False):
            with pytest.raises(PermissionDenied):
                services.progress_report(actor=user, project=project, milestone=milestone, completion=50)
            form = {"milestone": milestone.pk, "completion": 50, "reported_on": "2023-05-01", "note": "", "reason": ""}
            assert client.post(f"/keyprojects/projects/{project.pk}/report/", form).status_code == 403
            api = client.post(f"/api/keyprojects/projects/{project.pk}/reports/", {"milestone": milestone.pk, "completion": 50})
            assert api.status_code == 403
    assert KeyProject.objects.get(pk=project.pk).name == "全市安全发展示范城市创建"
    assert not ProgressReport.objects.exists() and project.library_citations.count() == 1
    # Not for those outside: a department that takes no part, an enterprise, the public.
    for user in (kp.em_officer, personas.enterprise_user, personas.outsider):
        assert login(user).get(f"/keyprojects/projects/{project.pk}/").status_code in (403, 404)
        cited = library_selectors.cited_records(user=user, item=entry, kind=KEY_PROJECT_CITATIONS)
        assert project.name not in {p.name for p in cited}


def test_api_lists_cooperating_departments(kp: Plan, personas: Any, city: Any) -> None:
    client = login(personas.city_official)
    rows = {r["name"]: r for r in client.get("/api/keyprojects/projects/?plan=2023").json()["results"]}
    expected = [{"id": city.city_department.pk, "name": city.city_department.name}]
    assert rows["全市燃气项目"]["cooperating_departments"] == expected
    assert rows["武进燃气项目"]["cooperating_departments"] == []
    detail = client.get(f"/api/keyprojects/projects/{kp.citywide.pk}/").json()
    assert detail["cooperating_departments"] == expected


def test_forecast_later_than_planned_is_a_warning_beside_on_schedule(kp: Plan, personas: Any) -> None:
    from datetime import date

    import time_machine

    from safecity.keyprojects import selectors, services

    milestone = kp.wujin.milestones.first()
    with time_machine.travel("2023-02-15 10:00 +08:00", tick=False):
        for day, completion in ((date(2023, 1, 10), 10), (date(2023, 2, 15), 50)):
            services.progress_report(
                actor=kp.dept_officer, project=kp.wujin, milestone=milestone, completion=completion, reported_on=day
            )
        ev = selectors.evaluate(selectors.project_get(user=kp.dept_officer, pk=kp.wujin.pk), date(2023, 2, 15))
        # 10 % done, ~10.1 % expected: on schedule by the thresholds; the trend reaches 100 % only in 2024.
        assert ev.status == "on_schedule" and ev.forecast is not None and ev.forecast > date(2023, 9, 30)
        client = login(kp.dept_officer)
        page = client.get(f"/keyprojects/projects/{kp.wujin.pk}/").content.decode()
        assert 'data-testid="forecast-late"' in page and "forecast later than planned" in page
        assert 'data-testid="status">On time-based schedule' in page  # the status itself is unchanged
        listing = client.get("/keyprojects/plans/2023/projects/").content.decode()
        assert listing.count('data-testid="forecast-late"') == 1
        rows = {r["name"]: r for r in client.get("/api/keyprojects/projects/?plan=2023").json()["results"]}
        assert rows["武进燃气项目"]["forecast_later_than_planned"] is True
        assert rows["武进燃气项目"]["status"] == "on_schedule"
        assert rows["全市燃气项目"]["forecast_later_than_planned"] is False


def test_dashboard_charts_give_every_row_room_for_a_label(kp: Plan, personas: Any) -> None:
    import re

    page = login(personas.city_official).get("/keyprojects/plans/2023/").content.decode()
    for source in ("kp-chart", "kp-district-chart"):
        raw = re.search(rf'<script id="{source}" type="application/json">(.*?)</script>', page, re.S)
        assert raw is not None
        chart = json.loads(raw.group(1))
        assert chart["labels"] and chart["height"] >= 22 * len(chart["labels"])
        assert f'data-source="{source}"' in page and f"height:{chart['height']}px" in page
