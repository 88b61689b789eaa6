"""Group-purchase contracts' pages (团购服务, issue 16 §3): the list, a contract's page (package,
price and shares, enterprises served, the visit schedule by engineer and village), the form that
records one, and the buttons that put it in force (the schedule is made then) and close it,
offered to the roles the transition table allows. Thin: selectors read, one service writes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecity.core.guards import guard
from safecity.core.paging import page_of, querystring
from safecity.core.scoping import roles_for
from safecity.smallbiz import selectors
from safecity.smallbiz.choices import ContractAction, ContractState
from safecity.smallbiz.forms import add_service_errors
from safecity.smallbiz.forms_admin import ContractForm
from safecity.smallbiz.models import ENGINEER_ROLES, LOCAL_ROLES, REGULATOR_ROLES, STREET_ROLES, Contract
from safecity.smallbiz.services import contracts as contract_services
from safecity.smallbiz.services.common import today
from safecity.smallbiz.transitions import contract_transition
from safecity.smallbiz.views import _holds

sees_contracts = _holds(REGULATOR_ROLES | LOCAL_ROLES | ENGINEER_ROLES | frozenset({"inspector"}))
records_contracts = _holds(REGULATOR_ROLES | STREET_ROLES)


@guard(sees_contracts)
def contract_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    state = state if state in ContractState.values else ""
    queryset = selectors.contract_list(user=request.user, filters={"state": state})
    return render(
        request,
        "smallbiz/contract_list.html",
        {
            "page": page_of(request, queryset),
            "querystring": querystring(request),
            "state": state,
            "states": ContractState.choices,
            "may_create": records_contracts(request.user),
        },
    )


def _contract(request: HttpRequest, pk: int) -> Contract:
    contract = selectors.contract_get(user=request.user, pk=pk)
    if contract is None:
        raise Http404
    return contract


def _actions(user: Any, contract: Contract) -> list[dict[str, Any]]:
    """The buttons offered: the transitions from the contract's state that the user's roles allow
    (the service checks again)."""
    roles = roles_for(user, contract)
    out = []
    for action, label in ContractAction.choices:
        transition = contract_transition(action, contract.state)
        if transition is not None and roles & transition.roles:
            out.append({"action": action, "label": label})
    return out


@guard(sees_contracts)
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A contract: its package, price and shares, the visit schedule by engineer and village (with
    the next planned visit day), the visits to do next by planned day, the enterprises served."""
    contract = _contract(request, pk)
    return render(
        request,
        "smallbiz/contract_detail.html",
        {
            "contract": contract,
            "members": selectors.contract_member_list(user=request.user, contract=contract),
            "schedule": selectors.contract_schedule(user=request.user, contract=contract),
            "upcoming": selectors.contract_upcoming_visits(user=request.user, contract=contract),
            "today": today(),
            "actions": _actions(request.user, contract),
        },
    )


@guard(records_contracts)
def contract_create(request: HttpRequest) -> HttpResponseBase:
    """Record a draft group purchase; the service refuses a provider without a qualification in
    force (or its minimum of engineers), an enterprise outside the street, a duplicate number."""
    form = ContractForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("villages")
        data["enterprises"] = form.chosen_enterprises()
        try:
            contract = contract_services.contract_create(actor=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The contract is recorded as a draft."))
            return redirect("smallbiz:contract-detail", pk=contract.pk)
    return render(request, "smallbiz/contract_form.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
@guard(records_contracts)
def contract_move(request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
    """Put in force (and make the schedule) or close: the service decides; a refusal is shown as a message."""
    contract = _contract(request, pk)
    service = {
        ContractAction.ACTIVATE: contract_services.contract_activate,
        ContractAction.CLOSE: contract_services.contract_close,
    }
    move = service.get(action)  # type: ignore[call-overload]
    if move is None:
        raise Http404
    try:
        move(actor=request.user, contract=contract)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The contract is in force and its visits are scheduled.")
            if action == ContractAction.ACTIVATE
            else _("The contract is closed."),
        )
    return redirect("smallbiz:contract-detail", pk=contract.pk)
