"""Every write of the telemetry engine: devices and credentials, alarms."""
