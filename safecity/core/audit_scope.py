"""Who sees which audit entries, and which of their values: each record's own scope rule.

An entry is visible exactly when its record would be visible to the user through the record's
ScopeRule (ADR 0004), ``view_roles`` and ``region_ancestors`` included. The rule is expressed
over the entry's own denormalised columns — the model (content type), the region path, the
organisation and the person copied from the record at the time of the write — so the trail
needs no join per row, and an entry of a deleted record is still shown to those the record's
rule reached. Only assignment-based reach (experts) is a subquery on the live records
(``register_assignment`` rules are queries on the model): an expert does not see entries of a
deleted record.

Entries of models without a scope rule (user accounts, API tokens) and of models no longer
audited are for the platform operators (superusers) only.

Field values: the values of masked fields (secrets) are never shown, and a field registered as
``restricted`` (``audit.register(..., restricted={field: roles})``) shows its values only to
those roles; everyone who sees the entry sees *that* the field changed.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from safecity.core import audit, labels
from safecity.core.roles import ROLE_REACH, Reach
from safecity.core.scoping import NOTHING, Principal, ScopeRule, _assignments, _city_wide, ancestor_paths

ALL = ("all",)


def _audited() -> list[tuple[type[models.Model], ScopeRule | None, int]]:
    audited = list(audit.registered())
    types = ContentType.objects.get_for_models(*audited, for_concrete_models=True)
    out = []
    for model in audited:
        rule = getattr(model, "scope_rule", None)
        out.append((model, rule if isinstance(rule, ScopeRule) else None, types[model].pk))
    return out


def entry_scope_q(principal: Principal) -> Q | None:
    """The filter on AuditEntry that shows ``principal`` the entries of the records they may see
    (None: no limit, a superuser). Mirrors :func:`safecity.core.scoping.scope_q` for VIEW, rule by
    rule, over the entry's columns; models with the same condition share one clause."""
    if principal.is_superuser:
        return None
    groups: dict[tuple[Any, ...], set[int]] = {}
    extra: list[Q] = []

    def add(key: tuple[Any, ...], ct: int) -> None:
        groups.setdefault(key, set()).add(ct)

    for model, rule, ct in _audited():
        if rule is None:
            continue
        if rule.public or (rule.authenticated and principal.is_authenticated):
            add(ALL, ct)
            continue
        for grant in principal.grants:
            reach = ROLE_REACH.get(grant.role)
            if rule.view_roles is not None and grant.role not in rule.view_roles:
                continue
            if reach is Reach.JURISDICTION and rule.region_path:
                add(("region", grant.region_path), ct)
                if rule.region_ancestors and (above := ancestor_paths(grant.region_path)):
                    add(("region_in", tuple(above)), ct)
            elif reach is Reach.JURISDICTION and rule.authenticated and _city_wide(grant):
                add(ALL, ct)
            elif reach is Reach.ORGANISATION and (rule.organisation or rule.organisations_also):
                if rule.organisation:
                    add(("organisation", grant.organisation_id), ct)
                for lookup in rule.organisations_also:
                    # The entry keeps the row's own organisation: one acting for it is found
                    # through the rows it acts for now.
                    pks = (
                        model._base_manager.filter(**{lookup: grant.organisation_id})
                        .annotate(_audit_pk=Cast("pk", CharField()))
                        .values("_audit_pk")
                    )
                    extra.append(Q(content_type_id=ct, object_id__in=pks))
            elif reach is Reach.ASSIGNMENT:
                for fn in _assignments.get(model, []):
                    pks = (
                        model._base_manager.filter(fn(principal)).annotate(_audit_pk=Cast("pk", CharField())).values("_audit_pk")
                    )
                    extra.append(Q(content_type_id=ct, object_id__in=pks))
        if rule.person and principal.person_id is not None:
            add(("person", principal.person_id), ct)
    if ALL in groups:
        everywhere = groups[ALL]
        groups = {k: (v if k == ALL else v - everywhere) for k, v in groups.items() if k == ALL or v - everywhere}
    parts = [_condition(key) & Q(content_type_id__in=sorted(cts)) for key, cts in sorted(groups.items(), key=repr)]
    parts += extra
    return reduce(operator.or_, parts) if parts else NOTHING


def _condition(key: tuple[Any, ...]) -> Q:
    kind = key[0]
    if kind == "all":
        return Q()
    if kind == "region":
        return Q(region_path__startswith=key[1])
    if kind == "region_in":
        return Q(region_path__in=list(key[1]))
    if kind == "organisation":
        return Q(organisation_id=key[1])
    return Q(person_id=key[1])


def scope_entries(queryset: QuerySet, principal: Principal) -> QuerySet:
    q = entry_scope_q(principal)
    return queryset if q is None else queryset.filter(q)


# --- values -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownValues:
    """What one viewer is shown of an entry's values: ``hidden`` fields changed, values withheld."""

    before: dict[str, Any] | None
    after: dict[str, Any] | None
    hidden: tuple[str, ...]


def _options_by_ct() -> dict[int, audit.AuditOptions]:
    types = ContentType.objects.get_for_models(*audit.registered(), for_concrete_models=True)
    return {types[model].pk: options for model, options in audit.registered().items()}


class ValueFilter:
    """Withholds the values a viewer may not see, for many entries (the options read once)."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self.options = _options_by_ct()

    def hidden_fields(self, entry: Any) -> frozenset[str]:
        options = self.options.get(entry.content_type_id)
        if options is None:
            return frozenset()
        names = set(options.masked)
        if not self.principal.is_superuser:
            roles = self.principal.roles
            names |= {name for name, allowed in options.restricted.items() if not roles & allowed}
        # Stored under the attname (region_id for region): hide both spellings.
        return frozenset(names | {f"{n}_id" for n in names})

    def shown(self, entry: Any) -> ShownValues:
        hidden = self.hidden_fields(entry)
        if not hidden:
            return ShownValues(entry.before, entry.after, ())

        def strip(values: dict[str, Any] | None) -> dict[str, Any] | None:
            return None if values is None else {k: v for k, v in values.items() if k not in hidden}

        present = set(entry.before or {}) | set(entry.after or {}) | set(entry.changed_fields or [])
        return ShownValues(strip(entry.before), strip(entry.after), tuple(sorted(present & hidden)))

    def annotate(self, entries: Any) -> Any:
        """Give each entry ``shown_before``/``shown_after``/``hidden_fields`` (for exports) and
        ``changes`` (for pages: each changed field's name and values in words, core.labels)."""
        for entry in entries:
            shown = self.shown(entry)
            entry.shown_before, entry.shown_after, entry.hidden_fields = shown.before, shown.after, shown.hidden
            entry.changes = readable_changes(entry)
            yield entry


@dataclass(frozen=True)
class Change:
    """One changed field of an audit entry as a user reads it."""

    name: str
    label: str
    hidden: bool
    before: Any
    after: Any


def readable_changes(entry: Any) -> list[Change]:
    """The entry's changed fields in words: the field's name, and choice values as their labels
    (core.labels); values withheld from the viewer (``hidden_fields``) stay withheld."""
    model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
    before, after = entry.shown_before or {}, entry.shown_after or {}
    return [
        Change(
            name=name,
            label=labels.field_label(model, name),
            hidden=name in entry.hidden_fields,
            before=labels.value_label(model, name, before.get(name)) if name in before else None,
            after=labels.value_label(model, name, after.get(name)) if name in after else None,
        )
        for name in entry.changed_fields or []
    ]
