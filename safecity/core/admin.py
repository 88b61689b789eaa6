"""Django admin for every core model, scoped like the rest of the UI and writing through services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from safecity.core import services
from safecity.core.models import AuditEntry, CalendarDay, Organisation, Person, Region, RoleAssignment
from safecity.core.scoping import CHANGE, can, scoped


class ScopedAdmin(admin.ModelAdmin):
    """Shows only what the user may see, and lets them change only what they may change."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return scoped(super().get_queryset(request), request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can(request.user, obj, CHANGE))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can(request.user, obj, CHANGE))


def _fields(form: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ["code", "name", "level", "parent", "depth"]
    list_filter = ["level", "depth"]
    search_fields = ["code", "name"]
    readonly_fields = ["path", "depth"]
    raw_id_fields = ["parent"]

    def save_model(self, request: HttpRequest, obj: Region, form: Any, change: bool) -> None:
        data = _fields(form, services.REGION_FIELDS)
        if change:
            saved = services.region_update(actor=request.user, region=obj, **data)
        else:
            saved = services.region_create(actor=request.user, **data)
        obj.pk, obj.path, obj.depth = saved.pk, saved.path, saved.depth


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    list_display = ["name", "kind", "credit_code", "region", "industry_code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "credit_code"]
    raw_id_fields = ["region", "parent"]
    list_select_related = ["region"]

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        data = _fields(form, services.ORGANISATION_FIELDS)
        if change:
            saved = services.organisation_update(actor=request.user, organisation=obj, **data)
        else:
            saved = services.organisation_create(actor=request.user, **data)
        obj.pk = saved.pk


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["organisation", "jurisdiction"]


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    list_display = ["name", "organisation", "title", "user", "is_active"]
    search_fields = ["name", "title", "user__username"]
    raw_id_fields = ["organisation", "user"]
    list_select_related = ["organisation", "user"]
    inlines = [RoleAssignmentInline]

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        data = _fields(form, services.PERSON_FIELDS)
        if change:
            saved = services.person_update(actor=request.user, person=obj, **data)
        else:
            saved = services.person_create(actor=request.user, **data)
        obj.pk = saved.pk


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin):
    list_display = ["person", "role", "organisation", "jurisdiction", "valid_from", "valid_until"]
    list_filter = ["role"]
    raw_id_fields = ["person", "organisation", "jurisdiction"]
    list_select_related = ["person", "organisation", "jurisdiction"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdmin):
    """Read-only: the trail is append-only."""

    list_display = ["time", "actor_label", "source", "action", "content_type", "object_repr", "request_id"]
    list_filter = ["action", "source", "content_type"]
    search_fields = ["object_repr", "actor_label", "request_id", "object_id"]
    list_select_related = ["content_type"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Each record's own scope rule, as in the audit list (core.audit_scope).
        from safecity.core.audit_scope import scope_entries
        from safecity.core.scoping import principal_for

        return scope_entries(admin.ModelAdmin.get_queryset(self, request), principal_for(request.user))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(ScopedAdmin):
    """The public holidays and adjusted working days entered over the notices shipped with the
    platform (``safecity.core.calendar``): a new year's notice, a local adjustment. Audited."""

    list_display = ["day", "kind", "name", "source"]
    list_filter = ["kind"]
    search_fields = ["name", "source"]
    date_hierarchy = "day"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and _is_city_admin(request)


def _is_city_admin(request: HttpRequest) -> bool:
    from safecity.core.scoping import principal_for

    principal = principal_for(request.user)
    return principal.is_superuser or "city_admin" in principal.roles
