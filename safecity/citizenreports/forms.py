"""Forms of the citizens' reports: they validate the shape of the input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safecity.citizenreports import rules
from safecity.core.models import Organisation
from safecity.hazards.choices import HazardLevel, HazardType
from safecity.hazards.models import HiddenHazard


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files in one field (Django's documented pattern); the service checks each."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultiplePhotoField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ReportForm(forms.Form):
    """The public report. The photos are read from ``request.FILES`` by the view (several files of
    one field) and checked by the service, which says what is wrong with which."""

    latitude = forms.CharField(widget=forms.HiddenInput, required=False)
    longitude = forms.CharField(widget=forms.HiddenInput, required=False)
    description = forms.CharField(
        label=_("What did you see?"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        required=False,
        help_text=_("For example: a blocked fire exit, a gas smell, a cracked cylinder, wires hanging low."),
    )
    place = forms.CharField(
        label=_("Where exactly (optional)"),
        max_length=200,
        required=False,
        help_text=_("A landmark helps: a shop's name, a gate, a floor."),
    )
    photos = MultiplePhotoField(label=_("Photos"), required=False)
    phone = forms.CharField(
        label=_("Your phone (optional)"),
        max_length=20,
        required=False,
        help_text=_("Only the officials handling your report see it, to call you back about it."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = _("Up to %(count)d photos, each at most %(mb)d MB. Their location data is removed.") % {
            "count": rules.max_photos(),
            "mb": rules.photo_max_bytes() // (1024 * 1024),
        }


class ReceiptLookupForm(forms.Form):
    code = forms.CharField(label=_("Receipt code"), max_length=32)


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (the citizen reads this)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


def _suggest(field: forms.Field, queryset: Any, suggestions: Any, label: Any) -> None:
    """A choice validated against the whole ``queryset`` (every row of the district within reach),
    offered from ``suggestions`` only (the near ones, or the search's matches): a long district
    does not make a page of thousands of options, and no row of the district is out of choice."""
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset
    field.widget.choices = [("", "---------"), *((row.pk, label(row)) for row in suggestions)]  # type: ignore[attr-defined]


class MergeForm(forms.Form):
    hazard = forms.ModelChoiceField(
        label=_("Known hidden hazard"),
        queryset=HiddenHazard.objects.none(),
        error_messages={"invalid_choice": _("This hidden hazard is not within your reach.")},
    )

    def __init__(self, *args: Any, queryset: Any, hazards: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _suggest(
            self.fields["hazard"],
            queryset,
            hazards,
            lambda h: f"{h.code or h.pk} · {h.organisation.name} · {h.description[:40]} · {h.get_state_display()}",
        )


class HazardForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Enterprise or place responsible"),
        queryset=Organisation.objects.none(),
        error_messages={"invalid_choice": _("Choose an enterprise or place of the report's district.")},
    )
    hazard_type = forms.TypedChoiceField(label=_("Type"), choices=HazardType.choices, coerce=int, initial=HazardType.OTHER)
    level = forms.TypedChoiceField(label=_("Level"), choices=HazardLevel.choices, coerce=int, initial=HazardLevel.GENERAL)
    description = forms.CharField(label=_("Description of the hidden hazard"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(
        label=_("Rectify by"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, queryset: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _suggest(self.fields["organisation"], queryset, organisations, lambda o: f"{o.name} · {o.region.name}")


class TriageSearchForm(forms.Form):
    """Find any organisation or hidden hazard of the district by a part of its name, credit code
    or number, when it is not among the suggestions."""

    org_q = forms.CharField(label=_("Find an enterprise or place (name or credit code)"), max_length=100, required=False)
    hazard_q = forms.CharField(
        label=_("Find a hidden hazard (number, description or enterprise)"), max_length=100, required=False
    )
