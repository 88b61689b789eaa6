"""Forms of the key-project UI: each validates input for one service call."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safecity.keyprojects.choices import ProjectStatus
from safecity.keyprojects.models import SubSystem, YearPlan

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})  # ISO: what <input type=date> reads


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ProgressForm(forms.Form):
    milestone = forms.ModelChoiceField(label=_("Milestone"), queryset=None)
    completion = forms.IntegerField(label=_("Completion (%)"), min_value=0, max_value=100)
    reported_on = forms.DateField(label=_("Reported on"), widget=DATE)
    note = forms.CharField(label=_("Progress note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(
        label=_("Reason (required when completion goes down)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = MultipleFileField(label=_("Evidence (photos or PDF)"), required=False)

    def __init__(self, *args: Any, project: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = project.milestones.all()  # type: ignore[attr-defined]


class FilterForm(forms.Form):
    sub_system = forms.ModelChoiceField(label=_("Sub-system"), queryset=SubSystem.objects.all(), required=False)
    lead_department = forms.ModelChoiceField(label=_("Lead department"), queryset=None, required=False)
    district = forms.ModelChoiceField(label=_("District"), queryset=None, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *ProjectStatus.choices], required=False)

    def __init__(self, *args: Any, departments: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].queryset = departments  # type: ignore[attr-defined]
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel workbook (.xlsx)"))


class SubSystemForm(forms.ModelForm):
    class Meta:
        model = SubSystem
        fields = ["code", "name", "order", "is_overall", "is_active"]


class PlanForm(forms.ModelForm):
    class Meta:
        model = YearPlan
        fields = ["year", "title", "as_of", "behind_points", "seriously_behind_points", "reminder_days"]
        widgets = {"as_of": DATE}
