"""The dictionary UI per persona: who reads, who imports and publishes, the error table, query counts."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from conftest import ORG_REACH
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


@pytest.fixture
def starter(city: Any, personas: Any) -> DictionaryVersion:
    return dictionary_load_starter(actor=personas.city_admin)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_reads_the_published_dictionary(
    client: Any, starter: DictionaryVersion, personas: Any, persona: str
) -> None:
    client.force_login(getattr(personas, persona))
    listing = client.get("/riskdict/")
    assert listing.status_code == 200
    assert "2023.1" in listing.content.decode()
    detail = client.get("/riskdict/versions/2023.1/", {"page_size": 200})
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "0401" in html and "动火作业" in html and "GB 30871-2022" in html
    assert {e.code for e in detail.context["page"].object_list} == set(
        RiskEntry.objects.filter(version=starter).values_list("code", flat=True)
    )
    export = client.get("/riskdict/versions/2023.1/export/")
    assert export.status_code == 200 and "attachment" in export["Content-Disposition"]
    assert load_workbook(io.BytesIO(export.content)).active.max_row > 100
    # The editing actions are offered to the editors only.
    assert ("/riskdict/import/" in listing.content.decode()) is (persona in EDITORS)


def test_anonymous_visitors_are_sent_to_log_in(client: Any, starter: DictionaryVersion) -> None:
    for url in ("/riskdict/", "/riskdict/versions/2023.1/", "/riskdict/import/", "/riskdict/diff/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_entry_list_is_searchable_and_filterable(client: Any, starter: DictionaryVersion, personas: Any) -> None:
    client.force_login(personas.enterprise_user)
    by_word = client.get("/riskdict/versions/2023.1/", {"q": "叉车"})
    assert [e.code for e in by_word.context["page"].object_list] == ["0801"]
    by_category = client.get("/riskdict/versions/2023.1/", {"category": "05"})
    assert [e.code for e in by_category.context["page"].object_list] == ["0501", "0502"]
    by_measure_text = client.get("/riskdict/versions/2023.1/", {"q": "万向"})
    assert [e.code for e in by_measure_text.context["page"].object_list] == ["0301"]
    partial = client.get("/riskdict/versions/2023.1/", {"code": "04"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "受限空间作业" in partial.content.decode()
    assert client.get("/riskdict/versions/9999.9/").status_code == 404


@pytest.mark.parametrize("persona", NOT_EDITORS)
def test_others_get_403_on_import_and_publish(client: Any, city: Any, personas: Any, persona: str) -> None:
    draft = DictionaryVersionFactory(version="2024.1")
    RiskEntryFactory(category=ManagementCategoryFactory(version=draft))
    client.force_login(getattr(personas, persona))
    assert client.get("/riskdict/import/").status_code == 403
    posted = client.post("/riskdict/import/", {"file": upload(xlsx([row()])), "version": "2024.2", "title": "x"})
    assert posted.status_code == 403
    assert client.post("/riskdict/versions/2024.1/publish/").status_code == 403
    assert client.post("/riskdict/versions/2024.1/delete/").status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert list(DictionaryVersion.objects.values_list("version", flat=True)) == ["2024.1"]
    detail = client.get("/riskdict/versions/2024.1/")
    assert detail.status_code == 200
    assert 'data-testid="publish"' not in detail.content.decode() and "/delete/" not in detail.content.decode()


@pytest.mark.parametrize("persona", EDITORS)
def test_editors_import_then_publish(client: Any, city: Any, personas: Any, persona: str) -> None:
    client.force_login(getattr(personas, persona))
    assert client.get("/riskdict/import/").status_code == 200
    response = client.post(
        "/riskdict/import/", {"file": upload(xlsx(two_entry_rows())), "version": "2024.1", "title": "新版", "note": ""}
    )
    assert response.status_code == 302 and response["Location"] == "/riskdict/versions/2024.1/"
    detail = client.get("/riskdict/versions/2024.1/")
    assert 'data-testid="publish"' in detail.content.decode()
    assert client.get("/riskdict/versions/2024.1/publish/").status_code == 405
    published = client.post("/riskdict/versions/2024.1/publish/")
    assert published.status_code == 302
    assert DictionaryVersion.objects.get(version="2024.1").status == "published"
    assert 'data-testid="publish"' not in client.get("/riskdict/versions/2024.1/").content.decode()


def test_publishing_needs_the_csrf_token(city: Any, personas: Any) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.city_admin)
    RiskEntryFactory(category=ManagementCategoryFactory(version=DictionaryVersionFactory(version="2024.1")))
    assert client.post("/riskdict/versions/2024.1/publish/").status_code == 403
    assert DictionaryVersion.objects.get(version="2024.1").status == "draft"


def test_import_page_shows_every_row_error_and_writes_nothing(client: Any, city: Any, personas: Any) -> None:
    client.force_login(personas.city_admin)
    rows = [row(), row(风险代码="15X1"), row(排查周期=0), row(管控措施子类="动设备"), row(周期单位="季度")]
    response = client.post("/riskdict/import/", {"file": upload(xlsx(rows)), "version": "2024.1", "title": "有错"})
    assert response.status_code == 200
    assert not DictionaryVersion.objects.exists()
    shown = [(e.row, e.column) for e in response.context["row_errors"]]
    assert shown == [(3, "风险代码"), (4, "排查周期"), (5, "管控措施子类"), (6, "周期单位")]
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html
    assert "<td>4</td><td>排查周期</td>" in html


def test_import_page_shows_a_taken_version_on_its_field(client: Any, city: Any, personas: Any) -> None:
    DictionaryVersionFactory(version="2024.1")
    client.force_login(personas.city_official)
    response = client.post("/riskdict/import/", {"file": upload(xlsx([row()])), "version": "2024.1", "title": "重复"})
    assert response.status_code == 200
    assert response.context["form"].errors.get("version")
    assert DictionaryVersion.objects.count() == 1


def test_diff_page(client: Any, starter: DictionaryVersion, personas: Any) -> None:
    client.force_login(personas.city_admin)
    client.post(
        "/riskdict/import/",
        {
            "file": upload(xlsx([*two_entry_rows(), row(风险代码="1599", 风险名称="其他风险")])),
            "version": "2024.1",
            "title": "新",
        },
    )
    client.force_login(personas.district_b)
    response = client.get("/riskdict/diff/", {"old": "2023.1", "new": "2024.1"})
    assert response.status_code == 200
    diff = response.context["diff"]
    assert {e.code for e in diff.added} == {"1501", "1502", "1599"}
    assert "0401" in {e.code for e in diff.removed}
    assert 'data-testid="diff"' in response.content.decode()
    same = client.get("/riskdict/diff/", {"old": "2023.1", "new": "2023.1"})
    assert same.context["diff"] is None and same.context["form"].errors


def _many_entries(n: int) -> DictionaryVersion:
    version = DictionaryVersionFactory(version="2024.1")
    category = ManagementCategoryFactory(version=version, code="15")
    for i in range(n):
        entry = RiskEntryFactory(category=category, code=f"15{i + 1:02d}")
        for _ in range(2):
            CheckItemFactory.create_batch(2, measure=StandardMeasureFactory(entry=entry))
    return version


def test_entry_list_query_count_does_not_grow_with_page_size(client: Any, city: Any, personas: Any) -> None:
    _many_entries(40)
    client.force_login(personas.enterprise_user)
    client.get("/riskdict/versions/2024.1/", {"page_size": 10})  # warm caches (content types, sessions)
    sizes = {}
    for size in (10, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/riskdict/versions/2024.1/", {"page_size": size})
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == min(size, 40)
        sizes[size] = len(queries)
    assert sizes[10] == sizes[50], sizes
