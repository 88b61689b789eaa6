"""Many devices publishing at QoS 1 from one process: a minimal MQTT 5 client for the simulator and
the benchmark.

Why not paho here: each device logs in with its own credentials (the ACL lets it write only under
its own prefix), so thousands of devices mean thousands of connections, and paho's client costs a
thread or an event-loop integration per connection and tens of microseconds per message. This
client speaks just what a device does (CONNECT with user name and password, PUBLISH QoS 1,
PUBACK, PINGREQ) over non-blocking sockets driven by one selector. The ingest worker, which must
handle everything a broker sends, uses paho.
"""

from __future__ import annotations

import selectors
import socket
import struct
import time
from collections.abc import Iterable

PING_EVERY_S = 20.0
KEEPALIVE_S = 60


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _str(value: str | bytes) -> bytes:
    raw = value.encode() if isinstance(value, str) else value
    return struct.pack("!H", len(raw)) + raw


def connect_packet(client_id: str, username: str, password: str, *, clean_start: bool = True) -> bytes:
    flags = 0x80 | 0x40 | (0x02 if clean_start else 0)
    variable = _str("MQTT") + bytes([5, flags]) + struct.pack("!H", KEEPALIVE_S) + _varint(0)
    payload = _str(client_id) + _str(username) + _str(password)
    body = variable + payload
    return b"\x10" + _varint(len(body)) + body


def publish_packet(topic: str, payload: bytes, packet_id: int) -> bytes:
    body = _str(topic) + struct.pack("!H", packet_id) + b"\x00" + payload
    return b"\x32" + _varint(len(body)) + body


class DeviceConnection:
    """One device's connection: QoS 1 publishes with their own packet ids, PUBACKs counted."""

    def __init__(self, serial: str, password: str) -> None:
        self.serial = serial
        self.password = password
        self.sock: socket.socket | None = None
        self.next_id = 1
        self.unacked: set[int] = set()
        self.out = bytearray()
        self.inbuf = bytearray()
        self.connected = False
        self.refused: int | None = None
        self.acked = 0
        self.refused_publishes = 0

    def packet_id(self) -> int:
        pid = self.next_id
        self.next_id = pid % 65535 + 1
        return pid


class Fleet:
    """The connections of many devices on one selector. ``connect_all()`` then ``publish()``;
    ``pump()`` sends what is queued and reads PUBACKs; ``drain()`` waits for every PUBACK."""

    def __init__(self, host: str, port: int, devices: Iterable[tuple[str, str]], *, client_prefix: str = "sim") -> None:
        self.host, self.port = host, port
        self.selector = selectors.DefaultSelector()
        self.devices = {serial: DeviceConnection(serial, password) for serial, password in devices}
        self.client_prefix = client_prefix
        self.last_ping = time.monotonic()
        self.dirty: set[DeviceConnection] = set()  # connections with bytes to send

    def connect_all(self, *, timeout: float = 30.0) -> None:
        for dev in self.devices.values():
            sock = socket.create_connection((self.host, self.port), timeout=10)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.setblocking(False)
            dev.sock = sock
            dev.out += connect_packet(f"{self.client_prefix}-{dev.serial}", dev.serial, dev.password)
            self.dirty.add(dev)
            self.selector.register(sock, selectors.EVENT_READ, dev)
        deadline = time.monotonic() + timeout
        while any(not d.connected and d.refused is None for d in self.devices.values()):
            if time.monotonic() > deadline:
                raise TimeoutError("devices did not get a CONNACK")
            self.pump(0.05)
        refused = [d.serial for d in self.devices.values() if d.refused]
        if refused:
            raise ConnectionRefusedError(f"the broker refused {len(refused)} devices, e.g. {refused[:3]}")

    def publish(self, serial: str, topic: str, payload: bytes) -> None:
        dev = self.devices[serial]
        pid = dev.packet_id()
        while pid in dev.unacked:  # 65535 in flight on one connection: wait for the broker
            self.pump(0.01)
        dev.unacked.add(pid)
        dev.out += publish_packet(topic, payload, pid)
        self.dirty.add(dev)

    def pending(self) -> int:
        return sum(len(d.unacked) for d in self.devices.values())

    def pump(self, timeout: float = 0.0) -> None:
        now = time.monotonic()
        if now - self.last_ping > PING_EVERY_S:
            self.last_ping = now
            for dev in self.devices.values():
                dev.out += b"\xc0\x00"
                self.dirty.add(dev)
        for dev in list(self.dirty):
            if dev.sock is not None:
                try:
                    sent = dev.sock.send(dev.out)
                    del dev.out[:sent]
                except (BlockingIOError, InterruptedError):
                    pass
            if not dev.out:
                self.dirty.discard(dev)
        for key, _events in self.selector.select(timeout):
            dev = key.data
            try:
                chunk = dev.sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            if not chunk:
                raise ConnectionError(f"the broker closed the connection of {dev.serial}")
            dev.inbuf += chunk
            self._parse(dev)

    def _parse(self, dev: DeviceConnection) -> None:
        buf = dev.inbuf
        while len(buf) >= 2:
            length, shift, i = 0, 0, 1
            while True:
                if i >= len(buf):
                    return
                byte = buf[i]
                length += (byte & 0x7F) << shift
                shift += 7
                i += 1
                if not byte & 0x80:
                    break
            if len(buf) < i + length:
                return
            kind, body = buf[0] >> 4, bytes(buf[i : i + length])
            del buf[: i + length]
            if kind == 2:  # CONNACK: flags, reason code
                if body[1] == 0:
                    dev.connected = True
                else:
                    dev.refused = body[1]
            elif kind == 4:  # PUBACK: packet id (and a reason code when not success)
                dev.unacked.discard(struct.unpack("!H", body[:2])[0])
                dev.acked += 1
                if len(body) > 2 and body[2] >= 0x80:  # not authorised, quota exceeded...
                    dev.refused_publishes += 1

    def drain(self, *, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while self.dirty or self.pending():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.pending()} publishes not acknowledged by the broker")
            self.pump(0.01)

    def close(self) -> None:
        for dev in self.devices.values():
            if dev.sock is not None:
                try:
                    dev.sock.setblocking(True)
                    dev.sock.sendall(b"\xe0\x00")  # DISCONNECT
                except OSError:
                    pass
                self.selector.unregister(dev.sock)
                dev.sock.close()
                dev.sock = None
        self.selector.close()
