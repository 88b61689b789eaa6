"""Forms of the telemetry pages: shape only; the services decide."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.models import Organisation
from safecity.telemetry.choices import DeviceKind
from safecity.telemetry.filtersets import rule_kind_choices
from safecity.telemetry.models import Device, RuleSet


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("Note (what is being done)"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=200)


class SilenceForm(forms.Form):
    """A silence of one organisation's alarms, optionally narrowed to a device or a kind of rule."""

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    device = forms.ModelChoiceField(label=_("Device (optional)"), queryset=Device.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Rule kind (optional)"), required=False)
    rule_id = forms.CharField(label=_("Rule (optional)"), max_length=64, required=False)
    hours = forms.IntegerField(label=_("For how many hours"), min_value=1, max_value=30 * 24, initial=4)
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, organisations: Any = None, devices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations if organisations is not None else Organisation.objects.none()  # type: ignore[attr-defined]
        self.fields["device"].queryset = devices if devices is not None else Device.objects.none()  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", _("Any")), *rule_kind_choices()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        device, organisation = data.get("device"), data.get("organisation")
        if device is not None and organisation is not None and device.organisation_id != organisation.pk:
            self.add_error("device", _("The device does not belong to this organisation."))
        if data.get("hours"):
            data["ends_at"] = timezone.now() + timedelta(hours=data["hours"])
        return data


class DeviceRegisterForm(forms.Form):
    """A new device: its owner, serial number (its MQTT user name), kind, name and rule set. The
    choices are those within the user's reach; the service checks the rest (an organisation the
    user may write, a rule set that is city-wide or the organisation's own)."""

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    serial = forms.CharField(
        label=_("Serial number"),
        max_length=40,
        help_text=_("As printed on the device; its user name at the broker. It never changes."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=DeviceKind.choices)
    name = forms.CharField(label=_("Name (optional)"), max_length=120, required=False)
    rule_set = forms.ModelChoiceField(label=_("Rule set"), queryset=RuleSet.objects.none(), required=False)

    def __init__(self, *args: Any, organisations: Any = None, rule_sets: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations if organisations is not None else Organisation.objects.none()  # type: ignore[attr-defined]
        self.fields["rule_set"].queryset = rule_sets if rule_sets is not None else RuleSet.objects.none()  # type: ignore[attr-defined]
        self.fields["rule_set"].empty_label = _("None (no rules evaluated)")  # type: ignore[attr-defined]
