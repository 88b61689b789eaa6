"""Fixtures of the telemetry tests: a real Mosquitto for each test process."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from safecity.telemetry.broker import Account, ManagedBroker, write_auth_files
from safecity.telemetry.tests.mqtt import Session
from safecity.telemetry.tests.world import tm  # noqa: F401  (a small monitored city: world.py)


@dataclass
class MqttBroker:
    """A running Mosquitto with the platform's files: where it listens, its directory, the ingest
    account, and ``reload()`` (rewrite the files, from the database or from ``devices``, and wait
    until the broker has re-read them). The device services reload it by themselves after a commit
    (it is a registered reload hook), when the test runs their on-commit callbacks."""

    broker: ManagedBroker
    host: str
    port: int
    directory: Path
    ingest: Account

    def reload(self, devices: Iterable[tuple[str, str]] | None = None) -> None:
        write_auth_files(self.directory, devices=devices)
        self.broker.reload()

    def session(self, username: str, password: str, **kwargs: object) -> Session:
        return Session(self.host, self.port, username, password, **kwargs)  # type: ignore[arg-type]

    def ingest_session(self, **kwargs: object) -> Session:
        return self.session(self.ingest.username, self.ingest.password, **kwargs)


@pytest.fixture(scope="session")
def mqtt_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MqttBroker]:
    # One broker per test process: tmp_path_factory and the free port are per xdist worker. It
    # starts with no devices (no database at session scope); tests register theirs.
    broker = ManagedBroker(tmp_path_factory.mktemp("mosquitto")).start(devices=[])
    try:
        yield MqttBroker(broker, broker.host, broker.port, broker.directory, broker.ingest)
    finally:
        broker.stop()
