"""Django admin for the dictionary: scoped like the UI; content is read-only here.

A dictionary's content enters only through the validated import (or the starter loader) and is
frozen once published, so the admin browses categories, entries, measures and check items without
changing them; a version's title and note, and deleting a draft, go through the services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from safecity.core.admin import ScopedAdmin
from safecity.riskdict import services
from safecity.riskdict.models import CheckItem, DictionaryVersion, ManagementCategory, RiskEntry, StandardMeasure
from safecity.riskdict.permissions import can_edit_dictionary


class ReadOnlyContentAdmin(ScopedAdmin):
    """Browse the content of any version; changes come from importing a new version."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DictionaryVersion)
class DictionaryVersionAdmin(ScopedAdmin):
    list_display = ["version", "title", "status", "published_at", "created_at"]
    list_filter = ["status"]
    search_fields = ["version", "title"]
    fields = ["version", "title", "status", "published_at", "published_by", "note"]
    readonly_fields = ["version", "status", "published_at", "published_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a version is created by importing a file (or loading the starter)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The core's row check grants nothing on region-less reference data; ask the dictionary's rule.
        return super(ScopedAdmin, self).has_change_permission(request, obj) and can_edit_dictionary(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super(ScopedAdmin, self).has_delete_permission(request, obj) and can_edit_dictionary(request.user, obj)
        return allowed and (obj is None or not obj.is_published)

    def save_model(self, request: HttpRequest, obj: DictionaryVersion, form: Any, change: bool) -> None:
        services.dictionary_update(actor=request.user, version=obj, title=obj.title, note=obj.note)

    def delete_model(self, request: HttpRequest, obj: DictionaryVersion) -> None:
        services.dictionary_delete(actor=request.user, version=obj)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        # The draft's content goes with it through dictionary_delete, which checks the actor; the
        # content admins are read-only, which must not block that cascade.
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            services.dictionary_delete(actor=request.user, version=obj)


@admin.register(ManagementCategory)
class ManagementCategoryAdmin(ReadOnlyContentAdmin):
    list_display = ["code", "name", "version"]
    list_filter = ["version"]
    search_fields = ["code", "name"]
    list_select_related = ["version"]


@admin.register(RiskEntry)
class RiskEntryAdmin(ReadOnlyContentAdmin):
    list_display = ["code", "name", "category", "accident_types", "version"]
    list_filter = ["version"]
    search_fields = ["code", "name", "accident_types", "risk_points"]
    list_select_related = ["version", "category"]


@admin.register(StandardMeasure)
class StandardMeasureAdmin(ReadOnlyContentAdmin):
    list_display = ["content", "measure_class", "subclass", "basis", "entry"]
    list_filter = ["measure_class", "subclass", "entry__version"]
    search_fields = ["content", "basis", "entry__code"]
    list_select_related = ["entry"]


@admin.register(CheckItem)
class CheckItemAdmin(ReadOnlyContentAdmin):
    list_display = ["content", "cycle", "cycle_unit", "basis", "measure"]
    list_filter = ["cycle_unit", "measure__entry__version"]
    search_fields = ["content", "basis"]
    list_select_related = ["measure"]
