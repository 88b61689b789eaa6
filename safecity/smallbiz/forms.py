"""Forms of the small and micro enterprise pages: they validate what was typed, one service does the
write, and its refusals land on the form's fields (:func:`add_service_errors`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from safecity.core.choices import RegionLevel
from safecity.core.models import Region
from safecity.core.scoping import scoped
from safecity.hazards.choices import HazardLevel
from safecity.smallbiz.choices import ScoreBy


def add_service_errors(form: forms.Form, error: ValidationError, aliases: Mapping[str, str] | None = None) -> None:
    """Put a service's refusal on the form: each named field's messages on that field, the rest above it."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = aliases.get(name, name)
        form.add_error(field if field in form.fields else None, errors)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Photos from the phone's camera (``capture``), several in one input; cleans to a list."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class EnterpriseImportForm(forms.Form):
    street = forms.ModelChoiceField(label=_("Street / town"), queryset=Region.objects.none())
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = scoped(Region, user).filter(level=RegionLevel.STREET).order_by("code")  # type: ignore[attr-defined]


class VisitSignForm(forms.Form):
    """The phone form of a visit: the checklist (one box per item), a note, the findings (one per
    line, each becomes a hidden hazard), the photos, and the place the browser reports."""

    latitude = forms.DecimalField(widget=forms.HiddenInput, required=False, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(widget=forms.HiddenInput, required=False, max_digits=10, decimal_places=6)
    ok_items = forms.MultipleChoiceField(label=_("Items in order"), required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    findings = forms.CharField(
        label=_("Findings (one hidden hazard per line)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = PhotosField(label=_("Photos"))

    def __init__(self, *args: Any, checklist: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checklist = checklist
        self.fields["ok_items"].choices = [(str(i), item["content"]) for i, item in enumerate(checklist)]  # type: ignore[attr-defined]

    def checked(self) -> list[dict[str, Any]]:
        ok = set(self.cleaned_data["ok_items"])
        return [{"item": item["item"], "content": item["content"], "ok": str(i) in ok} for i, item in enumerate(self.checklist)]

    def finding_rows(self) -> list[dict[str, Any]]:
        lines = [line.strip() for line in self.cleaned_data["findings"].splitlines() if line.strip()]
        return [{"description": line, "level": HazardLevel.GENERAL} for line in lines]


class VisitScoreForm(forms.Form):
    by = forms.ChoiceField(label=_("Scored by"), choices=ScoreBy.choices)
    score = forms.CharField(label=_("Score (1-5)"), max_length=3)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)


class SupervisionRoundForm(forms.Form):
    month = forms.DateField(
        label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m", "%Y-%m-%d"]
    )
    note = forms.CharField(label=_("What the round found"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
