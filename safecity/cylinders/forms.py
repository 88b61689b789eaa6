"""Forms of the cylinder pages: shape only; the services decide. Each step form carries a fresh
idempotency key, so a double click or a resent form is refused as a duplicate, never recorded twice."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecity.core.choices import OrganisationKind
from safecity.core.models import Organisation
from safecity.cylinders.choices import CylinderState, InspectionResult, Medium, RecipientKind


class KeyedForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)


class ScanForm(forms.Form):
    code = forms.CharField(
        label=_("Cylinder code"),
        max_length=64,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "inputmode": "text", "data-testid": "scan-code"}),
    )


class FillForm(KeyedForm):
    code = forms.CharField(widget=forms.HiddenInput, max_length=64)
    marks_legible = forms.BooleanField(label=_("Marks legible"), required=False, initial=True)
    accessories_ok = forms.BooleanField(label=_("Valve and accessories sound"), required=False, initial=True)
    appearance_ok = forms.BooleanField(label=_("No dents, corrosion or damage"), required=False, initial=True)
    net_kg = forms.DecimalField(label=_("Scale reading: net filled mass (kg)"), max_digits=6, decimal_places=1, min_value=0)
    leak_free = forms.BooleanField(label=_("Post-fill check: no leak"), required=False, initial=True)


class DispatchForm(KeyedForm):
    waybill = forms.CharField(label=_("Waybill"), max_length=40, required=False)


class DeliverForm(KeyedForm):
    recipient_kind = forms.ChoiceField(label=_("Recipient"), choices=RecipientKind.choices)
    recipient_organisation = forms.ModelChoiceField(label=_("Restaurant"), queryset=Organisation.objects.none(), required=False)
    household_name = forms.CharField(label=_("Household (name)"), max_length=60, required=False)
    household_address = forms.CharField(label=_("Address"), max_length=120, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Catering enterprises (GB/T 4754 division H62): the restaurants a unit delivers to.
        self.fields["recipient_organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind=OrganisationKind.ENTERPRISE, industry_code__startswith="H62", is_active=True
        ).order_by("name")


class ReturnForm(KeyedForm):
    residual_kg = forms.DecimalField(label=_("Residual gas (kg)"), max_digits=5, decimal_places=1, required=False, min_value=0)


class InspectForm(KeyedForm):
    result = forms.ChoiceField(label=pgettext_lazy("cylinder inspection", "Result"), choices=InspectionResult.choices)
    report_number = forms.CharField(label=_("Inspection report number"), max_length=40)
    defects = forms.CharField(label=_("Defects found (one per line)"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RepairForm(KeyedForm):
    work = forms.CharField(label=_("Repair work"), max_length=200)


class ScrapForm(KeyedForm):
    reason = forms.CharField(label=_("Reason for scrapping"), max_length=200)


class RegisterForm(KeyedForm):
    code = forms.CharField(label=_("Electronic code"), max_length=32)
    serial_number = forms.CharField(label=_("Serial number"), max_length=40)
    manufacturer = forms.CharField(label=_("Manufacturer"), max_length=120)
    manufactured_on = forms.DateField(label=_("Manufacture date"), widget=forms.DateInput(attrs={"type": "date"}))
    medium = forms.ChoiceField(label=_("Medium"), choices=Medium.choices, initial=Medium.LPG)
    model_name = forms.CharField(label=_("Model"), max_length=40, required=False, initial="YSP35.5")
    nominal_pressure_mpa = forms.DecimalField(
        label=_("Nominal working pressure (MPa)"), max_digits=6, decimal_places=2, initial="2.1"
    )
    volume_l = forms.DecimalField(label=_("Water volume (L)"), max_digits=7, decimal_places=1, initial="35.5")
    wall_thickness_mm = forms.DecimalField(label=_("Design wall thickness (mm)"), max_digits=5, decimal_places=2, initial="2.5")
    product_standard = forms.CharField(label=_("Product standard"), max_length=40, initial="GB 5842")
    owner = forms.ModelChoiceField(label=_("Owning filling unit"), queryset=Organisation.objects.none())

    def __init__(self, *args: Any, owners: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners if owners is not None else Organisation.objects.none()  # type: ignore[attr-defined]


class ListFilterForm(forms.Form):
    q = forms.CharField(label=_("Code or serial number"), required=False)
    state = forms.ChoiceField(label=_("State"), choices=[("", _("All")), *CylinderState.choices], required=False)
    inspection = forms.ChoiceField(
        label=_("Inspection"),
        required=False,
        choices=[
            ("", _("All")),
            ("overdue", _("Overdue")),
            ("due_soon", _("Due within 30 days")),
            ("past_scrap_age", _("Past scrap age")),
        ],
    )


STEP_FORMS: dict[str, type[KeyedForm]] = {
    "dispatch": DispatchForm,
    "delivery": DeliverForm,
    "return": ReturnForm,
    "inspection": InspectForm,
    "repair": RepairForm,
    "scrapping": ScrapForm,
}
