from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecity.core.navigation import NavItem, NavSection, register_section
from safecity.telemetry.selectors import principal_sees_counters, principal_sees_telemetry

# Officials over the enterprises (city admin, city and district officials, inspectors) and the
# managers and staff of an organisation that has devices; the refused-message counters are for the
# city-wide administrator and officials (selectors.sees_counters).
register_section(
    NavSection(
        id="telemetry",
        title=_("Monitoring and alarms"),
        order=65,
        items=(
            NavItem(_("Alarms"), "telemetry:alarm-list", principal_sees_telemetry),
            NavItem(_("Devices"), "telemetry:device-list", principal_sees_telemetry),
            NavItem(_("Silences"), "telemetry:silence-list", principal_sees_telemetry),
            NavItem(_("Rule sets"), "telemetry:rule-set-list", principal_sees_telemetry),
            NavItem(_("Refused messages"), "telemetry:counter-list", principal_sees_counters),
        ),
    )
)
