"""``safecity figures``: every cockpit indicator as JSON, computed from the records."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safecity.core.figures import FigureContext, compute_indicators, indicators
from safecity.core.models import Region


class Command(BaseCommand):
    help = "Print every cockpit indicator as JSON, keyed by its stable id (as the cockpit shows it)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--region", default=settings.SAFECITY_CITY_REGION_CODE, help="division code (default: the city)")
        parser.add_argument("--year", type=int, default=None, help="year (default: this year)")
        parser.add_argument("--verbose-json", action="store_true", help="include each indicator's title and unit")

    def handle(self, *args: Any, **options: Any) -> None:
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"No region with code {options['region']}.")
        year = options["year"] or timezone.localdate().year
        values = compute_indicators(FigureContext(region=region, year=year, user=None))
        if options["verbose_json"]:
            out: dict[str, Any] = {
                "region": region.code,
                "year": year,
                "indicators": {
                    ind.id: {"value": values[ind.id], "title": str(ind.title), "unit": str(ind.unit), "section": str(ind.section)}
                    for ind in indicators()
                },
            }
        else:
            out = values
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2, sort_keys=True, default=str))
