"""Two officials accept the same hidden hazard at the same moment: exactly one wins, the other is told
it is already accepted. PostgreSQL serialises them with the row lock (select_for_update); SQLite with
its IMMEDIATE write transactions and busy timeout. Runs on both databases.

SQLite note: Django's default SQLite test database is an in-memory *shared-cache* database, where a
second writer fails at once with "database table is locked" (shared-cache table locks never wait).
The deployed database is a WAL file, where IMMEDIATE transactions queue. So on SQLite the threads
work on a file copy of the test database, i.e. the configuration the platform runs with.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection

from safecity.hazards import services
from safecity.hazards.choices import HazardState
from safecity.hazards.models import HazardTransition, HiddenHazard


@contextmanager
def thread_database(tmp_path: Any) -> Iterator[None]:
    """On SQLite, point new (thread) connections at a file copy of the test database."""
    if connection.vendor != "sqlite":
        yield
        return
    path = str(tmp_path / "concurrency.sqlite3")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    original = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = path  # read by connections created from now on (other threads)
    try:
        yield
    finally:
        connection.settings_dict["NAME"] = original


def run_in_threads(functions: list[Callable[[], Any]]) -> list[Any]:
    """Run each function in its own thread, all released at once; return each result or exception."""
    barrier = threading.Barrier(len(functions))
    results: list[Any] = [None] * len(functions)

    def run(index: int, fn: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = fn()
        except Exception as exc:  # noqa: BLE001 - the caller asserts on it
            results[index] = exc
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_acceptances_one_wins(make_hazard: Any, personas: Any, tmp_path: Any) -> None:
    hazard = make_hazard(HazardState.AWAITING_ACCEPTANCE)
    usernames = ["district_a", "city_official"]

    def accepter(username: str) -> Callable[[], str]:
        def accept() -> str:
            user = get_user_model().objects.get(username=username)  # this thread's own objects
            services.hazard_accept(actor=user, hazard=HiddenHazard.objects.get(pk=hazard.pk), comment=f"{username} 验收")
            return username

        return accept

    def stored() -> tuple[int, str, str, int]:
        fresh = HiddenHazard.objects.select_related("accepted_by").get(pk=hazard.pk)
        accepts = HazardTransition.objects.filter(hazard_id=hazard.pk, action="accept").count()
        return fresh.state, fresh.accepted_by.username, fresh.acceptance_comment, accepts

    with thread_database(tmp_path):
        outcomes = run_in_threads([accepter(name) for name in usernames])
        (state, accepted_by, comment, accepts) = run_in_threads([stored])[0]

    winners = [o for o in outcomes if isinstance(o, str)]
    losers = [o for o in outcomes if not isinstance(o, str)]
    assert len(winners) == 1, outcomes
    (loser,) = losers
    assert isinstance(loser, services.HazardConflict) and isinstance(loser, ValidationError), repr(loser)
    assert "already Accepted" in " ".join(loser.messages)
    assert (state, accepted_by, comment, accepts) == (HazardState.ACCEPTED, winners[0], f"{winners[0]} 验收", 1)
