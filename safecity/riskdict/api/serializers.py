"""Input and output serializers of the dictionary API (thin: shape only; services do the rest)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from safecity.riskdict.content import CheckItemData, EntryData, MeasureData
from safecity.riskdict.models import CheckItem, DictionaryVersion, RiskEntry, StandardMeasure
from safecity.riskdict.services import DictionaryDiff, EntryDiff, FieldChange, MeasureDiff


class DictionaryVersionSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    entry_count = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = DictionaryVersion
        fields = ["id", "version", "title", "status", "status_display", "published_at", "note", "entry_count", "created_at"]
        read_only_fields = fields


class CheckItemSerializer(serializers.ModelSerializer):
    cycle_unit_display = serializers.CharField(source="get_cycle_unit_display", read_only=True)

    class Meta:
        model = CheckItem
        fields = ["id", "content", "cycle", "cycle_unit", "cycle_unit_display", "basis", "order"]
        read_only_fields = fields


class StandardMeasureSerializer(serializers.ModelSerializer):
    measure_class_display = serializers.CharField(source="get_measure_class_display", read_only=True)
    subclass_display = serializers.CharField(source="get_subclass_display", read_only=True)
    check_items = CheckItemSerializer(many=True, read_only=True)

    class Meta:
        model = StandardMeasure
        fields = [
            "id", "measure_class", "measure_class_display", "subclass", "subclass_display", "content", "basis", "order",
            "check_items",
        ]  # fmt: skip
        read_only_fields = fields


class RiskEntrySerializer(serializers.ModelSerializer):
    version = serializers.CharField(source="version.version", read_only=True)
    category = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    is_enterprise_defined = serializers.BooleanField(read_only=True)
    measures = StandardMeasureSerializer(many=True, read_only=True)

    class Meta:
        model = RiskEntry
        fields = [
            "id", "version", "code", "name", "category", "category_name", "accident_types", "risk_points",
            "is_enterprise_defined", "measures",
        ]  # fmt: skip
        read_only_fields = fields


class DictionaryImportSerializer(serializers.Serializer):
    """Input of the import: the .xlsx file (multipart) and the new version's details."""

    file = serializers.FileField()
    version = serializers.CharField(max_length=20)
    title = serializers.CharField(max_length=200)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


# --- the diff, as plain JSON --------------------------------------------------------------------


def _change(change: FieldChange) -> dict[str, Any]:
    return {"field": change.field, "before": change.before, "after": change.after}


def _check_item(item: CheckItemData) -> dict[str, Any]:
    return {"content": item.content, "cycle": item.cycle, "cycle_unit": item.cycle_unit, "basis": item.basis}


def _measure(measure: MeasureData) -> dict[str, Any]:
    return {
        "measure_class": measure.measure_class,
        "subclass": measure.subclass,
        "content": measure.content,
        "basis": measure.basis,
        "check_items": [_check_item(c) for c in measure.check_items],
    }


def _entry(entry: EntryData) -> dict[str, Any]:
    return {
        "code": entry.code,
        "name": entry.name,
        "category": entry.category_code,
        "category_name": entry.category_name,
        "accident_types": entry.accident_types,
        "risk_points": entry.risk_points,
        "measures": [_measure(m) for m in entry.measures],
    }


def _measure_diff(diff: MeasureDiff) -> dict[str, Any]:
    return {
        "measure_class": diff.new.measure_class,
        "subclass": diff.new.subclass,
        "content": diff.new.content,
        "changes": [_change(c) for c in diff.changes],
        "check_items_added": [_check_item(c) for c in diff.check_items_added],
        "check_items_removed": [_check_item(c) for c in diff.check_items_removed],
        "check_items_changed": [
            {"content": c.content, "changes": [_change(x) for x in c.changes]} for c in diff.check_items_changed
        ],
    }


def _entry_diff(diff: EntryDiff) -> dict[str, Any]:
    return {
        "code": diff.code,
        "name": diff.new.name,
        "changes": [_change(c) for c in diff.changes],
        "measures_added": [_measure(m) for m in diff.measures_added],
        "measures_removed": [_measure(m) for m in diff.measures_removed],
        "measures_changed": [_measure_diff(m) for m in diff.measures_changed],
    }


def diff_payload(diff: DictionaryDiff) -> dict[str, Any]:
    """The diff as JSON: entries added, removed and changed (measure by measure, check item by check item)."""
    return {
        "old": diff.old.version,
        "new": diff.new.version,
        "added": [_entry(e) for e in diff.added],
        "removed": [_entry(e) for e in diff.removed],
        "changed": [_entry_diff(e) for e in diff.changed],
        "unchanged_count": diff.unchanged_count,
    }
