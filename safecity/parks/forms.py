"""Forms of the factory-within-a-factory pages: they validate the shape of the input; the services
decide (unique numbers, credit codes, dates against the tenant's stay, the checklist)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safecity.core.models import Organisation
from safecity.parks.choices import ShapeKind, TrainingKind
from safecity.parks.models import Building, Park, Tenant
from safecity.parks.rules import checklist

DATE = forms.DateInput(attrs={"type": "date"})
# The tenant list's filter for tenants without an agreement in force (missing or expired).
WITHOUT_VALID = "without"


class ParkForm(forms.ModelForm):
    class Meta:
        model = Park
        fields = ["name", "address", "latitude", "longitude", "number_prefix", "inspection_interval_days", "gate_notice"]
        widgets = {"gate_notice": forms.Textarea(attrs={"rows": 4})}


class ParkNewForm(ParkForm):
    landlord: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Landlord"), queryset=Organisation.objects.none())

    class Meta(ParkForm.Meta):
        fields = ["landlord", *ParkForm.Meta.fields]

    def __init__(self, *args: Any, landlords: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["landlord"].queryset = landlords  # type: ignore[attr-defined]


class SitePlanForm(forms.Form):
    file = forms.FileField(label=_("Site plan (image or PDF)"), widget=forms.ClearableFileInput(attrs={"accept": "image/*,.pdf"}))
    page = forms.IntegerField(label=_("Page of the PDF"), min_value=1, initial=1, required=False)


class ShapeForm(forms.Form):
    kind = forms.ChoiceField(label=_("What it shows"), choices=ShapeKind.choices)
    tenant = forms.ModelChoiceField(label=_("Tenant (for a tenant area)"), queryset=Tenant.objects.none(), required=False)
    label = forms.CharField(label=_("Label"), max_length=60, required=False)
    points = forms.CharField(
        label=_("Points on the plan"),
        widget=forms.Textarea(attrs={"rows": 4, "data-shape-points": "1"}),
        help_text=_("One point a line: x, y in the plan's pixels. Click the plan to add them."),
    )

    def __init__(self, *args: Any, tenants: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tenant"].queryset = tenants  # type: ignore[attr-defined]

    def clean_points(self) -> list[list[float]]:
        points = []
        for line in self.cleaned_data["points"].replace("，", ",").splitlines():
            parts = [p for p in line.replace(",", " ").split() if p]
            if not parts:
                continue
            try:
                x, y = (float(p) for p in parts)
            except ValueError:
                raise forms.ValidationError(_("Each line is two numbers: x, y.")) from None
            points.append([x, y])
        return points


class BuildingForm(forms.ModelForm):
    class Meta:
        model = Building
        fields = ["name", "floors", "area_m2"]


TENANT_FIELDS = [
    "unified_number",
    "entered_on",
    "business_scope",
    "building",
    "area_m2",
    "workers",
    "dangerous_processes",
    "uses_production",
    "uses_storage",
    "uses_living",
    "safety_notice",
]


class TenantForm(forms.ModelForm):
    class Meta:
        model = Tenant
        fields = TENANT_FIELDS
        widgets = {"safety_notice": forms.Textarea(attrs={"rows": 4}), "entered_on": DATE}

    def __init__(self, *args: Any, park: Park, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(park=park)  # type: ignore[attr-defined]

    def validate_unique(self) -> None:
        # The service checks the number within the park and says so in words.
        return None


class TenantNewForm(TenantForm):
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18)
    name = forms.CharField(
        label=_("Enterprise name"),
        max_length=200,
        required=False,
        help_text=_("Needed when the enterprise is not registered yet."),
    )
    entered_on = forms.DateField(label=_("Moved in on"), widget=DATE)

    class Meta(TenantForm.Meta):
        fields = TENANT_FIELDS

    field_order = ["credit_code", "name", "unified_number", "entered_on", *TENANT_FIELDS]


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DATE)
    reason = forms.CharField(label=_("Why it left"), max_length=200, required=False)


class AgreementForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE)
    in_lease = forms.BooleanField(label=_("The duties are set out in the lease"), required=False)
    landlord_duties = forms.CharField(label=_("Landlord's duties"), widget=forms.Textarea(attrs={"rows": 3}))
    tenant_duties = forms.CharField(label=_("Tenant's duties"), widget=forms.Textarea(attrs={"rows": 3}))
    document = forms.FileField(label=_("Document (PDF or photo)"), required=False)


class InspectionForm(forms.Form):
    """The landlord's checklist: each item passed or failed, and for a failed one what was found."""

    inspected_on = forms.DateField(label=_("Inspected on"), widget=DATE)
    inspector_name = forms.CharField(label=_("Inspected by"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = checklist()
        for item in self.items:
            self.fields[f"ok_{item.code}"] = forms.TypedChoiceField(
                label=item.text,
                choices=[("1", _("Passed")), ("0", _("Failed"))],
                coerce=lambda v: v == "1",
                widget=forms.RadioSelect,
                initial="1",
            )
            self.fields[f"note_{item.code}"] = forms.CharField(
                label=_("What was found"), max_length=300, required=False, widget=forms.TextInput(attrs={"class": "finding-note"})
            )
        self.fields["note"] = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def results(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        return {i.code: {"ok": data.get(f"ok_{i.code}", True), "note": data.get(f"note_{i.code}", "")} for i in self.items}

    def item_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"ok_{i.code}"], self[f"note_{i.code}"]) for i in self.items]


class TrainingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TrainingKind.choices)
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    hours = forms.DecimalField(label=_("Hours"), min_value=0.5, max_digits=4, decimal_places=1)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, tenants: list[Tenant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tenants = tenants
        for tenant in tenants:
            self.fields[f"attendees_{tenant.pk}"] = forms.IntegerField(
                label=f"{tenant.full_number} {tenant.organisation.name}", min_value=0, max_value=100_000, required=False
            )

    def attendance(self) -> dict[int, int]:
        return {t.pk: self.cleaned_data.get(f"attendees_{t.pk}") or 0 for t in self.tenants}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tenant list (Excel .xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


class TenantSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    park = forms.ModelChoiceField(label=_("Park"), queryset=Park.objects.none(), required=False)
    agreement = forms.ChoiceField(label=_("Agreement"), required=False)
    left = forms.BooleanField(label=_("Include tenants that left"), required=False)

    def __init__(self, *args: Any, parks: Any, **kwargs: Any) -> None:
        from safecity.parks.choices import AgreementState

        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = parks  # type: ignore[attr-defined]
        self.fields["agreement"].choices = [("", _("Any")), (WITHOUT_VALID, _("Missing or expired")), *AgreementState.choices]  # type: ignore[attr-defined]
