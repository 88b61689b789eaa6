from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForkliftsConfig(AppConfig):
    name = "safecity.forklifts"
    label = "forklifts"
    verbose_name = _("Forklift safety platform")

    def ready(self) -> None:
        # Every model of the app is an AuditedModel (core registers those with the trail); the
        # timeline rows and reminder claims are audited too, so no write of the app escapes it.
        from safecity.core import audit, labels
        from safecity.forklifts.choices import (
            CertificateStatus,
            EventKind,
            InspectionStatus,
            RegistrationStatus,
            ReminderKind,
            StartProblem,
        )
        from safecity.forklifts.models import ForkliftEvent, ForkliftReminder

        audit.register(ForkliftEvent)
        audit.register(ForkliftReminder)
        # Codes shown outside a model field: the start-up check's problems and the reminders' kinds.
        labels.register("forklifts.start_problem", StartProblem)
        labels.register("forklifts.reminder", ReminderKind)
        labels.register("forklifts.event", EventKind)
        labels.register("forklifts.inspection", InspectionStatus)
        labels.register("forklifts.registration", RegistrationStatus)
        labels.register("forklifts.certificate", CertificateStatus)

        # The driver reported at start-up, checked on the telemetry ingest (telemetry_hooks).
        from safecity.forklifts.telemetry_hooks import RULE_ID, driver_start_events
        from safecity.telemetry.hooks import register_driver_hook

        register_driver_hook(driver_start_events)
        from safecity.forklifts.demo_telemetry import sites
        from safecity.telemetry.hooks import register_site_provider

        register_site_provider(sites)
        from safecity.forklifts.services.registry import forklift_device_fit
        from safecity.telemetry.hooks import register_mount_hook

        register_mount_hook(
            "forklifts.forklift", lambda actor, truck, device: forklift_device_fit(actor=actor, forklift=truck, device=device)
        )
        labels.register("telemetry.rule", {RULE_ID: _("Start-up check (driver and truck)")})
