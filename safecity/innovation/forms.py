"""Forms of the innovation UI: shape only; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safecity.innovation.choices import InnovationCategory


class RoundForm(forms.Form):
    """Open a year's selection round (the committee office); the service checks the rules."""

    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("Year"))
    title = forms.CharField(max_length=200, label=_("Title"))
    select_count = forms.IntegerField(min_value=1, initial=38, label=_("Number to select"))
    scale_max = forms.IntegerField(min_value=1, max_value=100, initial=10, label=_("Score scale (maximum)"))
    min_judges = forms.IntegerField(min_value=1, initial=3, label=_("Minimum judges per entry"))
    submission_deadline = forms.DateField(
        label=_("Submission deadline"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class EntryForm(forms.Form):
    department = forms.ModelChoiceField(queryset=None, label=_("Department"))  # type: ignore[arg-type]
    category = forms.ChoiceField(choices=InnovationCategory.choices, label=_("Category"))
    title = forms.CharField(max_length=200, label=_("Title"))
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label=_("Summary"))
    material = forms.FileField(required=False, label=_("Material (PDF, JPEG or PNG)"))
    submit = forms.BooleanField(required=False, initial=True, label=_("Submit now (otherwise kept as a draft)"))

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]


class MaterialForm(forms.Form):
    title = forms.CharField(max_length=200, required=False, label=_("Title"))
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))


class CriteriaForm(forms.Form):
    criteria = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label=_("Criteria"),
        help_text=_("One per line: name and weight, e.g. “创新性 30”. The weights must sum to 100."),
    )

    def clean_criteria(self) -> list[tuple[str, int]]:
        rows = []
        for line in self.cleaned_data["criteria"].splitlines():
            line = line.strip()
            if not line:
                continue
            name, _sep, weight = line.replace(":", " ").replace("：", " ").rpartition(" ")
            try:
                rows.append((name.strip(), int(weight)))
            except ValueError:
                raise forms.ValidationError(_("Each line is a name followed by a whole-number weight.")) from None
        return rows


class JudgeForm(forms.Form):
    person = forms.ModelChoiceField(queryset=None, label=_("Judge"))  # type: ignore[arg-type]

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
