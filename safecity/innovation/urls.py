from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "innovation"

urlpatterns: list[URLPattern | URLResolver] = []
