"""The real broker: Mosquitto with the platform's password and ACL files refuses what a device may
not do (bad password, another device's topic, a revoked or rotated credential) and lets the ingest
account read everything, also through a shared subscription."""

from __future__ import annotations

import os
import stat
import subprocess
import time
import uuid
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from django.core.management import CommandError, call_command

from safecity.telemetry.broker import (
    ManagedBroker,
    mosquitto_password_check,
    mosquitto_password_hash,
    signal_broker,
    write_auth_files,
)
from safecity.telemetry.choices import DeviceKind
from safecity.telemetry.services.devices import device_register, device_revoke, device_rotate_credentials
from safecity.telemetry.tests.mqtt import NOT_AUTHORIZED, Session

MOSQUITTO_PASSWD, MOSQUITTO_SUB, MOSQUITTO_PUB = "/usr/bin/mosquitto_passwd", "/usr/bin/mosquitto_sub", "/usr/bin/mosquitto_pub"


def serial() -> str:
    return f"T{uuid.uuid4().hex[:10].upper()}"


def register(city: Any, django_capture_on_commit_callbacks: Any, number: str | None = None) -> tuple[Any, Any]:
    """A device of enterprise A, registered through the service with its on-commit reload run."""
    with django_capture_on_commit_callbacks(execute=True):
        return device_register(
            actor=city.superuser, serial=number or serial(), kind=DeviceKind.FORKLIFT_TRACKER, organisation=city.enterprise_a
        )


def ingest_listening(mqtt_broker: Any, group: str = "ingest") -> Session:
    ingest = mqtt_broker.ingest_session()
    assert ingest.connect() == 0
    assert ingest.subscribe(f"$share/{group}/safecity/v1/#") == 1  # granted QoS 1
    return ingest


def received_topics(session: Session, until_topic: str) -> list[str]:
    """Topics received up to and including ``until_topic`` (a marker published last: messages of
    one publisher reach a subscriber in order, so whatever was not received before it never will)."""
    topics = []
    while True:
        message = session.receive()
        topics.append(message.topic)
        if message.topic == until_topic:
            return topics


# --- the hash ----------------------------------------------------------------------------------


def test_hash_format_is_mosquittos_and_checks_like_mosquitto_passwd(tmp_path: Any) -> None:
    hashed = mosquitto_password_hash("s3cret")
    kind, iterations, salt, key = hashed.split("$")[1:]
    assert (kind, iterations) == ("7", "101")
    assert len(salt) == 16 and len(key) == 88  # base64 of a 12-byte salt and a 64-byte PBKDF2-SHA512 key
    assert mosquitto_password_check("s3cret", hashed)
    assert not mosquitto_password_check("s3cret!", hashed)
    # mosquitto_passwd's own hash checks with our function: the same algorithm and encoding.
    subprocess.run([MOSQUITTO_PASSWD, "-c", "-b", str(tmp_path / "pw"), "alice", "s3cret"], check=True)  # noqa: S603
    theirs = (tmp_path / "pw").read_text().strip().split(":", 1)[1]
    assert mosquitto_password_check("s3cret", theirs)
    assert not mosquitto_password_check("other", theirs)


def test_mosquitto_clients_log_in_with_our_hash(mqtt_broker: Any) -> None:
    mqtt_broker.reload(devices=[("ALICE-1", mosquitto_password_hash("pw-of-alice"))])
    common = ["-h", mqtt_broker.host, "-p", str(mqtt_broker.port)]
    sub = subprocess.Popen(  # noqa: S603 - the Debian clients, fixed arguments
        [MOSQUITTO_SUB, *common, "-u", mqtt_broker.ingest.username, "-P", mqtt_broker.ingest.password,
         "-t", "safecity/v1/ALICE-1/#", "-C", "1", "-W", "10", "-q", "1", "-v", "-i", "ingest-cli"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        # Publish until the subscriber, which may still be connecting, has one message.
        for _ in range(50):
            subprocess.run(  # noqa: S603
                [MOSQUITTO_PUB, *common, "-u", "ALICE-1", "-P", "pw-of-alice", "-t", "safecity/v1/ALICE-1/readings",
                 "-m", "hello", "-q", "1"],
                check=True, timeout=10,
            )  # fmt: skip
            try:
                out, _ = sub.communicate(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                continue
        assert sub.returncode == 0
        assert out.strip() == "safecity/v1/ALICE-1/readings hello"
    finally:
        if sub.poll() is None:
            sub.kill()
            sub.wait()
    refused = subprocess.run(  # noqa: S603
        [MOSQUITTO_SUB, *common, "-u", "ALICE-1", "-P", "wrong", "-t", "safecity/v1/ALICE-1/#", "-W", "3"],
        capture_output=True, text=True, timeout=10,
    )  # fmt: skip
    assert refused.returncode != 0
    assert "not authorised" in refused.stderr


# --- devices on the broker --------------------------------------------------------------------


def test_device_publishes_under_its_prefix_and_nowhere_else(
    db: Any, city: Any, mqtt_broker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    device, credentials = register(city, django_capture_on_commit_callbacks)
    other, _ = register(city, django_capture_on_commit_callbacks)
    ingest = ingest_listening(mqtt_broker)
    session = mqtt_broker.session(credentials.mqtt_username, credentials.mqtt_password)
    try:
        assert session.connect() == 0
        own = f"{device.topic_prefix}readings"
        assert own == f"safecity/v1/{device.serial}/readings"
        assert session.publish(own, b'{"seq": 1}') == 0
        # MQTT v5 says no in the PUBACK: 0x87 Not authorized.
        assert session.publish(f"{other.topic_prefix}readings", b'{"seq": 2}').value == NOT_AUTHORIZED
        assert session.publish("safecity/v1/readings", b"{}").value == NOT_AUTHORIZED
        assert session.publish("elsewhere/x", b"{}").value == NOT_AUTHORIZED
        # A device cannot read, not even its own topics. Mosquitto's ACL file cannot refuse the
        # SUBSCRIBE itself; it refuses each delivery.
        session.subscribe("safecity/v1/#")
        marker = f"{device.topic_prefix}marker"
        assert session.publish(marker, b"") == 0
        assert received_topics(ingest, marker) == [own, marker]
        time.sleep(0.2)  # both deliveries happen in the same round of the broker's loop
        assert session.messages.empty()
    finally:
        session.close()
        ingest.close()


def test_mqtt_311_device_outside_its_prefix_is_silently_dropped(
    db: Any, city: Any, mqtt_broker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    device, credentials = register(city, django_capture_on_commit_callbacks)
    ingest = ingest_listening(mqtt_broker)
    session = mqtt_broker.session(credentials.mqtt_username, credentials.mqtt_password, protocol=mqtt.MQTTv311)
    try:
        assert session.connect() == 0
        # MQTT 3.1.1 has no way to say no: the broker acknowledges and drops the message.
        session.publish("safecity/v1/SOMEONE-ELSE/readings", b"{}")
        marker = f"{device.topic_prefix}marker"
        session.publish(marker, b"")
        assert received_topics(ingest, marker) == [marker]
    finally:
        session.close()
        ingest.close()


@pytest.mark.parametrize("protocol", [mqtt.MQTTv5, mqtt.MQTTv311])
def test_bad_password_and_unknown_device_are_refused_at_connect(
    db: Any, city: Any, mqtt_broker: Any, django_capture_on_commit_callbacks: Any, protocol: int
) -> None:
    device, credentials = register(city, django_capture_on_commit_callbacks)
    for username, password in [
        (device.serial, credentials.mqtt_password + "x"),
        (device.serial, ""),
        ("NO-SUCH-DEVICE", credentials.mqtt_password),
        (mqtt_broker.ingest.username, credentials.mqtt_password),
    ]:
        session = mqtt_broker.session(username, password, protocol=protocol)
        # MQTT 3.1.1's return code 5 "not authorised" reaches us as paho's v5 equivalent, 0x87.
        assert session.connect().value == NOT_AUTHORIZED, username


def test_revoked_device_is_refused_and_its_open_session_dropped(
    db: Any, city: Any, mqtt_broker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    device, credentials = register(city, django_capture_on_commit_callbacks)
    connected = mqtt_broker.session(credentials.mqtt_username, credentials.mqtt_password)
    assert connected.connect() == 0
    try:
        with django_capture_on_commit_callbacks(execute=True):
            device_revoke(actor=city.superuser, device=device, reason="Terminal stolen")
        # The reload hook waited for the broker to re-read its files; it also re-checks the
        # clients already connected.
        assert connected.disconnected.wait(5)
        again = mqtt_broker.session(credentials.mqtt_username, credentials.mqtt_password)
        assert again.connect().value == NOT_AUTHORIZED
        assert device.serial not in (mqtt_broker.directory / "passwords").read_text()
        assert device.serial not in (mqtt_broker.directory / "acl").read_text()
    finally:
        connected.close()


def test_rotated_credentials_old_refused_new_accepted(
    db: Any, city: Any, mqtt_broker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    device, old = register(city, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        new = device_rotate_credentials(actor=city.superuser, device=device)
    assert new.mqtt_password != old.mqtt_password
    assert mqtt_broker.session(device.serial, old.mqtt_password).connect().value == NOT_AUTHORIZED
    session = mqtt_broker.session(device.serial, new.mqtt_password)
    try:
        assert session.connect() == 0
        # Accepted: 0x10 "no matching subscribers" is a success code, not 0x87.
        assert not session.publish(f"{device.topic_prefix}readings", b"{}").is_failure
    finally:
        session.close()


def test_shared_subscription_splits_the_stream_between_ingest_workers(
    db: Any, city: Any, mqtt_broker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    device, credentials = register(city, django_capture_on_commit_callbacks)
    group = f"ingest-{uuid.uuid4().hex[:6]}"
    workers = [ingest_listening(mqtt_broker, group), ingest_listening(mqtt_broker, group)]
    session = mqtt_broker.session(credentials.mqtt_username, credentials.mqtt_password)
    try:
        assert session.connect() == 0
        topics = [f"{device.topic_prefix}readings/{n}" for n in range(20)]
        for topic in topics:
            assert session.publish(topic, b"{}") == 0
        seen: list[list[str]] = [[], []]
        while sum(map(len, seen)) < len(topics):
            for index, worker in enumerate(workers):
                while not worker.messages.empty():
                    seen[index].append(worker.receive().topic)
        # Each message reached exactly one worker of the group, and both workers had a share.
        assert sorted(seen[0] + seen[1]) == sorted(topics)
        assert seen[0] and seen[1]
    finally:
        session.close()
        for worker in workers:
            worker.close()


def test_queued_messages_of_a_persistent_session_survive_a_broker_restart(tmp_path: Any) -> None:
    password = "pw-of-fl"
    devices = [("FL-PERSIST", mosquitto_password_hash(password))]
    broker = ManagedBroker(tmp_path).start(devices=devices)
    port, ingest_account = broker.port, broker.ingest
    try:
        ingest = Session(broker.host, port, ingest_account.username, ingest_account.password, client_id="ingest-1", clean=False)
        assert ingest.connect() == 0
        assert ingest.subscribe("$share/ingest/safecity/v1/#") == 1
        ingest.close()  # away, with its session kept by the broker
        device = Session(broker.host, port, "FL-PERSIST", password)
        assert device.connect() == 0
        assert device.publish("safecity/v1/FL-PERSIST/readings", b'{"seq": 7}') == 0
        device.close()
        broker.stop()
        broker = ManagedBroker(tmp_path, port).start(devices=devices)
        ingest = Session(broker.host, port, ingest_account.username, ingest_account.password, client_id="ingest-1", clean=False)
        assert ingest.connect() == 0
        message = ingest.receive()
        assert (message.topic, message.payload) == ("safecity/v1/FL-PERSIST/readings", b'{"seq": 7}')
        ingest.close()
    finally:
        broker.stop()


# --- the files ----------------------------------------------------------------------------------


def test_auth_files_hold_active_devices_and_the_ingest_account(
    db: Any, city: Any, tmp_path: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    active, _ = register(city, django_capture_on_commit_callbacks)
    revoked, _ = register(city, django_capture_on_commit_callbacks)
    device_revoke(actor=city.superuser, device=revoked, reason="scrapped")
    password_file, acl_file = write_auth_files(tmp_path)
    passwords = dict(line.split(":", 1) for line in password_file.read_text().splitlines() if not line.startswith("#"))
    assert set(passwords) == {"safecity-ingest", active.serial}
    assert passwords[active.serial] == active.mqtt_password_hash
    secret = (tmp_path / "ingest.secret").read_text().strip()
    assert mosquitto_password_check(secret, passwords["safecity-ingest"])
    acl = acl_file.read_text()
    assert "user safecity-ingest\ntopic read safecity/v1/#\n" in acl
    assert f"user {active.serial}\ntopic write safecity/v1/{active.serial}/#\n" in acl
    assert revoked.serial not in acl
    assert stat.S_IMODE(os.stat(tmp_path / "ingest.secret").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(password_file).st_mode) == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".passwords.") or p.name.startswith(".acl.")]
    # The generated password stays: every worker of this machine reads the same one.
    write_auth_files(tmp_path)
    assert (tmp_path / "ingest.secret").read_text().strip() == secret
    # A configured password wins, and no secret file is needed.
    settings.TELEMETRY_MQTT_PASSWORD = "configured-password"
    password_file, _ = write_auth_files(tmp_path / "configured")
    ingest_line = next(line for line in password_file.read_text().splitlines() if line.startswith("safecity-ingest:"))
    assert mosquitto_password_check("configured-password", ingest_line.split(":", 1)[1])
    assert not (tmp_path / "configured" / "ingest.secret").exists()


def test_a_malformed_hash_is_left_out_not_a_broken_file(tmp_path: Any) -> None:
    good = mosquitto_password_hash("x")
    password_file, _ = write_auth_files(tmp_path, devices=[("GOOD-1", good), ("BAD-1", "plaintext"), ("a:b", good)])
    text = password_file.read_text()
    assert "GOOD-1:" in text and "BAD-1" not in text and "a:b" not in text


def test_signal_broker_ignores_a_stale_or_foreign_pid_file(tmp_path: Any) -> None:
    assert signal_broker(tmp_path) is False  # no pid file
    (tmp_path / "mosquitto.pid").write_text(f"{os.getpid()}\n")  # this test process, not a broker
    assert signal_broker(tmp_path) is False
    (tmp_path / "mosquitto.pid").write_text("garbage")
    assert signal_broker(tmp_path) is False


def test_services_signal_a_broker_running_in_another_process(
    db: Any, city: Any, settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # `safecity telemetry broker` runs apart from the web server: the service finds it by the pid
    # file in TELEMETRY_BROKER_DIR. This broker is not a reload hook of this process.
    settings.TELEMETRY_BROKER_DIR = tmp_path
    broker = ManagedBroker(tmp_path).start(devices=[])
    broker._unregister()  # type: ignore[misc]
    broker._unregister = None
    try:
        before = broker._reloads()
        device, credentials = register(city, django_capture_on_commit_callbacks)
        session = Session(broker.host, broker.port, device.serial, credentials.mqtt_password)
        for _ in range(100):  # SIGHUP is asynchronous here: wait for the broker to take it
            if broker._reloads() > before:
                break
            time.sleep(0.05)
        assert session.connect() == 0
        session.close()
    finally:
        broker.stop()


def test_broker_command_refuses_when_a_broker_is_configured(settings: Any) -> None:
    settings.TELEMETRY_MQTT_HOST = "mqtt.example.org"
    with pytest.raises(CommandError, match="TELEMETRY_MQTT_HOST"):
        call_command("telemetry", "broker")


def test_a_broker_left_running_for_the_same_directory_is_replaced(tmp_path: Any) -> None:
    # `make demo` killed with -9 leaves its Mosquitto running on the port; the next start stops it.
    first = ManagedBroker(tmp_path).start(devices=[])
    orphan, first.process = first.process, None
    first.stop()  # forgets it, as a dead parent would
    assert orphan is not None and orphan.poll() is None
    second = ManagedBroker(tmp_path, first.port).start(devices=[])
    try:
        assert orphan.wait(timeout=10) == 0
        assert second.running
        ingest = Session(second.host, second.port, second.ingest.username, second.ingest.password)
        assert ingest.connect() == 0
        ingest.close()
    finally:
        second.stop()
