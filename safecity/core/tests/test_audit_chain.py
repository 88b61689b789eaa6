"""The audit trail is tamper-evident end to end: append-only triggers, a hash chain sealed into
segments anchored in the ledger, and ``safecity audit verify`` / ``safecity ledger verify`` that
name the first entry changed, deleted, reordered or inserted by someone with database access.
Runs on SQLite and PostgreSQL (the triggers and the raw SQL are each database's own)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from safecity.core import services
from safecity.core.audit import audit_context
from safecity.core.audit_chain import KIND_PRUNE, KIND_SEAL, audit_prune, audit_seal, platform_organisation
from safecity.core.audit_verify import audit_verify
from safecity.core.choices import AuditSource
from safecity.core.models import AuditEntry, AuditLink, AuditSegment
from safecity.ledger.db import ledger_maintenance
from safecity.ledger.models import LogEntry
from safecity.ledger.services.verify import ledger_verify

pytestmark = pytest.mark.django_db


def _raw(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _refused(sql: str, params: list[Any] | None = None) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw(sql, params)


def _drop_triggers() -> None:
    """What someone with the database owner's rights can do: drop the audit triggers."""
    if connection.vendor == "postgresql":
        for table in ("core_auditentry", "core_auditlink", "core_auditsegment"):
            _raw(f"DROP TRIGGER {table}_append_only ON {table}")
    else:
        for table in ("core_auditentry", "core_auditlink", "core_auditsegment"):
            _raw(f"DROP TRIGGER {table}_no_update")
            _raw(f"DROP TRIGGER {table}_no_delete")


def _seal() -> AuditSegment:
    segment = audit_seal(cutoff=timezone.now())
    assert segment is not None
    return segment


def _write(city: Any, n: int, tag: str) -> list[int]:
    """n audited writes (organisation address changes); their entry ids."""
    ids = []
    with audit_context(source=AuditSource.SYSTEM, actor=city.superuser):
        for i in range(n):
            services.organisation_update(actor=city.superuser, organisation=city.enterprise_a, address=f"{tag}路{i}号")
            ids.append(AuditEntry.objects.order_by("-id").values_list("id", flat=True)[0])
    return ids


@pytest.fixture
def sealed(city: Any) -> Iterator[dict[str, Any]]:
    first = _seal()
    ids = _write(city, 5, "甲")
    second = _seal()
    yield {"first": first, "second": second, "ids": ids}


def test_the_seal_job_anchors_each_segment_in_the_ledger(city: Any, sealed: dict[str, Any], capsys: Any) -> None:
    first, second = sealed["first"], sealed["second"]
    assert first.number == 1 and first.first_position == 0 and bytes(first.previous_head) == b"\x00" * 32
    assert second.number == 2 and second.first_position == first.count and bytes(second.previous_head) == bytes(first.head)
    assert set(sealed["ids"]) <= set(AuditLink.objects.filter(segment=2).values_list("entry_id", flat=True))
    anchor = LogEntry.objects.get(index=second.ledger_index)
    statement = anchor.statement()
    assert anchor.kind == KIND_SEAL and statement.organisation_id == platform_organisation().pk == city.city_department.pk
    assert statement.body["head"] == bytes(second.head).hex() and statement.body["count"] == second.count
    # Every entry written before the cut-off is in a segment; the anchors' own entries come next time.
    assert not AuditEntry.objects.filter(time__lt=second.cutoff).exclude(pk__in=AuditLink.objects.values("entry_id")).exists()
    assert audit_verify().ok and ledger_verify().ok
    call_command("audit", "verify")
    assert "OK" in capsys.readouterr().out


def test_the_periodic_job_seals_through_the_scheduler(city: Any, settings: Any) -> None:
    from safecity.core.scheduling import jobs
    from safecity.core.tasks import audit_seal as job

    settings.SAFECITY_AUDIT_SEAL_LAG_SECONDS = 0
    assert "core.audit_seal" in {j.name for j in jobs()}
    assert job.call() >= 1
    assert AuditSegment.objects.count() >= 1 and audit_verify().ok


def test_the_database_refuses_edits_and_deletes(city: Any, sealed: dict[str, Any]) -> None:
    entry_id = sealed["ids"][0]
    _refused("UPDATE core_auditentry SET object_repr = 'forged' WHERE id = %s", [entry_id])
    _refused("DELETE FROM core_auditentry WHERE id = %s", [entry_id])
    _refused("UPDATE core_auditlink SET position = position + 1000")
    _refused("DELETE FROM core_auditlink")
    _refused("DELETE FROM core_auditsegment")
    _refused("UPDATE core_auditsegment SET head = head")
    # Entries not sealed yet are covered by the triggers as well.
    [fresh] = _write(city, 1, "乙")
    _refused("UPDATE core_auditentry SET after = NULL WHERE id = %s", [fresh])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=fresh).update(actor_label="nobody")
    assert AuditEntry.objects.get(pk=entry_id).object_repr == "常州甲化工有限公司"


def test_deleting_a_user_keeps_the_entries_and_their_actor_label(city: Any, personas: Any, sealed: dict[str, Any]) -> None:
    client_user = personas.district_a
    with audit_context(source=AuditSource.UI, actor=client_user):
        services.organisation_update(actor=client_user, organisation=city.enterprise_a, address="新北区某路")
    entry = AuditEntry.objects.filter(actor_label="district_a").latest("id")
    client_user.delete()
    assert AuditEntry.objects.get(pk=entry.pk).actor_label == "district_a"


def test_an_edit_behind_the_triggers_is_named(city: Any, sealed: dict[str, Any], capsys: Any) -> None:
    target = sealed["ids"][2]
    _drop_triggers()
    _raw("UPDATE core_auditentry SET after = %s WHERE id = %s", [json.dumps({"address": "别处"}), target])
    report = audit_verify()
    assert report.problems[0] == f"entry {target} (segment 2): changed after sealing"
    assert len(report.problems) == 1
    with pytest.raises(CommandError, match=f"first problem: entry {target} \\(segment 2\\): changed after sealing"):
        call_command("audit", "verify")
    assert f"BAD entry {target}" in capsys.readouterr().err
    # `safecity ledger verify` reports it too, through its cross-check.
    with pytest.raises(CommandError, match="cross-check problem"):
        call_command("ledger", "verify")
    assert f"BAD audit: entry {target} (segment 2): changed after sealing" in capsys.readouterr().err


def test_a_delete_behind_the_triggers_is_named(city: Any, sealed: dict[str, Any]) -> None:
    target = sealed["ids"][1]
    with ledger_maintenance():
        _raw("DELETE FROM core_auditentry WHERE id = %s", [target])
    assert audit_verify().problems == [f"entry {target} (segment 2): deleted after sealing"]


def test_reordering_rows_is_named(city: Any, sealed: dict[str, Any]) -> None:
    a, b = sealed["ids"][1], sealed["ids"][3]
    _drop_triggers()
    # Swap the two entries' times: their order in the trail.
    time_a, time_b = (AuditEntry.objects.get(pk=x).time for x in (a, b))
    _raw("UPDATE core_auditentry SET time = %s WHERE id = %s", [time_b, a])
    _raw("UPDATE core_auditentry SET time = %s WHERE id = %s", [time_a, b])
    problems = audit_verify().problems
    assert problems[0] == f"entry {a} (segment 2): changed after sealing"
    assert f"entry {b} (segment 2): changed after sealing" in problems


def test_moving_links_to_other_positions_is_named(city: Any, sealed: dict[str, Any]) -> None:
    a, b = sealed["ids"][0], sealed["ids"][4]
    _drop_triggers()
    pa, pb = (AuditLink.objects.get(entry_id=x).position for x in (a, b))
    _raw("UPDATE core_auditlink SET position = -1 WHERE entry_id = %s", [a])
    _raw("UPDATE core_auditlink SET position = %s WHERE entry_id = %s", [pa, b])
    _raw("UPDATE core_auditlink SET position = %s WHERE entry_id = %s", [pb, a])
    assert audit_verify().problems[0] == f"entry {b} (segment 2): changed after sealing"


def test_a_rewritten_chain_is_caught_by_the_ledger_anchor(city: Any, sealed: dict[str, Any]) -> None:
    """Someone edits an entry and recomputes every link and the segment's head: the signed anchor
    in the ledger still holds the old head."""
    from safecity.core.audit_chain import FIELDS, chain_hash

    target = sealed["ids"][2]
    second: AuditSegment = sealed["second"]
    _drop_triggers()
    _raw("UPDATE core_auditentry SET object_repr = 'forged' WHERE id = %s", [target])
    head = bytes(second.previous_head)
    for link in AuditLink.objects.filter(segment=2).order_by("position"):
        head = chain_hash(head, AuditEntry.objects.filter(pk=link.entry_id).values_list(*FIELDS).get())
        _raw("UPDATE core_auditlink SET hash = %s WHERE entry_id = %s", [head, link.entry_id])
    _raw("UPDATE core_auditsegment SET head = %s WHERE number = 2", [head])
    assert audit_verify().problems[0] == f"segment 2: differs from its anchor in the ledger (log entry {second.ledger_index})"


def test_deleting_a_whole_segment_is_caught_by_the_ledger_anchor(city: Any, sealed: dict[str, Any]) -> None:
    second: AuditSegment = sealed["second"]
    _drop_triggers()
    _raw("DELETE FROM core_auditentry WHERE id IN (SELECT entry_id FROM core_auditlink WHERE segment = 2)")
    _raw("DELETE FROM core_auditlink WHERE segment = 2")
    _raw("DELETE FROM core_auditsegment WHERE number = 2")
    assert audit_verify().problems[0] == f"segment 2: missing (anchored in the ledger at log entry {second.ledger_index})"


def test_a_backdated_insertion_is_named(city: Any, sealed: dict[str, Any], settings: Any) -> None:
    settings.SAFECITY_AUDIT_STRAGGLER_SECONDS = 60
    forged = AuditEntry.objects.create(
        source="ui",
        action="delete",
        content_type_id=AuditEntry.objects.first().content_type_id,
        object_id="1",
        object_repr="伪造",
    )
    AuditEntry.objects.filter(pk=forged.pk)  # the row is in; its time is what a forger would back-date
    _drop_triggers()
    _raw("UPDATE core_auditentry SET time = %s WHERE id = %s", [sealed["first"].cutoff - timedelta(days=1), forged.pk])
    [problem] = audit_verify().problems
    assert problem.startswith(f"entry {forged.pk}: written at ") and problem.endswith("inserted after sealing")


def test_a_long_transaction_is_sealed_by_the_next_seal(city: Any, sealed: dict[str, Any]) -> None:
    """An entry written before a seal's cut-off but committed after it (a long transaction) is not
    lost: the next seal takes it, within the straggler window."""
    late = AuditEntry.objects.create(
        source="ui",
        action="update",
        content_type_id=AuditEntry.objects.first().content_type_id,
        object_id="1",
        object_repr="迟到",
    )
    with ledger_maintenance():
        _raw("UPDATE core_auditentry SET time = %s WHERE id = %s", [sealed["second"].cutoff - timedelta(seconds=5), late.pk])
    third = _seal()
    assert AuditLink.objects.get(entry_id=late.pk).segment == third.number
    assert audit_verify().ok


def test_prune_keeps_the_chain_verifiable(city: Any, sealed: dict[str, Any], capsys: Any) -> None:
    first_ids = list(AuditLink.objects.filter(segment=1).values_list("entry_id", flat=True))
    # Nothing is older than the retention yet.
    call_command("audit", "prune")
    assert "nothing to prune" in capsys.readouterr().out
    result = audit_prune(older_than=sealed["first"].cutoff + timedelta(microseconds=1))
    assert result.segments == [1] and result.entries == len(first_ids)
    assert not AuditEntry.objects.filter(pk__in=first_ids).exists()
    assert AuditSegment.objects.filter(number=1).exists()  # the segment row stays
    assert LogEntry.objects.filter(kind=KIND_PRUNE).count() == 1
    report = audit_verify()
    assert report.ok, report.problems
    assert report.pruned == 1 and ledger_verify().ok
    # Pruning never splits a segment nor goes past one that is too young.
    assert audit_prune(older_than=sealed["second"].cutoff - timedelta(microseconds=1)).segments == []
    # The rest is still tamper-evident.
    target = sealed["ids"][0]
    with ledger_maintenance():
        _raw("DELETE FROM core_auditentry WHERE id = %s", [target])
    assert audit_verify().problems == [f"entry {target} (segment 2): deleted after sealing"]


def test_deleting_old_entries_outside_a_prune_is_named(city: Any, sealed: dict[str, Any]) -> None:
    """Someone deletes the oldest segment's entries and links as if pruned, without the signed prune."""
    first_link = AuditLink.objects.filter(segment=1).order_by("position").first()
    _drop_triggers()
    _raw("DELETE FROM core_auditentry WHERE id IN (SELECT entry_id FROM core_auditlink WHERE segment = 1)")
    _raw("DELETE FROM core_auditlink WHERE segment = 1")
    assert audit_verify().problems[0] == "chain position 0 (segment 1): its link is missing"
    assert first_link is not None


def test_the_prune_and_seal_commands(city: Any, capsys: Any) -> None:
    call_command("audit", "seal", "--now")
    out = capsys.readouterr().out
    assert "segment 1:" in out and "anchored at log entry" in out
    call_command("audit", "prune", "--days", "0")
    assert "pruned segments 1–1" in capsys.readouterr().out
    call_command("audit", "verify")
    assert "OK" in capsys.readouterr().out


def test_nobody_can_post_a_forged_anchor_through_the_ledger_api(client: Any, city: Any, sealed: dict[str, Any]) -> None:
    """``audit.*`` statements are the core's own: a station with a valid key still cannot append
    a fake seal through the generic ledger API (it would shadow the real anchor)."""
    from safecity.ledger.tests.test_api_views import _external_station, _signed

    private, key_id = _external_station(client, city)
    forged = _signed(
        private,
        kind=KIND_SEAL,
        subject="segment 2",
        idempotency_key="forged-seal",
        organisation_id=city.enterprise_a.pk,
        key_id=key_id,
    )
    refused = client.post("/api/ledger/statements/", {"statements": [forged]}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "kind_reserved"
    assert LogEntry.objects.filter(kind=KIND_SEAL).count() == 2


def test_a_trail_never_sealed_says_so_and_warns_when_the_job_is_not_running(city: Any, capsys: Any) -> None:
    """With no segment at all (no worker ever ran), verify counts every entry as not sealed (not 0)
    and warns that the old ones cannot be checked, instead of a bare OK."""
    import time_machine

    assert not AuditSegment.objects.exists()
    total = AuditEntry.objects.count()
    assert total > 0
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        call_command("audit", "verify")
    out = capsys.readouterr()
    assert f"{total:,} not sealed yet" in out.out
    assert "WARNING" in out.err and "safecity worker" in out.err
