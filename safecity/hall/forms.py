"""Forms of the hall's pages: each validates the input of one service call; the service decides
and writes, and its refusal goes back onto the fields it names (``core.forms.show_service_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from safecity.core.models import Organisation
from safecity.hall.choices import GroupType, Period

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
PHONE_INPUT = forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "maxlength": 11})


class BookingForm(forms.Form):
    """The group's details on the public booking page."""

    group_type = forms.ChoiceField(label=_("Your group"), choices=GroupType.choices, widget=forms.RadioSelect)
    group_name = forms.CharField(
        label=_("Name of the group"),
        max_length=200,
        help_text=_("E.g. the school and class, the village, the company or the community."),
    )
    people = forms.IntegerField(
        label=_("Number of people"), min_value=1, max_value=500, help_text=_("Including teachers and guardians.")
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    contact_phone = forms.CharField(
        label=_("Contact phone (mobile)"), max_length=20, widget=PHONE_INPUT, help_text=_("A code is sent to it.")
    )
    wait_if_full = forms.BooleanField(
        label=_("If the session is full, put us on its waiting list"),
        required=False,
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6}),
    )


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Booking code"), max_length=12)
    phone = forms.CharField(label=_("Contact phone (mobile)"), max_length=20, widget=PHONE_INPUT)


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was the visit?"),
        choices=[(5, _("Excellent")), (4, _("Good")), (3, _("Fair")), (2, _("Poor")), (1, _("Bad"))],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("What should we know?"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class _HallForm(forms.Form):
    hall = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Hall"))

    def __init__(self, *args: Any, halls: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hall"].queryset = halls  # type: ignore[attr-defined]
        if halls.count() == 1:
            self.fields["hall"].initial = halls.first()
            self.fields["hall"].widget = forms.HiddenInput()


class SessionForm(_HallForm):
    day = forms.DateField(label=_("Date"), widget=DATE)
    period = forms.ChoiceField(label=_("Period"), choices=Period.choices, widget=forms.RadioSelect)
    capacity = forms.IntegerField(label=_("Capacity (people)"), min_value=1, max_value=1000, required=False)
    guide = forms.CharField(label=_("Guide"), max_length=100, required=False)
    exhibits = forms.CharField(label=_("Exhibits covered"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class GenerateForm(_HallForm):
    month = forms.CharField(label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}), help_text=_("E.g. 2026-03."))
    capacity = forms.IntegerField(label=_("Capacity (people)"), min_value=1, max_value=1000, required=False)
    guide = forms.CharField(label=_("Guide"), max_length=100, required=False)
    exhibits = forms.CharField(label=_("Exhibits covered"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_month(self) -> tuple[int, int]:
        value = self.cleaned_data["month"].strip()
        try:
            year, month = (int(part) for part in value.split("-")[:2])
        except ValueError:
            raise forms.ValidationError(_("Give the month as year and month, e.g. 2026-03.")) from None
        if not 1 <= month <= 12:
            raise forms.ValidationError(_("Give the month as year and month, e.g. 2026-03."))
        return year, month


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CheckInForm(_HallForm):
    code = forms.CharField(label=_("Booking code"), max_length=12)
    arrived = forms.IntegerField(label=_("People arrived"), min_value=0, max_value=500)
    guardians = forms.IntegerField(
        label=_("Of them guardians"),
        min_value=0,
        max_value=500,
        required=False,
        help_text=_("School classes: the teachers and parents accompanying the minors."),
    )
