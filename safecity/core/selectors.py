"""Every read of the core domain that a user sees; each one goes through :func:`scoped`."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, QuerySet
from django.http import Http404

from safecity.core.audit_scope import ValueFilter, scope_entries
from safecity.core.filtersets import AuditEntryFilterSet, OrganisationFilterSet, PersonFilterSet
from safecity.core.models import AuditEntry, Organisation, Person, Region, RoleAssignment
from safecity.core.scoping import principal_for, scoped


def region_list(*, user: Any) -> QuerySet[Region]:
    return scoped(Region, user).select_related("parent")


def region_get(*, user: Any, code: str) -> Region:
    region = region_list(user=user).filter(code=code).first()
    if region is None:
        raise Http404
    return region


def region_tree(*, user: Any, root: Region | None = None, max_depth: int | None = None) -> list[dict[str, Any]]:
    """The visible regions as a nested tree, each node with its count of organisations in the subtree."""
    regions = region_list(user=user)
    if root is not None:
        regions = regions.filter(path__startswith=root.path)
    if max_depth is not None:
        regions = regions.filter(depth__lte=max_depth)
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    direct = dict(scoped(Organisation, user).values("region_id").annotate(n=Count("id")).values_list("region_id", "n"))
    ordered = list(regions.order_by("path"))
    for region in ordered:
        node = {"region": region, "children": [], "organisations": direct.get(region.pk, 0)}
        nodes[region.pk] = node
        parent = nodes.get(region.parent_id) if region.parent_id else None
        (parent["children"] if parent else roots).append(node)
    for region in reversed(ordered):
        node = nodes[region.pk]
        parent = nodes.get(region.parent_id) if region.parent_id else None
        if parent:
            parent["organisations"] += node["organisations"]
    return roots


def organisation_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Organisation]:
    queryset = scoped(Organisation, user).select_related("region", "parent")
    if filters is not None:
        queryset = OrganisationFilterSet(filters, queryset=queryset).qs
    return queryset


def organisation_get(*, user: Any, pk: int) -> Organisation:
    org = organisation_list(user=user).filter(pk=pk).first()
    if org is None:
        raise Http404
    return org


def person_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Person]:
    queryset = scoped(Person, user).select_related("organisation", "organisation__region", "user")
    if filters is not None:
        queryset = PersonFilterSet(filters, queryset=queryset).qs
    return queryset


def person_get(*, user: Any, pk: int) -> Person:
    person = person_list(user=user).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def role_assignment_list(*, user: Any) -> QuerySet[RoleAssignment]:
    return scoped(RoleAssignment, user).select_related("person", "organisation", "jurisdiction")


def audit_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[AuditEntry]:
    """The audit entries of the records ``user`` may see, by each record's own scope rule
    (:mod:`safecity.core.audit_scope`), newest first. No join per row: the rule is applied to the
    entry's own columns; show values through :func:`audit_values`."""
    queryset = scope_entries(AuditEntry.objects.select_related("content_type"), principal_for(user))
    if filters is not None:
        queryset = AuditEntryFilterSet(filters, queryset=queryset).qs
    return queryset


def audit_values(*, user: Any) -> ValueFilter:
    """What ``user`` is shown of entries' before/after values (secrets and restricted fields withheld)."""
    return ValueFilter(principal_for(user))


def object_history(*, user: Any, obj: models.Model) -> QuerySet[AuditEntry]:
    """The audit entries of one object the user may see (its history page): the whole history,
    since the object itself is visible to them (callers check that first)."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return AuditEntry.objects.select_related("content_type").filter(content_type=content_type, object_id=str(obj.pk))


def deleted_object_history(*, user: Any, model: type[models.Model], pk: str) -> QuerySet[AuditEntry]:
    """The history of a record that no longer exists: the entries its rule showed the user."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    return audit_list(user=user).filter(content_type=content_type, object_id=str(pk))


def cockpit_region(*, user: Any, code: str | None = None) -> Region:
    """The region a cockpit shows: the one asked for (if visible), else the viewer's jurisdiction."""
    from django.conf import settings

    if code:
        return region_get(user=user, code=code)
    principal = principal_for(user)
    if principal.region_paths and not principal.is_city_wide:
        top = sorted(principal.region_paths, key=len)[0]
        region = Region.objects.filter(path=top).first()
        if region is not None:
            return region
    region = Region.objects.filter(code=settings.SAFECITY_CITY_REGION_CODE).first()
    if region is None:
        region = Region.objects.order_by("depth", "path").first()
    if region is None:
        raise Http404("no regions loaded")
    return region


LOOKUP_LIMIT = 20


def organisation_lookup(*, user: Any, q: str, kind: str | None = None, limit: int = LOOKUP_LIMIT) -> list[dict[str, Any]]:
    """Organisations within the user's reach whose name, short name or credit code matches ``q``,
    for the filters' pickers: ``[{"value": id, "label": name, "detail": region}]``.
    Drawn from :func:`organisation_list`, so a picker never lists what the user may not see."""
    from django.db.models import Q

    queryset = organisation_list(user=user)
    if kind:
        queryset = queryset.filter(kind=kind)
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(credit_code__iexact=q))
    rows = queryset.order_by("name", "id").values("pk", "name", "region__name")[:limit]
    return [{"value": r["pk"], "label": r["name"], "detail": r["region__name"] or ""} for r in rows]


def region_lookup(*, user: Any, q: str, limit: int = LOOKUP_LIMIT) -> list[dict[str, Any]]:
    """Regions visible to the user whose name or code matches ``q`` (shallowest first), for the
    pickers: ``[{"value": code, "label": name, "detail": parent}]``."""
    from django.db.models import Q

    queryset = region_list(user=user)
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(code__startswith=q))
    rows = queryset.order_by("depth", "path").values("code", "name", "parent__name")[:limit]
    return [{"value": r["code"], "label": r["name"], "detail": r["parent__name"] or ""} for r in rows]
