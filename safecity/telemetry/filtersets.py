"""Filters of the telemetry lists (alarms, devices, silences), shared by the UI, the exports and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from safecity.core.filtering import (
    ChoiceFilter,
    OrganisationFilter,
    PickerMixin,
    StaticFormFilterSet,
    UtcDateTimeFilter,
    YesNoFilter,
)
from safecity.core.ids import IdFilter, id_or_none
from safecity.telemetry.choices import AlarmLevel, AlarmState, DeviceKind, DeviceStatus
from safecity.telemetry.models import Alarm, Device, Silence
from safecity.telemetry.wording import KINDS


def rule_kind_choices() -> list[tuple[str, Any]]:
    """The kinds of rule (threshold, geofence...) by their names in the reader's language."""
    return list(KINDS.items())


class DeviceFilter(PickerMixin, IdFilter):
    """A device picked by serial or name; ``?device=<id>``."""

    lookup = "telemetry:lookup-devices"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Device"))
        super().__init__(*args, **kwargs)

    def describe(self, value: str, user: Any) -> str:
        from safecity.telemetry.selectors import device_list

        pk = id_or_none(value)
        if pk is None:
            return ""
        device = device_list(user=user).filter(pk=pk).first()
        return str(device) if device is not None else ""


class _RuleKinds:
    """Read when a form is built, so the words follow the reader's language."""

    def __iter__(self) -> Any:
        return iter(rule_kind_choices())

    def __len__(self) -> int:
        return len(KINDS)


class AlarmFilterSet(django_filters.FilterSet):
    state = ChoiceFilter(label=_("State"), choices=AlarmState.choices)
    level = ChoiceFilter(label=_("Alarm level"), choices=AlarmLevel.choices)
    kind = ChoiceFilter(label=_("Rule kind"), choices=_RuleKinds())
    organisation = OrganisationFilter(label=_("Organisation"), field_name="device__organisation_id")
    device = DeviceFilter(label=_("Device"), field_name="device_id")
    acknowledged = YesNoFilter(label=_("Acknowledged"), method="by_acknowledged")
    fired_from = UtcDateTimeFilter(label=_("Fired from"), field_name="fired_at", lookup_expr="gte")
    fired_until = UtcDateTimeFilter(label=_("Fired before"), field_name="fired_at", lookup_expr="lt")

    class Meta:
        model = Alarm
        fields = ["state", "level", "kind", "organisation", "device", "acknowledged", "fired_from", "fired_until"]

    def by_acknowledged(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(acknowledged_at__isnull=not value)


class DeviceFilterSet(StaticFormFilterSet):
    q = django_filters.CharFilter(label=_("Serial number or name"), method="search")
    kind = ChoiceFilter(label=_("Kind"), choices=DeviceKind.choices)
    status = ChoiceFilter(label=_("Status"), choices=DeviceStatus.choices)
    organisation = OrganisationFilter(label=_("Organisation"), field_name="organisation_id")

    class Meta:
        model = Device
        fields = ["q", "kind", "status", "organisation"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(serial__icontains=value) | Q(name__icontains=value))


class SilenceFilterSet(StaticFormFilterSet):
    organisation = OrganisationFilter(label=_("Organisation"), field_name="organisation_id")
    device = DeviceFilter(label=_("Device"), field_name="device_id")

    class Meta:
        model = Silence
        fields = ["organisation", "device"]
