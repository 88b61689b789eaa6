from __future__ import annotations

from django.contrib import admin

from safecity.library.models import LibraryEntry


@admin.register(LibraryEntry)
class LibraryEntryAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "code", "issuing_body", "effective_on"]
    list_filter = ["kind"]
    search_fields = ["title", "code", "summary"]
