"""The database refuses UPDATE and DELETE of the log (ORM and raw SQL, SQLite and PostgreSQL);
flush still empties it; tampering that bypasses the triggers is found by ``ledger verify``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from safecity.ledger.db import ledger_maintenance
from safecity.ledger.models import Checkpoint, LogEntry, LogHead, Tile
from safecity.ledger.services import ledger_append
from safecity.ledger.services.verify import ledger_verify
from safecity.ledger.tests.conftest import make


def _refused(fn: Any) -> str:
    with pytest.raises(DatabaseError) as err, transaction.atomic():
        fn()
    assert "append-only" in str(err.value)
    return str(err.value)


def _raw(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _assert_refusals() -> None:
    _refused(lambda: LogEntry.objects.filter(index=0).update(subject="rewritten"))
    _refused(lambda: LogEntry.objects.get(index=1).delete())
    _refused(lambda: _raw("UPDATE ledger_logentry SET kind = 'x' WHERE \"index\" = 0"))
    _refused(lambda: _raw("DELETE FROM ledger_logentry"))
    _refused(lambda: Checkpoint.objects.all().update(note="forged"))
    _refused(lambda: _raw("DELETE FROM ledger_checkpoint"))
    _refused(lambda: _raw("DELETE FROM ledger_tile"))
    # A tile may grow but never change what it holds.
    _refused(lambda: Tile.objects.filter(level=0, index=0).update(hashes=b"\x00" * 64))
    _refused(lambda: _raw("UPDATE ledger_loghead SET tree_size = 1"))
    _refused(lambda: _raw("DELETE FROM ledger_loghead"))
    assert LogEntry.objects.count() == 3 and LogEntry.objects.get(index=0).subject == "S1"


@pytest.mark.django_db
def test_triggers_refuse_updates_and_deletes(city: Any, signer: Any) -> None:
    ledger_append(actor=None, statements=make(signer, 3))
    _assert_refusals()
    # The append path itself still works (tiles grow, the head advances).
    assert ledger_append(actor=None, statements=make(signer, 2, prefix="more")) == [3, 4]
    assert LogHead.objects.get().tree_size == 5


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_the_triggers_still_hold(city: Any, signer: Any) -> None:
    ledger_append(actor=None, statements=make(signer, 3))
    call_command("flush", verbosity=0, interactive=False)
    assert LogEntry.objects.count() == 0 and Tile.objects.count() == 0 and LogHead.objects.count() == 0
    # After a flush the log starts again, and is append-only again.
    from safecity.ledger.tests.conftest import make as make_again

    city2 = _city_again()
    ledger_append(actor=None, statements=make_again(city2, 3))
    _assert_refusals()


def _city_again() -> Any:
    from safecity.core.choices import OrganisationKind
    from safecity.core.models import Organisation, Region
    from safecity.ledger.services import signing_key_ensure

    region = Region.objects.create(code="320400", name="常州市", level="city", path="/320400/")
    org = Organisation.objects.create(name="常州新北液化气充装站", kind=OrganisationKind.ENTERPRISE, region=region)
    signing_key_ensure(actor=None, organisation=org)
    return org


@pytest.mark.django_db
def test_verify_passes_then_names_the_first_tampered_entry(city: Any, signer: Any) -> None:
    for n in range(3):
        ledger_append(actor=None, statements=make(signer, 120, prefix=f"b{n}"))
    report = ledger_verify()
    assert report.ok, report.problems
    assert report.entries == 360 and report.checkpoints == 3
    # Tamper (deliberately bypassing the triggers) with entry 200's leaf, keeping the JSON valid.
    leaf = bytes(LogEntry.objects.get(index=200).leaf).replace(b'"n":80', b'"n":81')
    with ledger_maintenance():
        _raw('UPDATE ledger_logentry SET leaf = %s WHERE "index" = 200', [leaf])
    report = ledger_verify()
    assert not report.ok
    assert report.problems[0] == "entry 200: the stored leaf hash does not match the leaf"
    # Recomputing the leaf hash too does not help: the signature and the tree give it away.
    from safecity.ledger.merkle import leaf_hash

    with ledger_maintenance():
        _raw('UPDATE ledger_logentry SET leaf_hash = %s WHERE "index" = 200', [leaf_hash(leaf)])
    problems = ledger_verify().problems
    assert problems[0] == "entry 200: the signature does not verify"
    assert any(p.startswith("tile 0/0") for p in problems)


@pytest.mark.django_db
def test_verify_command_exit_status(city: Any, signer: Any, capsys: Any) -> None:
    from django.core.management.base import CommandError

    ledger_append(actor=None, statements=make(signer, 5))
    call_command("ledger", "verify")
    assert "OK" in capsys.readouterr().out
    with ledger_maintenance():
        _raw("UPDATE ledger_logentry SET subject = 'S2' WHERE \"index\" = 3")
    with pytest.raises(CommandError, match="entry 3: the entry's columns differ from its leaf"):
        call_command("ledger", "verify")


@pytest.mark.django_db
def test_verify_runs_the_registered_cross_checks(city: Any, signer: Any, capsys: Any) -> None:
    """An app's rows that differ from their signed statements fail ``safecity ledger verify`` even
    though the log itself verifies (before the fix, verify looked only at the log)."""
    from django.core.management.base import CommandError

    from safecity.ledger.services import register_verifier
    from safecity.ledger.services.registry import _verifiers

    ledger_append(actor=None, statements=make(signer, 2))
    found: list[str] = []

    def check() -> Iterator[str]:
        yield from found

    def broken() -> Iterator[str]:
        raise RuntimeError("no such table")
        yield ""  # pragma: no cover

    saved = dict(_verifiers)
    register_verifier("test.rows", check)
    try:
        call_command("ledger", "verify")
        assert "every cross-check passes" in capsys.readouterr().out
        found.append("row 7 (log index 1): net_kg 9.9 differs from the signed 14.6")
        with pytest.raises(CommandError, match="1 cross-check problem"):
            call_command("ledger", "verify")
        assert "BAD test.rows: row 7 (log index 1): net_kg 9.9 differs from the signed 14.6" in capsys.readouterr().err
        found.clear()
        register_verifier("test.broken", broken)
        with pytest.raises(CommandError, match="the check failed: RuntimeError: no such table"):
            call_command("ledger", "verify")
    finally:
        _verifiers.clear()
        _verifiers.update(saved)


@pytest.mark.django_db
def test_verify_finds_a_statement_signed_before_its_key_existed(city: Any, signer: Any) -> None:
    from datetime import timedelta

    from safecity.ledger.models import SigningKey

    ledger_append(actor=None, statements=make(signer, 2))
    assert ledger_verify().ok
    SigningKey.objects.filter(organisation=signer).update(active_from=LogEntry.objects.get(index=1).signed_at + timedelta(seconds=5))  # fmt: skip
    assert [p for p in ledger_verify().problems if "was active" in p][:1] == [f"entry 0: signed before its key {make(signer, 1)[0].key_id} was active"]  # fmt: skip
