"""The restaurant gas-safety pages that write (issue 15): registering and editing a restaurant, the
district's survey sheet in (with its row errors), each step of a restaurant's conversion, and the
conversion campaigns (open one, list restaurants on it).

Thin: a form validates, one service decides and writes (``services/``), the page renders. A
service's refusal goes back onto the form's fields and nothing is written. Who may do what is the
services' rule; the ``may_*`` helpers ask the same question to decide which links a page shows
(they are also what ``views.py`` may put in its pages' context, see :func:`list_actions` and the
others). This module does not import ``views.py``, so ``views.py`` may import it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from safecity.core.guards import guard
from safecity.core.scoping import CHANGE, can, roles_for
from safecity.restaurants import selectors
from safecity.restaurants.access import holds, sees_campaigns, sees_restaurants
from safecity.restaurants.choices import ConversionAction, KitchenFuel
from safecity.restaurants.forms import (
    PHONE_STEPS,
    STEP_FORMS,
    CampaignAddForm,
    CampaignForm,
    RestaurantEditForm,
    RestaurantImportForm,
    RestaurantRegisterForm,
    add_service_errors,
)
from safecity.restaurants.models import FIELD_ROLES, REGULATOR_ROLES, Campaign, Conversion, Restaurant
from safecity.restaurants.services import conversion as steps
from safecity.restaurants.services.common import RestaurantError
from safecity.restaurants.services.registry import restaurant_register, restaurant_update
from safecity.restaurants.services.sheet import (
    XLSX_CONTENT_TYPE,
    RestaurantImportError,
    restaurants_import,
    restaurants_import_template,
)
from safecity.restaurants.transitions import offered, transition_for

STEP_SERVICES: dict[str, Callable[..., Conversion]] = {
    ConversionAction.SURVEY: steps.conversion_survey,
    ConversionAction.PLAN: steps.conversion_plan,
    ConversionAction.START: steps.conversion_start,
    ConversionAction.ACCEPT: steps.conversion_accept,
    ConversionAction.APPLY: steps.conversion_subsidy_apply,
    ConversionAction.APPROVE: steps.conversion_subsidy_approve,
    ConversionAction.PAY: steps.conversion_subsidy_pay,
}
SHOWN_IMPORT_ERRORS = 500


# --- who may (the services' rules, asked before a link is shown) -------------------------------


def may_register(user: Any) -> bool:
    """Registers restaurants somewhere: the officials and the inspectors (``restaurant_register``
    then checks the street; only a district official adds a unit new to the organisation registry)."""
    return holds(user, REGULATOR_ROLES | FIELD_ROLES)


def may_import(user: Any) -> bool:
    """Imports a survey sheet: the same roles (``restaurants_import``)."""
    return may_register(user)


def may_edit(user: Any, restaurant: Restaurant) -> bool:
    """Changes this restaurant's kitchen (``restaurant_update``: its street's officials and inspectors)."""
    return can(user, restaurant, CHANGE)


def may_open_campaigns(user: Any) -> bool:
    """Opens conversion campaigns: the city and district officials (``Campaign.scope_rule``)."""
    return holds(user, REGULATOR_ROLES)


def may_add_to(user: Any, campaign: Campaign) -> bool:
    """Lists restaurants on this campaign (``campaign_add_restaurants``)."""
    return can(user, campaign, CHANGE)


def offered_steps(user: Any, conversion: Conversion | None) -> list[dict[str, Any]]:
    """The steps ``user`` may take now on this conversion, as buttons: action, label, url."""
    if conversion is None:
        return []
    return [
        {
            "action": t.action,
            "label": ConversionAction(t.action).label,
            "url": reverse("restaurants:step", kwargs={"pk": conversion.restaurant_id, "action": t.action}),
        }
        for t in offered(conversion, roles_for(user, conversion))
    ]


def list_actions(user: Any) -> dict[str, bool]:
    """The links of the restaurant list (``restaurant_list.html``)."""
    return {"may_register": may_register(user), "may_import": may_import(user)}


def detail_actions(user: Any, restaurant: Restaurant, conversion: Conversion | None) -> dict[str, Any]:
    """The links of a restaurant's page (``restaurant_detail.html``): edit, and the steps offered."""
    return {"may_edit": may_edit(user, restaurant), "steps": offered_steps(user, conversion)}


def campaign_actions(user: Any, campaign: Campaign | None = None) -> dict[str, bool]:
    """The links of the campaign list and of a campaign's page."""
    return {
        "may_open_campaign": may_open_campaigns(user),
        "may_add_restaurants": campaign is not None and may_add_to(user, campaign),
    }


def _posted(request: HttpRequest) -> tuple[Any, Any]:
    # Bound on every POST, even an empty one (a step with nothing to fill in is still a step).
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


# --- the registry --------------------------------------------------------------------------------


@guard(may_register)
def restaurant_new(request: HttpRequest) -> HttpResponseBase:
    """Register a catering unit on a street of the user's jurisdiction."""
    data, _files = _posted(request)
    form = RestaurantRegisterForm(data, user=request.user)
    if data is not None and form.is_valid():
        try:
            restaurant = restaurant_register(actor=request.user, **form.cleaned_data)
        except RestaurantError as error:
            add_service_errors(form, error)
        except PermissionDenied:
            form.add_error(
                None,
                _(
                    "Your role does not allow registering this restaurant: a unit not yet in the organisation registry is added by a district official."
                ),
            )
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": restaurant.organisation.name})
            return redirect("restaurants:detail", pk=restaurant.pk)
    return render(request, "restaurants/restaurant_form.html", {"form": form, "restaurant": None})


@guard(sees_restaurants)
def restaurant_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Change a restaurant's kitchen fuel, cylinders, supplier or location."""
    restaurant = selectors.restaurant_get(user=request.user, pk=pk)
    if not may_edit(request.user, restaurant):
        raise PermissionDenied
    data, _files = _posted(request)
    form = RestaurantEditForm(data, restaurant=restaurant)
    if data is not None and form.is_valid():
        changes = form.changes()
        try:
            if changes:
                restaurant_update(actor=request.user, restaurant=restaurant, **changes)
        except RestaurantError as error:
            add_service_errors(form, error)
        except PermissionDenied:
            form.add_error(
                None,
                _("Your role does not allow this change: the address and the location are changed by the district official."),
            )
        else:
            messages.success(request, _("Saved."))
            return redirect("restaurants:detail", pk=restaurant.pk)
    return render(request, "restaurants/restaurant_form.html", {"form": form, "restaurant": restaurant})


@guard(may_import)
def restaurant_import(request: HttpRequest) -> HttpResponseBase:
    """Upload a district's survey sheet: every row registered, or none and every row error listed."""
    data, files = _posted(request)
    form = RestaurantImportForm(data, files)
    row_errors: list[Any] = []
    result = None
    if data is not None and form.is_valid():
        try:
            result = restaurants_import(actor=request.user, file=form.cleaned_data["file"])
        except RestaurantImportError as refused:
            row_errors = refused.errors
        except RestaurantError as error:
            add_service_errors(form, error)
    return render(
        request,
        "restaurants/restaurant_import.html",
        {
            "form": form,
            "result": result,
            "row_errors": row_errors[:SHOWN_IMPORT_ERRORS],
            "error_count": len(row_errors),
            "hidden_errors": max(0, len(row_errors) - SHOWN_IMPORT_ERRORS),
        },
        status=400 if row_errors else 200,
    )


@guard(may_import)
def restaurant_import_template(request: HttpRequest) -> HttpResponse:
    """The empty survey sheet to fill in (with an example on its second sheet)."""
    response = HttpResponse(restaurants_import_template(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="restaurants-template.xlsx"'
    return response


# --- the conversion steps ------------------------------------------------------------------------


@guard(sees_restaurants)
def conversion_step(request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
    """One step of the restaurant's conversion (survey, plan, start, accept, subsidy apply /
    approve / pay): only a step offered to the user at the conversion's step opens (another step
    is no page: 404; a step of this stage that the user's role does not take: 403)."""
    restaurant = selectors.restaurant_get(user=request.user, pk=pk)
    conversion = selectors.conversion_list(user=request.user).filter(restaurant=restaurant).first()
    if conversion is None or action not in ConversionAction.values:
        raise Http404
    if action not in {t.action for t in offered(conversion, roles_for(request.user, conversion))}:
        if transition_for(action, conversion.step) is not None:
            raise PermissionDenied
        if request.method == "POST" and request.POST.get("expected", conversion.step) != conversion.step:
            # The page was shown at an earlier step and someone else took this one meanwhile.
            messages.error(
                request,
                _("The restaurant is already at “%(step)s”; reload to see it.") % {"step": conversion.get_step_display()},
            )
            return redirect("restaurants:detail", pk=restaurant.pk)
        raise Http404
    data, files = _posted(request)
    form = STEP_FORMS[action](data, files, conversion=conversion)
    if data is not None and form.is_valid():
        try:
            STEP_SERVICES[action](
                actor=request.user,
                conversion=conversion,
                expected=form.cleaned_data.get("expected") or conversion.step,
                **form.arguments(),
            )
        except RestaurantError as error:
            add_service_errors(form, error, form.aliases)
        else:
            messages.success(request, _("Saved: %(step)s.") % {"step": ConversionAction(action).label})
            return redirect("restaurants:detail", pk=restaurant.pk)
    return render(
        request,
        "restaurants/conversion_step.html",
        {
            "restaurant": restaurant,
            "conversion": conversion,
            "action": action,
            "action_label": ConversionAction(action).label,
            "form": form,
            "phone": action in PHONE_STEPS,
            "subsidy_limit": steps.subsidy_limit(conversion) if conversion.cost is not None else None,
        },
    )


# --- campaigns -----------------------------------------------------------------------------------


@guard(may_open_campaigns)
def campaign_new(request: HttpRequest) -> HttpResponseBase:
    """Open a conversion campaign for a street or an area of the user's jurisdiction."""
    data, _files = _posted(request)
    form = CampaignForm(data, user=request.user)
    if data is not None and form.is_valid():
        try:
            campaign = steps.campaign_create(actor=request.user, **form.cleaned_data)
        except RestaurantError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The campaign “%(name)s” is open.") % {"name": campaign.name})
            return redirect("restaurants:campaign-detail", pk=campaign.pk)
    return render(request, "restaurants/campaign_form.html", {"form": form})


@guard(sees_campaigns)
def campaign_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    """List restaurants on a campaign: those on its street or area, on LPG cylinders, in no campaign yet."""
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    if not may_add_to(request.user, campaign):
        raise PermissionDenied
    candidates = selectors.restaurant_list(user=request.user).filter(
        organisation__region__path__startswith=campaign.region.path,
        fuel=KitchenFuel.BOTTLED_LPG,
        conversion__isnull=True,
    )
    data, _files = _posted(request)
    form = CampaignAddForm(data, candidates=candidates)
    if data is not None and form.is_valid():
        chosen = list(form.cleaned_data["restaurants"])
        try:
            steps.campaign_add_restaurants(actor=request.user, campaign=campaign, restaurants=chosen)
        except RestaurantError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Restaurants added to the campaign: %(n)d.") % {"n": len(chosen)})
            return redirect("restaurants:campaign-detail", pk=campaign.pk)
    return render(
        request, "restaurants/campaign_add.html", {"campaign": campaign, "form": form, "has_candidates": candidates.exists()}
    )
