"""The dictionary API per persona: reads, import (201 / 400 with row errors), export, publish, diff."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from conftest import ORG_REACH
from safecity.core.tests.test_api import assert_error, results, token_for
from safecity.riskdict.models import DictionaryVersion, RiskEntry
from safecity.riskdict.services import dictionary_load_starter
from safecity.riskdict.tests.factories import (
    CheckItemFactory,
    DictionaryVersionFactory,
    ManagementCategoryFactory,
    RiskEntryFactory,
    StandardMeasureFactory,
    row,
    two_entry_rows,
    upload,
    xlsx,
)

PERSONAS = list(ORG_REACH)
EDITORS = ["city_admin", "city_official"]
NOT_EDITORS = [p for p in PERSONAS if p not in EDITORS]


@pytest.fixture(params=["session", "token"])
def api(request: Any, personas: Any) -> Any:
    def make(persona: str) -> Client:
        user = getattr(personas, persona)
        if request.param == "session":
            client = Client()
            client.force_login(user)
            return client
        return Client(HTTP_AUTHORIZATION=f"Token {token_for(user.username)}")

    return make


@pytest.fixture
def starter(city: Any, personas: Any) -> DictionaryVersion:
    return dictionary_load_starter(actor=personas.city_admin)


def post_import(client: Client, rows: list[dict[str, Any]], version: str = "2024.1", **extra: Any) -> Any:
    return client.post(
        "/api/riskdict/versions/import/", {"file": upload(xlsx(rows)), "version": version, "title": "接口导入", **extra}
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_reads_versions_and_entries(api: Any, starter: DictionaryVersion, persona: str) -> None:
    client = api(persona)
    versions = results(client.get("/api/riskdict/versions/"))
    assert [v["version"] for v in versions] == ["2023.1"]
    assert versions[0]["status"] == "published" and versions[0]["entry_count"] == RiskEntry.objects.count()
    detail = client.get("/api/riskdict/versions/2023.1/")
    assert detail.status_code == 200 and detail.json()["title"] == starter.title
    entries = results(client.get("/api/riskdict/versions/2023.1/entries/", {"page_size": 200}))
    assert len(entries) == RiskEntry.objects.count()
    forklift = next(e for e in entries if e["code"] == "0801")
    assert forklift["category"] == "08" and forklift["measures"]
    assert all(m["check_items"] for m in forklift["measures"])
    assert {m["measure_class"] for m in forklift["measures"]} >= {"operation", "maintenance", "engineering"}
    one = client.get("/api/riskdict/versions/2023.1/entries/0402/")
    assert one.status_code == 200 and one.json()["name"] == "受限空间作业"
    assert_error(client.get("/api/riskdict/versions/2023.1/entries/0499/"), 404)
    assert_error(client.get("/api/riskdict/versions/2030.1/"), 404)


def test_entries_filter_by_code_category_and_words(api: Any, starter: DictionaryVersion) -> None:
    client = api("enterprise_user")
    url = "/api/riskdict/versions/2023.1/entries/"
    assert [e["code"] for e in results(client.get(url, {"code": "06"}))] == ["0601", "0602"]
    assert [e["code"] for e in results(client.get(url, {"category": "10"}))] == ["1001", "1002"]
    assert [e["code"] for e in results(client.get(url, {"q": "液化石油气"}))] == ["0701"]
    assert_error(client.get(url, {"category": "77"}), 400, "category")


def test_anonymous_is_401(starter: DictionaryVersion) -> None:
    client = Client()
    for method, url in [
        ("get", "/api/riskdict/versions/"),
        ("get", "/api/riskdict/versions/2023.1/entries/"),
        ("get", "/api/riskdict/versions/2023.1/export/"),
        ("post", "/api/riskdict/versions/import/"),
        ("post", "/api/riskdict/versions/2023.1/publish/"),
        ("get", "/api/riskdict/versions/diff/?old=2023.1&new=2023.1"),
    ]:
        assert_error(getattr(client, method)(url), 401)


@pytest.mark.parametrize("persona", NOT_EDITORS)
def test_others_get_403_on_import_publish_and_delete(api: Any, city: Any, persona: str) -> None:
    draft = DictionaryVersionFactory(version="2024.1")
    RiskEntryFactory(category=ManagementCategoryFactory(version=draft))
    client = api(persona)
    assert_error(post_import(client, [row()], version="2024.2"), 403)
    assert_error(client.post("/api/riskdict/versions/import/", {}), 403)
    assert_error(client.post("/api/riskdict/versions/2024.1/publish/"), 403)
    assert_error(client.delete("/api/riskdict/versions/2024.1/"), 403)
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert DictionaryVersion.objects.count() == 1


@pytest.mark.parametrize("persona", EDITORS)
def test_editors_import_publish_and_export(api: Any, city: Any, persona: str) -> None:
    client = api(persona)
    created = post_import(client, two_entry_rows(), note="接口")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["version"] == "2024.1" and body["status"] == "draft" and body["entry_count"] == 2
    published = client.post("/api/riskdict/versions/2024.1/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert_error(client.post("/api/riskdict/versions/2024.1/publish/"), 400, "status")
    assert_error(client.delete("/api/riskdict/versions/2024.1/"), 400, "status")
    export = client.get("/api/riskdict/versions/2024.1/export/")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(export.content)).active.max_row == 1 + 4


def test_export_honours_an_xlsx_accept_header(api: Any, starter: DictionaryVersion) -> None:
    response = api("expert").get(
        "/api/riskdict/versions/2023.1/export/",
        HTTP_ACCEPT="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_import_errors_use_the_core_error_format_and_write_nothing(api: Any, city: Any) -> None:
    client = api("city_admin")
    rows = [row(), row(), row(), row(), row(风险代码="1502"), row(风险代码="15B2", 排查内容="另一项")]
    response = post_import(client, rows)
    body = assert_error(response, 400, "file")
    assert body["code"] == "invalid"
    assert "row 3, 排查内容: " in body["fields"]["file"][0]
    assert any(m.startswith("row 7, 风险代码: ") for m in body["fields"]["file"])
    assert not DictionaryVersion.objects.exists() and not RiskEntry.objects.exists()


def test_import_input_errors(api: Any, city: Any) -> None:
    client = api("city_official")
    assert_error(client.post("/api/riskdict/versions/import/", {"version": "2024.1", "title": "x"}), 400, "file")
    assert_error(post_import(client, [row()], version="版本"), 400, "version")
    nul = client.post("/api/riskdict/versions/import/", {"file": upload(xlsx([row()])), "version": "2024.1", "title": "标题\x00"})
    assert_error(nul, 400, "title")
    assert not DictionaryVersion.objects.exists()


def test_diff_api(api: Any, starter: DictionaryVersion, personas: Any) -> None:
    assert post_import(api("city_admin"), [*two_entry_rows()]).status_code == 201
    client = api("district_a")
    body = client.get("/api/riskdict/versions/diff/", {"old": "2023.1", "new": "2024.1"}).json()
    assert {e["code"] for e in body["added"]} == {"1501", "1502"}
    assert "0801" in {e["code"] for e in body["removed"]}
    assert body["changed"] == [] and body["old"] == "2023.1"
    assert_error(client.get("/api/riskdict/versions/diff/", {"old": "2023.1"}), 400, "new")
    assert_error(client.get("/api/riskdict/versions/diff/", {"old": "2023.1", "new": "1999.1"}), 404)


def test_entries_api_query_count_does_not_grow_with_page_size(api: Any, city: Any) -> None:
    version = DictionaryVersionFactory(version="2024.1")
    category = ManagementCategoryFactory(version=version)
    for i in range(30):
        entry = RiskEntryFactory(category=category, code=f"15{i + 1:02d}")
        CheckItemFactory.create_batch(2, measure=StandardMeasureFactory(entry=entry))
    client = api("enterprise_user")
    client.get("/api/riskdict/versions/2024.1/entries/", {"page_size": 5})
    counts = {}
    for size in (5, 30):
        with CaptureQueriesContext(connection) as queries:
            assert len(results(client.get("/api/riskdict/versions/2024.1/entries/", {"page_size": size}))) == size
        counts[size] = len(queries)
    assert counts[5] == counts[30], counts
