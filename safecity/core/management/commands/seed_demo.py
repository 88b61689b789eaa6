"""``safecity seed-demo``: load the demo city (Changzhou) from the seeded generator."""

from __future__ import annotations

import random
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from safecity.core.demo import DEMO_PASSWORD, steps
from safecity.core.models import Region


class Command(BaseCommand):
    help = "Load the demo city: Changzhou's regions, organisations, people and every sub-system's records."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=None, help="random seed (default: SAFECITY_DEMO_SEED)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the demo is already loaded")
        parser.add_argument(
            "--steps",
            default="",
            help="only these steps, comma-separated (e.g. core.city); each needs the steps it builds on",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        seed = options["seed"] if options["seed"] is not None else settings.SAFECITY_DEMO_SEED
        if Region.objects.filter(code="320400").exists():
            if options["if_empty"]:
                self.stdout.write("The demo city is already loaded.")
                return
            raise CommandError("The database already holds the demo city (or a city 320400): use an empty database.")
        autodiscover_modules("demo")
        chosen = [name.strip() for name in (options.get("steps") or "").split(",") if name.strip()]
        known = [step.name for step in steps()]
        unknown = sorted(set(chosen) - set(known))
        if unknown:
            raise CommandError(f"No such demo step: {', '.join(unknown)}. The steps: {', '.join(known)}.")
        User = get_user_model()
        with transaction.atomic():
            admin = User.objects.create_superuser(username="admin", password=DEMO_PASSWORD, email="")
            for step in steps():
                if chosen and step.name not in chosen:
                    continue
                started = time.monotonic()
                self.stdout.write(f"  {step.name} ...", ending="")
                self.stdout.flush()
                step.run(random.Random(f"{seed}:{step.name}"), admin)
                self.stdout.write(f" {time.monotonic() - started:.1f}s")
        # Seal the demo's audit trail into the chain now (the worker seals every 5 minutes), so
        # `safecity audit verify` checks every entry of a fresh demo, also one served without a worker.
        from django.utils import timezone

        from safecity.core.audit_chain import audit_seal_all

        sealed = audit_seal_all(cutoff=timezone.now())
        self.stdout.write(f"  audit trail sealed: {sum(s.count for s in sealed):,} entries in {len(sealed)} segments")
        self.stdout.write(self.style.SUCCESS(f"Demo city loaded (seed {seed})."))
