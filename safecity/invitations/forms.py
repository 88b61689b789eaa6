"""Forms of the invitation pages that write (issue 16): each validates the input of one service
call (``services/invitations.py``); the service decides and writes. A service's refusal goes back
onto the fields it names (``core.forms.show_service_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from safecity.core.models import Organisation, Person
from safecity.deepchecks.models import Expert
from safecity.hazards.choices import HazardLevel, HazardType
from safecity.invitations.choices import ItemResult
from safecity.invitations.models import ChecklistItem, Invitation
from safecity.riskdict.models import CheckItem

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
YES_NO = [(True, _("Yes")), (False, _("No"))]


def _yes_no(label: Any, help_text: Any = "") -> forms.TypedChoiceField:
    # Asked, not defaulted: an unticked box would record a fact nobody checked.
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, coerce=lambda v: v in (True, "True"), widget=forms.RadioSelect, help_text=help_text
    )


class InviteForm(forms.Form):
    enterprise = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Enterprise"))
    authority = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Authority invited"))
    topic = forms.CharField(label=_("Topic"), max_length=200, help_text=_("What the inspection should look at."))
    preferred_from = forms.DateField(label=_("Preferred from"), widget=DATE)
    preferred_to = forms.DateField(label=_("Preferred until"), widget=DATE)
    concerns = forms.CharField(label=_("What worries the enterprise"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, enterprises: QuerySet[Organisation], authorities: QuerySet[Organisation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises  # type: ignore[attr-defined]
        self.fields["authority"].queryset = authorities  # type: ignore[attr-defined]
        if enterprises.count() == 1:
            self.fields["enterprise"].initial = enterprises.first()


class AssociationInviteForm(InviteForm):
    """A trade association invites for several of its member enterprises at once (issue 16 §1)."""

    association = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Trade association"))
    enterprises = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Member enterprises"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One invitation is sent for each enterprise ticked, with the same topic and dates."),
    )
    field_order = ["association", "enterprises", "authority", "topic", "preferred_from", "preferred_to", "concerns"]

    def __init__(
        self,
        *args: Any,
        associations: QuerySet[Organisation],
        members: QuerySet[Organisation],
        authorities: QuerySet[Organisation],
        **kwargs: Any,
    ):
        super().__init__(*args, enterprises=members, authorities=authorities, **kwargs)
        del self.fields["enterprise"]
        self.fields["association"].queryset = associations  # type: ignore[attr-defined]
        self.fields["enterprises"].queryset = members  # type: ignore[attr-defined]
        if associations.count() == 1:
            self.fields["association"].initial = associations.first()
        self.fields["concerns"].label = _("What worries the enterprises")


class MemberAddForm(forms.Form):
    association = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Trade association"))
    credit_code = forms.CharField(
        label=_("Unified social credit code of the enterprise"),
        max_length=18,
        help_text=_("The 18-character code on the enterprise's business licence."),
    )

    def __init__(self, *args: Any, associations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = associations  # type: ignore[attr-defined]
        if associations.count() == 1:
            self.fields["association"].initial = associations.first()


class ScheduleForm(forms.Form):
    scheduled_on = forms.DateField(label=_("Inspection date"), widget=DATE)
    inspectors = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(), label=_("Inspectors"), widget=forms.CheckboxSelectMultiple
    )
    experts = forms.ModelMultipleChoiceField(
        queryset=Expert.objects.none(), label=_("Experts"), required=False, widget=forms.CheckboxSelectMultiple
    )
    check_items = forms.ModelMultipleChoiceField(
        queryset=CheckItem.objects.none(),
        label=_("Check items from the risk dictionary"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    free_items = forms.CharField(
        label=_("Other check items"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One item per line."),
    )
    late_reason = forms.CharField(
        label=_("Why scheduled after the deadline"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the deadline to schedule has passed."),
    )

    def __init__(self, *args: Any, invitation: Invitation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            organisation=invitation.authority, is_active=True
        ).order_by("name")
        self.fields["experts"].queryset = Expert.objects.filter(is_active=True).select_related("person").order_by("person__name")  # type: ignore[attr-defined]
        self.fields["check_items"].queryset = CheckItem.objects.order_by("measure_id", "order", "id")  # type: ignore[attr-defined]
        self.fields["check_items"].label_from_instance = lambda item: item.content[:80]  # type: ignore[attr-defined]

    def clean_free_items(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["free_items"].splitlines() if line.strip()]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ChecklistForm(forms.Form):
    """The checklist on the inspector's phone: one result and note per item, and items added on site."""

    added = forms.CharField(
        label=_("Items added on site"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One item per line."),
    )

    def __init__(self, *args: Any, items: list[ChecklistItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"result_{item.pk}"] = forms.ChoiceField(
                label=item.content, choices=ItemResult.choices, initial=item.result, widget=forms.RadioSelect
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Note"), required=False, initial=item.note, widget=forms.TextInput()
            )
        self.order_fields([n for item in items for n in (f"result_{item.pk}", f"note_{item.pk}")] + ["added"])

    def results(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {item.pk: (data[f"result_{item.pk}"], data.get(f"note_{item.pk}") or "") for item in self.items}

    def added_items(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("added", "").splitlines() if line.strip()]


class ReportForm(forms.Form):
    inspected_on = forms.DateField(label=_("Inspected on"), widget=DATE)
    advice = forms.CharField(label=_("Advice"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    fatal_accident_3y = _yes_no(_("Fatal accident in the last 3 years"))
    dishonest = _yes_no(_("On the serious-dishonesty list"))


class FindingForm(forms.Form):
    description = forms.CharField(label=_("Hidden hazard"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("Rectification deadline"), required=False, widget=DATE)
    hazard_type = forms.TypedChoiceField(label=_("Type"), choices=HazardType.choices, coerce=int, initial=HazardType.SAFETY)
    level = forms.TypedChoiceField(label=_("Level"), choices=HazardLevel.choices, coerce=int, initial=HazardLevel.GENERAL)
    item = forms.ModelChoiceField(queryset=ChecklistItem.objects.none(), label=_("Checklist item"), required=False)
    first_violation = forms.BooleanField(label=_("First violation"), required=False, initial=True)
    minor_harm = forms.BooleanField(label=_("Minor harm"), required=False, initial=True)

    def __init__(self, *args: Any, items: QuerySet[ChecklistItem] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if items is not None:
            self.fields["item"].queryset = items  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("description") and not data.get("deadline"):
            self.add_error("deadline", _("A hidden hazard needs its rectification deadline."))
        return data


FindingFormSet = forms.formset_factory(FindingForm, extra=3, max_num=50)


class FollowUpForm(forms.Form):
    visited_on = forms.DateField(label=_("Follow-up visit on"), widget=DATE)
    note = forms.CharField(label=_("What the visit found"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class RateForm(forms.Form):
    rating = forms.CharField(
        label=_("Rating (1 to 5)"),
        widget=forms.NumberInput(attrs={"min": 1, "max": 5, "step": 1}),
        help_text=_("1 poor, 5 excellent."),
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
