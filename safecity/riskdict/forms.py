"""Forms of the dictionary UI: they validate input; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safecity.riskdict.models import DictionaryVersion


class DictionaryImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
        help_text=_("One sheet, one row per check item, with the column headers of an exported dictionary."),
    )
    version = forms.CharField(label=_("Version"), max_length=20, help_text=_("For example 2024.1; a new version string."))
    title = forms.CharField(label=_("Title"), max_length=200)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DictionaryDiffForm(forms.Form):
    old = forms.ModelChoiceField(queryset=DictionaryVersion.objects.none(), label=_("Older version"), to_field_name="version")
    new = forms.ModelChoiceField(queryset=DictionaryVersion.objects.none(), label=_("Newer version"), to_field_name="version")

    def __init__(self, *args: Any, versions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("old", "new"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = versions
            field.label_from_instance = lambda v: f"{v.version} {v.title} ({v.get_status_display()})"  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("old") is not None and data.get("old") == data.get("new"):
            raise forms.ValidationError(_("Choose two different versions."))
        return data
