"""Demo step: the library's local regulations, standards and named work methods.

Runs early (order 7: after the city, before the sub-systems), so every later step may cite an
entry by its title: the innovation step links the projects that produced them and the hidden
hazards and key projects citing them. Deterministic: the same entries, in the same order, through
the library service (audited as the committee office).
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model

from safecity.core.demo import register_step
from safecity.library import services
from safecity.library.demo_data import LIBRARY, METHODS_EFFECTIVE


@register_step("library.entries", order=7)
def build(rng: random.Random, admin: Any) -> None:
    committee = get_user_model().objects.get(username="city.admin")
    for kind, title, body, summary in LIBRARY:
        services.library_entry_create(
            actor=committee,
            kind=kind,
            title=title,
            issuing_body=body,
            summary=summary,
            effective_on=date(*METHODS_EFFECTIVE) if kind == "work_method" else None,
        )
