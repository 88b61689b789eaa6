"""The trade associations' member lists (issue 16 §1: a trade association invites for several
enterprises): the association's people record and remove the enterprises they invite for; an
enterprise sees the associations it belongs to and may leave one; the authorities see those over
their jurisdiction. Thin: the selectors read, scoped; the services write, audited."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecity.core.forms import show_service_errors
from safecity.core.guards import guard
from safecity.core.paging import page_of
from safecity.core.scoping import CHANGE, can
from safecity.invitations import forms, selectors
from safecity.invitations.services import invitations as svc


def sees_members(user: Any) -> bool:
    return selectors.sees_invitations(user)


@guard(sees_members)
def member_list(request: HttpRequest) -> HttpResponseBase:
    """The memberships within reach; the add form for a trade association's manager."""
    associations = selectors.associations_for(request.user)
    form = forms.MemberAddForm(request.POST or None, associations=associations) if associations.exists() else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                member = svc.association_member_add(
                    actor=request.user,
                    association=form.cleaned_data["association"],
                    credit_code=form.cleaned_data["credit_code"],
                )
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, _("%(name)s is now a member.") % {"name": member.enterprise.name})
                return redirect("invitations:members")
    rows = selectors.association_members(user=request.user)
    page = page_of(request, rows)
    removable = {m.pk for m in page if can(request.user, m, CHANGE)}
    return render(
        request,
        "invitations/member_list.html",
        {"page": page, "form": form, "removable": removable},
    )


@require_POST
@guard(sees_members)
def member_remove(request: HttpRequest, pk: int) -> HttpResponseBase:
    member = selectors.association_member_get(user=request.user, pk=pk)
    name = member.enterprise.name
    svc.association_member_remove(actor=request.user, member=member)
    messages.success(request, _("%(name)s is no longer a member.") % {"name": name})
    return redirect("invitations:members")
