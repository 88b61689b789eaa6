"""paho's MQTT client with a lean inbound path for the ingest worker's QoS 1 readings (issue 14).

Why: the worker spends about half of its CPU in paho's network thread, not on readings. For every
PUBLISH, paho reads the fixed header a byte at a time (3 to 5 ``recv`` calls and a ``select`` per
message), builds a ``Properties`` object for the MQTT v5 properties, an ``MQTTMessage`` with its own
``threading.Condition``, matches the topic against the callbacks under two locks, and only then
calls ``on_message``. At 10,000 readings/s that is most of a core.

:class:`IngestClient` is paho's client (connection, session, keepalive, subscriptions, PUBACKs,
reconnection: all paho's) with one method replaced, ``_packet_read``, and one added, ``ack_many``
(a batch's PUBACKs in one write). ``_packet_read`` reads what the socket has
(up to 64 KiB at a time) into a buffer, cuts every complete packet out of it, and hands each QoS 1
PUBLISH (with manual acknowledgement, the worker's mode) straight to ``sink(mid, topic, payload)``.
Every other packet (CONNACK, SUBACK, PINGRESP, DISCONNECT, QoS 0/2) goes through paho's own
``_packet_handle`` unchanged. The PUBLISH layout is MQTT 5.0 §3.3: topic (2-byte length + UTF-8),
packet identifier (QoS > 0), properties (variable byte integer length + properties; the worker uses
none, so they are skipped: the broker sends no topic alias, since the worker's CONNECT allows none),
then the payload. A malformed packet is a protocol error: paho drops the connection and the broker
redelivers what was not acknowledged.

Written against paho-mqtt 2.1 (the lock file's); its private names are checked by the tests, so an
upgrade that changes them fails there, not in production.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.client import MQTTErrorCode

RECV_CHUNK = 65536
PUBLISH = 0x30
QOS1 = 0x02
PUBACK = 0x40
# A PUBACK with reason Success and no properties: type, remaining length 2, packet identifier
# (MQTT 5.0 §3.4.2.1: the reason code may be left out when it is 0x00 and there are no properties).
_PUBACK = struct.Struct("!BBH")

Sink = Callable[[int, str, bytes], None]


def _in_packet(command: int = 0, packet: bytearray | None = None) -> Any:
    """paho's ``_in_packet``: idle (as ``reconnect`` and ``_packet_read`` reset it), or holding one
    whole packet read (as ``_packet_read`` hands it to ``_packet_handle``)."""
    whole = packet is not None
    return {
        "command": command,
        "have_remaining": int(whole),
        "remaining_count": [],
        "remaining_mult": 1,
        "remaining_length": len(packet) if packet is not None else 0,
        "packet": packet if packet is not None else bytearray(b""),
        "to_process": 0,
        "pos": 0,
    }


def _varint(data: memoryview | bytes | bytearray, pos: int, end: int) -> tuple[int, int] | None:
    """An MQTT variable byte integer at ``pos``: (value, position after it); ``None`` when the data
    ends first; ``ValueError`` when it is longer than 4 bytes (MQTT 5.0 §1.5.5)."""
    value = 0
    mult = 1
    for count in range(4):
        if pos >= end:
            return None
        byte = data[pos]
        pos += 1
        value += (byte & 0x7F) * mult
        if not byte & 0x80:
            return value, pos
        mult *= 128
        if count == 3:
            break
    raise ValueError("variable byte integer longer than 4 bytes")


def split_publish(body: memoryview | bytes) -> tuple[int, str, bytes]:
    """(packet identifier, topic, payload) of a QoS 1 MQTT v5 PUBLISH's variable header and payload;
    ``ValueError`` when malformed."""
    end = len(body)
    if end < 2:
        raise ValueError("PUBLISH without a topic length")
    topic_len = (body[0] << 8) | body[1]
    pos = 2 + topic_len
    if pos + 2 > end:
        raise ValueError("PUBLISH shorter than its topic and packet identifier")
    topic_bytes = bytes(body[2:pos])
    mid = (body[pos] << 8) | body[pos + 1]
    pos += 2
    props = _varint(body, pos, end)
    if props is None:
        raise ValueError("PUBLISH without its properties length")
    props_len, pos = props
    pos += props_len
    if pos > end:
        raise ValueError("PUBLISH properties longer than the packet")
    try:
        topic = topic_bytes.decode("utf-8")
    except UnicodeDecodeError:
        topic = topic_bytes.decode("utf-8", "replace")
    return mid, topic, bytes(body[pos:])


class IngestClient(mqtt.Client):
    """A paho client whose QoS 1 PUBLISHes go to ``sink`` (see the module's docstring)."""

    def __init__(self, *args: Any, sink: Sink, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._safecity_sink = sink
        self._safecity_buffer = bytearray()

    def _sock_close(self) -> None:
        # A new connection starts with a new buffer: bytes of the old one mean nothing on it. (A new
        # object, not clear(): this may run inside _packet_read, which holds a view of the old one.)
        self._safecity_buffer = bytearray()
        super()._sock_close()

    def _packet_read(self) -> MQTTErrorCode:
        try:
            chunk = self._sock_recv(RECV_CHUNK)
        except BlockingIOError:
            return MQTTErrorCode.MQTT_ERR_AGAIN
        except OSError as err:  # TimeoutError and ConnectionError included
            self._easy_log(mqtt.MQTT_LOG_ERR, "failed to receive on socket: %s", err)
            return MQTTErrorCode.MQTT_ERR_CONN_LOST
        if not chunk:
            return MQTTErrorCode.MQTT_ERR_CONN_LOST
        with self._msgtime_mutex:
            self._last_bytes_received = mqtt.time_func()
        buffer = self._safecity_buffer
        buffer += chunk
        fast = self._manual_ack and self._protocol == mqtt.MQTTv5
        sink = self._safecity_sink
        rc = MQTTErrorCode.MQTT_ERR_SUCCESS
        done = 0
        end = len(buffer)
        with memoryview(buffer) as view:
            while done < end:
                command = view[done]
                try:
                    header = _varint(view, done + 1, end)
                except ValueError:
                    rc = MQTTErrorCode.MQTT_ERR_PROTOCOL
                    break
                if header is None:
                    break
                length, start = header
                stop = start + length
                if stop > end:
                    break
                done = stop
                if fast and command & 0xF6 == PUBLISH | QOS1:
                    try:
                        mid, topic, payload = split_publish(view[start:stop])
                    except ValueError as err:
                        self._easy_log(mqtt.MQTT_LOG_ERR, "malformed PUBLISH: %s", err)
                        rc = MQTTErrorCode.MQTT_ERR_PROTOCOL
                        break
                    sink(mid, topic, payload)
                    continue
                rc = self._handle_whole(command, bytearray(view[start:stop]))
                if rc != MQTTErrorCode.MQTT_ERR_SUCCESS or self._safecity_buffer is not buffer:
                    break  # an error, or paho closed this connection while handling the packet
        del buffer[:done]
        return rc

    def ack_many(self, mids: Sequence[int]) -> None:
        """Acknowledge (PUBACK) the QoS 1 messages ``mids`` in one write: paho's ``ack`` queues a
        packet, wakes the network thread and sends it with a call of its own, for each message."""
        if mids:
            self._packet_queue(PUBACK, b"".join(_PUBACK.pack(PUBACK, 2, mid) for mid in mids), 0, 1)

    def _handle_whole(self, command: int, packet: bytearray) -> MQTTErrorCode:
        """One complete packet through paho's own handling, as its ``_packet_read`` would."""
        self._in_packet = _in_packet(command, packet)
        try:
            rc = self._packet_handle()
        except mqtt.MalformedPacket as exc:
            self._easy_log(mqtt.MQTT_LOG_DEBUG, "Received malformed packet: %s", exc)
            rc = MQTTErrorCode.MQTT_ERR_PROTOCOL
        self._in_packet = _in_packet()
        return rc
