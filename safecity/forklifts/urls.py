from __future__ import annotations

app_name = "forklifts"
urlpatterns: list = []
