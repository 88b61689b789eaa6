from __future__ import annotations

from django.contrib import admin

from safecity.deepchecks.models import Campaign, Expert, ExpertAffiliation, ExpertDocument, ExpertUnavailability, Specialty


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "order"]


class AffiliationInline(admin.TabularInline):
    model = ExpertAffiliation
    extra = 0
    raw_id_fields = ["organisation"]


class UnavailabilityInline(admin.TabularInline):
    model = ExpertUnavailability
    extra = 0


class DocumentInline(admin.TabularInline):
    model = ExpertDocument
    extra = 0


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["person", "level", "title", "region"]
    list_filter = ["level"]
    raw_id_fields = ["person"]
    filter_horizontal = ["specialties"]
    inlines = [AffiliationInline, UnavailabilityInline, DocumentInline]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "year", "status"]
