"""Forms of the deep safety check UI: thin, they validate input and call one service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safecity.deepchecks.choices import CauseCategory, ExpertLevel, ItemResult, ManagementElement
from safecity.deepchecks.models import Expert
from safecity.hazards.choices import HazardLevel, HazardType


class ExpertFilterForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=[("", "—"), *ExpertLevel.choices], required=False)


class PanelMembersForm(forms.Form):
    experts = forms.ModelMultipleChoiceField(label=_("Experts"), queryset=Expert.objects.none())
    leader = forms.ModelChoiceField(label=_("Panel leader"), queryset=Expert.objects.none(), required=False)

    def __init__(self, *args: Any, pool: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if pool is not None:
            self.fields["experts"].queryset = pool  # type: ignore[attr-defined]
            self.fields["leader"].queryset = pool  # type: ignore[attr-defined]


class FindingForm(forms.Form):
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    hazard_type = forms.TypedChoiceField(label=_("Type"), choices=HazardType.choices, coerce=int, initial=HazardType.SAFETY)
    level = forms.TypedChoiceField(label=_("Level"), choices=HazardLevel.choices, coerce=int, initial=HazardLevel.GENERAL)
    location = forms.CharField(label=_("Location"), required=False)
    measures = forms.CharField(label=_("Rectification measures"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    checklist_item = forms.IntegerField(required=False, widget=forms.HiddenInput)


class RootCauseForm(forms.Form):
    category = forms.ChoiceField(label=_("Cause"), choices=CauseCategory.choices)
    management_element = forms.ChoiceField(label=_("Management element that failed"), choices=ManagementElement.choices)
    note = forms.CharField(label=_("Analysis"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ItemMarkForm(forms.Form):
    result = forms.ChoiceField(choices=ItemResult.choices)


class CompleteForm(forms.Form):
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
