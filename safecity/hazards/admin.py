"""Admin for every dual-prevention model, scoped; lifecycle rows are read-only (services write them)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from safecity.core.admin import ScopedAdmin
from safecity.hazards.models import (
    CheckRecord,
    CheckTask,
    ControlMeasure,
    GovernancePlan,
    HazardEvidence,
    HazardReminder,
    HazardTransition,
    HiddenHazard,
    RiskEvent,
    RiskObject,
    RiskRegistry,
    RiskUnit,
)


class ReadOnlyAdmin(ScopedAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TimelineInline(admin.TabularInline):
    model = HazardTransition
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_state", "to_state", "actor_label", "at", "comment"]
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(HiddenHazard)
class HiddenHazardAdmin(ScopedAdmin):
    """State changes go through the lifecycle services (the UI and API); here the state is read-only."""

    list_display = ["code", "organisation", "level", "state", "hazard_type", "discovered_at", "deadline"]
    list_filter = ["level", "state", "hazard_type", "source"]
    search_fields = ["code", "description", "organisation__name"]
    raw_id_fields = [
        "organisation",
        "liable_person",
        "discovered_by",
        "risk_event",
        "check_record",
        "rectified_by",
        "accepted_by",
    ]
    readonly_fields = [
        "code",
        "state",
        "rectified_by",
        "acceptance_requested_at",
        "accepted_by",
        "accepted_at",
        "acceptance_comment",
    ]
    list_select_related = ["organisation"]
    inlines = [TimelineInline]


@admin.register(RiskRegistry, RiskObject, RiskUnit, ControlMeasure, GovernancePlan)
class RegistryAdmin(ScopedAdmin):
    raw_id_fields = ["organisation"]


@admin.register(RiskEvent)
class RiskEventAdmin(ScopedAdmin):
    list_display = ["name", "organisation", "method", "initial_level", "current_level"]
    list_filter = ["method", "current_level"]
    raw_id_fields = ["organisation", "unit"]


@admin.register(CheckTask)
class CheckTaskAdmin(ScopedAdmin):
    list_display = ["content", "organisation", "cycle", "cycle_unit", "next_due_at", "is_active"]
    raw_id_fields = ["organisation", "measure", "assignee"]


@admin.register(CheckRecord)
class CheckRecordAdmin(ScopedAdmin):
    list_display = ["task", "organisation", "due_at", "result", "checked_at"]
    list_filter = ["result"]
    raw_id_fields = ["organisation", "task", "checker"]


@admin.register(HazardEvidence, HazardTransition, HazardReminder)
class HazardRecordAdmin(ReadOnlyAdmin):
    pass
