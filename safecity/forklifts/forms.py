"""Forms of the forklift pages: shape only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.models import Organisation, Person
from safecity.forklifts.choices import CheckKind, InspectionResult, SafetyRole, VehicleType, ZoneKind
from safecity.forklifts.models import Forklift, Plant


class DateInput(forms.DateInput):
    input_type = "date"


class ForkliftForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("User enterprise"), queryset=Organisation.objects.none())
    plant = forms.ModelChoiceField(label=_("Plant"), queryset=Plant.objects.none())
    number = forms.CharField(label=_("In-plant number"), max_length=32)
    product_number = forms.CharField(label=_("Product number"), max_length=40)
    manufacturer = forms.CharField(label=_("Manufacturer"), max_length=120)
    model_name = forms.CharField(label=_("Model"), max_length=40)
    vehicle_type = forms.ChoiceField(label=_("Vehicle type"), choices=VehicleType.choices)
    rated_load_kg = forms.IntegerField(label=_("Rated load (kg)"), min_value=1, max_value=100000)
    manufactured_on = forms.DateField(label=_("Manufacture date"), widget=DateInput)
    first_used_on = forms.DateField(label=_("First used on"), widget=DateInput, required=False)
    registration_number = forms.CharField(label=_("Use registration certificate number"), max_length=40, required=False)
    registered_on = forms.DateField(label=_("Registered on"), widget=DateInput, required=False)
    last_inspected_on = forms.DateField(label=_("Last periodic inspection"), widget=DateInput, required=False)

    def __init__(self, *args: Any, organisations: Any = None, plants: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations if organisations is not None else Organisation.objects.none()  # type: ignore[attr-defined]
        self.fields["plant"].queryset = plants if plants is not None else Plant.objects.none()  # type: ignore[attr-defined]


class RegisterUseForm(forms.Form):
    registration_number = forms.CharField(label=_("Use registration certificate number"), max_length=40)
    registered_on = forms.DateField(label=_("Registered on"), widget=DateInput, initial=timezone.localdate)


class InspectionForm(forms.Form):
    inspected_on = forms.DateField(label=_("Inspected on"), widget=DateInput, initial=timezone.localdate)
    result = forms.ChoiceField(label=_("Result"), choices=InspectionResult.choices)
    report_number = forms.CharField(label=_("Inspection report number"), max_length=40)
    inspection_body = forms.CharField(label=_("Inspection body"), max_length=120, required=False)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ActionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)
    expected = forms.CharField(widget=forms.HiddenInput, required=False)


class OfficerForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Safety officer"), queryset=Person.objects.none())

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people if people is not None else Person.objects.none()  # type: ignore[attr-defined]


class OperatorForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Authorising enterprise"), queryset=Organisation.objects.none())
    name = forms.CharField(label=_("Name"), max_length=60)
    certificate_number = forms.CharField(label=_("N1 certificate number"), max_length=40)
    certificate_issued_on = forms.DateField(label=_("Certificate issued on"), widget=DateInput)
    card_id = forms.CharField(label=_("Authorisation card id"), max_length=64, required=False)
    face_id = forms.CharField(label=_("Face id"), max_length=64, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations if organisations is not None else Organisation.objects.none()  # type: ignore[attr-defined]


class RenewForm(forms.Form):
    certificate_issued_on = forms.DateField(
        label=_("Renewed certificate issued on"), widget=DateInput, initial=timezone.localdate
    )


class CheckForm(forms.Form):
    """A check on the phone: who did it, a summary, and the findings, one per line (a line may begin
    with a truck's in-plant number and a colon to name the truck)."""

    organisation = forms.ModelChoiceField(label=_("Enterprise"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=CheckKind.choices, widget=forms.HiddenInput)
    summary = forms.CharField(label=_("What was checked"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    findings = forms.CharField(
        label=_("Problems found (one per line; leave empty for a zero-risk report)"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("e.g. CC-003: brake pedal travel too long")}),
        required=False,
    )
    attendees = forms.CharField(label=_("Attendees"), max_length=300, required=False)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 5}), required=False)

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations if organisations is not None else Organisation.objects.none()  # type: ignore[attr-defined]
        kind = self.data.get("kind") or self.initial.get("kind")
        if kind != CheckKind.MONTHLY:
            del self.fields["minutes"]
            del self.fields["attendees"]


class AppointmentForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Enterprise"), queryset=Organisation.objects.none())
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=SafetyRole.choices)
    appointed_on = forms.DateField(label=_("Appointed on"), widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args: Any, organisations: Any = None, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations if organisations is not None else Organisation.objects.none()  # type: ignore[attr-defined]
        self.fields["person"].queryset = people if people is not None else Person.objects.none()  # type: ignore[attr-defined]


def parse_findings(text: str, *, trucks: dict[str, Forklift]) -> list[tuple[str, Forklift | None]]:
    """Each non-empty line is a finding; ``CC-003: ...`` (or the full-width colon) names a truck."""
    out: list[tuple[str, Forklift | None]] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        head, sep, rest = line.replace("：", ":").partition(":")
        truck = trucks.get(head.strip()) if sep else None
        out.append((rest.strip() if truck is not None else line, truck))
    return out


class PlantForm(forms.Form):
    """A plant: its enterprise, name, address, the bounds of its site plan (WGS 84) and the plan."""

    organisation = forms.ModelChoiceField(label=_("Enterprise"), queryset=Organisation.objects.none())
    name = forms.CharField(label=_("Plant name"), max_length=120)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    south = forms.DecimalField(label=_("South edge (latitude)"), max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    west = forms.DecimalField(label=_("West edge (longitude)"), max_digits=9, decimal_places=6, min_value=-180, max_value=180)
    north = forms.DecimalField(label=_("North edge (latitude)"), max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    east = forms.DecimalField(label=_("East edge (longitude)"), max_digits=9, decimal_places=6, min_value=-180, max_value=180)
    site_plan = forms.FileField(
        label=_("Site plan (PNG, JPEG or SVG, optional)"),
        required=False,
        help_text=_("Drawn north up, its edges at the bounds above."),
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations if organisations is not None else Organisation.objects.none()  # type: ignore[attr-defined]


class ZoneForm(forms.Form):
    """A zone of a plant: click its corners on the map (or type them, a ``longitude, latitude`` pair
    a line), its kind and speed limit (empty: the kind's usual limit; a forbidden zone: no entry)."""

    name = forms.CharField(label=_("Zone name"), max_length=80)
    kind = forms.ChoiceField(label=_("Zone kind"), choices=ZoneKind.choices)
    speed_limit_kmh = forms.DecimalField(
        label=_("Speed limit (km/h, optional)"), max_digits=4, decimal_places=1, min_value=0, max_value=60, required=False
    )
    points = forms.CharField(
        label=_("Corners"),
        widget=forms.Textarea(attrs={"rows": 4, "data-zone-points": "1"}),
        help_text=_('Click the corners on the map, or type one "longitude, latitude" pair a line (at least 3).'),
    )

    def clean_points(self) -> list[list[float]]:
        polygon: list[list[float]] = []
        for n, line in enumerate((self.cleaned_data.get("points") or "").splitlines(), 1):
            if not line.strip():
                continue
            parts = [p for p in line.replace("，", ",").replace(",", " ").split() if p]
            try:
                lon, lat = (float(p) for p in parts)
            except ValueError:
                raise forms.ValidationError(_('Line %(n)d: expected "longitude, latitude".') % {"n": n}, code="invalid") from None
            polygon.append([lon, lat])
        if len(polygon) < 3:
            raise forms.ValidationError(_("A zone needs at least 3 corners."), code="invalid")
        return polygon
