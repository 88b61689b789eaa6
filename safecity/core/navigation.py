"""Navigation sections: each app registers its own; the shell shows those the user may open."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safecity.core.scoping import Principal


@dataclass(frozen=True)
class NavItem:
    title: str | Promise
    url_name: str
    visible: Callable[[Principal], bool] = lambda p: p.is_authenticated


@dataclass(frozen=True)
class NavSection:
    id: str
    title: str | Promise
    items: tuple[NavItem, ...] = field(default_factory=tuple)
    order: int = 100


_sections: dict[str, NavSection] = {}


def register_section(section: NavSection) -> None:
    """Add a section, or add items to the section of that id (several apps share one section)."""
    existing = _sections.get(section.id)
    if existing is not None:
        section = NavSection(
            id=section.id, title=existing.title, items=existing.items + section.items, order=min(existing.order, section.order)
        )
    _sections[section.id] = section


def sections_for(principal: Principal) -> list[dict[str, Any]]:
    result = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.id)):
        items = [item for item in section.items if item.visible(principal)]
        if items:
            result.append({"id": section.id, "title": section.title, "items": items})
    return result


def _is_admin(principal: Principal) -> bool:
    return principal.is_superuser or "city_admin" in principal.roles


def _sees_audit(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.region_paths) or bool(principal.organisation_ids)


register_section(
    NavSection(
        id="overview",
        title=_("Overview"),
        order=0,
        items=(NavItem(_("City cockpit"), "cockpit"),),
    )
)
register_section(
    NavSection(
        id="registry",
        title=_("Regions and organisations"),
        order=10,
        items=(
            NavItem(_("Region tree"), "core:region-list"),
            NavItem(_("Organisations"), "core:organisation-list"),
            NavItem(_("People"), "core:person-list"),
        ),
    )
)
register_section(
    NavSection(
        id="system",
        title=_("System"),
        order=1000,
        items=(
            NavItem(_("Audit trail"), "core:audit-list", _sees_audit),
            NavItem(_("API documentation"), "api-docs"),
            NavItem(_("Administration"), "admin:index", _is_admin),
        ),
    )
)
