"""Who may see and change what: the one scoping mechanism every selector, view, export and API uses.

Each domain model declares a :class:`ScopeRule` (as ``scope_rule`` on the class) that says how its
rows relate to regions, organisations and people. A user's :class:`Principal` holds the grants
from their role assignments. :func:`scoped` turns the two into a filter; :func:`can` and
:func:`allows_target` answer for one object (an existing row, or the values a write would store).

Invariants:
- a list, a detail page, an export, a PDF, a search and an API endpoint all call :func:`scoped`,
  so they cannot differ in what they show;
- a model without a ``scope_rule`` cannot be scoped (ImproperlyConfigured), never "everything".
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import reduce
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils import timezone

from safecity.core.roles import ROLE_REACH, Reach
from safecity.core.sql import Names, statement

VIEW = "view"
CHANGE = "change"
# Counting rows for a figure (the cockpit): as VIEW, plus the roles a rule lets count what they
# may not read (``ScopeRule.count_roles``).
COUNT = "count"
NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class ScopeRule:
    """How one model's rows relate to the things roles reach.

    region_path: lookup to a materialised region path (jurisdiction roles see the subtree).
    organisation: lookup to an organisation id (organisation roles see their organisation's rows).
    person: lookup to a person id (everyone sees rows about themselves).
    authenticated: every signed-in user sees every row (public reference data such as regions).
    public: everybody sees every row, signed in or not.
    change_roles: jurisdiction roles that may change rows within their jurisdiction.
    organisation_change_roles: organisation roles that may change their own organisation's rows.
    view_roles: when set, only these roles see the rows at all (e.g. procuratorate cases: only
        procurators and fire officers), whatever else a grant would reach.
    region_ancestors: jurisdiction roles also SEE (never change) rows whose region contains their
        jurisdiction, e.g. a city-wide key project is seen by every district official.
    region_path_column: the same region path stored on the row itself (a denormalised copy the
        database keeps true), used in queries instead of ``region_path`` so a large list is scoped
        without joins; checks on one object in Python still walk ``region_path``.
    count_roles: jurisdiction roles outside ``view_roles`` that may COUNT the rows of their
        jurisdiction for a figure without reading them (the city safety office counts the
        procuratorial suggestion letters of the city, it does not read them).
    organisations_also: further lookups to an organisation that acts for the row's organisation
        (a trade association inviting an inspection for its member enterprise): its organisation
        roles reach the row as the row's own organisation's do (see, and change with
        ``organisation_change_roles``). The row's region and audit keys stay the organisation's.
    """

    region_path: str | None = None
    organisation: str | None = None
    person: str | None = None
    authenticated: bool = False
    public: bool = False
    change_roles: frozenset[str] = frozenset({"city_admin"})
    organisation_change_roles: frozenset[str] = frozenset()
    view_roles: frozenset[str] | None = None
    region_ancestors: bool = False
    count_roles: frozenset[str] = frozenset()
    region_path_column: str | None = None
    organisations_also: tuple[str, ...] = ()


def ancestor_paths(region_path: str) -> list[str]:
    """The materialised paths of the regions above ``region_path`` ("320000/320400/320411/" ->
    ["320000/", "320000/320400/"])."""
    parts = [p for p in region_path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[:n]) for n in range(1, len(parts))]


def district_path(region_path: str) -> str:
    """The path of the district (county) ``region_path`` lies in ("320000/320400/320412/320412100/"
    -> "320000/320400/320412/"); a region above the districts is its own."""
    parts = [p for p in region_path.split("/") if p]
    return "".join(f"{p}/" for p in parts[:3])


def district_code(region_path: str) -> str:
    """The division code of the district ``region_path`` lies in (see :func:`district_path`)."""
    return district_path(region_path).rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Grant:
    role: str
    organisation_id: int
    region_path: str


@dataclass(frozen=True)
class Principal:
    """What the scoping needs to know about a user: identity and grants, loaded once per request."""

    user_id: int | None
    person_id: int | None
    is_authenticated: bool
    is_superuser: bool
    grants: tuple[Grant, ...]

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(g.role for g in self.grants)

    @property
    def region_paths(self) -> tuple[str, ...]:
        return tuple(g.region_path for g in self.grants if ROLE_REACH.get(g.role) is Reach.JURISDICTION)

    @property
    def organisation_ids(self) -> frozenset[int]:
        return frozenset(g.organisation_id for g in self.grants)

    @property
    def is_city_wide(self) -> bool:
        from django.conf import settings

        code = settings.SAFECITY_CITY_REGION_CODE
        return self.is_superuser or any(p.rstrip("/").endswith(code) for p in self.region_paths)


ANONYMOUS = Principal(user_id=None, person_id=None, is_authenticated=False, is_superuser=False, grants=())


def _city_wide(grant: Grant) -> bool:
    from django.conf import settings

    return grant.region_path.rstrip("/").endswith(settings.SAFECITY_CITY_REGION_CODE)


def principal_for(user: Any) -> Principal:
    """Return the user's principal, cached on the user object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_safecity_principal", None)
    if cached is not None:
        return cached
    rows = _grant_rows(user.pk, timezone.localdate())
    person_id = rows[0][3] if rows else None
    if person_id is None:
        person_id = _person_id(user)
    principal = Principal(
        user_id=user.pk,
        person_id=person_id,
        is_authenticated=True,
        is_superuser=bool(user.is_superuser),
        grants=tuple(Grant(role=r, organisation_id=o, region_path=p) for r, o, p, _ in rows),
    )
    user._safecity_principal = principal
    return principal


def _grants_sql(n: Names) -> str:
    from safecity.core.models import Person, Region, RoleAssignment

    ra, p, r = RoleAssignment, Person, Region
    return (
        f"SELECT ra.{n.column(ra, 'role')}, ra.{n.column(ra, 'organisation')}, r.{n.column(r, 'path')}, ra.{n.column(ra, 'person')}"  # noqa: S608 - names from the models, values as parameters
        f" FROM {n.table(ra)} ra"
        f" JOIN {n.table(p)} p ON p.{n.column(p, 'id')} = ra.{n.column(ra, 'person')}"
        f" JOIN {n.table(r)} r ON r.{n.column(r, 'id')} = ra.{n.column(ra, 'jurisdiction')}"
        f" WHERE p.{n.column(p, 'user')} = %s AND p.{n.column(p, 'is_active')} = %s"
        f" AND (ra.{n.column(ra, 'valid_from')} IS NULL OR ra.{n.column(ra, 'valid_from')} <= %s)"
        f" AND (ra.{n.column(ra, 'valid_until')} IS NULL OR ra.{n.column(ra, 'valid_until')} >= %s)"
        # The model's ordering (person, then role), as the queryset had it.
        f" ORDER BY p.{n.column(p, 'name')}, p.{n.column(p, 'id')}, ra.{n.column(ra, 'role')}"
    )


def _grant_rows(user_id: int, today: date) -> list[tuple[str, int, str, int]]:
    """The user's role assignments in force today: (role, organisation id, jurisdiction path,
    person id), active persons only.

    Every request asks this once: a statement written out (``core.sql``), not a queryset compiled
    anew each time (the compiling cost more than the query).
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement(_grants_sql), [user_id, True, today, today])
        return [tuple(row) for row in cursor.fetchall()]  # type: ignore[misc]


def _person_id(user: Any) -> int | None:
    from safecity.core.models import Person

    return Person.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()


AssignmentRule = Callable[[Principal], Q]
_assignments: dict[type[models.Model], list[AssignmentRule]] = {}


def register_assignment(model: type[models.Model], rule: AssignmentRule) -> None:
    """Let an app say what an ASSIGNMENT role (an expert) reaches of ``model``.

    The rule returns a Q on ``model``; use ``pk__in=<subquery>`` so a row is never duplicated.
    """
    _assignments.setdefault(model, []).append(rule)


AssignmentTarget = Callable[[Principal, models.Model], bool]
_assignment_targets: dict[type[models.Model], list[AssignmentTarget]] = {}


def register_assignment_target(model: type[models.Model], predicate: AssignmentTarget) -> None:
    """Let an app say which rows of ``model`` an ASSIGNMENT role may write (an expert reporting a
    finding at an enterprise their panel checks). Evaluated on the unsaved object, like
    :func:`allows_target`; only for roles in the model's ``change_roles``."""
    _assignment_targets.setdefault(model, []).append(predicate)


def _assigned_target(principal: Principal, obj: models.Model) -> bool:
    return any(predicate(principal, obj) for predicate in _assignment_targets.get(type(obj), []))


def rule_for(model: type[models.Model]) -> ScopeRule:
    rule = getattr(model, "scope_rule", None)
    if not isinstance(rule, ScopeRule):
        raise ImproperlyConfigured(f"{model.__name__} has no scope_rule: it cannot be shown to users")
    return rule


def scope_q(model: type[models.Model], principal: Principal, action: str = VIEW) -> Q | None:
    """The filter that limits ``model`` to what ``principal`` may ``action``; None means no limit."""
    if principal.is_superuser:
        return None
    rule = rule_for(model)
    reading = action in (VIEW, COUNT)
    if reading and (rule.public or (rule.authenticated and principal.is_authenticated)):
        return None
    parts: list[Q] = []
    for grant in principal.grants:
        reach = ROLE_REACH.get(grant.role)
        counts_only = action == COUNT and reach is Reach.JURISDICTION and grant.role in rule.count_roles
        if rule.view_roles is not None and grant.role not in rule.view_roles and not counts_only:
            continue
        if action == CHANGE:
            allowed = rule.organisation_change_roles if reach is Reach.ORGANISATION else rule.change_roles
            if grant.role not in allowed:
                continue
        if reach is Reach.JURISDICTION and rule.region_path:
            column = rule.region_path_column or rule.region_path
            parts.append(Q(**{f"{column}__startswith": grant.region_path}))
            if reading and rule.region_ancestors and (above := ancestor_paths(grant.region_path)):
                parts.append(Q(**{f"{column}__in": above}))
        elif reach is Reach.JURISDICTION and rule.authenticated and _city_wide(grant):
            # Reference data without a region (a dictionary, a catalogue): a city-wide grant reaches all of it.
            return None
        elif reach is Reach.ORGANISATION and (rule.organisation or rule.organisations_also):
            parts.extend(Q(**{lookup: grant.organisation_id}) for lookup in organisation_lookups(rule))
        elif reach is Reach.ASSIGNMENT:
            parts.extend(fn(principal) for fn in _assignments.get(model, []))
    if reading and rule.person and principal.person_id is not None:
        parts.append(Q(**{rule.person: principal.person_id}))
    unique: list[Q] = []
    for part in parts:
        if part not in unique:
            unique.append(part)
    return reduce(operator.or_, unique) if unique else NOTHING


def scoped(source: type[models.Model] | models.QuerySet, user: Any, action: str = VIEW) -> models.QuerySet:
    """Limit a model or queryset to what ``user`` may ``action`` ("view" or "change")."""
    queryset = source if isinstance(source, models.QuerySet) else source._default_manager.all()
    q = scope_q(queryset.model, principal_for(user), action)
    return queryset if q is None else queryset.filter(q)


def can(user: Any, obj: models.Model, action: str = VIEW) -> bool:
    """May ``user`` ``action`` this stored object? One query (or none for superusers)."""
    principal = principal_for(user)
    q = scope_q(type(obj), principal, action)
    if q is None:
        return True
    if q == NOTHING:
        return False
    return type(obj)._default_manager.filter(pk=obj.pk).filter(q).exists()


def _walk(obj: Any, lookup: str) -> Any:
    value = obj
    for part in lookup.split("__"):
        if value is None:
            return None
        if part == "pk":
            value = value.pk
        else:
            value = getattr(value, part, None)
    return value


def organisation_lookups(rule: ScopeRule) -> tuple[str, ...]:
    """The lookups whose organisation's people reach a row: its own, then those acting for it."""
    return ((rule.organisation,) if rule.organisation else ()) + rule.organisations_also


def _acting_organisations(obj: models.Model, rule: ScopeRule) -> set[int]:
    """The organisations a row is reached through: its own and those acting for it (ids)."""
    found: set[int] = set()
    for lookup in organisation_lookups(rule):
        org = _walk(obj, lookup)
        if isinstance(org, models.Model):
            org = org.pk
        if org is not None:
            found.add(org)
    return found


def scope_keys(obj: models.Model) -> tuple[str, int | None]:
    """The region path and organisation id an object sits under, read from its ScopeRule."""
    rule = getattr(type(obj), "scope_rule", None)
    if not isinstance(rule, ScopeRule):
        return "", None
    path = _walk(obj, rule.region_path) if rule.region_path else ""
    org = _walk(obj, rule.organisation) if rule.organisation else None
    if isinstance(org, models.Model):
        org = org.pk
    return (path or ""), org


def allows_target(user: Any, obj: models.Model, *, jurisdiction_only: bool = False) -> bool:
    """May ``user`` write ``obj`` with the values it holds now (before saving)?

    Used for creates and for the "after" side of an update, so nobody can create or move a row
    outside their reach. Mirrors :func:`scope_q` for CHANGE, evaluated on the object in Python.
    """
    principal = principal_for(user)
    if principal.is_superuser:
        return True
    rule = rule_for(type(obj))
    path, _org = scope_keys(obj)
    orgs = _acting_organisations(obj, rule)
    for grant in principal.grants:
        if rule.view_roles is not None and grant.role not in rule.view_roles:
            continue
        reach = ROLE_REACH.get(grant.role)
        by_region = reach is Reach.JURISDICTION and grant.role in rule.change_roles
        if by_region and (path.startswith(grant.region_path) if rule.region_path else rule.authenticated and _city_wide(grant)):
            return True
        if (
            not jurisdiction_only
            and reach is Reach.ASSIGNMENT
            and grant.role in rule.change_roles
            and _assigned_target(principal, obj)
        ):
            return True
        by_org = (
            not jurisdiction_only
            and reach is Reach.ORGANISATION
            and grant.role in rule.organisation_change_roles
            and grant.organisation_id in orgs
        )
        if by_org:
            return True
    return False


def require(user: Any, obj: models.Model, action: str = CHANGE) -> None:
    """Raise PermissionDenied unless ``user`` may ``action`` the stored ``obj``."""
    if not can(user, obj, action):
        raise PermissionDenied


def require_target(user: Any, obj: models.Model) -> None:
    """Raise PermissionDenied unless ``user`` may write ``obj`` with its current values."""
    if not allows_target(user, obj):
        raise PermissionDenied


def roles_for(user: Any, obj: models.Model) -> frozenset[str]:
    """The user's roles that reach ``obj`` (by jurisdiction or organisation), for role-based rules
    such as a lifecycle's transition table. Superusers get every role."""
    principal = principal_for(user)
    if principal.is_superuser:
        return frozenset(ROLE_REACH)
    path, _org = scope_keys(obj)
    rule = getattr(type(obj), "scope_rule", None)
    view_roles = rule.view_roles if isinstance(rule, ScopeRule) else None
    orgs = _acting_organisations(obj, rule) if isinstance(rule, ScopeRule) else set()
    roles = set()
    for grant in principal.grants:
        reach = ROLE_REACH.get(grant.role)
        if view_roles is not None and grant.role not in view_roles:
            continue
        if (
            (reach is Reach.JURISDICTION and path and path.startswith(grant.region_path))
            or (reach is Reach.ORGANISATION and grant.organisation_id in orgs)
            or (reach is Reach.ASSIGNMENT and _assigned_target(principal, obj))
        ):
            roles.add(grant.role)
    return frozenset(roles)
