"""``safecity figures``: every cockpit indicator and panel as JSON, computed from the records.

The default output is one flat object: indicator ids to their values, and panel ids to the data
their charts draw (labels and values), exactly as the cockpit computes them."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safecity.core.figures import FigureContext, compute_indicators, compute_panels, indicators
from safecity.core.models import Region


class Command(BaseCommand):
    help = "Print every cockpit indicator and panel as JSON, keyed by its stable id (as the cockpit shows it)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--region", default=settings.SAFECITY_CITY_REGION_CODE, help="division code (default: the city)")
        parser.add_argument("--year", type=int, default=None, help="year (default: this year)")
        parser.add_argument("--verbose-json", action="store_true", help="include each indicator's title and unit")

    def handle(self, *args: Any, **options: Any) -> None:
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"No region with code {options['region']}.")
        year = options["year"] or timezone.localdate().year
        ctx = FigureContext(region=region, year=year, user=None)
        values = compute_indicators(ctx)
        panel_data = compute_panels(ctx)
        if options["verbose_json"]:
            out: dict[str, Any] = {
                "region": region.code,
                "year": year,
                "indicators": {
                    ind.id: {"value": values[ind.id], "title": str(ind.title), "unit": str(ind.unit), "section": str(ind.section)}
                    for ind in indicators()
                },
                "panels": panel_data,
            }
        else:
            out = {**values, **panel_data}
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2, sort_keys=True, default=str))
