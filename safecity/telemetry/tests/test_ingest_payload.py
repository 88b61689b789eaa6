"""The payload a device sends (docs/telemetry.md, "Topics and payloads"): what is accepted, and
each way a message is refused as malformed or as the wrong topic, with a reason a log reader can act on."""

from __future__ import annotations

import pytest

from safecity.telemetry.ingest.payload import MAX_PAYLOAD_BYTES, Refused, parse_message, serial_from_topic

TOPIC = "safecity/v1/FL-0001/readings"


def test_a_full_payload_parses_to_device_time_in_microseconds() -> None:
    p = parse_message(TOPIC, b'{"seq": 7, "ts": "2026-12-06T09:30:12.250+08:00", "values": {"speed_kmh": 6.2, '
                             b'"belt_fastened": true}, "pos": [119.9512, 31.7805]}')  # fmt: skip
    assert (p.serial, p.seq, p.values, p.pos) == ("FL-0001", 7, {"speed_kmh": 6.2, "belt_fastened": True}, (119.9512, 31.7805))
    assert p.device_ts.isoformat() == "2026-12-06T01:30:12.250000+00:00"
    same = parse_message(TOPIC, b'{"seq": 7, "ts": 1796520612250}')
    assert same.ts_us == p.ts_us and same.values == {} and same.pos is None


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"", "not JSON"),
        (b'{"seq": 1, "ts": 1796607012250', "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"seq": -1, "ts": 1796520612250}', "seq"),
        (b'{"seq": true, "ts": 1796520612250}', "seq"),
        (b'{"seq": 1.5, "ts": 1796520612250}', "seq"),
        (b'{"seq": 1}', "ts is missing"),
        (b'{"seq": 1, "ts": "2026-12-06T09:30:12"}', "offset"),
        (b'{"seq": 1, "ts": 12}', "clock not set"),
        (b'{"seq": 1, "ts": "yesterday"}', "neither ISO"),
        (b'{"seq": 1, "ts": 1796607012250, "values": [1]}', "not an object"),
        (b'{"seq": 1, "ts": 1796607012250, "values": {"Speed": 1}}', "metric name"),
        (b'{"seq": 1, "ts": 1796607012250, "values": {"speed": "5"}}', "number or a boolean"),
        (b'{"seq": 1, "ts": 1796607012250, "values": {"speed": Infinity}}', "not JSON"),
        (b'{"seq": 1, "ts": 1796607012250, "values": {"speed": null}}', "number or a boolean"),
        (b'{"seq": 1, "ts": 1796607012250, "pos": [200, 31]}', "longitude"),
        (b'{"seq": 1, "ts": 1796607012250, "pos": [119.9]}', "[lon, lat]"),
        (b'{"seq": 1, "ts": 1796607012250, "sequence": 2}', "unknown keys"),
        (b'{"seq": 1, "ts": 1796520612250}\x00', "NUL"),
        (b"\xff\xfe{}", "not JSON"),
        (b'{"seq": 1, "ts": 1796607012250, "values": {"a": 1}}' + b" " * MAX_PAYLOAD_BYTES, "more than"),
    ],
)
def test_malformed_payloads_are_refused_with_the_reason(raw: bytes, why: str) -> None:
    with pytest.raises(Refused) as refused:
        parse_message(TOPIC, raw)
    assert refused.value.reason == "malformed"
    assert why in refused.value.detail


@pytest.mark.parametrize(
    "topic",
    [
        "safecity/v1/FL-0001/status",
        "safecity/v1/FL-0001/readings/x",
        "safecity/v2/FL-0001/readings",
        "other",
        "safecity/v1/-x/readings",
    ],
)
def test_other_topics_are_the_wrong_topic(topic: str) -> None:
    with pytest.raises(Refused) as refused:
        serial_from_topic(topic)
    assert refused.value.reason == "wrong_topic"
