from __future__ import annotations

from django.urls import path

from safecity.cylinders import views

app_name = "cylinders"

urlpatterns = [
    path("", views.cylinder_list, name="list"),
    path("register/", views.register, name="register"),
    path("labels.pdf", views.labels, name="labels"),
    path("gate/", views.gate, name="gate"),
    path("gate/fill/", views.fill, name="fill"),
    path("attempts/", views.attempt_list, name="attempts"),
    path("inspection/", views.inspection, name="inspection"),
    # Public, no login: the page the QR code on every cylinder points to.
    path("c/<str:code>/", views.public, name="public"),
    path("cylinder/<str:code>/", views.cylinder_detail, name="detail"),
    path("cylinder/<str:code>/<slug:step>/", views.cylinder_step, name="step"),
]
