"""The library moved out of innovation with its data: entries and citations keep their ids, their
times and their audit history, on the database the suite runs on (SQLite and PostgreSQL); the
migration also runs backwards."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("innovation", "0002_library_key_project_citation"), ("library", None)]
AFTER = [("innovation", "0003_library_moved_out")]


def _migrate(targets: list[tuple[str, str | None]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_populated_library_moves_with_ids_times_and_history(personas: Any, city: Any) -> None:
    from safecity.hazards.services import hazard_report

    hazard = hazard_report(actor=personas.district_a, organisation=city.enterprise_a, description="装卸站台静电接地报警器失效")
    try:
        old = _migrate(BEFORE)
        Entry = old.get_model("innovation", "LibraryEntry")
        HazardCitation = old.get_model("innovation", "LibraryHazardCitation")
        ContentType = old.get_model("contenttypes", "ContentType")
        AuditEntry = old.get_model("core", "AuditEntry")
        entry = Entry.objects.create(id=41, kind="local_standard", title="起重机械安全管理规范", summary="s")
        Entry.objects.create(id=7, kind="work_method", title="高处作业“1+N”工作法", summary="s")
        HazardCitation.objects.create(id=13, library_entry_id=41, hazard_id=hazard.pk)
        entry_type, _created = ContentType.objects.get_or_create(app_label="innovation", model="libraryentry")
        AuditEntry.objects.create(
            content_type=entry_type, object_id="41", object_repr="起重机械安全管理规范", action="create", source="system"
        )
        created_at = Entry.objects.get(pk=41).created_at

        new = _migrate(AFTER)
        Moved = new.get_model("library", "LibraryEntry")
        assert sorted(Moved.objects.values_list("id", "title")) == [(7, "高处作业“1+N”工作法"), (41, "起重机械安全管理规范")]
        assert Moved.objects.get(pk=41).created_at == created_at
        citation = new.get_model("hazards", "LibraryCitation").objects.get()
        assert (citation.pk, citation.library_entry_id, citation.hazard_id) == (13, 41, hazard.pk)
        # The audit history follows the entry to its new type; a new row gets a fresh id.
        moved_type = new.get_model("contenttypes", "ContentType").objects.get(app_label="library", model="libraryentry")
        assert moved_type.pk == entry_type.pk
        assert new.get_model("core", "AuditEntry").objects.filter(content_type_id=moved_type.pk, object_id="41").exists()
        assert Moved.objects.create(kind="practice", title="新做法", summary="s").pk > 41

        back = _migrate(BEFORE)  # and backwards: the rows return to innovation with their ids
        assert sorted(back.get_model("innovation", "LibraryEntry").objects.values_list("id", flat=True))[:2] == [7, 41]
        assert back.get_model("innovation", "LibraryHazardCitation").objects.get().pk == 13
        assert entry.pk == 41
    finally:
        _latest()
