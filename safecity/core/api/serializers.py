"""Input and output serializers for the core API (thin: validation of shape, services do the rest)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from safecity.core.api.fields import IdRelatedField
from safecity.core.choices import OrganisationKind, Role
from safecity.core.models import AuditEntry, Organisation, Person, Region, RoleAssignment
from safecity.core.scoping import scoped


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", queryset=Region.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent", "path", "depth", "note"]
        read_only_fields = ["id", "path", "depth"]
        # Uniqueness is checked by the service's full_clean, with the same message as the UI.
        extra_kwargs: dict[str, dict[str, object]] = {"code": {"validators": []}}


class RegionBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "level"]


class OrganisationSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    region_name = serializers.CharField(source="region.name", read_only=True)
    kind = serializers.ChoiceField(choices=OrganisationKind.choices)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    parent = IdRelatedField(  # type: ignore[assignment]
        queryset=Organisation.objects.all(), allow_null=True, required=False
    )
    credit_code = serializers.CharField(allow_blank=True, allow_null=True, required=False, max_length=18)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # A parent outside the caller's reach does not exist for them (as in the UI form).
            self.fields["parent"].queryset = scoped(Organisation, request.user)  # type: ignore[attr-defined]

    class Meta:
        model = Organisation
        fields = [
            "id", "name", "short_name", "kind", "kind_display", "credit_code", "region", "region_name", "parent",
            "industry_code", "address", "latitude", "longitude", "contact_phone", "is_active", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]
        validators: list[object] = []


class PersonSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Person
        fields = ["id", "name", "organisation", "organisation_name", "title", "phone", "email", "is_active", "username"]
        read_only_fields = ["id"]


class RoleAssignmentSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=Role.choices)
    jurisdiction: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = RoleAssignment
        fields = ["id", "person", "role", "organisation", "jurisdiction", "valid_from", "valid_until"]


class AuditEntrySerializer(serializers.ModelSerializer):
    """An audit entry as the caller may see it: values of secret or restricted fields withheld
    (named in ``hidden_fields``)."""

    model = serializers.SerializerMethodField()
    before = serializers.SerializerMethodField()
    after = serializers.SerializerMethodField()
    hidden_fields = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = [
            "id", "time", "actor_label", "source", "request_id", "action", "model", "object_id", "object_repr",
            "before", "after", "changed_fields", "hidden_fields",
        ]  # fmt: skip

    def _shown(self, obj: AuditEntry) -> Any:
        values = self.context.get("audit_values")
        if values is None:
            from safecity.core.audit_scope import ValueFilter
            from safecity.core.scoping import principal_for

            request = self.context.get("request")
            values = self.context["audit_values"] = ValueFilter(principal_for(getattr(request, "user", None)))
        return values.shown(obj)

    def get_model(self, obj: AuditEntry) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"

    def get_before(self, obj: AuditEntry) -> dict[str, Any] | None:
        return self._shown(obj).before

    def get_after(self, obj: AuditEntry) -> dict[str, Any] | None:
        return self._shown(obj).after

    def get_hidden_fields(self, obj: AuditEntry) -> list[str]:
        return list(self._shown(obj).hidden)
