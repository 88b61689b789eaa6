"""The telemetry engine (issue 14): devices, ingest, rules and alarms shared by the forklift
platform, the restaurant gas alarms and the urban lifeline sensors.

Built so far: ``safecity.telemetry.rules``, the pure rule-evaluation engine (no Django models, no
database, no MQTT). The device registry, the MQTT/HTTP ingest worker, reading storage and the
alarm service that consumes the engine's events are still to be built (see ``docs/telemetry.md``).
"""
