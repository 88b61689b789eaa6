from __future__ import annotations

from django.contrib import admin

from safecity.firecases import models as m


class ReadOnlyTimeline(admin.TabularInline):
    model = m.CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_state", "to_state", "actor_label", "at", "comment"]


@admin.register(m.Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["number", "lead", "state", "urgent", "filed_at"]
    list_filter = ["state", "urgent", "year"]
    search_fields = ["number", "title", "lead__organisation__name"]
    readonly_fields = ["state"]  # moves only through the services
    inlines = [ReadOnlyTimeline]


class ParticipantInline(admin.TabularInline):
    model = m.HearingParticipant
    extra = 0


@admin.register(m.Hearing)
class HearingAdmin(admin.ModelAdmin):
    list_display = ["case", "scheduled_at", "notice_sent_at", "held_at"]
    inlines = [ParticipantInline]


@admin.register(m.SuggestionLetter)
class LetterAdmin(admin.ModelAdmin):
    list_display = ["number", "case", "addressee", "issued_on", "delivered_on", "reply_due"]
    search_fields = ["number"]


class PersonInline(admin.TabularInline):
    model = m.ProsecutedPerson
    extra = 0


@admin.register(m.Prosecution)
class ProsecutionAdmin(admin.ModelAdmin):
    list_display = ["case", "filed_on", "court"]
    inlines = [PersonInline]


for model, fields in [
    (m.FireInspection, ["organisation", "fire_brigade", "inspected_on", "result"]),
    (m.MajorFireHazardUnit, ["organisation", "method", "determined_on"]),
    (m.Lead, ["organisation", "fire_brigade", "status", "referred_at"]),
    (m.CaseEvidence, ["case", "title", "collected_on"]),
    (m.Reply, ["letter", "received_on", "late", "assessment"]),
    (m.FollowUpReview, ["case", "reviewed_on", "outcome"]),
    (m.Decision, ["case", "kind", "decided_on", "notify_due", "notified_on", "notified_late"]),
    (m.CaseReminder, ["case", "kind", "recipient", "sent_at"]),
    (m.CaseEvent, ["case", "action", "to_state", "at"]),
    (m.HearingParticipant, ["hearing", "name", "capacity"]),
    (m.ProsecutedPerson, ["prosecution", "name"]),
]:
    admin.site.register(model, type(f"{model.__name__}Admin", (admin.ModelAdmin,), {"list_display": fields}))
