"""Forms of the innovation UI: shape only; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safecity.innovation.choices import InnovationCategory, LibraryKind


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


class LibrarySearchForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"))
    kind = forms.ChoiceField(choices=[("", _("All kinds")), *LibraryKind.choices], required=False, label=_("Kind"))
