"""Forms of the restaurant gas-safety pages that write (issue 15): each validates the input of one
service call (``services/registry.py``, ``services/sheet.py``, ``services/conversion.py``); the
services decide and write. A service's refusal (``RestaurantError``) goes back onto the fields it
names through :func:`add_service_errors`."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from safecity.core.choices import OrganisationKind, RegionLevel
from safecity.core.models import Organisation, Region
from safecity.core.scoping import allows_target, scoped
from safecity.restaurants.choices import Acceptor, ConversionAction, ConversionStep, ConversionTarget, KitchenFuel, LeakOutcome
from safecity.restaurants.models import Campaign, Conversion, Restaurant
from safecity.restaurants.services.registry import MAX_CYLINDERS_ON_SITE

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})  # ISO: what <input type=date> reads
EVIDENCE_TYPES = "image/jpeg,image/png,application/pdf"
YES_NO = [(True, _("Yes")), (False, _("No"))]


def add_service_errors(form: forms.Form, error: ValidationError, aliases: Mapping[str, str] | None = None) -> None:
    """Put a service's refusal on the form: each named field's messages on that field (``aliases``
    maps the service's name to the form's), anything else above the form."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = aliases.get(name, name)
        form.add_error(field if field in form.fields else None, errors)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (``<input type=file multiple>``); cleans to a list, empty when none."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": EVIDENCE_TYPES}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def photos_field(label: Any, *, camera: bool = False) -> MultipleFileField:
    """Evidence files; on a phone page the camera opens first (``capture``), the gallery stays one tap away."""
    attrs = {"accept": "image/*" if camera else EVIDENCE_TYPES}
    if camera:
        attrs["capture"] = "environment"
    return MultipleFileField(label=label, required=False, widget=MultipleFileInput(attrs=attrs))


def _yes_no(label: Any) -> forms.TypedChoiceField:
    # Asked, not defaulted: an unticked box would record "not feasible" when nobody looked.
    return forms.TypedChoiceField(label=label, choices=YES_NO, coerce=lambda v: v in (True, "True"), widget=forms.RadioSelect)


def _money(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=10, decimal_places=2, min_value=Decimal("0"), **kwargs)


def _coordinate(label: Any, bound: int) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=False, max_digits=9, decimal_places=6, min_value=-bound, max_value=bound)


def filling_units(current: Organisation | None = None) -> QuerySet[Organisation]:
    """The filling units a restaurant may contract with (city-wide, as the survey sheet resolves
    them): the active ones, and the one it has now."""
    units = Organisation.objects.filter(kind=OrganisationKind.FILLING_UNIT)
    if current is not None:
        return units.filter(is_active=True) | units.filter(pk=current.pk)
    return units.filter(is_active=True).order_by("name")


def streets_in_reach(user: Any) -> QuerySet[Region]:
    """The streets and towns on which ``user`` may register a restaurant (the restaurant's own scope rule)."""
    streets = scoped(Region, user).filter(level=RegionLevel.STREET).order_by("path")
    reach = [s.pk for s in streets if allows_target(user, Restaurant(organisation=Organisation(region=s)))]
    return Region.objects.filter(pk__in=reach).select_related("parent").order_by("path")


def campaign_regions(user: Any) -> QuerySet[Region]:
    """The streets and areas (districts, zones, the city) for which ``user`` may open a campaign."""
    levels = [RegionLevel.CITY, RegionLevel.DISTRICT, RegionLevel.ZONE, RegionLevel.STREET]
    regions = scoped(Region, user).filter(level__in=levels).order_by("path")
    reach = [r.pk for r in regions if allows_target(user, Campaign(region=r))]
    return Region.objects.filter(pk__in=reach).order_by("path")


def _street_label(region: Region) -> str:
    parent = region.parent
    return f"{region.name} · {parent.name}" if parent is not None else region.name


def _indented(region: Region) -> str:
    return ("· " * max(region.depth - 1, 0)) + region.name


class _RestaurantFields(forms.Form):
    """The kitchen and the location, shared by registering and editing."""

    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    longitude = _coordinate(_("Longitude"), 180)
    latitude = _coordinate(_("Latitude"), 90)
    fuel = forms.ChoiceField(label=_("Kitchen fuel"), choices=KitchenFuel.choices, initial=KitchenFuel.BOTTLED_LPG)
    cylinders_on_site = forms.IntegerField(label=_("Cylinders on site"), min_value=0, max_value=MAX_CYLINDERS_ON_SITE, initial=0)
    cylinders_allowed = forms.IntegerField(
        label=_("Cylinders allowed"),
        min_value=1,
        max_value=50,
        required=False,
        help_text=_("How many LPG cylinders the restaurant may keep (in use and spare); left empty, the programme's default."),
    )
    supplier = forms.ModelChoiceField(
        label=_("Contracted supplier"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("The filling station the restaurant buys its cylinders from."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None) and not self.has_error("latitude"):
            self.add_error("latitude", _("A location needs both its longitude and its latitude."))
        return data


class RestaurantRegisterForm(_RestaurantFields):
    """Register a catering unit (``restaurant_register``): the unit is found in the organisation
    registry by its credit code, or added there on the chosen street."""

    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        help_text=_("18 characters (GB 32100). A unit already in the organisation registry is taken from there."),
    )
    name = forms.CharField(
        label=_("Name"), max_length=200, required=False, help_text=_("Needed only for a unit not yet in the registry.")
    )
    region = forms.ModelChoiceField(label=_("Street or town"), queryset=Region.objects.none())

    field_order = ["credit_code", "name", "region", "address", "longitude", "latitude", "fuel", "cylinders_on_site",
                   "cylinders_allowed", "supplier"]  # fmt: skip

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ModelChoiceField)
        region.queryset = streets_in_reach(user)
        region.label_from_instance = _street_label  # type: ignore[method-assign,assignment]
        supplier = self.fields["supplier"]
        assert isinstance(supplier, forms.ModelChoiceField)
        supplier.queryset = filling_units()


class RestaurantEditForm(_RestaurantFields):
    """Change a restaurant's kitchen, supplier or location (``restaurant_update``): only the fields
    changed are sent, so an inspector who changes the kitchen does not touch the organisation's
    address (the supervising authority's)."""

    def __init__(self, *args: Any, restaurant: Restaurant, **kwargs: Any) -> None:
        organisation = restaurant.organisation
        kwargs.setdefault(
            "initial",
            {
                "address": organisation.address,
                "longitude": organisation.longitude,
                "latitude": organisation.latitude,
                "fuel": restaurant.fuel,
                "cylinders_on_site": restaurant.cylinders_on_site,
                "cylinders_allowed": restaurant.cylinders_allowed,
                "supplier": restaurant.supplier_id,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["cylinders_allowed"].required = True
        self.fields["cylinders_allowed"].help_text = _("How many LPG cylinders the restaurant may keep (in use and spare).")
        supplier = self.fields["supplier"]
        assert isinstance(supplier, forms.ModelChoiceField)
        supplier.queryset = filling_units(restaurant.supplier).order_by("name")

    def changes(self) -> dict[str, Any]:
        """The changed fields, for ``restaurant_update`` (a location is sent as a pair)."""
        changed = {name: self.cleaned_data[name] for name in self.changed_data}
        if "latitude" in changed or "longitude" in changed:
            changed.update(latitude=self.cleaned_data["latitude"], longitude=self.cleaned_data["longitude"])
        return changed


class RestaurantImportForm(forms.Form):
    file = forms.FileField(
        label=_("Survey sheet (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
        help_text=_("The sheet “餐饮单位” with the columns of the template; an exported list re-imports as it is."),
    )


# --- the conversion steps ------------------------------------------------------------------------


class StepForm(forms.Form):
    """One step of a conversion. ``expected`` carries the step the page was shown at: if someone
    else moved the restaurant on meanwhile, the service refuses instead of writing twice."""

    expected = forms.ChoiceField(choices=ConversionStep.choices, widget=forms.HiddenInput, required=False)
    # the service's name of a field -> this form's
    aliases: Mapping[str, str] = {}

    def __init__(self, data: Any = None, files: Any = None, *, conversion: Conversion, **kwargs: Any) -> None:
        initial = {"expected": conversion.step, **self.initial_for(conversion), **kwargs.pop("initial", {})}
        super().__init__(data, files, initial=initial, **kwargs)
        self.conversion = conversion

    def initial_for(self, conversion: Conversion) -> dict[str, Any]:
        return {}

    def arguments(self) -> dict[str, Any]:
        """The service's keyword arguments (without actor, conversion and expected)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "expected"}


class SurveyForm(StepForm):
    """The survey of one restaurant (一户一表), on the inspector's phone."""

    surveyed_on = forms.DateField(label=_("Surveyed on"), required=False, widget=DATE, help_text=_("Today when left empty."))
    appliances = forms.CharField(label=_("Gas appliances"), max_length=200, required=False)
    pipe_feasible = _yes_no(_("Piped gas feasible"))
    electric_feasible = _yes_no(_("Electric kitchen feasible"))
    willing = _yes_no(_("Willing to convert"))
    note = forms.CharField(label=_("Survey note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = photos_field(_("Photos of the kitchen"), camera=True)


class PlanForm(StepForm):
    target = forms.ChoiceField(label=_("Converts to"), choices=ConversionTarget.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Why it cannot convert"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when it can convert to neither: it then stays on cylinders with a gas-leak safety protection device."
        ),
    )
    planned_on = forms.DateField(label=_("Planned on"), required=False, widget=DATE, help_text=_("Today when left empty."))

    def initial_for(self, conversion: Conversion) -> dict[str, Any]:
        if conversion.pipe_feasible:
            return {"target": ConversionTarget.PIPE}
        if conversion.electric_feasible:
            return {"target": ConversionTarget.ELECTRIC}
        return {"target": ConversionTarget.NONE}


class StartForm(StepForm):
    started_on = forms.DateField(
        label=_("Construction started on"), required=False, widget=DATE, help_text=_("Today when left empty.")
    )
    aliases = {"construction_started_on": "started_on"}


class AcceptForm(StepForm):
    """The acceptance of the converted kitchen, on the phone at the restaurant, with its certificate or photos."""

    acceptor = forms.ChoiceField(label=_("Accepted by"), choices=Acceptor.choices, widget=forms.RadioSelect)
    acceptor_name = forms.CharField(label=_("Accepting unit"), max_length=120)
    cost = _money(_("Conversion cost (yuan)"))
    accepted_on = forms.DateField(label=_("Accepted on"), required=False, widget=DATE, help_text=_("Today when left empty."))
    evidence = photos_field(_("Acceptance certificate or photos"), camera=True)

    def initial_for(self, conversion: Conversion) -> dict[str, Any]:
        # Piped gas is accepted by the gas company that turns it on, an electric kitchen by the district.
        acceptor = Acceptor.DISTRICT if conversion.target == ConversionTarget.ELECTRIC else Acceptor.GAS_COMPANY
        return {"acceptor": acceptor}


class SubsidyApplyForm(StepForm):
    amount = _money(_("Subsidy applied for (yuan)"))
    applied_on = forms.DateField(label=_("Applied on"), required=False, widget=DATE, help_text=_("Today when left empty."))
    evidence = photos_field(_("Application documents (photos or PDF)"))
    aliases = {"subsidy_amount": "amount", "subsidy_applied_on": "applied_on"}


class SubsidyApproveForm(StepForm):
    amount = _money(
        _("Subsidy approved (yuan)"), required=False, help_text=_("The amount applied for when left empty; never more.")
    )
    approved_on = forms.DateField(label=_("Approved on"), required=False, widget=DATE, help_text=_("Today when left empty."))
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    aliases = {"subsidy_amount": "amount", "subsidy_approved_on": "approved_on"}

    def initial_for(self, conversion: Conversion) -> dict[str, Any]:
        return {"amount": conversion.subsidy_amount}


class SubsidyPayForm(StepForm):
    paid_on = forms.DateField(label=_("Paid on"), required=False, widget=DATE, help_text=_("Today when left empty."))
    evidence = photos_field(_("Payment voucher (photo or PDF)"))
    aliases = {"subsidy_paid_on": "paid_on"}


STEP_FORMS: dict[str, type[StepForm]] = {
    ConversionAction.SURVEY: SurveyForm,
    ConversionAction.PLAN: PlanForm,
    ConversionAction.START: StartForm,
    ConversionAction.ACCEPT: AcceptForm,
    ConversionAction.APPLY: SubsidyApplyForm,
    ConversionAction.APPROVE: SubsidyApproveForm,
    ConversionAction.PAY: SubsidyPayForm,
}
# The steps taken on a phone at the restaurant (single column, big touch targets, the camera).
PHONE_STEPS = frozenset({ConversionAction.SURVEY, ConversionAction.ACCEPT})


# --- campaigns -----------------------------------------------------------------------------------


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    region = forms.ModelChoiceField(label=_("Street or area"), queryset=Region.objects.none())
    deadline = forms.DateField(label=_("Convert by"), widget=DATE)
    subsidy_rate = forms.DecimalField(
        label=_("Subsidy rate"),
        max_digits=3,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("1"),
        initial=Decimal("0.30"),
        help_text=_("The share of the conversion cost the programme pays, e.g. 0.30."),
    )
    subsidy_cap = _money(_("Subsidy cap per restaurant (yuan)"))
    description = forms.CharField(
        label=_("About the campaign"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ModelChoiceField)
        region.queryset = campaign_regions(user)
        region.label_from_instance = _indented  # type: ignore[method-assign,assignment]


class CampaignAddForm(forms.Form):
    restaurants = forms.ModelMultipleChoiceField(
        label=_("Restaurants"), queryset=Restaurant.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, candidates: QuerySet[Restaurant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["restaurants"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = candidates
        field.label_from_instance = lambda r: f"{r.organisation.name} · {r.organisation.region.name}"  # type: ignore[method-assign,assignment]


class DisposeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Disposition"), choices=LeakOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("What was found and done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("E.g. hose joint at the stove leaking, replaced; valve reopened by the gas company."),
    )
