"""The worker's lean inbound MQTT path (``safecity.telemetry.ingest.mqtt``): packets cut out of a byte
stream however the network splits it, QoS 1 PUBLISHes to the sink, everything else to paho."""

from __future__ import annotations

import struct
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.client import MQTTErrorCode
from paho.mqtt.enums import CallbackAPIVersion

from safecity.telemetry.ingest.mqtt import IngestClient, split_publish


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value % 128
        value //= 128
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def publish(topic: str, payload: bytes, mid: int, *, qos: int = 1, props: bytes = b"") -> bytes:
    name = topic.encode()
    body = struct.pack("!H", len(name)) + name + (struct.pack("!H", mid) if qos else b"") + varint(len(props)) + props + payload
    return bytes([0x30 | (qos << 1)]) + varint(len(body)) + body


PINGRESP = b"\xd0\x00"
EXPIRY_AND_USER_PROPERTY = b"\x02\x00\x00\x00\x3c" + b"\x26\x00\x01k\x00\x01v"


class FakeSocket:
    """Hands out the given chunks one ``recv`` at a time, then would block."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = list(chunks)

    def recv(self, bufsize: int) -> bytes:
        if not self.chunks:
            raise BlockingIOError
        chunk = self.chunks.pop(0)
        assert len(chunk) <= bufsize
        return chunk

    def close(self) -> None:
        pass


def client_reading(
    chunks: list[bytes], *, manual_ack: bool = True
) -> tuple[IngestClient, list[tuple[int, str, bytes]], list[Any]]:
    sunk: list[tuple[int, str, bytes]] = []
    paho_messages: list[Any] = []
    client = IngestClient(CallbackAPIVersion.VERSION2, client_id="t", protocol=mqtt.MQTTv5, sink=lambda *a: sunk.append(a))
    client.manual_ack_set(manual_ack)
    client.on_message = lambda _c, _u, msg: paho_messages.append(msg)
    client._sock = FakeSocket(chunks)  # type: ignore[assignment]
    return client, sunk, paho_messages


def read_all(client: IngestClient) -> list[MQTTErrorCode]:
    codes: list[MQTTErrorCode] = []
    while True:
        rc = client._packet_read()
        if rc == MQTTErrorCode.MQTT_ERR_AGAIN:
            return codes
        codes.append(rc)
        if rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
            return codes


STREAM = [
    publish("safecity/v1/F-1/readings", b'{"seq":1}', 1),
    PINGRESP,
    publish("safecity/v1/F-2/readings", b"x" * 300, 2, props=EXPIRY_AND_USER_PROPERTY),  # 2-byte remaining length
    publish("safecity/v1/F-3/readings", b"y" * 20000, 65535),  # 3-byte remaining length
    publish("safecity/v1/叉车-4/readings", b"", 4),
]
EXPECTED = [
    (1, "safecity/v1/F-1/readings", b'{"seq":1}'),
    (2, "safecity/v1/F-2/readings", b"x" * 300),
    (65535, "safecity/v1/F-3/readings", b"y" * 20000),
    (4, "safecity/v1/叉车-4/readings", b""),
]


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 1000, 100_000])
def test_every_publish_reaches_the_sink_whatever_the_network_splits(size: int) -> None:
    data = b"".join(STREAM)
    client, sunk, paho_messages = client_reading([data[i : i + size] for i in range(0, len(data), size)])
    codes = read_all(client)
    assert set(codes) == {MQTTErrorCode.MQTT_ERR_SUCCESS}
    assert sunk == EXPECTED
    assert paho_messages == []
    assert client._safecity_buffer == bytearray()


def test_other_packets_go_through_paho() -> None:
    # A QoS 0 PUBLISH is not the worker's; paho handles it and calls on_message.
    client, sunk, paho_messages = client_reading([publish("a/b", b"zero", 0, qos=0) + publish("a/c", b"one", 9)])
    assert read_all(client) == [MQTTErrorCode.MQTT_ERR_SUCCESS]
    assert [(m.topic, m.payload) for m in paho_messages] == [("a/b", b"zero")]
    assert sunk == [(9, "a/c", b"one")]


def test_without_manual_acknowledgement_paho_handles_and_acknowledges_everything() -> None:
    client, sunk, paho_messages = client_reading([publish("a/c", b"one", 9)], manual_ack=False)
    assert read_all(client) == [MQTTErrorCode.MQTT_ERR_SUCCESS]
    assert sunk == []
    assert [(m.mid, m.payload) for m in paho_messages] == [(9, b"one")]
    assert [p["command"] & 0xF0 for p in client._out_packet] == [0x40]  # paho queued its PUBACK


def test_a_remaining_length_over_four_bytes_is_a_protocol_error() -> None:
    client, sunk, _ = client_reading([publish("a/c", b"one", 1) + b"\x30\xff\xff\xff\xff\x01"])
    assert read_all(client) == [MQTTErrorCode.MQTT_ERR_PROTOCOL]
    assert sunk == [(1, "a/c", b"one")]


def test_a_publish_shorter_than_its_topic_is_a_protocol_error() -> None:
    client, sunk, _ = client_reading([b"\x32\x04\x00\x09ab"])
    assert read_all(client) == [MQTTErrorCode.MQTT_ERR_PROTOCOL]
    assert sunk == []


def test_a_closed_connection_is_reported_and_the_buffer_starts_afresh() -> None:
    data = publish("a/c", b"one", 1)
    client, sunk, _ = client_reading([data[:5], b""])
    assert read_all(client) == [MQTTErrorCode.MQTT_ERR_SUCCESS, MQTTErrorCode.MQTT_ERR_CONN_LOST]
    assert bytes(client._safecity_buffer) == data[:5]
    client._sock_close()
    assert client._safecity_buffer == bytearray()
    assert sunk == []


def test_split_publish() -> None:
    packet = publish("t/x", b"payload", 513, props=EXPIRY_AND_USER_PROPERTY)
    assert split_publish(memoryview(packet)[2:]) == (513, "t/x", b"payload")
    assert split_publish(b"\x00\x01\xff\x00\x01\x00p")[1] == "\ufffd"  # invalid UTF-8 topic: replaced, still stored
    for bad in (b"\x00", b"\x00\x05abc", b"\x00\x01a\x00\x01", b"\x00\x01a\x00\x01\x05ab"):
        with pytest.raises(ValueError, match="PUBLISH"):
            split_publish(bad)


def test_a_batch_is_acknowledged_in_one_write() -> None:
    client, _sunk, _ = client_reading([])
    client.ack_many([1, 300, 65535])
    client.ack_many([])
    assert len(client._out_packet) == 1
    queued = client._out_packet[0]
    # three PUBACKs (type 4, remaining length 2, packet identifier), back to back
    assert bytes(queued["packet"]) == b"\x40\x02\x00\x01" + b"\x40\x02\x01\x2c" + b"\x40\x02\xff\xff"
