from __future__ import annotations

from django.urls import path

from safecity.telemetry import views

app_name = "telemetry"

urlpatterns = [
    path("", views.index, name="index"),
    path("alarms/", views.alarm_list, name="alarm-list"),
    path("alarms/<id:pk>/", views.alarm_detail, name="alarm-detail"),
    path("alarms/<id:pk>/acknowledge/", views.alarm_acknowledge, name="alarm-acknowledge"),
    path("silences/", views.silence_list, name="silence-list"),
    path("silences/new/", views.silence_create, name="silence-create"),
    path("silences/<id:pk>/end/", views.silence_end, name="silence-end"),
    path("devices/", views.device_list, name="device-list"),
    path("devices/new/", views.device_register, name="device-register"),
    path("devices/<id:pk>/", views.device_detail, name="device-detail"),
    path("devices/<id:pk>/rotate/", views.device_rotate, name="device-rotate"),
    path("devices/<id:pk>/revoke/", views.device_revoke, name="device-revoke"),
    path("devices/<id:pk>/reinstate/", views.device_reinstate, name="device-reinstate"),
    path("rule-sets/", views.rule_set_list, name="rule-set-list"),
    path("rule-sets/<id:pk>/", views.rule_set_detail, name="rule-set-detail"),
    path("refused/", views.counter_list, name="counter-list"),
    path("lookup/devices/", views.device_lookup, name="lookup-devices"),
]
