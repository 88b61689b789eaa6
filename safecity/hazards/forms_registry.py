"""Forms for keeping an enterprise's risk registry (the services validate and write)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safecity.core.models import Person
from safecity.core.scoping import scoped
from safecity.hazards.assessment import LEC_C, LEC_E, LEC_L, LS_RANGE
from safecity.hazards.choices import AssessmentMethod, RiskObjectKind
from safecity.riskdict.choices import CycleUnit, MeasureClass, MeasureSubclass
from safecity.riskdict.models import RiskEntry, StandardMeasure


def _choices(values: tuple[Any, ...]) -> list[tuple[str, str]]:
    return [("", "—")] + [(str(v), str(v.normalize() if hasattr(v, "normalize") else v)) for v in values]


class RiskObjectForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=RiskObjectKind.choices)
    mhi_grade = forms.TypedChoiceField(
        label=_("Major hazard grade (1-4)"),
        choices=[("", "—"), (1, "1"), (2, "2"), (3, "3"), (4, "4")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    principal_in_charge = forms.ModelChoiceField(
        label=_("Principal person in charge"), queryset=Person.objects.none(), required=False
    )
    technical_in_charge = forms.ModelChoiceField(
        label=_("Technical person in charge"), queryset=Person.objects.none(), required=False
    )
    operations_in_charge = forms.ModelChoiceField(
        label=_("Operations person in charge"), queryset=Person.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = scoped(Person, user).filter(organisation_id=organisation_id)
        for name in ("principal_in_charge", "technical_in_charge", "operations_in_charge"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = people


class RiskUnitForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    dictionary_entry = forms.ModelChoiceField(label=_("Dictionary entry"), queryset=RiskEntry.objects.none(), required=False)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)

    def __init__(self, *args: Any, version_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["dictionary_entry"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = RiskEntry.objects.filter(version_id=version_id).order_by("code")
        field.label_from_instance = lambda e: f"{e.code} {e.name}"  # type: ignore[method-assign,assignment]


class RiskEventForm(forms.Form):
    """LEC: L, E, C from their own scales; LS: L and S from 1 to 5. Initial = without measures.

    The two methods' L scales differ (LEC 10/6/3/1/0.5/0.2/0.1; LS 1-5), so each has its own
    list: an LEC assessment never offers an LS value (domain-rules §1)."""

    name = forms.CharField(label=_("Risk event"), max_length=200)
    accident_type = forms.CharField(label=_("Accident type"), max_length=100, required=False)
    method = forms.ChoiceField(label=_("Assessment method"), choices=AssessmentMethod.choices)
    initial_l = forms.ChoiceField(label=_("Initial L (LEC)"), choices=_choices(LEC_L), required=False)
    initial_e = forms.ChoiceField(label=_("Initial E (LEC)"), choices=_choices(LEC_E), required=False)
    initial_c = forms.ChoiceField(label=_("Initial C (LEC)"), choices=_choices(LEC_C), required=False)
    initial_ls_l = forms.ChoiceField(label=_("Initial L (LS)"), choices=_choices(LS_RANGE), required=False)
    initial_s = forms.ChoiceField(label=_("Initial S (LS)"), choices=_choices(LS_RANGE), required=False)
    current_l = forms.ChoiceField(label=_("Current L (LEC)"), choices=_choices(LEC_L), required=False)
    current_e = forms.ChoiceField(label=_("Current E (LEC)"), choices=_choices(LEC_E), required=False)
    current_c = forms.ChoiceField(label=_("Current C (LEC)"), choices=_choices(LEC_C), required=False)
    current_ls_l = forms.ChoiceField(label=_("Current L (LS)"), choices=_choices(LS_RANGE), required=False)
    current_s = forms.ChoiceField(label=_("Current S (LS)"), choices=_choices(LS_RANGE), required=False)

    # Which form field holds each factor, by method.
    FIELDS = {AssessmentMethod.LEC: {"L": "l", "E": "e", "C": "c"}, AssessmentMethod.LS: {"L": "ls_l", "S": "s"}}

    def factors(self, prefix: str) -> dict[str, str]:
        names = self.FIELDS[AssessmentMethod(self.cleaned_data["method"])]
        return {factor: self.cleaned_data.get(f"{prefix}_{name}") or "" for factor, name in names.items()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        method = data.get("method")
        if method in self.FIELDS:
            for name in self.FIELDS[AssessmentMethod(method)].values():
                if not data.get(f"initial_{name}"):
                    self.add_error(f"initial_{name}", _("Required for this assessment method."))
        return data


class MeasureForm(forms.Form):
    standard_measure = forms.ModelChoiceField(
        label=_("From the dictionary"), queryset=StandardMeasure.objects.none(), required=False
    )
    measure_class = forms.ChoiceField(label=_("Class"), choices=[("", "—"), *MeasureClass.choices], required=False)
    subclass = forms.ChoiceField(label=_("Sub-class"), choices=[("", "—"), *MeasureSubclass.choices], required=False)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    basis = forms.CharField(label=_("Basis"), max_length=300, required=False)
    with_check_items = forms.BooleanField(label=_("Create its check tasks from the dictionary"), required=False, initial=True)

    def __init__(self, *args: Any, entry_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["standard_measure"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = StandardMeasure.objects.filter(entry_id=entry_id) if entry_id else StandardMeasure.objects.none()
        field.label_from_instance = lambda m: m.content[:80]  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("standard_measure") and not (
            data.get("measure_class") and data.get("subclass") and (data.get("content") or "").strip()
        ):
            raise forms.ValidationError(_("Choose a dictionary measure, or give the class, sub-class and content of your own."))
        return data


class CheckTaskForm(forms.Form):
    content = forms.CharField(label=_("Check content"), widget=forms.Textarea(attrs={"rows": 2}))
    cycle = forms.IntegerField(label=_("Cycle"), min_value=1)
    cycle_unit = forms.ChoiceField(label=_("Cycle unit"), choices=CycleUnit.choices)
