"""A small synchronous wrapper around a paho-mqtt v2 client for the broker tests: connect and
learn the CONNACK, publish and learn the PUBACK, subscribe and learn the SUBACK, collect messages."""

from __future__ import annotations

import queue
import threading
import time
import uuid
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.reasoncodes import ReasonCode

TIMEOUT = 5.0
NOT_AUTHORIZED = 0x87  # MQTT v5 reason code 135, in CONNACK, PUBACK and SUBACK


class Session:
    """One MQTT connection. ``connect()`` returns the CONNACK reason code; a refused session is
    closed at once (paho would otherwise keep retrying)."""

    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        password: str,
        *,
        protocol: int = mqtt.MQTTv5,
        client_id: str | None = None,
        clean: bool = True,
    ) -> None:
        self.host, self.port, self.protocol = host, port, protocol
        self.client_id = client_id or f"t-{uuid.uuid4().hex[:12]}"
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=self.client_id, protocol=protocol,
                                  clean_session=None if protocol == mqtt.MQTTv5 else clean)  # fmt: skip
        self.clean = clean
        self.client.username_pw_set(username, password)
        self.messages: queue.Queue[mqtt.MQTTMessage] = queue.Queue()
        self.connack: ReasonCode | None = None
        self.disconnected = threading.Event()
        self._connected = threading.Event()
        self._acks: dict[int, Any] = {}
        self._ack = threading.Condition()
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = lambda c, u, flags, rc, props: self.disconnected.set()
        self.client.on_message = lambda c, u, message: self.messages.put(message)
        self.client.on_publish = lambda c, u, mid, rc, props: self._acked(mid, rc)
        self.client.on_subscribe = lambda c, u, mid, rcs, props: self._acked(mid, rcs)

    def connect(self) -> ReasonCode:
        kwargs: dict[str, Any] = {}
        if self.protocol == mqtt.MQTTv5:
            from paho.mqtt.packettypes import PacketTypes
            from paho.mqtt.properties import Properties

            kwargs["clean_start"] = self.clean
            if not self.clean:
                props = Properties(PacketTypes.CONNECT)
                props.SessionExpiryInterval = 3600
                kwargs["properties"] = props
        self.client.connect(self.host, self.port, keepalive=30, **kwargs)
        self.client.loop_start()
        if not self._connected.wait(TIMEOUT):
            self.close()
            raise TimeoutError("no CONNACK")
        assert self.connack is not None
        if self.connack.is_failure:
            self.close()
        return self.connack

    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason_code: ReasonCode, properties: Any) -> None:
        self.connack = reason_code
        self._connected.set()

    def _acked(self, mid: int, result: Any) -> None:
        with self._ack:
            self._acks[mid] = result
            self._ack.notify_all()

    def _wait_ack(self, mid: int) -> Any:
        deadline = time.monotonic() + TIMEOUT
        with self._ack:
            while mid not in self._acks:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no acknowledgement of message {mid}")
                self._ack.wait(left)
            return self._acks.pop(mid)

    def publish(self, topic: str, payload: bytes | str, qos: int = 1) -> ReasonCode:
        """Publish and return the broker's PUBACK reason code (QoS 1)."""
        info = self.client.publish(topic, payload, qos=qos)
        return self._wait_ack(info.mid)

    def subscribe(self, topic: str, qos: int = 1) -> ReasonCode:
        _, mid = self.client.subscribe(topic, qos=qos)
        return self._wait_ack(mid)[0]

    def receive(self, timeout: float = TIMEOUT) -> mqtt.MQTTMessage:
        return self.messages.get(timeout=timeout)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
