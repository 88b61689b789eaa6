"""Forms of the fire-case UI: each validates input for one service call."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safecity.firecases.choices import HEARING_STEPS, DecisionKind, FollowUpOutcome, ParticipantCapacity, ReplyAssessment

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"})


class FileCaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    urgent = forms.BooleanField(label=_("Urgent"), required=False)


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    collected_on = forms.DateField(label=_("Collected on"), widget=DATE)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HearingForm(forms.Form):
    scheduled_at = forms.DateTimeField(label=_("Scheduled at"), widget=DATETIME)
    location = forms.CharField(label=_("Location"), max_length=200)
    is_public = forms.BooleanField(label=_("Public hearing"), required=False, initial=True)


class ParticipantForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    capacity = forms.ChoiceField(label=_("Capacity"), choices=ParticipantCapacity.choices)
    affiliation = forms.CharField(label=_("Affiliation"), required=False, max_length=200)


class NoticeForm(forms.Form):
    text = forms.CharField(label=_("Public notice"), widget=forms.Textarea(attrs={"rows": 3}))


class MinutesForm(forms.Form):
    held_at = forms.DateTimeField(label=_("Held at"), widget=DATETIME)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, label in HEARING_STEPS:
            self.fields[name] = forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 2}))


class LetterForm(forms.Form):
    addressee = forms.ModelChoiceField(label=_("Addressed to"), queryset=None)  # type: ignore[arg-type]
    facts = forms.CharField(label=_("Facts found"), widget=forms.Textarea(attrs={"rows": 3}))
    suggestions = forms.CharField(label=_("Suggestions"), widget=forms.Textarea(attrs={"rows": 3}))
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE)

    def __init__(self, *args: object, addressees: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["addressee"].queryset = addressees  # type: ignore[attr-defined]


class DeliveryForm(forms.Form):
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DATE)


class ReplyForm(forms.Form):
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}))


class AssessmentForm(forms.Form):
    assessment = forms.ChoiceField(label=_("Assessment"), choices=ReplyAssessment.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DATE)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=FollowUpOutcome.choices)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Decision"), choices=DecisionKind.choices)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class NotifyForm(forms.Form):
    notified_on = forms.DateField(label=_("Notified on"), widget=DATE)


class ProsecutionForm(forms.Form):
    filed_on = forms.DateField(label=_("Filed on"), widget=DATE)
    court = forms.CharField(label=_("Court"), max_length=200)
    persons = forms.CharField(label=_("Persons prosecuted (one per line)"), widget=forms.Textarea(attrs={"rows": 2}))
    result = forms.CharField(label=_("Result"), required=False)
