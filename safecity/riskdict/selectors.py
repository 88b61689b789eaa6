"""Every read of the risk-control dictionary that a user sees; each one goes through :func:`scoped`.

The dictionary is reference data: every signed-in user sees every version, draft or published
(drafts are shown as such, so officials can review them before publishing).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from safecity.core.scoping import scoped
from safecity.riskdict.choices import DictionaryStatus
from safecity.riskdict.filtersets import DictionaryVersionFilterSet, RiskEntryFilterSet
from safecity.riskdict.models import CheckItem, DictionaryVersion, ManagementCategory, RiskEntry, StandardMeasure
from safecity.riskdict.permissions import can_edit_dictionary


def dictionary_version_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[DictionaryVersion]:
    """The versions, newest first, each with its ``entry_count``."""
    queryset = scoped(DictionaryVersion, user).annotate(entry_count=Count("entries")).order_by("-created_at", "-id")
    if filters is not None:
        queryset = DictionaryVersionFilterSet(filters, queryset=queryset).qs
    return queryset


def dictionary_version_get(*, user: Any, version: str) -> DictionaryVersion:
    """One version by its version string ("2023.1"); 404 when the user may not see it or it does not exist."""
    found = scoped(DictionaryVersion, user).filter(version=version).select_related("published_by").first()
    if found is None:
        raise Http404
    return found


def dictionary_version_latest_published(*, user: Any) -> DictionaryVersion | None:
    """The most recently published version: the one a new enterprise registry starts from."""
    return scoped(DictionaryVersion, user).filter(status=DictionaryStatus.PUBLISHED).order_by("-published_at", "-id").first()


def category_list(*, user: Any, version: DictionaryVersion) -> QuerySet[ManagementCategory]:
    """The management categories of a version, each with its ``entry_count``."""
    return scoped(ManagementCategory, user).filter(version=version).annotate(entry_count=Count("entries")).order_by("code")


def risk_entry_list(*, user: Any, version: DictionaryVersion, filters: dict[str, Any] | None = None) -> QuerySet[RiskEntry]:
    """The entries of a version with their category, measures and check items (a fixed number of
    queries per page, whatever its size)."""
    check_items = scoped(CheckItem, user).order_by("order", "id")
    measures = (
        scoped(StandardMeasure, user).order_by("order", "id").prefetch_related(Prefetch("check_items", queryset=check_items))
    )
    queryset = (
        scoped(RiskEntry, user)
        .filter(version=version)
        .select_related("category", "version")
        .prefetch_related(Prefetch("measures", queryset=measures))
        .order_by("code")
    )
    if filters is not None:
        categories = category_list(user=user, version=version).values_list("code", "name")
        queryset = RiskEntryFilterSet(filters, queryset=queryset, categories=categories).qs
    return queryset


def risk_entry_get(*, user: Any, version: DictionaryVersion, code: str) -> RiskEntry:
    entry = risk_entry_list(user=user, version=version).filter(code=code).first()
    if entry is None:
        raise Http404
    return entry


def dictionary_can_edit(*, user: Any) -> bool:
    """Whether to offer the import, publish and delete actions to ``user`` (services check again)."""
    return can_edit_dictionary(user)
