from __future__ import annotations

from django.urls import path

from safecity.innovation import views
from safecity.library.moved import ui_patterns as library_moved

app_name = "innovation"

urlpatterns = [
    path("", views.round_list, name="round-list"),
    path("rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path("rounds/<int:pk>/submit/", views.entry_new, name="entry-new"),
    path("rounds/<int:pk>/score/", views.score_sheet, name="score-sheet"),
    path("rounds/<int:pk>/ranking/", views.ranking_page, name="ranking"),
    path("rounds/<int:pk>/<slug:step>/", views.round_step, name="round-step"),
    path("entries/<int:pk>/", views.entry_detail, name="entry-detail"),
    path("entries/<int:pk>/<slug:step>/", views.entry_step, name="entry-step"),
    path("materials/<int:pk>/", views.material_download, name="material"),
    path("published/", views.published, name="published"),
    # The library moved to its own app (/library/): its former addresses redirect permanently.
    *library_moved,
]
