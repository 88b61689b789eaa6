"""Forms of the dual-prevention UI: they validate input; services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safecity.core.choices import OrganisationKind
from safecity.core.models import Organisation, Person
from safecity.core.scoping import CHANGE, scoped
from safecity.hazards.choices import EvidenceStage, HazardLevel, HazardSource, HazardType, ManagementType
from safecity.hazards.models import GovernancePlan

DATE = forms.DateInput(attrs={"type": "date"})


class HazardReportForm(forms.Form):
    """What an inspector or enterprise records in the field (phone-friendly: few required fields)."""

    organisation = forms.ModelChoiceField(label=_("Enterprise"), queryset=Organisation.objects.none())
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    level = forms.TypedChoiceField(label=_("Level"), choices=HazardLevel.choices, coerce=int, initial=HazardLevel.GENERAL)
    hazard_type = forms.TypedChoiceField(label=_("Type"), choices=HazardType.choices, coerce=int, initial=HazardType.SAFETY)
    source = forms.TypedChoiceField(label=_("Source"), choices=HazardSource.choices, coerce=int, initial=HazardSource.ROUTINE)
    management_type = forms.TypedChoiceField(
        label=_("Management type"), choices=ManagementType.choices, coerce=int, initial=ManagementType.BY_DEADLINE
    )
    location = forms.CharField(label=_("Location"), required=False)
    cause = forms.CharField(label=_("Cause"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    measures = forms.CharField(label=_("Rectification measures"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE)
    photo = forms.FileField(
        label=_("Photo or PDF"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf", "capture": "environment"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            scoped(Organisation, user)
            .filter(kind__in=[OrganisationKind.ENTERPRISE, OrganisationKind.FILLING_UNIT])
            .order_by("name")
        )


class HazardActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in ("confirm", "withdraw", "fix_on_the_spot", "request_acceptance", "accept", "reject")]
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    rectification = forms.CharField(label=_("Rectification done"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE)
    liable_person = forms.ModelChoiceField(label=_("Liable person"), queryset=Person.objects.none(), required=False)
    # Filed at the step's stage: rectification (fix on the spot, request acceptance) or acceptance (accept).
    evidence = forms.FileField(
        label=_("Photo or document of this step"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf", "capture": "environment"}),
    )

    def __init__(self, *args: Any, user: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["liable_person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = scoped(Person, user).filter(organisation_id=organisation_id)


class GovernancePlanForm(forms.ModelForm):
    class Meta:
        model = GovernancePlan
        fields = ["responsibility", "measures", "funds", "deadline", "emergency_plan"]
        widgets = {
            "deadline": DATE,
            "responsibility": forms.Textarea(attrs={"rows": 2}),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "emergency_plan": forms.Textarea(attrs={"rows": 2}),
        }


class EvidenceForm(forms.Form):
    """An upload; its stage defaults to the hazard's current stage (the view sets the initial)."""

    stage = forms.ChoiceField(label=_("Stage"), choices=EvidenceStage.choices, required=False)
    file = forms.FileField(
        label=_("Photo or PDF"), widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"})
    )


class CheckCompleteForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[("done", _("Done, nothing found")), ("hazard_found", _("Hidden hazard found"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False)
    description = forms.CharField(label=_("Hidden hazard found"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    level = forms.TypedChoiceField(label=_("Level"), choices=HazardLevel.choices, coerce=int, initial=HazardLevel.GENERAL)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("result") == "hazard_found" and not (data.get("description") or "").strip():
            self.add_error("description", _("Describe the hidden hazard that was found."))
        return data


__all__ = ["CHANGE"]
