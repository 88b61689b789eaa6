"""Every write to the core domain: <entity>_<action>(*, actor, ...) inside one transaction.

Each service checks that ``actor`` may write the row before (where it exists) and after the
change (:func:`safecity.core.scoping.require` / ``require_target``), validates the row
(``full_clean``: field validators, official codes, unique and check constraints), and saves it;
the audit trail records the write (see :mod:`safecity.core.audit`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from safecity.core.choices import RegionLevel
from safecity.core.models import Organisation, Person, Region, RoleAssignment
from safecity.core.scoping import CHANGE, allows_target, require, require_target

REGION_FIELDS = ("code", "name", "level", "parent", "note")
ORGANISATION_FIELDS = (
    "name", "short_name", "kind", "credit_code", "region", "parent", "industry_code",
    "address", "latitude", "longitude", "contact_phone", "is_active",
)  # fmt: skip
PERSON_FIELDS = ("name", "organisation", "title", "phone", "email", "is_active", "user")


def _apply(obj: Any, fields: tuple[str, ...], changes: dict[str, Any]) -> None:
    unknown = set(changes) - set(fields)
    if unknown:
        raise TypeError(f"unknown fields for {type(obj).__name__}: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(obj, name, value)


def _check_region_parent(region: Region) -> None:
    """GB/T 2260 nesting: a child's code extends its parent's, and the tree has no cycle."""
    parent = region.parent
    if parent is None:
        return
    if region.pk is not None and (parent.pk == region.pk or parent.path.startswith(region.path)):
        raise ValidationError({"parent": _("A region cannot be placed under itself or one of its own sub-regions.")})
    code, pcode = region.code, parent.code
    if parent.level == RegionLevel.ZONE:
        # A development zone administers streets that keep the code of the district they belong to.
        return
    if len(code) == 6:
        # Under a province (xx0000) share the first 2 digits; under a city (xxxx00) the first 4.
        ok = len(pcode) == 6 and (code[:2] == pcode[:2] if pcode.endswith("0000") else code[:4] == pcode[:4])
    else:
        # Statistics codes: a street (9) extends its district (6), a village (12) its street (9).
        ok = len(pcode) == len(code) - 3 and code.startswith(pcode)
    if not ok or code == pcode:
        raise ValidationError(
            {
                "code": _("Code %(code)s does not belong under %(parent)s (%(pcode)s).")
                % {"code": code, "parent": parent.name, "pcode": pcode}
            }
        )


@transaction.atomic
def region_create(*, actor: Any, code: str, name: str, level: str, parent: Region | None = None, note: str = "") -> Region:
    """Create a region under ``parent``. Only city administrators within their jurisdiction (or the platform operator)."""
    region = Region(code=code, name=name, level=level, parent=parent, note=note)
    if parent is not None:
        region.path = region.compute_path()
    else:
        region.path = f"{code}/"
    require_target(actor, region)
    _check_region_parent(region)
    region.depth = region.path.count("/") - 1
    region.full_clean()
    region.save()
    return region


@transaction.atomic
def region_update(*, actor: Any, region: Region, **changes: Any) -> Region:
    """Change a region; a new parent or code moves its whole subtree (paths rewritten and audited)."""
    region = Region.objects.select_for_update().get(pk=region.pk)
    require(actor, region, CHANGE)
    old_path = region.path
    _apply(region, REGION_FIELDS, changes)
    _check_region_parent(region)
    region.path = region.compute_path()
    region.depth = region.path.count("/") - 1
    require_target(actor, region)
    region.full_clean()
    region.save()
    if region.path != old_path:
        descendants = Region.objects.filter(path__startswith=old_path).exclude(pk=region.pk)
        descendants.update(
            path=Concat(Value(region.path), Substr(F("path"), len(old_path) + 1)),
            depth=F("depth") + (region.depth - old_path.count("/") + 1),
        )
    return region


def _check_organisation_parent(org: Organisation) -> None:
    seen = set()
    node = org.parent
    while node is not None:
        if node.pk == org.pk or node.pk in seen:
            raise ValidationError({"parent": _("This parent would make a cycle: an organisation cannot be its own ancestor.")})
        seen.add(node.pk)
        node = node.parent


@transaction.atomic
def organisation_create(*, actor: Any, **fields: Any) -> Organisation:
    """Register an organisation in a region the actor may write to."""
    org = Organisation()
    _apply(org, ORGANISATION_FIELDS, fields)
    if org.credit_code == "":
        org.credit_code = None
    org.full_clean()
    require_target(actor, org)
    org.save()
    return org


# What identifies and places an organisation: only the supervising authority changes these, never
# the organisation's own people (an enterprise cannot move itself out of its district's view).
ORGANISATION_IDENTITY_FIELDS = {  # field -> the attribute that holds its stored value
    "kind": "kind",
    "credit_code": "credit_code",
    "region": "region_id",
    "parent": "parent_id",
    "is_active": "is_active",
}


@transaction.atomic
def organisation_update(*, actor: Any, organisation: Organisation, **changes: Any) -> Organisation:
    """Change an organisation; the actor must reach it before and after (no moving it away).

    Enterprise managers may keep their own contact data; identity fields need a jurisdiction role.
    """
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    require(actor, org, CHANGE)
    attnames = ORGANISATION_IDENTITY_FIELDS
    before = {name: getattr(org, attname) for name, attname in attnames.items()}
    authority = allows_target(actor, org, jurisdiction_only=True)
    _apply(org, ORGANISATION_FIELDS, changes)
    if org.credit_code == "":
        org.credit_code = None
    changed = [name for name, attname in attnames.items() if getattr(org, attname) != before[name]]
    if changed and not authority:
        raise ValidationError({name: _("Only the supervising authority may change this.") for name in changed})
    _check_organisation_parent(org)
    org.full_clean()
    require_target(actor, org)
    org.save()
    return org


@transaction.atomic
def person_create(*, actor: Any, **fields: Any) -> Person:
    person = Person()
    _apply(person, PERSON_FIELDS, fields)
    person.full_clean()
    require_target(actor, person)
    person.save()
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, **changes: Any) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    require(actor, person, CHANGE)
    _apply(person, PERSON_FIELDS, changes)
    person.full_clean()
    require_target(actor, person)
    person.save()
    return person


@transaction.atomic
def role_assign(
    *, actor: Any, person: Person, role: str, organisation: Organisation, jurisdiction: Region | None = None
) -> RoleAssignment:
    """Give ``person`` a role in ``organisation`` reaching ``jurisdiction`` (default: the organisation's region).

    Only city administrators within their jurisdiction may grant roles, so nobody widens their own reach.
    """
    assignment = RoleAssignment(
        person=person, role=role, organisation=organisation, jurisdiction=jurisdiction or organisation.region
    )
    assignment.full_clean()
    require_target(actor, assignment)
    assignment.save()
    return assignment


def notifications_mark_read(*, user: Any) -> int:
    """Mark every unread notification of ``user`` as read (recorded in the audit trail, one entry per row)."""
    from django.utils import timezone

    from safecity.core.audit import recorded_update
    from safecity.core.models import Notification

    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    return recorded_update(unread, {"read_at": timezone.now()}, unread.update)
