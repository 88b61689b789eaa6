"""``safecity figures``: every cockpit indicator and panel as JSON, computed from the records.

The default output is one flat object: indicator ids to their values, and panel ids to the data
their charts draw (labels and values), exactly as the cockpit computes them. ``--user NAME`` gives
the figures as that user's cockpit shows them: the figures they may not see are left out and named
under ``no_access`` (the same rule as the cockpit and ``/api/cockpit/figures/``)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safecity.core.figures import FigureContext, as_json, indicator_values, indicators, no_access, panel_values, visible
from safecity.core.models import Region


class Command(BaseCommand):
    help = "Print every cockpit indicator and panel as JSON, keyed by its stable id (as the cockpit shows it)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--region", default=settings.SAFECITY_CITY_REGION_CODE, help="division code (default: the city)")
        parser.add_argument("--year", type=int, default=None, help="year (default: this year)")
        parser.add_argument("--verbose-json", action="store_true", help="include each indicator's title and unit")
        parser.add_argument("--user", default=None, help="username: the figures as this user may see them (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"No region with code {options['region']}.")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']}.")
        year = options["year"] or timezone.localdate().year
        ctx = FigureContext(region=region, year=year, user=user)
        all_values, all_panels = indicator_values(ctx), panel_values(ctx)
        values = visible(all_values)
        panel_data = {key: as_json(data) for key, data in visible(all_panels).items()}
        hidden = no_access(all_values, all_panels)
        if options["verbose_json"]:
            out: dict[str, Any] = {
                "region": region.code,
                "year": year,
                "indicators": {
                    ind.id: {"value": values[ind.id], "title": str(ind.title), "unit": str(ind.unit), "section": str(ind.section)}
                    for ind in indicators()
                    if ind.id in values
                },
                "panels": panel_data,
            }
            if user is not None:
                out["no_access"] = hidden
        else:
            out = {**values, **panel_data}
            if user is not None:
                out["no_access"] = hidden
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2, sort_keys=True, default=str))
