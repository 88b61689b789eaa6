"""Demo step: the starter dictionary, published as version "2023.1"."""

from __future__ import annotations

import random
from typing import Any

from safecity.core.demo import register_step
from safecity.riskdict.data.starter import STARTER_VERSION
from safecity.riskdict.models import DictionaryVersion
from safecity.riskdict.services import dictionary_load_starter


@register_step("riskdict.starter", order=5)
def load_starter(rng: random.Random, admin: Any) -> None:
    if not DictionaryVersion.objects.filter(version=STARTER_VERSION).exists():
        dictionary_load_starter(actor=admin)
