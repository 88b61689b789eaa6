"""``POST /api/telemetry/ingest/``: readings over HTTP, for devices that cannot speak MQTT.

The device authenticates with its own HTTP token (``Authorization: Bearer <token>``, issued with
its credentials and stored only as a SHA-256 digest: ``device_for_http_token``); a revoked device's
token no longer matches. The body is one payload (the JSON of ``docs/telemetry.md``, "Topics and
payloads") or a list of up to ``MAX_ITEMS``; each goes through the same parsing and the same
store-and-evaluate function as the MQTT worker, as if published on the device's own topic. The
answer gives one result per payload, in order: ``stored`` (with the engine's ``evaluation``) or
``refused`` with its reason. A refused payload is counted and logged like one from the broker.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safecity.telemetry.choices import RejectReason
from safecity.telemetry.ingest.payload import readings_topic
from safecity.telemetry.ingest.store import Ingestor, Message

log = logging.getLogger("safecity.telemetry.ingest")

MAX_BODY_BYTES = 512 * 1024
MAX_ITEMS = 500

# One ingest path per web process (its device directory and engine cache); requests of a threaded
# server take turns, as the batches of a worker do.
_ingestor: Ingestor | None = None
_lock = threading.Lock()


def ingestor() -> Ingestor:
    global _ingestor
    if _ingestor is None:
        _ingestor = Ingestor()
    return _ingestor


class IngestItemResultSerializer(serializers.Serializer):
    # Plain strings, not enums: these codes are the ingest path's (RejectReason), named in the docs.
    status = serializers.CharField(help_text="stored or refused")
    seq = serializers.IntegerField(allow_null=True)
    evaluation = serializers.CharField(required=False, help_text="evaluated, or late (stored, not evaluated)")
    reason = serializers.CharField(required=False, help_text=", ".join(RejectReason.values))
    detail = serializers.CharField(required=False)


class IngestResultSerializer(serializers.Serializer):
    stored = serializers.IntegerField()
    refused = serializers.IntegerField()
    results = IngestItemResultSerializer(many=True)


def _token(request: Request) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class ReadingIngestView(APIView):
    """Store a device's readings sent over HTTP (one payload or a list)."""

    authentication_classes: list[Any] = []  # the device's own token, checked below
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []

    @extend_schema(
        operation_id="telemetry_ingest",
        summary="Send readings over HTTP (device token)",
        description=(
            "For devices that cannot speak MQTT. `Authorization: Bearer <device HTTP token>`. The body is one "
            "payload `{seq, ts, values, pos}` or a list of them (docs/telemetry.md, Topics and payloads); the "
            "answer has one result per payload."
        ),
        request={"application/json": OpenApiTypes.ANY},
        responses={200: IngestResultSerializer, 400: OpenApiTypes.OBJECT, 401: OpenApiTypes.OBJECT, 413: OpenApiTypes.OBJECT},
        examples=[
            OpenApiExample(
                "one reading",
                value={"seq": 1042, "ts": "2026-12-06T09:30:12.250+08:00", "values": {"speed_kmh": 6.2}, "pos": [119.95, 31.7]},
                request_only=True,
            )
        ],
        auth=[],
        tags=["telemetry"],
    )
    def post(self, request: Request) -> Response:
        from safecity.telemetry.services.devices import device_for_http_token

        device = device_for_http_token(_token(request))
        if device is None:
            log.warning("HTTP ingest refused: no active device has this token (from %s)", request.META.get("REMOTE_ADDR"))
            response = Response({"detail": "A valid device token is required."}, status=status.HTTP_401_UNAUTHORIZED)
            response["WWW-Authenticate"] = 'Bearer realm="telemetry"'
            return response
        body = request.body
        if len(body) > MAX_BODY_BYTES:
            return Response({"detail": f"The body is larger than {MAX_BODY_BYTES} bytes."}, status=413)
        received = time.time()
        topic = readings_topic(device.serial)
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            data = None
        if isinstance(data, list):
            if len(data) > MAX_ITEMS:
                return Response({"detail": f"At most {MAX_ITEMS} readings per request."}, status=413)
            messages = [Message(topic, json.dumps(item).encode(), received) for item in data]
        else:
            # One payload, or something that is not JSON: the common parser decides and counts.
            messages = [Message(topic, body, received)]
        if not messages:
            return Response({"detail": "The list is empty."}, status=status.HTTP_400_BAD_REQUEST)
        with _lock:
            outcomes = ingestor().store(messages)
        stored = sum(o.status == "stored" for o in outcomes)
        return Response({"stored": stored, "refused": len(outcomes) - stored, "results": [o.as_dict() for o in outcomes]})
