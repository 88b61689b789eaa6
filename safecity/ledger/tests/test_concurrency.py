"""Concurrent appends (on PostgreSQL the point of the test): the head row lock gives every entry one index, no gaps;
and a witness over HTTP against a live server."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connection, connections

from safecity.ledger.models import Checkpoint, Cosignature, LogEntry
from safecity.ledger.notes import public_bytes
from safecity.ledger.services import ledger_append, witness_key_register
from safecity.ledger.services.verify import ledger_verify
from safecity.ledger.services.witness import HttpSource, witness_keygen, witness_run
from safecity.ledger.tests.conftest import make


def _append_retrying(batch: list[Any]) -> list[int]:
    for _attempt in range(200):
        try:
            return ledger_append(actor=None, statements=batch)
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            time.sleep(0.01)
    raise AssertionError("never got the write lock")


@pytest.mark.django_db(transaction=True)
def test_two_threads_append_without_gaps_or_duplicates(city: Any, signer: Any) -> None:
    # PostgreSQL: the head row lock (select_for_update) makes the second writer wait. SQLite's
    # in-memory test database refuses a second writer at once ("table is locked"): there the
    # writer retries, as a client would, and a refused attempt must have appended nothing.
    batches = {t: [make(signer, 20, prefix=f"t{t}-{b}") for b in range(5)] for t in range(2)}
    results: dict[int, list[list[int]]] = {0: [], 1: []}
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work(t: int) -> None:
        try:
            start.wait()
            for batch in batches[t]:
                results[t].append(_append_retrying(batch))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(t,)) for t in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors
    indexes = sorted(i for t in results for batch in results[t] for i in batch)
    assert indexes == list(range(200))
    for t in results:
        for batch in results[t]:
            assert batch == list(range(batch[0], batch[0] + 20))  # a batch is contiguous
    assert LogEntry.objects.count() == 200 and Checkpoint.objects.count() == 10
    report = ledger_verify()
    assert report.ok, report.problems


@pytest.mark.django_db(transaction=True)
def test_witness_over_http(live_server: Any, city: Any, signer: Any, tmp_path: Path) -> None:
    key_file = tmp_path / "w.key"
    witness_key_register(actor=None, name="samr.example/w", public_key=public_bytes(witness_keygen(key_file)))
    ledger_append(actor=None, statements=make(signer, 4))
    source = HttpSource(live_server.url)
    assert witness_run(name="samr.example/w", key_file=key_file, source=source).tree_size == 4
    ledger_append(actor=None, statements=make(signer, 3, prefix="more"))
    assert witness_run(name="samr.example/w", key_file=key_file, source=source).previous_size == 4
    assert Cosignature.objects.count() == 2
