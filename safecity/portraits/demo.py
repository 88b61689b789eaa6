"""Demo step: health portraits of 2023 and of the current year for every enterprise with a risk registry.

Runs after the deep checks (order 20), so their root causes place hazards in their dimensions.
"""

from __future__ import annotations

import random
from typing import Any

from django.utils import timezone

from safecity.core.demo import register_step
from safecity.core.models import Organisation
from safecity.portraits.services import portraits_rescore


@register_step("portraits.scores", order=30)
def build(rng: random.Random, admin: Any) -> None:
    organisations = list(Organisation.objects.filter(risk_registry__isnull=False).values_list("pk", flat=True))
    if not organisations:
        return
    for year in sorted({2023, timezone.localdate().year}):
        portraits_rescore(year=year, organisations=organisations)
