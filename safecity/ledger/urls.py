from __future__ import annotations

from django.urls import path

from safecity.ledger import views

app_name = "ledger"

urlpatterns = [
    path("", views.entry_list, name="entry-list"),
    path("entries/<int:index>/", views.entry_detail, name="entry-detail"),
    path("checkpoints/", views.checkpoint_list, name="checkpoint-list"),
    path("checkpoint", views.checkpoint_text, name="checkpoint-text"),
    path("keys/", views.key_list, name="key-list"),
    path("my-keys/", views.my_keys, name="my-keys"),
    path("my-keys/<int:pk>/rotate/", views.key_rotate, name="key-rotate"),
    path("my-keys/<int:pk>/register/", views.key_register, name="key-register"),
]
