"""Forms of the deep safety check UI: thin, they validate input and call one service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safecity.core.models import Organisation, Region
from safecity.core.scoping import scoped
from safecity.deepchecks.choices import AffiliationKind, CauseCategory, ExpertLevel, ItemResult, ManagementElement
from safecity.deepchecks.models import Expert
from safecity.deepchecks.selectors import campaign_regions
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


class CampaignForm(forms.Form):
    """A new campaign: where, when, the panel rule, and the enterprises it checks."""

    name = forms.CharField(label=_("Name"), max_length=200)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), to_field_name="code")
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    period_start = forms.DateField(label=_("Period start"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Period end"), widget=forms.DateInput(attrs={"type": "date"}))
    min_panel_size = forms.IntegerField(label=_("Minimum panel size"), min_value=1, initial=5)
    min_senior = forms.IntegerField(label=_("Minimum provincial-level or above experts"), min_value=0, initial=3)
    workload_cap = forms.IntegerField(label=_("Workload cap per expert (check days)"), min_value=1, initial=8)
    days_per_check = forms.IntegerField(label=_("Days per check"), min_value=1, initial=1)
    targets = forms.ModelMultipleChoiceField(
        label=_("Enterprises to check"), queryset=Organisation.objects.none(), widget=forms.SelectMultiple(attrs={"size": 12})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ModelChoiceField)
        region.queryset = campaign_regions(user=user)
        targets = self.fields["targets"]
        assert isinstance(targets, forms.ModelMultipleChoiceField)
        targets.queryset = scoped(Organisation, user).filter(kind="enterprise", risk_registry__isnull=False).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return data


class UnavailabilityForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class AffiliationForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=AffiliationKind.choices)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = scoped(Organisation, user).order_by("name")


class DocumentForm(forms.Form):
    """A qualification document: shape only; the service checks the file and who may upload."""

    kind = forms.ChoiceField(label=_("Document type"), choices=())
    number = forms.CharField(label=_("Certificate number"), max_length=100, required=False)
    issuer = forms.CharField(label=_("Issued by"), max_length=200, required=False)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from safecity.deepchecks.choices import DocumentKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = DocumentKind.choices  # type: ignore[attr-defined]


class DocumentReplaceForm(DocumentForm):
    """Replace a document: a new file and/or its corrected number, issuer or expiry."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].required = False
