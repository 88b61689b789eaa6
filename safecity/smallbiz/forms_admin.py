"""Forms of the pages that keep the provider register and record group-purchase contracts. They
validate what was typed and offer only what the user may see; the services decide the rest and
their refusals land on these fields (:func:`safecity.smallbiz.forms.add_service_errors`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.choices import OrganisationKind, RegionLevel
from safecity.core.models import Organisation, Person, Region
from safecity.core.scoping import scoped
from safecity.smallbiz import selectors
from safecity.smallbiz.choices import BuyerKind
from safecity.smallbiz.models import ServiceProvider, SmallEnterprise

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ProviderRegisterForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Safety service provider (organisation)"), queryset=Organisation.objects.none())
    registered_with = RegionChoiceField(label=_("Registered with (district)"), queryset=Region.objects.none())
    premises = forms.CharField(label=_("Premises (address)"), max_length=255)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (  # type: ignore[attr-defined]
            scoped(Organisation, user)
            .filter(kind=OrganisationKind.SAFETY_SERVICE_PROVIDER, service_provider__isnull=True)
            .order_by("name")
        )
        self.fields["registered_with"].queryset = (  # type: ignore[attr-defined]
            scoped(Region, user).filter(level=RegionLevel.DISTRICT).order_by("code")
        )


class QualificationForm(forms.Form):
    name = forms.CharField(label=_("Qualification"), max_length=120)
    number = forms.CharField(label=_("Certificate number"), max_length=64)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE)


class ServiceAreaForm(forms.Form):
    region = RegionChoiceField(label=_("District or street served"), queryset=Region.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = (  # type: ignore[attr-defined]
            scoped(Region, user).filter(level__in=[RegionLevel.DISTRICT, RegionLevel.STREET]).order_by("code")
        )


class EngineerForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    registered = forms.BooleanField(label=_("Registered safety engineer"), required=False, initial=True)
    registration_number = forms.CharField(label=_("Registration number"), max_length=64, required=False)
    full_time = forms.BooleanField(label=_("Full time"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, provider: ServiceProvider, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (  # type: ignore[attr-defined]
            scoped(Person, user).filter(organisation_id=provider.organisation_id).order_by("name")
        )


class EngineerCorrectForm(forms.Form):
    """What may be corrected of an engineer: the name as recorded, the registration, full time."""

    name = forms.CharField(label=_("Name"), max_length=100)
    registered = forms.BooleanField(label=_("Registered safety engineer"), required=False)
    registration_number = forms.CharField(label=_("Registration number"), max_length=64, required=False)
    full_time = forms.BooleanField(label=_("Full time"), required=False)


class RetireForm(forms.Form):
    """Retire a row of the register: the day (``date_label``; left out when ``None``: today) and
    the reason, which is required (``missing_reason`` says so in the register's words)."""

    retired_on = forms.DateField(label=_("Retired on"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, date_label: str | None, missing_reason: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if date_label is None:
            del self.fields["retired_on"]
        else:
            self.fields["retired_on"].label = date_label
            self.fields["retired_on"].initial = timezone.localdate()
        self.fields["reason"].error_messages["required"] = missing_reason


class OrganisationChoiceField(forms.ModelChoiceField):
    """An organisation by its name and its kind in words (a street office and a bureau can share a town's name)."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.get_kind_display()}）"


class ProviderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.organisation.name)


class EnterpriseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.organisation.name)


class ContractForm(forms.Form):
    """A group purchase: the package, the price and shares, the period, the provider and the
    enterprises, ticked one by one or a whole village at a time (``villages``)."""

    number = forms.CharField(label=_("Contract number"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=200)
    buyer_kind = forms.ChoiceField(label=_("Buyer"), choices=BuyerKind.choices)
    buyer = OrganisationChoiceField(label=_("Buying organisation"), queryset=Organisation.objects.none())
    region = RegionChoiceField(label=_("Street / town"), queryset=Region.objects.none())
    provider = ProviderChoiceField(label=_("Safety service provider"), queryset=ServiceProvider.objects.none())
    visits_per_year = forms.IntegerField(label=_("Visits per enterprise a year"), min_value=1, max_value=52, initial=4)
    training = forms.BooleanField(label=_("Training included"), required=False)
    emergency_plan = forms.BooleanField(label=_("Emergency plan included"), required=False)
    price = forms.DecimalField(label=_("Price (yuan)"), min_value=0, max_digits=12, decimal_places=2)
    government_share = forms.DecimalField(
        label=_("Share paid by government"),
        min_value=0,
        max_value=1,
        max_digits=3,
        decimal_places=2,
        help_text=_("A share between 0 and 1, e.g. 0.70; the enterprises pay the rest."),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    villages = forms.ModelMultipleChoiceField(
        label=_("Whole villages"), queryset=Region.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    enterprises = EnterpriseChoiceField(
        label=_("Enterprises"), queryset=SmallEnterprise.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["buyer"].queryset = (  # type: ignore[attr-defined]
            scoped(Organisation, user)
            .exclude(kind__in=[OrganisationKind.ENTERPRISE, OrganisationKind.SAFETY_SERVICE_PROVIDER])
            .order_by("kind", "name")
        )
        self.fields["region"].queryset = scoped(Region, user).filter(level=RegionLevel.STREET).order_by("code")  # type: ignore[attr-defined]
        self.fields["provider"].queryset = selectors.provider_list(user=user)  # type: ignore[attr-defined]
        enterprises = selectors.enterprise_list(user=user).order_by("organisation__region__code", "organisation__name")
        self.fields["enterprises"].queryset = enterprises  # type: ignore[attr-defined]
        self.fields["villages"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
            pk__in=enterprises.values("organisation__region_id")
        ).order_by("code")
        self._enterprises = enterprises

    def groups(self) -> list[dict[str, Any]]:
        """The enterprise boxes grouped by village (for the page): each village's box, then its enterprises."""
        chosen = {str(v) for v in (self["enterprises"].value() or [])}
        chosen_villages = {str(v) for v in (self["villages"].value() or [])}
        out: dict[int, dict[str, Any]] = {}
        for enterprise in self._enterprises.select_related("organisation__region__parent"):
            village = enterprise.organisation.region
            group = out.setdefault(
                village.pk,
                {"village": village, "checked": str(village.pk) in chosen_villages, "enterprises": []},
            )
            group["enterprises"].append({"enterprise": enterprise, "checked": str(enterprise.pk) in chosen})
        return list(out.values())

    def chosen_enterprises(self) -> list[SmallEnterprise]:
        """The ticked enterprises and every enterprise of the ticked villages, once each."""
        picked = list(self.cleaned_data["enterprises"])
        villages = list(self.cleaned_data["villages"])
        if villages:
            picked += list(self._enterprises.filter(organisation__region__in=villages))
        return list(dict.fromkeys(picked))
